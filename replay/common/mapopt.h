/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `--map FILE` in every tool (docs/REGISTER-MAP.md §1): the map loaded before
 * anything is sent or written; a bad map is one stderr line
 * "TOOL: FILE:LINE: what is wrong" and the tool's usage exit code.
 */
#ifndef MCP_MAPOPT_H
#define MCP_MAPOPT_H

#include "exitcode.h"
#include "mcp/regmap.h"

/* The exit code of a bad --map: bad input found before the work. */
#define MCP_MAPOPT_EXIT MCP_EXIT_USAGE

/*
 * Loads path into *out. Returns 0; or prints "tool: FILE:LINE: what is wrong"
 * on stderr, sets *out to NULL and returns MCP_MAPOPT_EXIT.
 */
int mcp_mapopt_load(const char *tool, const char *path, struct mcp_regmap **out);

/*
 * The item called name in the map for device (0..254). NULL with a message
 * in err naming what exists instead: "no item 'x' for device 3 (its items:
 * a, b, c ...)" or "device 3 has no items in the map".
 */
const struct mcp_reg_item *mcp_mapopt_item(const struct mcp_regmap *map, unsigned device,
                                           const char *name, char *err, size_t errlen);

#endif

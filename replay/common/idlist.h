/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device id lists of the tools' --devices option (mcpgen, mcpsim): "1-4,7" names ids 1, 2, 3,
 * 4 and 7 (MCP device ids, docs/PROTOCOL.md §2: 0..254; 255 is the broadcast id).
 */
#ifndef MCP_IDLIST_H
#define MCP_IDLIST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parses a comma-separated list of ids and ranges LO-HI (LO <= HI), every id within
 * min_id..max_id (max_id <= 254), decimal. Sets present[id] for each id named (the other
 * entries become false). Returns false for an empty list or entry, a bad number, a reversed
 * range or an id out of bounds.
 */
bool mcp_parse_id_list(const char *text, unsigned min_id, unsigned max_id, bool present[256]);

/*
 * Writes the ids set in present[0..254] as the shortest such list ("1-4,7"; "" for none) into
 * out (capacity out_len, at least 1; cut when too short). mcp_parse_id_list reads it back.
 */
void mcp_format_id_list(const bool present[256], char *out, size_t out_len);

#endif

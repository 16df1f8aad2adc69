/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register maps in the dissector (docs/REGISTER-MAP.md §3): the preference
 * mcp5a.register_map, one run-time field mcp5a.reg.NAME per item name, and the
 * named values of READ responses and WRITE requests.
 */
#ifndef MCP5A_REGMAP_H
#define MCP5A_REGMAP_H

#include "mcp5a.h"

#include "mcp/regmap.h"

/* regmap_fields.c: the static items (subtree, expert info), once at start. */
void mcp5a_regmap_register(void);

/*
 * (Re)loads the map named by the preference when the name or the file
 * (size, modification time) changed: deregisters the previous map's fields,
 * registers the new one's. A map with an error is reported once
 * (report_failure: the GUI's dialog, tshark's stderr) as FILE:LINE and the
 * dissector goes on without a map.
 */
void mcp5a_regmap_apply(const char *path);

/* The map in force, or NULL. */
const struct mcp_regmap *mcp5a_regmap(void);

/* The hf of field i of the map in force (mcp_reg_item.field), and of its
 * labelled bit j (mcp_reg_field.bits[j]). */
int mcp5a_regmap_hf(unsigned field);
int mcp5a_regmap_bit_hf(unsigned field, size_t bit);
extern int ett_mcp5a_reg_bits;
extern expert_field ei_mcp5a_reg_partial;

/* regmap_tree.c: the items of a READ response (status OK) or a WRITE
 * request under the payload tree pt (NULL: only the expert infos). */
void mcp5a_regmap_add_items(proto_tree *pt, tvbuff_t *tvb, packet_info *pinfo,
                            const struct mcp_pdu *pdu);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload subtree: every field of the command's layout (§2). */
#ifndef MCP5A_PAYLOAD_TREE_H
#define MCP5A_PAYLOAD_TREE_H

#include "mcp5a.h"

/*
 * Adds mcp5a.payload (when length > 0) with one item per field the library
 * found, registers listed one mcp5a.value each with its address, plus the
 * expert infos the payload calls for (malformed, error status, NAK).
 * avail: payload bytes captured; cut: the snaplen cut the frame.
 */
void mcp5a_add_payload(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, guint length,
                       guint avail, const struct mcp_pdu *pdu, gboolean cut);

#endif

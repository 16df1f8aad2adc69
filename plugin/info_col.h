/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Info column: one readable summary per frame, joined per packet. */
#ifndef MCP5A_INFO_COL_H
#define MCP5A_INFO_COL_H

#include "analysis.h"

/* What a frame's summary is made of. */
struct mcp5a_summary {
    guint8 seq;
    guint8 cmd;
    const char *cmd_name; /* mcp_name_of(mcp_cmd_names, cmd): NULL if unknown */
    const struct mcp_pdu *pdu;
    const struct mcp5a_result *result; /* NULL: no analysis */
    gboolean crc_bad;
    gboolean cut;
};

/* Room for the longest summary: four prefixes, a command name, a status or
 * event/NAK name and six numbers. */
#define MCP5A_SUMMARY_SIZE 192

/* e.g. "[GAP: 2 missing] READ dev=3 addr=0x0010 n=4 seq=17", written to buf
 * (size bytes, NUL-terminated, cut if it does not fit); returns buf. */
const char *mcp5a_info_summary(char *buf, size_t size, const struct mcp5a_summary *s);

#endif

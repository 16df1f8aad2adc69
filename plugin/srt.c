/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Service Response Time per command (docs/PROTOCOL.md §4, §6):
 * tshark -z mcp5a,srt and Statistics › Service Response Time › MCP5A. One
 * table, one row per request command (the row index is the command code, so
 * the GUI's "Apply as filter" builds mcp5a.cmd==N); each matched response
 * adds its response time to its request's row. Duplicates (§3) are skipped
 * so a frame sent twice is counted once.
 *
 * API note (4.0 → 4.6): register_srt_table, init_srt_table,
 * init_srt_table_row and add_srt_table_data keep their shape; only the
 * spelled types change (guint/gpointer → unsigned/void *), and the packet
 * callback is a tap_packet_cb ending in tap_flags_t in all three.
 */
#include "mcp5a.h"

#include <epan/srt_table.h>
#include <epan/tap.h>

#include "analysis.h"

#define SRT_ROWS 128 /* request commands: bit 7 clear */

static void srt_init(struct register_srt *srt _U_, GArray *srt_array)
{
    srt_stat_table *table = init_srt_table("MCP5A Service Response Time", NULL, srt_array, SRT_ROWS,
                                           "Command", "mcp5a.cmd", NULL);
    for (int i = 0; i < SRT_ROWS; i++) {
        const char *name = mcp_name_of(mcp_cmd_names, (guint8)i);
        char unknown[24];
        if (name == NULL) {
            snprintf(unknown, sizeof unknown, "Unknown (0x%02x)", i);
            name = unknown;
        }
        init_srt_table_row(table, i, name); /* copies the name */
    }
}

static tap_packet_status srt_packet(void *pss, packet_info *pinfo, epan_dissect_t *edt _U_,
                                    const void *data, tap_flags_t flags _U_)
{
    const struct mcp5a_tap_info *in = data; /* first member of the tap record */
    if (!in->answered || in->verdict == MCP5A_VERDICT_DUPLICATE)
        return TAP_PACKET_DONT_REDRAW;
    srt_data_t *d = pss;
    srt_stat_table *table = g_array_index(d->srt_array, srt_stat_table *, 0);
    nstime_t request_time;
    nstime_delta(&request_time, &pinfo->abs_ts, &in->response_time);
    add_srt_table_data(table, in->cmd & 0x7f, &request_time, pinfo);
    return TAP_PACKET_REDRAW;
}

void mcp5a_register_srt(void)
{
    register_srt_table(proto_mcp5a, NULL, 1, srt_packet, srt_init, NULL);
}

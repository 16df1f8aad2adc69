/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mcp5a tap and its stats tree (tshark -q -z mcp5a,tree; Statistics ›
 * MCP5A in the GUI): frames by command, responses by status, CRC errors,
 * sequence verdicts, junk bytes, frames per sender.
 */
#include "mcp5a.h"

#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "analysis.h"

static int mcp5a_tap = -1;

/* What the stats tree and the SRT table (srt.c) see: the frame's facts
 * (first member) plus its sender's name. */
struct tap_record {
    struct mcp5a_tap_info info;
    const char *sender;
};

void mcp5a_register_tap(void)
{
    mcp5a_tap = register_tap("mcp5a");
}

static const char *sender_name(packet_info *pinfo, enum mcp5a_link link)
{
    if (link == MCP5A_LINK_SERIAL)
        return pinfo->p2p_dir == P2P_DIR_RECV ? "serial:1" : "serial:0";
    return wmem_strdup_printf(pinfo->pool, "%s:%u>%s:%u", address_to_str(pinfo->pool, &pinfo->src),
                              pinfo->srcport, address_to_str(pinfo->pool, &pinfo->dst),
                              pinfo->destport);
}

void mcp5a_tap_queue(packet_info *pinfo, const struct mcp5a_tap_info *info)
{
    if (!have_tap_listener(mcp5a_tap))
        return; /* the sender's name costs a string per frame: only when someone listens */
    struct tap_record *rec = wmem_new(pinfo->pool, struct tap_record);
    rec->info = *info;
    rec->sender = info->is_junk ? NULL : sender_name(pinfo, info->link);
    tap_queue_packet(mcp5a_tap, pinfo, rec);
}

static const char *const verdict_names[MCP5A_VERDICT_COUNT] = {
    [MCP5A_VERDICT_NONE] = "none (first frame or SYNC)",
    [MCP5A_VERDICT_IN_ORDER] = "in order",
    [MCP5A_VERDICT_DUPLICATE] = "duplicate",
    [MCP5A_VERDICT_GAP] = "gap",
    [MCP5A_VERDICT_OUT_OF_ORDER] = "out of order",
    [MCP5A_VERDICT_RETRANSMISSION] = "retransmission",
    [MCP5A_VERDICT_IGNORED] = "ignored (bad CRC)",
};

static int node_frames, node_status, node_crc, node_verdicts, node_junk, node_senders, node_rtt;

#define RTT_NODE "Response time (ms) by command"

static void tree_init(stats_tree *st)
{
    node_frames = stats_tree_create_node(st, "Frames by command", 0, STAT_DT_INT, TRUE);
    node_status = stats_tree_create_node(st, "Responses by status", 0, STAT_DT_INT, TRUE);
    node_crc = stats_tree_create_node(st, "CRC errors", 0, STAT_DT_INT, FALSE);
    node_verdicts = stats_tree_create_node(st, "Sequence verdicts", 0, STAT_DT_INT, TRUE);
    node_junk = stats_tree_create_node(st, "Junk bytes", 0, STAT_DT_INT, FALSE);
    node_senders = stats_tree_create_node(st, "Frames by sender", 0, STAT_DT_INT, TRUE);
    /* Count, average, min and max of the matched responses' times (§4), per
     * request command; duplicates (§3) are left out, as in -z mcp5a,srt. */
    node_rtt = stats_tree_create_node(st, RTT_NODE, 0, STAT_DT_FLOAT, TRUE);
    /* Every verdict shows, even with a count of 0. */
    for (int v = 0; v < MCP5A_VERDICT_COUNT; v++)
        stats_tree_create_node(st, verdict_names[v], node_verdicts, STAT_DT_INT, FALSE);
}

static tap_packet_status tree_packet(stats_tree *st, packet_info *pinfo _U_,
                                     epan_dissect_t *edt _U_, const void *data,
                                     tap_flags_t flags _U_)
{
    const struct tap_record *rec = data;
    const struct mcp5a_tap_info *in = &rec->info;
    if (in->is_junk) {
        increase_stat_node(st, "Junk bytes", 0, FALSE, (gint)in->junk_bytes);
        return TAP_PACKET_REDRAW;
    }
    char name[48];
    const char *cmd = mcp_name_of(mcp_cmd_names, in->cmd);
    if (cmd == NULL) {
        snprintf(name, sizeof name, "%s (0x%02x)", mcp_cmd_name(in->cmd), in->cmd);
        cmd = name;
    }
    tick_stat_node(st, "Frames by command", 0, TRUE);
    tick_stat_node(st, cmd, node_frames, FALSE);
    if (in->has_status) {
        const char *status = mcp_name_of(mcp_status_names, in->status);
        char sname[24];
        if (status == NULL) {
            snprintf(sname, sizeof sname, "status %u", in->status);
            status = sname;
        }
        tick_stat_node(st, "Responses by status", 0, TRUE);
        tick_stat_node(st, status, node_status, FALSE);
    }
    if (in->crc_bad)
        tick_stat_node(st, "CRC errors", 0, FALSE);
    if (in->verdict >= 0 && in->verdict < MCP5A_VERDICT_COUNT) {
        tick_stat_node(st, "Sequence verdicts", 0, TRUE);
        tick_stat_node(st, verdict_names[in->verdict], node_verdicts, FALSE);
    }
    if (in->answered && in->verdict != MCP5A_VERDICT_DUPLICATE) {
        guint8 req = in->cmd & 0x7f;
        const char *req_name = mcp_name_of(mcp_cmd_names, req);
        char rname[48];
        if (req_name != NULL)
            snprintf(rname, sizeof rname, "%s response time", req_name);
        else
            snprintf(rname, sizeof rname, "%s (0x%02x) response time", mcp_cmd_name(req), req);
        float ms = (float)nstime_to_msec(&in->response_time);
        avg_stat_node_add_value_float(st, RTT_NODE, 0, TRUE, ms);
        avg_stat_node_add_value_float(st, rname, node_rtt, FALSE, ms);
    }
    if (rec->sender != NULL) {
        tick_stat_node(st, "Frames by sender", 0, TRUE);
        tick_stat_node(st, rec->sender, node_senders, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

static void register_tree(void)
{
    stats_tree_register_plugin("mcp5a", "mcp5a", "MCP5A", 0, tree_packet, tree_init, NULL);
}

void mcp5a_register_stats_tree(void)
{
    static tap_plugin plug;
    plug.register_tap_listener = register_tree;
    tap_register_plugin(&plug);
}

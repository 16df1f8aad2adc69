/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mcp5a tap and its stats trees:
 *  - tshark -q -z mcp5a,tree (Statistics › MCP5A › Overview): frames by
 *    command, responses by status, CRC errors, sequence verdicts, junk bytes,
 *    frames per sender (on a serial line the master's and the device's
 *    frames, "master (LINE)" and "device (LINE)");
 *  - tshark -q -z mcp5a_devices,tree (Statistics › MCP5A › Devices): per
 *    device (its address, or the serial line, then its device id) requests,
 *    answered, unanswered, NAKs by reason, statuses other than OK, bad CRCs,
 *    response times.
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
    const char *device; /* the device's address, or the line's device end ("device (LINE)") */
};

void mcp5a_register_tap(void)
{
    mcp5a_tap = register_tap("mcp5a");
}

static const char *sender_name(packet_info *pinfo, enum mcp5a_link link)
{
    if (MCP5A_LINK_IS_SERIAL(link))
        return mcp5a_serial_end_name(pinfo, pinfo->p2p_dir == P2P_DIR_RECV
                                                ? MCP_DIR_DEVICE_TO_MASTER
                                                : MCP_DIR_MASTER_TO_DEVICE);
    return wmem_strdup_printf(pinfo->pool, "%s:%u>%s:%u", address_to_str(pinfo->pool, &pinfo->src),
                              pinfo->srcport, address_to_str(pinfo->pool, &pinfo->dst),
                              pinfo->destport);
}

/* The device end of the frame's conversation: the end on the port the
 * dissector is registered for (TCP and UDP: the device's port), else the
 * end the command says (responses and EVENT come from the device, the rest
 * goes to it). Serial: the line (§5). */
static const char *device_name(packet_info *pinfo, const struct mcp5a_tap_info *info)
{
    if (MCP5A_LINK_IS_SERIAL(info->link)) /* "device (/dev/ttyUSB0)", as the columns say */
        return mcp5a_serial_end_name(pinfo, MCP_DIR_DEVICE_TO_MASTER);
    gboolean from_device;
    if (pinfo->srcport != pinfo->destport && pinfo->match_uint == pinfo->srcport)
        from_device = TRUE;
    else if (pinfo->srcport != pinfo->destport && pinfo->match_uint == pinfo->destport)
        from_device = FALSE;
    else
        from_device = mcp_cmd_is_response(info->cmd) || info->cmd == MCP_CMD_EVENT;
    return address_to_str(pinfo->pool, from_device ? &pinfo->src : &pinfo->dst);
}

void mcp5a_tap_queue(packet_info *pinfo, const struct mcp5a_tap_info *info)
{
    if (!have_tap_listener(mcp5a_tap))
        return; /* the sender's name costs a string per frame: only when someone listens */
    struct tap_record *rec = wmem_new(pinfo->pool, struct tap_record);
    rec->info = *info;
    rec->sender = info->is_junk ? NULL : sender_name(pinfo, info->link);
    rec->device = info->is_junk ? NULL : device_name(pinfo, info);
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

/* -z mcp5a_devices,tree */
#define DEV_ROOT       "Devices"
#define DEV_REQUESTS   "Requests"
#define DEV_ANSWERED   "Answered"
#define DEV_UNANSWERED "Unanswered"
#define DEV_CRC        "Bad CRCs"
#define DEV_NAKS       "NAKs by reason"
#define DEV_STATUSES   "Statuses other than OK"
#define DEV_RTT        "Response time (ms)"

static int dev_root;

static void devices_init(stats_tree *st)
{
    dev_root = stats_tree_create_node(st, DEV_ROOT, 0, STAT_DT_INT, TRUE);
}

/* A value's name from a library table, or "NAME N" for one it does not know. */
static const char *value_name(char *buf, size_t size, const struct mcp_name *table, guint8 value,
                              const char *unknown)
{
    const char *name = mcp_name_of(table, value);
    if (name != NULL)
        return name;
    snprintf(buf, size, "%s %u", unknown, value);
    return buf;
}

static tap_packet_status devices_packet(stats_tree *st, packet_info *pinfo _U_,
                                        epan_dissect_t *edt _U_, const void *data,
                                        tap_flags_t flags _U_)
{
    const struct tap_record *rec = data;
    const struct mcp5a_tap_info *in = &rec->info;
    if (in->is_junk || rec->device == NULL)
        return TAP_PACKET_DONT_REDRAW;
    char id[24];
    if (in->has_device)
        snprintf(id, sizeof id, "device %u", in->device);
    else
        snprintf(id, sizeof id, "no device id");
    /* Counts are MCP frames: the device's, then the device id's. */
    tick_stat_node(st, DEV_ROOT, 0, TRUE);
    int addr = tick_stat_node(st, rec->device, dev_root, TRUE);
    int dev = tick_stat_node(st, id, addr, TRUE);
    /* Every device id shows these four, even at 0. */
    increase_stat_node(st, DEV_REQUESTS, dev, FALSE, in->is_request ? 1 : 0);
    increase_stat_node(st, DEV_ANSWERED, dev, FALSE, 0);
    increase_stat_node(st, DEV_UNANSWERED, dev, FALSE, in->is_request ? 1 : 0);
    increase_stat_node(st, DEV_CRC, dev, FALSE, in->crc_bad ? 1 : 0);
    char name[32];
    if (in->has_nak) {
        int naks = tick_stat_node(st, DEV_NAKS, dev, TRUE);
        tick_stat_node(
            st, value_name(name, sizeof name, mcp_nak_reason_names, in->nak_reason, "reason"), naks,
            FALSE);
    }
    if (in->has_status && in->status != MCP_STATUS_OK && !in->crc_bad) {
        int statuses = tick_stat_node(st, DEV_STATUSES, dev, TRUE);
        tick_stat_node(st, value_name(name, sizeof name, mcp_status_names, in->status, "status"),
                       statuses, FALSE);
    }
    /* A matched response answers one request of this device id (it carries
     * its request's id); duplicates are left out, as in -z mcp5a,srt. */
    if (in->answered && in->verdict != MCP5A_VERDICT_DUPLICATE) {
        increase_stat_node(st, DEV_ANSWERED, dev, FALSE, 1);
        increase_stat_node(st, DEV_UNANSWERED, dev, FALSE, -1);
        avg_stat_node_add_value_float(st, DEV_RTT, dev, FALSE,
                                      (float)nstime_to_msec(&in->response_time));
    }
    return TAP_PACKET_REDRAW;
}

static void register_tree(void)
{
    stats_tree_register_plugin("mcp5a", "mcp5a", "MCP5A/Overview", 0, tree_packet, tree_init, NULL);
    stats_tree_register_plugin("mcp5a", "mcp5a_devices", "MCP5A/Devices", 0, devices_packet,
                               devices_init, NULL);
}

void mcp5a_register_stats_tree(void)
{
    static tap_plugin plug;
    plug.register_tap_listener = register_tree;
    tap_register_plugin(&plug);
}

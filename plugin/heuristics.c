/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Heuristic dissectors for TCP and UDP (§6), enabled by default: a payload is
 * claimed only when it begins with a whole frame (0x5A, length <= 4096, all
 * 6 + length bytes present) whose check matches. A TCP stream whose first
 * segment holds only part of a frame is left to Decode As.
 *
 * Once a heuristic accepts a payload, its conversation belongs to mcp5a from
 * that frame on (conversation_set_dissector_from_frame_number), in every
 * pass: later datagrams and segments are MCP even when their check fails,
 * and earlier ones stay what they were, so one pass, two passes and the GUI
 * agree.
 */
#include "mcp5a.h"

#include <epan/conversation.h>

static dissector_handle_t mcp5a_tcp_handle;
static dissector_handle_t mcp5a_udp_handle;

/* The conversation is mcp5a's from this frame on. */
static void hold_conversation(packet_info *pinfo, dissector_handle_t handle)
{
    conversation_set_dissector_from_frame_number(find_or_create_conversation(pinfo), pinfo->num,
                                                 handle);
}

static gboolean begins_with_frame(tvbuff_t *tvb)
{
    guint avail = tvb_captured_length(tvb);
    if (avail < MCP_OVERHEAD)
        return FALSE;
    struct mcp_codec codec = mcp5a_codec();
    return mcp_frame_begins_whole(&codec, tvb_get_ptr(tvb, 0, avail), avail);
}

static mcp5a_heur_result heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!begins_with_frame(tvb))
        return FALSE;
    hold_conversation(pinfo, mcp5a_udp_handle);
    mcp5a_dissect_udp(tvb, pinfo, tree, data);
    return TRUE;
}

static mcp5a_heur_result heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (!begins_with_frame(tvb))
        return FALSE;
    /* The rest of the stream goes to mcp5a, frames split across segments included. */
    hold_conversation(pinfo, mcp5a_tcp_handle);
    mcp5a_dissect_tcp(tvb, pinfo, tree, data);
    return TRUE;
}

void mcp5a_register_heuristics(dissector_handle_t tcp_handle, dissector_handle_t udp_handle)
{
    mcp5a_tcp_handle = tcp_handle;
    mcp5a_udp_handle = udp_handle;
    heur_dissector_add("tcp", heur_tcp, "MCP5A over TCP", "mcp5a_tcp", proto_mcp5a,
                       HEURISTIC_ENABLE);
    heur_dissector_add("udp", heur_udp, "MCP5A over UDP", "mcp5a_udp", proto_mcp5a,
                       HEURISTIC_ENABLE);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP: a byte stream of back-to-back frames (§5), split and joined by
 * tcp_dissect_pdus. A chunk that does not start a frame (a segment missing
 * from the capture, garbage) is junk up to the first byte that can start one
 * (library: mcp_stream_resync_offset); after junk only a frame whose check
 * matches resynchronises, as in the library's FRAMED stream mode.
 */
#include "mcp5a.h"

#include <epan/column-utils.h>
#include <epan/dissectors/packet-tcp.h>

/* Per packet: how get_pdu_len classified the chunk dissect_pdu gets next. */
struct tcp_chunk_state {
    gboolean next_is_junk;
    tvbuff_t *junk_tvb; /* the tvb in which junk last ended, and where */
    int junk_end;
};

static struct tcp_chunk_state *chunk_state(packet_info *pinfo)
{
    struct tcp_chunk_state *s = p_get_proto_data(pinfo->pool, pinfo, proto_mcp5a, 1);
    if (s == NULL) {
        s = wmem_new0(pinfo->pool, struct tcp_chunk_state);
        p_add_proto_data(pinfo->pool, pinfo, proto_mcp5a, 1, s);
    }
    return s;
}

/* The first byte at or after buf that can start a frame, with the check on or off. */
static guint resync_offset(const struct mcp_codec *codec, const guint8 *buf, guint len)
{
    if (mcp5a_prefs.check_crc)
        return (guint)mcp_stream_resync_offset(codec, buf, len);
    for (guint pos = 0; pos < len; pos++) {
        struct mcp_frame frame;
        enum mcp_decode_status st = mcp_frame_decode(codec, buf + pos, len - pos, &frame, NULL);
        if (st != MCP_DECODE_BAD_MAGIC && st != MCP_DECODE_BAD_LENGTH)
            return pos; /* unchecked: magic and a length <= 4096 are enough */
    }
    return len;
}

static guint get_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data _U_)
{
    struct tcp_chunk_state *st = chunk_state(pinfo);
    struct mcp_codec codec = mcp5a_codec();
    guint avail = tvb_captured_length_remaining(tvb, offset);
    if (avail < 4) { /* the snaplen cut even the header: whatever is left */
        st->next_is_junk = FALSE;
        return MAX(tvb_reported_length_remaining(tvb, offset), 1);
    }
    const guint8 *p = tvb_get_ptr(tvb, offset, avail);
    guint16 length = mcp_frame_length_field(&codec, p);
    gboolean in_step = offset == 0 || st->junk_tvb != tvb || st->junk_end != offset;
    gboolean header_ok = p[0] == MCP_MAGIC && length <= MCP_MAX_PAYLOAD;

    /* In step, a plausible header is taken by its length (a bad check is the
     * frame's own problem); otherwise the library's rule decides. */
    guint skip = (in_step && header_ok) ? 0 : resync_offset(&codec, p, avail);
    if (skip == 0) {
        st->next_is_junk = FALSE;
        return MCP_OVERHEAD + mcp_frame_length_field(&codec, p);
    }
    st->next_is_junk = TRUE;
    st->junk_tvb = tvb;
    st->junk_end = offset + (int)skip;
    return skip;
}

static int dissect_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    struct tcp_chunk_state *st = chunk_state(pinfo);
    if (st->next_is_junk) {
        st->next_is_junk = FALSE;
        guint len = tvb_captured_length(tvb);
        mcp5a_dissect_junk(tvb, 0, (int)len, tvb_reported_length(tvb), pinfo, tree);
        return (int)tvb_reported_length(tvb);
    }
    return mcp5a_dissect_frame(tvb, pinfo, tree, MCP5A_LINK_CONVERSATION);
}

int mcp5a_dissect_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, MCP5A_COLUMN_NAME);
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, 4, get_pdu_len, dissect_pdu, data);
    return (int)tvb_captured_length(tvb);
}

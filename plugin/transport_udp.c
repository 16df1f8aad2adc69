/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UDP: each datagram holds whole frames back to back (§5). The library's
 * stream decoder in FRAMED mode, run over one datagram, finds them; bytes
 * that are no frame are junk.
 */
#include "mcp5a.h"

#include <epan/column-utils.h>

/* What the decoder found, in datagram order. */
struct udp_item {
    gboolean junk;
    guint offset;
    guint len;
    guint8 crc_computed; /* frames: the decoder's check over the frame */
};

/* The first items on the stack (a datagram mostly holds one frame), the rest
 * in a packet-scope array: no allocation per datagram. */
#define UDP_LOCAL_ITEMS 8
struct udp_scan {
    wmem_allocator_t *pool;
    guint count;
    struct udp_item local[UDP_LOCAL_ITEMS];
    wmem_array_t *more; /* items from UDP_LOCAL_ITEMS on, NULL until needed */
};

static void on_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct udp_scan *scan = ctx;
    struct udp_item item = {
        .junk = ev->kind == MCP_STREAM_JUNK,
        .offset = (guint)ev->offset,
        .len = (guint)ev->len,
        .crc_computed = ev->kind == MCP_STREAM_JUNK ? 0 : ev->frame.crc_computed,
    };
    if (scan->count < UDP_LOCAL_ITEMS) {
        scan->local[scan->count] = item;
    } else {
        if (scan->more == NULL)
            scan->more = wmem_array_new(scan->pool, sizeof(struct udp_item));
        wmem_array_append_one(scan->more, item);
    }
    scan->count++;
}

static const struct udp_item *scan_item(const struct udp_scan *scan, guint i)
{
    if (i < UDP_LOCAL_ITEMS)
        return &scan->local[i];
    return wmem_array_index(scan->more, i - UDP_LOCAL_ITEMS);
}

/* tvb's bytes from offset, len long: tvb itself when that is all of it. */
static tvbuff_t *frame_tvb(tvbuff_t *tvb, guint offset, guint len)
{
    if (offset == 0 && len == tvb_reported_length(tvb) && len == tvb_captured_length(tvb))
        return tvb;
    return tvb_new_subset_length(tvb, offset, len);
}

/*
 * A datagram cut by the snaplen ends in a frame the decoder cannot finish: it
 * reports it as junk at the end. When that junk is a header whose frame fits
 * the datagram's reported length, it is a cut frame, not junk.
 */
static gboolean is_cut_frame(tvbuff_t *tvb, const struct udp_item *item, guint *frame_len)
{
    guint captured = tvb_captured_length(tvb);
    if (captured >= tvb_reported_length(tvb) || item->offset + item->len != captured ||
        item->len < 4 || tvb_get_uint8(tvb, item->offset) != MCP_MAGIC)
        return FALSE;
    struct mcp_codec codec = mcp5a_codec();
    guint16 length = mcp_frame_length_field(&codec, tvb_get_ptr(tvb, item->offset, 4));
    guint len = MCP_OVERHEAD + length;
    if (length > MCP_MAX_PAYLOAD || item->offset + len > tvb_reported_length(tvb))
        return FALSE;
    *frame_len = len;
    return TRUE;
}

int mcp5a_dissect_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, MCP5A_COLUMN_NAME);

    struct mcp_stream_config cfg = {
        .codec = mcp5a_codec(),
        .mode = MCP_STREAM_FRAMED,
        .verify_crc = mcp5a_prefs.check_crc != FALSE,
    };
    guint captured = tvb_captured_length(tvb);
    if (captured > 0 && captured == tvb_reported_length(tvb)) {
        /* The usual datagram, exactly one whole frame: the decoder would
         * report just that frame (in FRAMED mode a fresh decoder is in step,
         * so a bad check still makes a frame), so it is shown without one
         * (about 300 instructions a datagram). */
        struct mcp_frame frame;
        enum mcp_decode_status st =
            mcp_frame_decode(&cfg.codec, tvb_get_ptr(tvb, 0, captured), captured, &frame, NULL);
        if ((st == MCP_DECODE_OK || st == MCP_DECODE_BAD_CRC) && frame.frame_len == captured) {
            mcp5a_dissect_frame_checked(tvb, pinfo, tree, MCP5A_LINK_CONVERSATION,
                                        frame.crc_computed);
            return (int)captured;
        }
    }
    struct udp_scan scan = {.pool = pinfo->pool, .count = 0, .more = NULL};
    struct mcp_stream *stream = wmem_new(pinfo->pool, struct mcp_stream);
    mcp_stream_init(stream, &cfg);
    mcp_stream_feed(stream, tvb_get_ptr(tvb, 0, captured), captured, on_event, &scan);
    mcp_stream_finish(stream, on_event, &scan);

    for (guint i = 0; i < scan.count; i++) {
        const struct udp_item *item = scan_item(&scan, i);
        guint frame_len;
        if (!item->junk) {
            /* The decoder computed the frame's check already (about 120
             * instructions a frame not spent twice). */
            mcp5a_dissect_frame_checked(frame_tvb(tvb, item->offset, item->len), pinfo, tree,
                                        MCP5A_LINK_CONVERSATION, item->crc_computed);
        } else if (is_cut_frame(tvb, item, &frame_len)) {
            mcp5a_dissect_frame(tvb_new_subset_length(tvb, item->offset, frame_len), pinfo, tree,
                                MCP5A_LINK_CONVERSATION);
        } else {
            mcp5a_dissect_junk(tvb, item->offset, item->len, item->len, pinfo, tree);
        }
    }
    return (int)tvb_captured_length(tvb);
}

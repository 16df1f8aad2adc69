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
};

struct udp_scan {
    wmem_array_t *items;
};

static void on_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct udp_scan *scan = ctx;
    struct udp_item item = {
        .junk = ev->kind == MCP_STREAM_JUNK,
        .offset = (guint)ev->offset,
        .len = (guint)ev->len,
    };
    wmem_array_append_one(scan->items, item);
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
    struct udp_scan scan = {.items = wmem_array_sized_new(pinfo->pool, sizeof(struct udp_item), 4)};
    struct mcp_stream *stream = wmem_new(pinfo->pool, struct mcp_stream);
    mcp_stream_init(stream, &cfg);
    guint captured = tvb_captured_length(tvb);
    mcp_stream_feed(stream, tvb_get_ptr(tvb, 0, captured), captured, on_event, &scan);
    mcp_stream_finish(stream, on_event, &scan);

    guint n = wmem_array_get_count(scan.items);
    for (guint i = 0; i < n; i++) {
        const struct udp_item *item = wmem_array_index(scan.items, i);
        guint frame_len;
        if (!item->junk) {
            mcp5a_dissect_frame(tvb_new_subset_length(tvb, item->offset, item->len), pinfo, tree,
                                MCP5A_LINK_CONVERSATION);
        } else if (is_cut_frame(tvb, item, &frame_len)) {
            mcp5a_dissect_frame(tvb_new_subset_length(tvb, item->offset, frame_len), pinfo, tree,
                                MCP5A_LINK_CONVERSATION);
        } else {
            mcp5a_dissect_junk(tvb, item->offset, item->len, item->len, pinfo, tree);
        }
    }
    return (int)tvb_captured_length(tvb);
}

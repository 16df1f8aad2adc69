/*
 * Serial lines in exported-PDU records (§5): each record is a chunk of one
 * direction's byte stream. The library's stream decoder in SERIAL mode, one
 * per direction, runs on the first pass; what each record revealed (frames
 * accepted, junk skipped) is stored with the record and shown from there on
 * every pass. A frame shows in the record where the decoder accepts it, even
 * when its bytes arrived in earlier records.
 */
#include "mcp5a.h"

#include <epan/column-utils.h>

#define MCP5A_KEY_SERIAL 2 /* file-scope proto data: what a record revealed */

/* One direction of the line: the decoder and how many bytes it was fed. */
struct serial_direction {
    struct mcp_stream stream;
    guint64 fed;
};

static struct serial_direction *directions[2];

/* One frame or junk run a record revealed. */
struct serial_event {
    gboolean junk;
    guint len;          /* frame length, or junk bytes revealed */
    gint offset;        /* first byte's offset in the record, -1: starts earlier */
    guint shown;        /* bytes of it inside this record */
    const guint8 *copy; /* frames starting in an earlier record: their bytes */
};

struct serial_record {
    guint count;
    struct serial_event *events;
};

struct feed_ctx {
    guint64 record_start;
    guint record_len;
    wmem_array_t *events;
};

static void on_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct feed_ctx *fc = ctx;
    struct serial_event se;
    memset(&se, 0, sizeof se);
    se.junk = ev->kind == MCP_STREAM_JUNK;
    se.len = (guint)ev->len;
    guint64 end = ev->offset + ev->len;
    if (ev->offset >= fc->record_start) {
        se.offset = (gint)(ev->offset - fc->record_start);
        se.shown = se.len;
    } else {
        se.offset = -1;
        se.shown = end > fc->record_start ? (guint)(end - fc->record_start) : 0;
        if (!se.junk)
            se.copy = wmem_memdup(wmem_file_scope(), ev->bytes, ev->len);
    }
    wmem_array_append_one(fc->events, se);
}

static struct serial_record *feed_record(tvbuff_t *tvb, packet_info *pinfo)
{
    int dir = pinfo->p2p_dir == P2P_DIR_RECV ? 1 : 0;
    if (directions[dir] == NULL) {
        struct mcp_stream_config cfg = {
            .codec = mcp5a_codec(),
            .mode = MCP_STREAM_SERIAL,
            .verify_crc = mcp5a_prefs.check_crc != FALSE,
        };
        directions[dir] = wmem_new(wmem_file_scope(), struct serial_direction);
        mcp_stream_init(&directions[dir]->stream, &cfg);
        directions[dir]->fed = 0;
    }
    struct serial_direction *d = directions[dir];
    guint len = tvb_captured_length(tvb);
    struct feed_ctx fc = {
        .record_start = d->fed,
        .record_len = len,
        .events = wmem_array_new(pinfo->pool, sizeof(struct serial_event)),
    };
    mcp_stream_feed(&d->stream, tvb_get_ptr(tvb, 0, len), len, on_event, &fc);
    d->fed += len;

    struct serial_record *rec = wmem_new(wmem_file_scope(), struct serial_record);
    rec->count = wmem_array_get_count(fc.events);
    rec->events = rec->count == 0 ? NULL
                                  : wmem_memdup(wmem_file_scope(), wmem_array_get_raw(fc.events),
                                                rec->count * sizeof(struct serial_event));
    return rec;
}

static void show_event(const struct serial_event *se, tvbuff_t *tvb, packet_info *pinfo,
                       proto_tree *tree)
{
    if (se->junk) {
        gint off = se->offset >= 0 ? se->offset : 0;
        mcp5a_dissect_junk(tvb, off, (int)se->shown, se->len, pinfo, tree);
        return;
    }
    tvbuff_t *ftvb;
    if (se->copy == NULL) {
        ftvb = tvb_new_subset_length(tvb, se->offset, (gint)se->len);
    } else {
        ftvb = tvb_new_child_real_data(tvb, se->copy, se->len, (gint)se->len);
        add_new_data_source(pinfo, ftvb, "MCP frame");
    }
    mcp5a_dissect_frame(ftvb, pinfo, tree, MCP5A_LINK_SERIAL);
}

int mcp5a_dissect_serial(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, MCP5A_COLUMN_NAME);
    struct serial_record *rec =
        p_get_proto_data(wmem_file_scope(), pinfo, proto_mcp5a, MCP5A_KEY_SERIAL);
    if (rec == NULL && !PINFO_FD_VISITED(pinfo)) {
        rec = feed_record(tvb, pinfo);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_mcp5a, MCP5A_KEY_SERIAL, rec);
    }
    if (rec == NULL)
        return (int)tvb_captured_length(tvb);
    if (rec->count == 0)
        col_set_str(pinfo->cinfo, COL_INFO, "MCP serial bytes (frame continues in a later record)");
    for (guint i = 0; i < rec->count; i++)
        show_event(&rec->events[i], tvb, pinfo, tree);
    return (int)tvb_captured_length(tvb);
}

void mcp5a_serial_init(void)
{
    directions[0] = directions[1] = NULL;
}

void mcp5a_serial_cleanup(void)
{
    directions[0] = directions[1] = NULL; /* file scope frees them */
}

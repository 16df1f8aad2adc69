/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serial lines in exported-PDU records (§5): each record is a chunk of one
 * direction's byte stream. The library's stream decoder in SERIAL mode, one
 * per direction, runs on the first pass; what each record revealed (frames
 * accepted, junk skipped) is stored with the record and shown from there on
 * every pass. A frame shows in the record where the decoder accepts it, even
 * when its bytes arrived in earlier records.
 *
 * A serial line is one capture interface (§5 "Serial lines in one capture"):
 * each line has its own streams. Records without a direction (a half-duplex
 * bus, §5) form one more stream per line, and each frame accepted there takes
 * its direction from the library's §5 rule (mcp_bus_line_next); the frame is
 * then dissected and analysed as if its record had carried that direction.
 *
 * Source and Destination are the ends of the line, "master" and "device",
 * with the line's capture interface name (pcapng if_name; mcpserialdump
 * writes the port's path): "master (/dev/ttyUSB0)", as AT_STRINGZ addresses
 * the way Wireshark's Bluetooth dissectors name "host" and "controller". A
 * record without a direction gets them when the frames it shows all went one
 * way by §5's rule.
 *
 * Each record is fed with its timestamp: line silence between two records of a
 * stream that ends a partial frame (§5, preference mcp5a.serial.silence_ms) is
 * applied by the library, so the frames behind a false start show in the
 * record after the silence. No record follows the last one, so a frame still
 * held then is not shown (§5's known limit).
 */
#include "mcp5a.h"

#include <epan/column-utils.h>

#define MCP5A_KEY_SERIAL 2 /* file-scope proto data: what a record revealed */
#define MCP5A_KEY_BUSDIR 3 /* file-scope proto data: a whole-frame record's §5 direction + 1 */

/* One byte stream of a line (a direction, or the whole undirected line): the
 * decoder, how many bytes it was fed, and for the undirected one the §5 rule's state. */
struct serial_direction {
    struct mcp_stream stream;
    guint64 fed;
    struct mcp_bus_line bus;
};

/* Streams by line and slot: key (line << 2 | slot), slot 0/1 the directions, 2 undirected. */
static wmem_map_t *directions;
#define SLOT_UNDIRECTED 2

/* Per line: the names of its ends, [0] the master, [1] the device (file scope). */
static wmem_map_t *end_names;

/* One frame or junk run a record revealed. */
struct serial_event {
    gboolean junk;
    guint len;          /* frame length, or junk bytes revealed */
    gint offset;        /* first byte's offset in the record, -1: starts earlier */
    guint shown;        /* bytes of it inside this record */
    const guint8 *copy; /* frames starting in an earlier record: their bytes */
    gint8 dir;          /* frames of an undirected stream: §5 direction; else -1 */
};

struct serial_record {
    guint count;
    struct serial_event *events;
};

struct feed_ctx {
    guint64 record_start;
    guint record_len;
    wmem_array_t *events;
    struct serial_direction *undirected; /* NULL for a directed record */
};

static void on_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct feed_ctx *fc = ctx;
    struct serial_event se;
    memset(&se, 0, sizeof se);
    se.junk = ev->kind == MCP_STREAM_JUNK;
    se.dir = -1;
    if (!se.junk && fc->undirected != NULL)
        se.dir = (gint8)mcp_bus_line_next(&fc->undirected->bus, ev->frame.cmd);
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

guint32 mcp5a_serial_line(packet_info *pinfo)
{
    if (pinfo->rec != NULL && pinfo->rec->rec_type == REC_TYPE_PACKET &&
        (pinfo->rec->presence_flags & WTAP_HAS_INTERFACE_ID))
        return pinfo->rec->rec_header.packet_header.interface_id;
    return 0;
}

/* The line's capture interface name, NULL when the capture has none (a pcap
 * file; a pcapng interface without if_name, which Wireshark calls "unknown"). */
static const char *line_label(packet_info *pinfo, guint32 line)
{
    if (pinfo->epan == NULL || pinfo->rec == NULL || pinfo->rec->rec_type != REC_TYPE_PACKET ||
        !(pinfo->rec->presence_flags & WTAP_HAS_INTERFACE_ID))
        return NULL;
    const char *name = mcp5a_interface_name(pinfo, line);
    if (name == NULL || name[0] == '\0' || strcmp(name, "unknown") == 0)
        return NULL;
    return name;
}

const char *mcp5a_serial_end_name(packet_info *pinfo, int dir)
{
    if (end_names == NULL)
        end_names = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    guint32 line = mcp5a_serial_line(pinfo);
    const char **names = wmem_map_lookup(end_names, GUINT_TO_POINTER(line));
    if (names == NULL) {
        names = wmem_alloc_array(wmem_file_scope(), const char *, 2);
        const char *label = line_label(pinfo, line);
        static const char *const ends[2] = {"master", "device"};
        for (int i = 0; i < 2; i++) {
            if (label != NULL)
                names[i] = wmem_strdup_printf(wmem_file_scope(), "%s (%s)", ends[i], label);
            else if (line != 0)
                names[i] = wmem_strdup_printf(wmem_file_scope(), "%s (line %u)", ends[i], line);
            else
                names[i] = ends[i];
        }
        wmem_map_insert(end_names, GUINT_TO_POINTER(line), names);
    }
    return names[dir == MCP_DIR_DEVICE_TO_MASTER ? 1 : 0];
}

void mcp5a_serial_set_addresses(packet_info *pinfo, int dir)
{
    const char *from = mcp5a_serial_end_name(pinfo, dir);
    const char *to = mcp5a_serial_end_name(pinfo, 1 - dir);
    set_address(&pinfo->src, AT_STRINGZ, (int)strlen(from) + 1, from);
    set_address(&pinfo->dst, AT_STRINGZ, (int)strlen(to) + 1, to);
}

/* The stream of the record's line and slot, created on first use. */
static struct serial_direction *stream_of(packet_info *pinfo, int slot)
{
    if (directions == NULL)
        directions = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    gpointer key = GSIZE_TO_POINTER(((gsize)mcp5a_serial_line(pinfo) << 2) | (gsize)slot);
    struct serial_direction *d = wmem_map_lookup(directions, key);
    if (d == NULL) {
        struct mcp_stream_config cfg = {
            .codec = mcp5a_codec(),
            .mode = MCP_STREAM_SERIAL,
            .verify_crc = mcp5a_prefs.check_crc != FALSE,
            .silence_ns = (gint64)mcp5a_prefs.serial_silence_ms * 1000000,
        };
        d = wmem_new(wmem_file_scope(), struct serial_direction);
        mcp_stream_init(&d->stream, &cfg);
        d->fed = 0;
        mcp_bus_line_init(&d->bus);
        wmem_map_insert(directions, key, d);
    }
    return d;
}

static struct serial_record *feed_record(tvbuff_t *tvb, packet_info *pinfo)
{
    /* No direction tag, or the value 0xFFFFFFFF, leaves p2p_dir unknown (§5). */
    int slot = pinfo->p2p_dir == P2P_DIR_RECV   ? 1
               : pinfo->p2p_dir == P2P_DIR_SENT ? 0
                                                : SLOT_UNDIRECTED;
    struct serial_direction *d = stream_of(pinfo, slot);
    guint len = tvb_captured_length(tvb);
    struct feed_ctx fc = {
        .record_start = d->fed,
        .record_len = len,
        .events = wmem_array_new(pinfo->pool, sizeof(struct serial_event)),
        .undirected = slot == SLOT_UNDIRECTED ? d : NULL,
    };
    gint64 now_ns = (gint64)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
    mcp_stream_feed_at(&d->stream, now_ns, tvb_get_ptr(tvb, 0, len), len, on_event, &fc);
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
    /* An undirected line's frame: analysed (and tapped) in its §5 direction. */
    int saved_dir = pinfo->p2p_dir;
    if (se->dir >= 0)
        pinfo->p2p_dir = se->dir == MCP_DIR_DEVICE_TO_MASTER ? P2P_DIR_RECV : P2P_DIR_SENT;
    mcp5a_dissect_frame(ftvb, pinfo, tree,
                        se->dir >= 0 ? MCP5A_LINK_SERIAL_BUS : MCP5A_LINK_SERIAL);
    pinfo->p2p_dir = saved_dir;
}

/* Source and Destination: the record's direction; without one, the §5
 * direction its frames share (none when they differ or it shows none). */
static void set_record_addresses(packet_info *pinfo, const struct serial_record *rec)
{
    int dir = pinfo->p2p_dir == P2P_DIR_RECV   ? MCP_DIR_DEVICE_TO_MASTER
              : pinfo->p2p_dir == P2P_DIR_SENT ? MCP_DIR_MASTER_TO_DEVICE
                                               : -1;
    if (dir < 0) {
        for (guint i = 0; i < rec->count; i++) {
            const struct serial_event *se = &rec->events[i];
            if (se->junk || se->dir < 0)
                continue;
            if (dir >= 0 && dir != se->dir)
                return;
            dir = se->dir;
        }
        if (dir < 0)
            return;
    }
    mcp5a_serial_set_addresses(pinfo, dir);
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
    set_record_addresses(pinfo, rec);
    if (rec->count == 0)
        col_set_str(pinfo->cinfo, COL_INFO, "MCP serial bytes (frame continues in a later record)");
    for (guint i = 0; i < rec->count; i++)
        show_event(&rec->events[i], tvb, pinfo, tree);
    return (int)tvb_captured_length(tvb);
}

int mcp5a_serial_bus_direction(packet_info *pinfo, guint8 cmd)
{
    gpointer kept = p_get_proto_data(wmem_file_scope(), pinfo, proto_mcp5a, MCP5A_KEY_BUSDIR);
    if (kept != NULL)
        return GPOINTER_TO_INT(kept) - 1;
    /* The line's one undirected stream holds the rule's state (the frame before). */
    int dir = (int)mcp_bus_line_next(&stream_of(pinfo, SLOT_UNDIRECTED)->bus, cmd);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_mcp5a, MCP5A_KEY_BUSDIR,
                     GINT_TO_POINTER(dir + 1));
    return dir;
}

void mcp5a_serial_init(void)
{
    directions = NULL;
    end_names = NULL;
}

void mcp5a_serial_cleanup(void)
{
    directions = NULL; /* file scope frees them */
    end_names = NULL;
}

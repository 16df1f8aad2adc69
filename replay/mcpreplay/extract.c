/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Frame extraction from decoded records. */
#include "extract.h"

#include <stdio.h>
#include <string.h>

#include "ip_reasm.h"
#include "mcp/busdir.h"
#include "mcp/pdu.h"
#include "mcp/stream.h"
#include "tcp_reasm.h"

/* Per-direction state. */
struct direction {
    struct mr_sender info;
    struct mr_tcp_reasm reasm;
    struct mcp_stream *stream; /* TCP and serial */
    uint32_t index;            /* in the extractor's table */
    bool resync;               /* TCP: the next bytes follow a hole */
    bool syn_seen;             /* TCP: this side's SYN, with its ISN */
    uint32_t isn;
    /* TCP: the receive window this side advertises, for the peer's holes. */
    int8_t wscale;       /* its SYN's window scale option, -1 none */
    uint32_t max_window; /* largest window field after its SYN (unscaled) */
    uint32_t syn_window; /* its SYN's window (never scaled) */
    bool window_seen;
    /* Off the MCP ports (§6 heuristics): 0 undecided, 1 MCP. TCP: decided for
     * the conversation (both directions) by the first segment that begins
     * with a whole frame; UDP: datagram by datagram, as the dissector does. */
    int heur;
    bool on_mcp_port;
    /* Both sides or neither on the MCP port, no SYN: who is the master is
     * settled by the first frame whose command says who sends it (§5's rule,
     * mcp_bus_frame_direction); until then, the side that spoke first. */
    bool role_open;
    /* TCP: the last segment cut short by the capture (snaplen), for the hole
     * its missing bytes make: that record is named, not the next one's. */
    uint64_t cut_record; /* 0: none pending */
    size_t cut_len;      /* bytes on the wire the record lacks */
    /* UDP: the last datagram's payload and time, for copies a SPAN port makes. */
    uint8_t *last_udp; /* NULL: none yet */
    size_t last_udp_len, last_udp_cap;
    int64_t last_udp_ts;
};

/* A datagram equal to its sender's previous one this soon is a copy the
 * capture made (a SPAN port mirroring both ways), not a resend: a master
 * resends only after its answer timeout. */
#define DUPLICATE_WINDOW_NS 1000000 /* 1 ms */

/* An undirected serial line (§5, a half-duplex bus): one stream for all its
 * bytes, and the rule that gives each accepted frame a direction. */
struct bus {
    uint32_t line; /* capture interface */
    struct mcp_stream stream;
    struct mcp_bus_line dir;
};

struct conv_key { /* 40 bytes, no padding: compared and hashed as five 64-bit words */
    uint8_t kind;
    uint8_t family;
    uint16_t port_a, port_b;
    uint16_t zero;
    uint8_t addr_a[16], addr_b[16];
};

#define CONV_KEY_WORDS 5
G_STATIC_ASSERT(sizeof(struct conv_key) == 8 * CONV_KEY_WORDS);

/* Recently used conversations, by a cheap hash of the key: a capture interleaves a few
 * conversations, each looked up once a record; the hash table is asked only on a miss. */
#define CONV_CACHE_SIZE 64

struct conv_cache_entry {
    struct conv_key key;
    uint32_t ab; /* direction index "a -> b" + 1; 0: empty */
};

struct mr_extractor {
    struct mcp_codec codec;
    uint16_t mcp_port;
    int64_t silence_ns;       /* §5 line silence of serial streams; 0 never */
    GHashTable *convs;        /* conv_key -> index of the direction "a -> b" (+1) */
    GPtrArray *dirs;          /* struct direction * */
    GHashTable *serial_lines; /* capture interface -> index of its direction 0, + 1 */
    GHashTable *buses;        /* capture interface -> struct bus (undirected records) */
    struct bus *cur_bus;      /* the bus being fed or finished, else NULL */
    struct mr_ip_reasm *ip;
    GArray *skips; /* struct mr_skip */
    struct mr_extract_stats stats;
    uint64_t next_uid;
    struct conv_cache_entry conv_cache[CONV_CACHE_SIZE];
    /* The record being processed (data not kept), for the stream callbacks;
     * after the last record, that one. */
    struct mr_record cur_rec;
    const struct mr_record *rec;
    struct mr_recmeta meta; /* the record frames are credited to now */
    struct direction *cur;
    mr_frame_cb cb;
    void *ctx;
    const struct mr_dlt_user_table *dlt_user; /* LINKTYPE_USER0..15 mappings, or NULL */
    struct mr_dlt_user_seen dlt_seen[MR_DLT_USER_COUNT];
};

/*
 * Frames freed are kept for the next ones (issue 24: malloc and free were a tenth of
 * the extraction): frames of up to FRAME_CLASSES * FRAME_CLASS bytes are allocated with
 * room for their size class, and up to FRAME_KEPT of each class wait in a per-thread
 * stack. A frame's len never changes, so its class is known when it is freed.
 */
#define FRAME_CLASS   32
#define FRAME_CLASSES 8
/* Under AddressSanitizer none are kept: a frame used after its free stays a finding. */
#if defined(__SANITIZE_ADDRESS__)
#define FRAME_KEPT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FRAME_KEPT 0
#endif
#endif
#ifndef FRAME_KEPT
#define FRAME_KEPT 64
#endif

struct frame_stack {
    unsigned n;
    struct mr_frame *f[FRAME_KEPT + 1];
};

static _Thread_local struct frame_stack frames_kept[FRAME_CLASSES];

/* Under FRAME_CLASSES: kept; from it on, allocated to its size. */
static size_t frame_class(size_t len)
{
    return len == 0 ? 0 : (len - 1) / FRAME_CLASS;
}

struct mr_frame *mr_frame_new(size_t len)
{
    size_t c = frame_class(len);
    struct mr_frame *f;
    if (c < FRAME_CLASSES && frames_kept[c].n > 0)
        f = frames_kept[c].f[--frames_kept[c].n];
    else
        f = g_malloc(sizeof *f + (c < FRAME_CLASSES ? (c + 1) * FRAME_CLASS : len));
    memset(f, 0, sizeof *f);
    f->bytes = (uint8_t *)(f + 1);
    f->len = len;
    return f;
}

void mr_frame_free(struct mr_frame *frame)
{
    if (frame == NULL)
        return;
#if FRAME_KEPT > 0
    size_t c = frame_class(frame->len);
    if (c < FRAME_CLASSES && frames_kept[c].n < FRAME_KEPT) {
        frames_kept[c].f[frames_kept[c].n++] = frame;
        return;
    }
#endif
    g_free(frame);
}

struct mr_frame *mr_frame_copy(const struct mr_frame *frame)
{
    struct mr_frame *c = mr_frame_new(frame->len);
    uint8_t *bytes = c->bytes;
    *c = *frame;
    c->bytes = bytes;
    memcpy(bytes, frame->bytes, frame->len);
    return c;
}

static uint64_t key_word(const struct conv_key *k, int i)
{
    uint64_t w;
    memcpy(&w, (const uint8_t *)k + 8 * i, sizeof w);
    return w;
}

/* The words folded, then mixed once (the words differ in their addresses and ports). */
static guint conv_hash(gconstpointer p)
{
    const struct conv_key *k = p;
    uint64_t h = key_word(k, 0) ^ key_word(k, 1) ^ key_word(k, 2) ^ (key_word(k, 3) << 1) ^
                 (key_word(k, 4) << 3);
    h *= 0x9E3779B97F4A7C15u;
    return (guint)(h >> 32);
}

static gboolean conv_equal(gconstpointer a, gconstpointer b)
{
    uint64_t diff = 0;
    for (int i = 0; i < CONV_KEY_WORDS; i++)
        diff |= key_word(a, i) ^ key_word(b, i);
    return diff == 0;
}

static struct conv_cache_entry *conv_cache_slot(struct mr_extractor *ex, const struct conv_key *k)
{
    return &ex->conv_cache[conv_hash(k) >> 26];
}

static void direction_free(gpointer p)
{
    struct direction *d = p;
    g_free(d->last_udp);
    mr_tcp_reasm_clear(&d->reasm);
    g_free(d->stream);
    g_free(d);
}

struct mr_extractor *mr_extractor_new(const struct mcp_codec *codec, uint16_t mcp_port)
{
    struct mr_extractor *ex = g_new0(struct mr_extractor, 1);
    ex->codec = *codec;
    ex->mcp_port = mcp_port;
    ex->convs = g_hash_table_new_full(conv_hash, conv_equal, g_free, NULL);
    ex->dirs = g_ptr_array_new_with_free_func(direction_free);
    ex->serial_lines = g_hash_table_new(g_direct_hash, g_direct_equal);
    ex->buses = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    ex->ip = mr_ip_reasm_new();
    ex->skips = g_array_new(FALSE, FALSE, sizeof(struct mr_skip));
    ex->silence_ns = MCP_STREAM_SILENCE_DEFAULT_NS;
    return ex;
}

void mr_extractor_set_silence(struct mr_extractor *ex, int64_t silence_ns)
{
    ex->silence_ns = silence_ns;
}

void mr_extractor_free(struct mr_extractor *ex)
{
    if (ex == NULL)
        return;
    g_hash_table_destroy(ex->convs);
    g_hash_table_destroy(ex->serial_lines);
    g_hash_table_destroy(ex->buses);
    mr_ip_reasm_free(ex->ip);
    g_array_free(ex->skips, TRUE);
    g_ptr_array_free(ex->dirs, TRUE);
    g_free(ex);
}

const struct mr_sender *mr_extractor_sender(const struct mr_extractor *ex, uint32_t index)
{
    if (index >= ex->dirs->len)
        return NULL;
    return &((struct direction *)g_ptr_array_index(ex->dirs, index))->info;
}

const struct mr_extract_stats *mr_extractor_stats(const struct mr_extractor *ex)
{
    return &ex->stats;
}

const GArray *mr_extractor_skips(const struct mr_extractor *ex)
{
    return ex->skips;
}

static void add_skip(struct mr_extractor *ex, uint64_t record, uint32_t sender, int seq,
                     const char *reason)
{
    ex->stats.skipped++;
    if (ex->skips->len < MR_MAX_SKIPS_LISTED) {
        struct mr_skip sk = {record, sender, seq, reason};
        g_array_append_val(ex->skips, sk);
    }
}

void mr_extractor_add_skip(struct mr_extractor *ex, uint64_t record, int seq, const char *reason)
{
    add_skip(ex, record, UINT32_MAX, seq, reason);
}

/* A frame begun in the stream decoder's buffer that will not complete. */
static void skip_partial(struct mr_extractor *ex, const struct direction *d, const char *reason)
{
    const struct mcp_stream *st = d->stream;
    if (st == NULL || mcp_stream_pending(st) == 0 || st->buf[st->start] != 0x5A)
        return;
    int seq = st->len - st->start >= 2 ? st->buf[st->start + 1] : -1;
    add_skip(ex, ex->meta.ordinal, d->index, seq, reason);
}

static struct direction *new_direction(struct mr_extractor *ex, enum mr_packet_kind kind)
{
    struct direction *d = g_new0(struct direction, 1);
    d->wscale = -1;
    d->info.kind = kind;
    d->index = ex->dirs->len;
    mr_tcp_reasm_init(&d->reasm);
    if (kind != MR_PACKET_UDP) {
        d->stream = g_new(struct mcp_stream, 1);
        struct mcp_stream_config cfg = {
            .codec = ex->codec,
            .mode = kind == MR_PACKET_SERIAL ? MCP_STREAM_SERIAL : MCP_STREAM_FRAMED,
            .verify_crc = true,
            .silence_ns = kind == MR_PACKET_SERIAL ? ex->silence_ns : 0,
        };
        mcp_stream_init(d->stream, &cfg);
    }
    g_ptr_array_add(ex->dirs, d);
    return d;
}

static void on_stream_event(void *ctx, const struct mcp_stream_event *ev);
static void on_tcp_bytes(void *ctx, const struct mr_recmeta *meta, const uint8_t *data, size_t len);

/*
 * The most `rcv` can have offered `snd` to send beyond its acknowledgement,
 * in bytes; 0 if unknown. Window scaling is in force only when both SYNs
 * carried the option; without both SYNs the scale is unknown and the largest
 * (14) is assumed, so the bound stays true.
 */
static uint64_t offered_window(const struct direction *rcv, const struct direction *snd)
{
    if (!rcv->window_seen)
        return 0;
    int scale = 14;
    if (rcv->syn_seen && snd->syn_seen)
        scale = rcv->wscale >= 0 && snd->wscale >= 0 ? rcv->wscale : 0;
    uint64_t w = (uint64_t)rcv->max_window << scale;
    return w > rcv->syn_window ? w : rcv->syn_window;
}

/* A bare SYN with an ISN other than the one this side already used. */
static bool new_connection(const struct direction *d, const struct mr_packet *pkt)
{
    if (pkt->kind != MR_PACKET_TCP || (pkt->tcp_flags & (MR_TCP_SYN | MR_TCP_ACK)) != MR_TCP_SYN)
        return false;
    if (d->syn_seen)
        return d->isn != pkt->tcp_seq;
    return d->reasm.started; /* data seen before any SYN */
}

/* Ends both directions of d's conversation: holes given up, partial frames out. */
static void finish_conversation(struct mr_extractor *ex, struct direction *d)
{
    struct direction *both[2] = {d, g_ptr_array_index(ex->dirs, d->info.reverse)};
    for (int i = 0; i < 2; i++) {
        ex->cur = both[i];
        mr_tcp_reasm_flush(&both[i]->reasm, &ex->meta, on_tcp_bytes, ex);
        if (both[i]->stream != NULL)
            mcp_stream_finish(both[i]->stream, on_stream_event, ex);
    }
}

/*
 * The direction a packet travels in, created with its reverse on first sight.
 * Which side is the master is settled then: TCP, the client (the sender of a
 * bare SYN, else the side talking to the MCP port); UDP, the side sending to
 * the MCP port (both or neither: settle_role, by the first frame that says
 * who sends it; until then the side that speaks first).
 */
static struct direction *find_direction(struct mr_extractor *ex, const struct mr_packet *pkt)
{
    struct conv_key key;
    memset(&key, 0, sizeof key);
    key.kind = (uint8_t)pkt->kind;
    key.family = pkt->src.family;
    /* Canonical order: the smaller (address, port) first. */
    int cmp = memcmp(pkt->src.bytes, pkt->dst.bytes, 16);
    bool src_first = cmp < 0 || (cmp == 0 && pkt->sport <= pkt->dport);
    memcpy(key.addr_a, src_first ? pkt->src.bytes : pkt->dst.bytes, 16);
    memcpy(key.addr_b, src_first ? pkt->dst.bytes : pkt->src.bytes, 16);
    key.port_a = src_first ? pkt->sport : pkt->dport;
    key.port_b = src_first ? pkt->dport : pkt->sport;

    gpointer found = NULL;
    struct conv_cache_entry *cached = conv_cache_slot(ex, &key);
    if (cached->ab != 0 && conv_equal(&key, &cached->key))
        found = GUINT_TO_POINTER(cached->ab);
    else if ((found = g_hash_table_lookup(ex->convs, &key)) != NULL) {
        cached->key = key;
        cached->ab = GPOINTER_TO_UINT(found);
    }
    if (found != NULL) {
        uint32_t ab = GPOINTER_TO_UINT(found) - 1;
        struct direction *d = g_ptr_array_index(ex->dirs, ab);
        if (!src_first)
            d = g_ptr_array_index(ex->dirs, d->info.reverse);
        if (!new_connection(d, pkt))
            return d;
        /* A new SYN on a 4-tuple seen before: a new connection, a new byte stream. */
        finish_conversation(ex, d);
        g_hash_table_remove(ex->convs, &key);
        cached->ab = 0;
    }
    uint32_t fwd_index = ex->dirs->len;
    struct direction *fwd = new_direction(ex, pkt->kind);
    struct direction *rev = new_direction(ex, pkt->kind);
    fwd->info.reverse = fwd_index + 1;
    rev->info.reverse = fwd_index;
    fwd->info.src = pkt->src;
    fwd->info.sport = pkt->sport;
    rev->info.src = pkt->dst;
    rev->info.sport = pkt->dport;
    char s[64], d[64];
    mr_endpoint_format(&pkt->src, pkt->sport, s, sizeof s);
    mr_endpoint_format(&pkt->dst, pkt->dport, d, sizeof d);
    g_snprintf(fwd->info.name, sizeof fwd->info.name, "%s>%s", s, d);
    g_snprintf(rev->info.name, sizeof rev->info.name, "%s>%s", d, s);

    bool fwd_master;
    if (pkt->kind == MR_PACKET_TCP && (pkt->tcp_flags & (MR_TCP_SYN | MR_TCP_ACK)) == MR_TCP_SYN)
        fwd_master = true;
    else if (pkt->kind == MR_PACKET_TCP && (pkt->tcp_flags & MR_TCP_SYN))
        fwd_master = false; /* a SYN-ACK comes from the server */
    else if (pkt->dport == ex->mcp_port && pkt->sport != ex->mcp_port)
        fwd_master = true;
    else if (pkt->sport == ex->mcp_port && pkt->dport != ex->mcp_port)
        fwd_master = false;
    else {
        fwd_master = true;
        fwd->role_open = rev->role_open = true;
    }
    fwd->info.master = fwd_master;
    rev->info.master = !fwd_master;
    fwd->on_mcp_port = rev->on_mcp_port =
        pkt->whole_frames || pkt->sport == ex->mcp_port || pkt->dport == ex->mcp_port;

    struct conv_key *stored = g_memdup2(&key, sizeof key);
    g_hash_table_insert(ex->convs, stored,
                        GUINT_TO_POINTER((src_first ? fwd_index : fwd_index + 1) + 1));
    return fwd;
}

/* The two directions of the serial line on capture interface `line` (§5). */
static struct direction *serial_direction(struct mr_extractor *ex, uint32_t line, int dir)
{
    gpointer found = g_hash_table_lookup(ex->serial_lines, GUINT_TO_POINTER(line));
    uint32_t first;
    if (found == NULL) {
        first = ex->dirs->len;
        g_hash_table_insert(ex->serial_lines, GUINT_TO_POINTER(line), GUINT_TO_POINTER(first + 1));
        for (int i = 0; i < 2; i++) {
            struct direction *d = new_direction(ex, MR_PACKET_SERIAL);
            if (line == 0)
                g_snprintf(d->info.name, sizeof d->info.name, "serial:%d", i);
            else
                g_snprintf(d->info.name, sizeof d->info.name, "serial@%u:%d", line, i);
            d->info.master = i == 0;
            d->info.reverse = first + (uint32_t)(1 - i);
            d->on_mcp_port = true;
        }
    } else {
        first = GPOINTER_TO_UINT(found) - 1;
    }
    return g_ptr_array_index(ex->dirs, first + (dir == 0 ? 0 : 1));
}

/*
 * A conversation whose master the ports do not name: the first frame that
 * says who sends it settles it, by §5's rule for an undirected line (lib's
 * mcp_bus_frame_direction: a request or SYNC comes from the master, a
 * response or EVENT from a device). A NAK says nothing alone: it waits.
 */
static void settle_role(struct mr_extractor *ex, struct direction *d, uint8_t cmd)
{
    if (!d->role_open || cmd == MCP_CMD_NAK)
        return;
    struct direction *rev = g_ptr_array_index(ex->dirs, d->info.reverse);
    d->info.master = mcp_bus_frame_direction(cmd, -1) == MCP_DIR_MASTER_TO_DEVICE;
    rev->info.master = !d->info.master;
    d->role_open = rev->role_open = false;
}

static void emit(struct mr_extractor *ex, struct direction *d, const uint8_t *bytes, size_t len,
                 bool crc_ok)
{
    if (crc_ok) /* a frame failing its check might not be what it says */
        settle_role(ex, d, bytes[4]);
    struct mr_frame *f = mr_frame_new(len);
    f->ts_ns = ex->meta.ts_ns;
    f->record = ex->meta.ordinal;
    f->uid = ++ex->next_uid;
    f->sender = d->index;
    f->from_master = d->info.master;
    f->crc_ok = crc_ok;
    f->seq = f->orig_seq = bytes[1];
    f->cmd = bytes[4];
    f->corrupted = false;
    memcpy(f->bytes, bytes, len);
    ex->stats.frames++;
    ex->cb(ex->ctx, f);
}

static void on_stream_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct mr_extractor *ex = ctx;
    if (ev->kind == MCP_STREAM_JUNK) {
        ex->stats.junk_bytes += ev->len;
        return;
    }
    if (ex->cur_bus != NULL) /* §5: on a bus, the frame's command gives its direction */
        ex->cur = serial_direction(ex, ex->cur_bus->line,
                                   mcp_bus_line_next(&ex->cur_bus->dir, ev->frame.cmd));
    emit(ex, ex->cur, ev->bytes, ev->len, ev->crc_ok);
}

/* Reassembled TCP bytes go to the stream decoder; a hole restarts it. */
static void on_tcp_bytes(void *ctx, const struct mr_recmeta *meta, const uint8_t *data, size_t len)
{
    struct mr_extractor *ex = ctx;
    struct direction *d = ex->cur;
    ex->meta = *meta;
    if (data == NULL) {
        ex->stats.tcp_holes++;
        ex->stats.tcp_hole_bytes += len;
        bool cut = d->cut_record != 0 && d->cut_len == len; /* the bytes a cut record lacks */
        g_printerr("mcpreplay: %s: record %" G_GUINT64_FORMAT ": TCP stream %s lost %zu bytes "
                   "the capture missed%s; resynchronising\n",
                   meta->file, meta->number, d->info.name, len,
                   cut ? " (a segment cut short by the snaplen before)" : "");
        if (cut) {
            struct mr_recmeta here = ex->meta;
            ex->meta.ordinal = d->cut_record;
            skip_partial(ex, d, "cut short: the record holds less than went on the wire");
            ex->meta = here;
            add_skip(ex, d->cut_record, d->index, -1,
                     "TCP segment cut short by the capture (snaplen): frames in its missing "
                     "bytes lost");
        } else {
            skip_partial(ex, d, "a frame cut by bytes the capture missed");
            add_skip(ex, meta->ordinal, d->index, -1,
                     "TCP bytes the capture missed (a segment not captured): frames in them "
                     "lost");
        }
        d->cut_record = 0;
        ex->stats.junk_bytes += mcp_stream_pending(d->stream);
        struct mcp_stream_config cfg = d->stream->config;
        mcp_stream_init(d->stream, &cfg);
        d->resync = true;
        return;
    }
    if (!d->on_mcp_port && d->heur == 0) {
        /* §6: the conversation is MCP once a segment begins with a whole frame. */
        if (!mcp_frame_begins_whole(&ex->codec, data, len))
            return;
        d->heur = 1;
        struct direction *rev = g_ptr_array_index(ex->dirs, d->info.reverse);
        rev->heur = 1;
        rev->resync = true; /* its next bytes need not start a frame */
        d->resync = false;
    }
    if (d->resync) {
        /* After a hole the bytes need not start on a frame boundary. */
        size_t skip = mcp_stream_resync_offset(&ex->codec, data, len);
        ex->stats.junk_bytes += skip;
        data += skip;
        len -= skip;
        d->resync = len == 0; /* nothing could start a frame yet */
    }
    mcp_stream_feed(d->stream, data, len, on_stream_event, ex);
}

/* The undirected serial line `line` (§5, a half-duplex bus): its one stream and
 * the state of the rule that gives each frame a direction, created on first use. */
static struct bus *line_bus(struct mr_extractor *ex, uint32_t line)
{
    struct bus *b = g_hash_table_lookup(ex->buses, GUINT_TO_POINTER(line));
    if (b == NULL) {
        b = g_new0(struct bus, 1);
        b->line = line;
        struct mcp_stream_config cfg = {
            .codec = ex->codec,
            .mode = MCP_STREAM_SERIAL,
            .verify_crc = true,
            .silence_ns = ex->silence_ns,
        };
        mcp_stream_init(&b->stream, &cfg);
        mcp_bus_line_init(&b->dir);
        g_hash_table_insert(ex->buses, GUINT_TO_POINTER(b->line), b);
        serial_direction(ex, b->line, 0); /* the line's senders exist from its first byte */
    }
    return b;
}

/* Whole frames back to back (a datagram, an exported PDU). With ex->cur_bus set
 * (an undirected serial record), each frame's direction is §5's bus rule. */
static void extract_udp(struct mr_extractor *ex, struct direction *d, const struct mr_packet *pkt)
{
    const uint8_t *p = pkt->payload;
    size_t left = pkt->payload_len;
    /* §6: off the MCP ports only a datagram that begins with a whole frame. */
    if (!d->on_mcp_port && !mcp_frame_begins_whole(&ex->codec, p, left))
        return;
    if (pkt->kind == MR_PACKET_UDP && !pkt->whole_frames) {
        if (d->last_udp != NULL && d->last_udp_len == left &&
            ex->meta.ts_ns - d->last_udp_ts >= 0 &&
            ex->meta.ts_ns - d->last_udp_ts <= DUPLICATE_WINDOW_NS &&
            memcmp(d->last_udp, p, left) == 0)
            ex->stats.udp_suspected_duplicates++;
        if (left > d->last_udp_cap || d->last_udp == NULL) {
            d->last_udp_cap = left > 64 ? left : 64;
            g_free(d->last_udp);
            d->last_udp = g_malloc(d->last_udp_cap);
        }
        memcpy(d->last_udp, p, left);
        d->last_udp_len = left;
        d->last_udp_ts = ex->meta.ts_ns;
    }
    while (left > 0) {
        struct mcp_frame frame;
        switch (mcp_frame_decode(&ex->codec, p, left, &frame, NULL)) {
        case MCP_DECODE_OK:
        case MCP_DECODE_BAD_CRC:
            if (ex->cur_bus != NULL)
                d = serial_direction(ex, ex->cur_bus->line,
                                     mcp_bus_line_next(&ex->cur_bus->dir, frame.cmd));
            emit(ex, d, p, frame.frame_len, frame.crc == frame.crc_computed);
            p += frame.frame_len;
            left -= frame.frame_len;
            continue;
        case MCP_DECODE_NEED_MORE:
            if (pkt->truncated) {
                ex->stats.truncated++;
                add_skip(ex, ex->meta.ordinal, d->index, left >= 2 ? p[1] : -1,
                         "cut short: the record holds less than went on the wire");
            } else
                ex->stats.junk_bytes += left;
            return;
        case MCP_DECODE_BAD_MAGIC:
        case MCP_DECODE_BAD_LENGTH:
            ex->stats.junk_bytes += left;
            return;
        }
    }
}

static void on_ip_lost(void *ctx, const struct mr_packet *first, uint64_t first_record,
                       const char *why)
{
    struct mr_extractor *ex = ctx;
    char a[64], b[64];
    mr_addr_format(&first->src, a, sizeof a);
    mr_addr_format(&first->dst, b, sizeof b);
    ex->stats.ip_incomplete++;
    add_skip(ex, first_record, UINT32_MAX, -1, "IP datagram never reassembled (fragments missing)");
    g_printerr("mcpreplay: record %" G_GUINT64_FORMAT ": IP datagram %s>%s id %u not "
               "reassembled: %s\n",
               first_record, a, b, first->frag_id, why);
}

/* Undirected serial bytes (§5): the line's one stream, directions per frame. */
static void feed_bus(struct mr_extractor *ex, const struct mr_packet *pkt)
{
    struct bus *b = line_bus(ex, pkt->serial_line);
    ex->cur_bus = b;
    /* §5 line silence: the time between records of the line's one stream. */
    mcp_stream_feed_at(&b->stream, ex->meta.ts_ns, pkt->payload, pkt->payload_len, on_stream_event,
                       ex);
    ex->cur_bus = NULL;
}

static void extract_packet(struct mr_extractor *ex, const struct mr_packet *pkt)
{
    switch (pkt->kind) {
    case MR_PACKET_UDP:
        extract_udp(ex, find_direction(ex, pkt), pkt);
        break;
    case MR_PACKET_TCP:
        ex->cur = find_direction(ex, pkt);
        if (pkt->whole_frames) { /* exported PDU: one whole frame */
            extract_udp(ex, ex->cur, pkt);
            break;
        }
        if ((pkt->tcp_flags & MR_TCP_SYN) && !ex->cur->syn_seen) {
            ex->cur->syn_seen = true;
            ex->cur->isn = pkt->tcp_seq;
            ex->cur->wscale = pkt->tcp_wscale;
        }
        if (pkt->tcp_flags & MR_TCP_SYN) {
            if (pkt->tcp_window > ex->cur->syn_window)
                ex->cur->syn_window = pkt->tcp_window;
        } else if (pkt->tcp_window > ex->cur->max_window) {
            ex->cur->max_window = pkt->tcp_window;
        }
        ex->cur->window_seen = true;
        if (pkt->truncated) {
            ex->stats.truncated++; /* the missing bytes become a hole */
            ex->cur->cut_record = ex->rec->ordinal;
            ex->cur->cut_len = pkt->tcp_wire_len - pkt->payload_len;
        }
        /* This record, by value: delivering held bytes points ex->meta at their records. */
        const struct mr_recmeta here = ex->meta;
        if (pkt->payload_len > 0 && !(pkt->tcp_flags & MR_TCP_SYN)) {
            /* A segment beyond what the peer's window allows past a hole:
             * the peer acknowledged the hole, it will not fill. */
            struct direction *rev = g_ptr_array_index(ex->dirs, ex->cur->info.reverse);
            mr_tcp_reasm_window(&ex->cur->reasm, &here, pkt->tcp_seq + (uint32_t)pkt->payload_len,
                                offered_window(rev, ex->cur), on_tcp_bytes, ex);
        }
        mr_tcp_reasm_segment(&ex->cur->reasm, &here, pkt->tcp_seq,
                             (pkt->tcp_flags & MR_TCP_SYN) != 0, (pkt->tcp_flags & MR_TCP_FIN) != 0,
                             pkt->payload, pkt->payload_len, on_tcp_bytes, ex);
        if (pkt->tcp_flags & MR_TCP_ACK) {
            struct direction *rev = g_ptr_array_index(ex->dirs, ex->cur->info.reverse);
            struct direction *cur = ex->cur;
            ex->cur = rev;
            mr_tcp_reasm_ack(&rev->reasm, &here, pkt->tcp_ack, on_tcp_bytes, ex);
            ex->cur = cur;
        }
        ex->meta =
            (struct mr_recmeta){ex->rec->file, ex->rec->number, ex->rec->ordinal, ex->rec->ts_ns};
        break;
    case MR_PACKET_SERIAL:
        if (pkt->serial_direction < 0 && !pkt->whole_frames) {
            feed_bus(ex, pkt);
            break;
        }
        ex->cur = serial_direction(ex, pkt->serial_line,
                                   pkt->serial_direction < 0 ? 0 : pkt->serial_direction);
        if (pkt->whole_frames && pkt->serial_direction < 0) {
            /* Exported frames without a direction: §5's rule over the line's
             * frames, the state shared with its undirected byte stream. */
            ex->cur_bus = line_bus(ex, pkt->serial_line);
            extract_udp(ex, ex->cur, pkt);
            ex->cur_bus = NULL;
        } else if (pkt->whole_frames)
            extract_udp(ex, ex->cur, pkt);
        else /* §5 line silence: the time between records of this direction */
            mcp_stream_feed_at(ex->cur->stream, ex->meta.ts_ns, pkt->payload, pkt->payload_len,
                               on_stream_event, ex);
        break;
    case MR_PACKET_FRAGMENT: {
        uint8_t *data;
        size_t len;
        if (!mr_ip_reasm_add(ex->ip, pkt, ex->rec->ordinal, ex->rec->ts_ns, &data, &len, on_ip_lost,
                             ex))
            break;
        struct mr_packet whole = *pkt;
        whole.undecoded = NULL;
        if (mr_packet_decode_transport(pkt->frag_proto, data, len, &whole) &&
            whole.kind != MR_PACKET_FRAGMENT)
            extract_packet(ex, &whole);
        else if (whole.undecoded != NULL) {
            ex->stats.records_undecoded++;
            add_skip(ex, ex->rec->ordinal, UINT32_MAX, -1, whole.undecoded);
        }
        g_free(data);
        break;
    }
    case MR_PACKET_OTHER:
        break;
    }
}

void mr_extractor_set_dlt_user(struct mr_extractor *ex, const struct mr_dlt_user_table *table)
{
    ex->dlt_user = table;
}

const struct mr_dlt_user_table *mr_extractor_dlt_user(const struct mr_extractor *ex)
{
    return ex->dlt_user;
}

const struct mr_dlt_user_seen *mr_extractor_dlt_user_seen(const struct mr_extractor *ex,
                                                          int linktype)
{
    if (!mr_dlt_user_is_user(linktype))
        return NULL;
    return &ex->dlt_seen[linktype - MR_DLT_USER_FIRST];
}

/* Where a DLT's (missing) mapping came from, for messages. */
static void describe_source(const struct mr_dlt_user_table *t, char *out, size_t len)
{
    if (t == NULL || t->source[0] == '\0')
        snprintf(out, len, "no DLT_USER table was read");
    else if (t->none)
        snprintf(out, len, "--dlt-user none");
    else if (t->from_option)
        snprintf(out, len, "--dlt-user maps other DLTs only");
    else if (t->file_missing)
        snprintf(out, len, "Wireshark's DLT_USER table %s does not exist", t->source);
    else if (t->problem[0] != '\0')
        snprintf(out, len, "Wireshark's DLT_USER table %s has no usable entry for it; %s",
                 t->source, t->problem);
    else
        snprintf(out, len, "Wireshark's DLT_USER table %s has no entry for it", t->source);
}

bool mr_extractor_dlt_user_hint(const struct mr_extractor *ex, char *out, size_t out_len)
{
    for (int i = 0; i < MR_DLT_USER_COUNT; i++) {
        if (ex->dlt_seen[i].records == 0)
            continue;
        int dlt = MR_DLT_USER_FIRST + i;
        char name[64], src[2400];
        mr_dlt_user_name(dlt, name, sizeof name);
        const struct mr_dlt_user_entry *e = mr_dlt_user_lookup(ex->dlt_user, dlt);
        switch (mr_dlt_user_kind(e)) {
        case MR_DLT_USER_UNMAPPED:
            describe_source(ex->dlt_user, src, sizeof src);
            snprintf(out, out_len,
                     "its records are %s, which no DLT_USER mapping names (%s): map it with "
                     "--dlt-user %d=mcp5a.serial (raw serial bytes; add ,header=N,trailer=M to "
                     "strip bytes around them) or in Wireshark's DLT_USER table (Preferences > "
                     "Protocols > DLT_USER)",
                     name, src, dlt);
            return true;
        case MR_DLT_USER_OTHER:
            snprintf(out, out_len,
                     "its %s records are mapped to '%s' by %s, not to mcp5a.serial: not MCP "
                     "(--dlt-user %d=mcp5a.serial maps them)",
                     name, e->payload[0] ? e->payload : "data", ex->dlt_user->source, dlt);
            return true;
        default:
            break;
        }
    }
    return false;
}

/* A LINKTYPE_USER0..15 record, read as the DLT_USER table says (dltuser.h). */
static void extract_dlt_user(struct mr_extractor *ex, const struct mr_record *rec)
{
    struct mr_dlt_user_seen *seen = &ex->dlt_seen[rec->linktype - MR_DLT_USER_FIRST];
    seen->records++;
    if (seen->first_record == 0)
        seen->first_record = rec->ordinal;
    seen->last_record = rec->ordinal;
    const struct mr_dlt_user_entry *e = mr_dlt_user_lookup(ex->dlt_user, rec->linktype);
    enum mr_dlt_user_kind kind = mr_dlt_user_kind(e);
    if (kind == MR_DLT_USER_UNMAPPED) {
        ex->stats.records_other++;
        ex->stats.dlt_user_unmapped++;
        add_skip(ex, rec->ordinal, UINT32_MAX, -1,
                 "a DLT_USER record without a mapping: not read (--dlt-user DLT=mcp5a.serial, "
                 "or DLT=data for not MCP, or Wireshark's user_dlts)");
        return;
    }
    if (kind == MR_DLT_USER_OTHER) { /* the user's table says: not MCP */
        ex->stats.records_other++;
        ex->stats.dlt_user_not_mcp++;
        return;
    }
    struct mr_packet pkt;
    memset(&pkt, 0, sizeof pkt);
    if (!mr_dlt_user_strip(e, rec->data, rec->caplen, &pkt.payload, &pkt.payload_len)) {
        add_skip(ex, rec->ordinal, UINT32_MAX, -1,
                 "a DLT_USER record shorter than its header and trailer (Wireshark: malformed)");
        return;
    }
    pkt.kind = MR_PACKET_SERIAL;
    pkt.serial_direction = -1; /* DLT_USER records carry no direction: §5, a half-duplex bus */
    pkt.whole_frames = kind == MR_DLT_USER_FRAMES;
    pkt.truncated = rec->caplen < rec->wirelen;
    pkt.serial_line = rec->interface_id;
    uint64_t junk = ex->stats.junk_bytes;
    extract_packet(ex, &pkt);
    seen->junk_bytes += ex->stats.junk_bytes - junk;
}

/* The record whose frames go to cb next (its bytes are not kept past this call). */
static void begin_record(struct mr_extractor *ex, const struct mr_record *rec, mr_frame_cb cb,
                         void *ctx)
{
    ex->cur_rec = *rec;
    ex->cur_rec.data = NULL;
    ex->rec = &ex->cur_rec;
    ex->meta = (struct mr_recmeta){rec->file, rec->number, rec->ordinal, rec->ts_ns};
    ex->cb = cb;
    ex->ctx = ctx;
}

void mr_extractor_record(struct mr_extractor *ex, const struct mr_record *rec, mr_frame_cb cb,
                         void *ctx)
{
    struct mr_packet pkt;
    ex->stats.records++;
    if (mr_dlt_user_is_user(rec->linktype)) {
        begin_record(ex, rec, cb, ctx);
        extract_dlt_user(ex, rec);
        return;
    }
    if (!mr_packet_decode(rec->linktype, rec->data, rec->caplen, &pkt)) {
        ex->stats.records_other++;
        if (pkt.undecoded != NULL) { /* it might hold MCP: named, never silent */
            ex->stats.records_undecoded++;
            add_skip(ex, rec->ordinal, UINT32_MAX, -1, pkt.undecoded);
        }
        return;
    }
    begin_record(ex, rec, cb, ctx);
    pkt.serial_line = rec->interface_id;
    extract_packet(ex, &pkt);
}

void mr_extractor_finish(struct mr_extractor *ex, mr_frame_cb cb, void *ctx)
{
    ex->cb = cb;
    ex->ctx = ctx;
    mr_ip_reasm_finish(ex->ip, on_ip_lost, ex);
    if (ex->rec != NULL)
        ex->meta =
            (struct mr_recmeta){ex->rec->file, ex->rec->number, ex->rec->ordinal, ex->rec->ts_ns};
    for (guint i = 0; i < ex->dirs->len; i++) {
        struct direction *d = g_ptr_array_index(ex->dirs, i);
        ex->cur = d;
        if (d->info.kind == MR_PACKET_TCP && ex->rec != NULL)
            mr_tcp_reasm_flush(&d->reasm, &ex->meta, on_tcp_bytes, ex);
        if (d->stream != NULL) {
            skip_partial(ex, d, "the capture ends inside this frame");
            mcp_stream_finish(d->stream, on_stream_event, ex);
        }
    }
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, ex->buses);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        struct bus *b = value;
        const struct mcp_stream *st = &b->stream;
        if (mcp_stream_pending(st) > 0 && st->buf[st->start] == 0x5A) /* named, as skip_partial */
            add_skip(ex, ex->meta.ordinal, serial_direction(ex, b->line, 0)->index,
                     st->len - st->start >= 2 ? st->buf[st->start + 1] : -1,
                     "the capture ends inside this frame");
        ex->cur_bus = b;
        mcp_stream_finish(&b->stream, on_stream_event, ex);
        ex->cur_bus = NULL;
    }
}

void mr_extractor_restart(struct mr_extractor *ex)
{
    for (guint i = 0; i < ex->dirs->len; i++) {
        struct direction *d = g_ptr_array_index(ex->dirs, i);
        mr_tcp_reasm_clear(&d->reasm);
        if (d->stream != NULL) {
            struct mcp_stream_config cfg = d->stream->config;
            mcp_stream_init(d->stream, &cfg);
        }
    }
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, ex->buses);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        struct bus *b = value;
        struct mcp_stream_config cfg = b->stream.config;
        mcp_stream_init(&b->stream, &cfg);
        mcp_bus_line_init(&b->dir);
    }
}

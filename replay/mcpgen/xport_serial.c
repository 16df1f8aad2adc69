/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serial line in LINKTYPE_WIRESHARK_UPPER_PDU records (§5): each record is
 * the exported-PDU tags (dissector name "mcp5a.serial", P2P direction) and a
 * chunk of one direction's byte stream. Chunks split frames anywhere; line
 * noise and false starts may precede a burst. Where a decoder shows each
 * frame and which record reveals which junk is computed here by arithmetic;
 * the cross-check (verify.c) confirms it with the library's decoder.
 */
#include "xport.h"

#include <glib.h>
#include <string.h>

#include "mcp/crc.h"

#define EXP_PDU_TAG_END_OF_OPT     0
#define EXP_PDU_TAG_DISSECTOR_NAME 12
#define EXP_PDU_TAG_P2P_DIRECTION  35
#define SERIAL_DISSECTOR           "mcp5a.serial"

struct serial_state {
    GByteArray *buf;
    GArray *units;
};

/* One piece of a burst's byte stream and the stream offset the decoder needs to judge it. */
enum unit_kind {
    UNIT_NOISE,       /* one byte that is never 0x5A: junk as soon as it is seen */
    UNIT_FALSE_START, /* 0x5A then non-0x5A bytes: junk once byte `need` has arrived */
    UNIT_FRAME        /* a frame, accepted once byte `need` (its last) has arrived */
};

struct unit {
    enum unit_kind kind;
    size_t start, len, need;
    uint32_t truth;
};

void serial_init(struct xport *x)
{
    struct serial_state *st = g_new0(struct serial_state, 1);
    st->buf = g_byte_array_new();
    st->units = g_array_new(FALSE, FALSE, sizeof(struct unit));
    x->state = st;
}

void serial_free(struct xport *x)
{
    struct serial_state *st = x->state;
    g_byte_array_free(st->buf, TRUE);
    g_array_free(st->units, TRUE);
    g_free(st);
}

static void add_unit(struct serial_state *st, enum unit_kind kind, size_t start, size_t len,
                     size_t need, uint32_t truth)
{
    struct unit u = {kind, start, len, need, truth};
    g_array_append_val(st->units, u);
}

static void add_noise(struct xport *x, size_t n)
{
    struct serial_state *st = x->state;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = rng_byte_not_magic(&x->rng);
        add_unit(st, UNIT_NOISE, st->buf->len, 1, st->buf->len, TRUTH_NONE);
        g_byte_array_append(st->buf, &b, 1);
    }
}

static void put_length(const struct mcp_codec *codec, uint8_t *p, uint16_t len)
{
    if (codec->length_le) {
        p[0] = (uint8_t)len;
        p[1] = (uint8_t)(len >> 8);
    } else {
        p[0] = (uint8_t)(len >> 8);
        p[1] = (uint8_t)len;
    }
}

/* A 0x5A whose length field is over 4096: rejected as soon as the length is seen. */
static void add_bad_length_start(struct xport *x)
{
    struct serial_state *st = x->state;
    uint8_t fs[4] = {MCP_MAGIC, rng_byte_not_magic(&x->rng), 0, 0};
    /* both bytes >= 0x11 and != 0x5A: over 4096 in either byte order */
    do {
        fs[2] = (uint8_t)rng_range(&x->rng, 0x11, 0xFF);
        fs[3] = (uint8_t)rng_range(&x->rng, 0x11, 0xFF);
    } while (fs[2] == MCP_MAGIC || fs[3] == MCP_MAGIC);
    size_t o = st->buf->len;
    add_unit(st, UNIT_FALSE_START, o, 4, o + 3, TRUTH_NONE);
    g_byte_array_append(st->buf, fs, 4);
}

/*
 * A 0x5A with a plausible length whose check then fails. Only its 4 header
 * bytes are its own; the decoder waits for the rest of the claimed frame,
 * which overlaps what follows (the frames of this burst and trailing
 * noise), and only then rejects it: frames inside that window are shown in
 * the record where the false start was rejected.
 */
static size_t finish_plausible_start(struct xport *x, size_t o, size_t first_frame_end)
{
    struct serial_state *st = x->state;
    const struct mcp_codec *codec = &x->opt->codec;
    uint8_t *b = st->buf->data;
    size_t total = st->buf->len;
    size_t max_n = total - o - 6; /* window o .. o+5+n must end inside the burst */
    if (max_n > MCP_MAX_PAYLOAD)
        max_n = MCP_MAX_PAYLOAD;
    /* Mostly a window that reaches past the first frame, so that frame waits. */
    size_t min_n = 0;
    if (first_frame_end + 1 < total && first_frame_end - o - 4 <= max_n && rng_chance(&x->rng, 0.7))
        min_n = first_frame_end - o - 4;
    for (int attempt = 0; attempt < 16; attempt++) {
        uint16_t n = (uint16_t)rng_range(&x->rng, (uint32_t)min_n, (uint32_t)max_n);
        put_length(codec, b + o + 2, n);
        if (b[o + 2] == MCP_MAGIC || b[o + 3] == MCP_MAGIC)
            continue;
        if (mcp_crc(codec->crc, b + o, 5 + (size_t)n) == b[o + 5 + n])
            continue; /* would be a valid frame: try another length */
        /* the unit was recorded with need = 0; set the real window end */
        for (guint i = 0; i < st->units->len; i++) {
            struct unit *u = &g_array_index(st->units, struct unit, i);
            if (u->kind == UNIT_FALSE_START && u->start == o)
                u->need = o + 5 + n;
        }
        return o + 5 + (size_t)n;
    }
    /* No usable length: the 0x5A becomes a plain noise byte. */
    b[o] = rng_byte_not_magic(&x->rng);
    for (guint i = 0; i < st->units->len; i++) {
        struct unit *u = &g_array_index(st->units, struct unit, i);
        if (u->kind == UNIT_FALSE_START && u->start == o) {
            g_array_remove_index(st->units, i);
            for (size_t k = 0; k < 4; k++) {
                struct unit nu = {UNIT_NOISE, o + k, 1, o + k, TRUTH_NONE};
                g_array_insert_val(st->units, i + k, nu);
            }
            break;
        }
    }
    return 0;
}

static void send_records(struct xport *x, const struct burst *b, int dir, size_t *ends,
                         size_t n_chunks, uint32_t *first_record)
{
    struct serial_state *st = x->state;
    size_t pos = 0;
    for (size_t i = 0; i < n_chunks; i++) {
        uint8_t *p = x->pkt;
        size_t n = 0;
        /* tag 12: the dissector's name (12 bytes, a multiple of 4: no padding needed) */
        p[n++] = 0;
        p[n++] = EXP_PDU_TAG_DISSECTOR_NAME;
        p[n++] = 0;
        p[n++] = (uint8_t)strlen(SERIAL_DISSECTOR);
        memcpy(p + n, SERIAL_DISSECTOR, strlen(SERIAL_DISSECTOR));
        n += strlen(SERIAL_DISSECTOR);
        /* tag 35: direction as a 4-byte big-endian value */
        p[n++] = 0;
        p[n++] = EXP_PDU_TAG_P2P_DIRECTION;
        p[n++] = 0;
        p[n++] = 4;
        p[n++] = 0;
        p[n++] = 0;
        p[n++] = 0;
        p[n++] = (uint8_t)dir;
        /* end of options */
        p[n++] = 0;
        p[n++] = EXP_PDU_TAG_END_OF_OPT;
        p[n++] = 0;
        p[n++] = 0;
        memcpy(p + n, st->buf->data + pos, ends[i] - pos);
        n += ends[i] - pos;
        uint32_t r = sink_record(x->sink, b->t_ns + i * 1000, p, n);
        if (i == 0)
            *first_record = r;
        pos = ends[i];
    }
}

static uint32_t record_of(const size_t *ends, size_t n_chunks, uint32_t first, size_t offset)
{
    size_t i = 0;
    while (i + 1 < n_chunks && offset >= ends[i])
        i++;
    return first + (uint32_t)i;
}

void serial_burst(struct xport *x, const struct burst *b)
{
    struct serial_state *st = x->state;
    const struct gen_sender *s = &x->topo->senders[b->sender];
    g_byte_array_set_size(st->buf, 0);
    g_array_set_size(st->units, 0);

    /* Line noise before the burst: plain bytes, a bad-length start, or a plausible start. */
    int noise = rng_chance(&x->rng, x->opt->noise) ? (int)rng_range(&x->rng, 0, 2) : -1;
    size_t plausible_at = SIZE_MAX, window_end = 0, first_frame_end = 0;
    if (noise >= 0)
        add_noise(x, rng_range(&x->rng, noise == 0 ? 1 : 0, 6));
    if (noise == 1)
        add_bad_length_start(x);
    if (noise == 2) {
        uint8_t fs[4] = {MCP_MAGIC, rng_byte_not_magic(&x->rng), 0, 0};
        plausible_at = st->buf->len;
        add_unit(st, UNIT_FALSE_START, plausible_at, 4, 0, TRUTH_NONE);
        g_byte_array_append(st->buf, fs, 4);
    }
    for (size_t i = 0; i < b->n_frames; i++) {
        const struct burst_frame *f = &b->frames[i];
        size_t o = st->buf->len;
        /* A frame with a bad check is junk on a serial line (§5); the model keeps
         * 0x5A out of all but its first byte, so it is skipped byte by byte. */
        if (f->truth == TRUTH_NONE)
            add_unit(st, UNIT_FALSE_START, o, f->len, o + f->len - 1, TRUTH_NONE);
        else
            add_unit(st, UNIT_FRAME, o, f->len, o + f->len - 1, f->truth);
        if (i == 0)
            first_frame_end = o + f->len - 1;
        g_byte_array_append(st->buf, b->bytes + f->offset, (guint)f->len);
    }
    if (noise == 2) {
        add_noise(x, rng_range(&x->rng, 2, 10));
        window_end = finish_plausible_start(x, plausible_at, first_frame_end);
    }

    /* The UART hands the bytes over in one chunk or (--split) in 2-4 pieces cut anywhere. */
    size_t total = st->buf->len;
    size_t ends[6];
    size_t n_chunks = 0;
    if (total > 1 && rng_chance(&x->rng, x->opt->split)) {
        size_t k = rng_range(&x->rng, 1, 3);
        for (size_t i = 0; i < k; i++)
            ends[n_chunks++] = 1 + rng_below(&x->rng, (uint32_t)(total - 1));
        for (size_t i = 1; i < n_chunks; i++)
            for (size_t j = i; j > 0 && ends[j - 1] > ends[j]; j--) {
                size_t tmp = ends[j];
                ends[j] = ends[j - 1];
                ends[j - 1] = tmp;
            }
        size_t w = 0;
        for (size_t i = 0; i < n_chunks; i++)
            if (w == 0 || ends[i] != ends[w - 1])
                ends[w++] = ends[i];
        n_chunks = w;
    }
    /* Now and then a record ends between the first frame and the end of a
     * false start's window: that frame is shown one record late (§5). */
    if (window_end > first_frame_end && rng_chance(&x->rng, 0.7)) {
        size_t cut = rng_range(&x->rng, (uint32_t)first_frame_end + 1, (uint32_t)window_end);
        size_t w = 0;
        bool placed = false;
        size_t merged[5];
        for (size_t i = 0; i < n_chunks; i++) {
            if (!placed && cut <= ends[i]) {
                if (cut < ends[i])
                    merged[w++] = cut;
                placed = true;
            }
            merged[w++] = ends[i];
        }
        if (!placed)
            merged[w++] = cut;
        memcpy(ends, merged, w * sizeof ends[0]);
        n_chunks = w;
    }
    ends[n_chunks++] = total;
    uint32_t first = 0;
    send_records(x, b, s->serial_dir, ends, n_chunks, &first);

    /*
     * Attribution, as §5's decoder works: it reaches each unit only after
     * every earlier candidate has been judged, so a unit is settled in the
     * record holding max(its own `need`, the furthest window an earlier
     * false start made the decoder wait for).
     */
    size_t block = 0;
    for (guint i = 0; i < st->units->len; i++) {
        const struct unit *u = &g_array_index(st->units, struct unit, i);
        size_t settle = u->need > block ? u->need : block;
        uint32_t record = record_of(ends, n_chunks, first, settle);
        if (u->kind == UNIT_FRAME) {
            truth_place(x->truth, u->truth, record);
        } else {
            truth_add_junk(x->truth, record, (uint32_t)u->len);
            if (u->kind == UNIT_FALSE_START)
                block = settle;
        }
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stream decoder of docs/PROTOCOL.md §5: splits, junk, false starts, modes, finish. */
#include <glib.h>
#include <string.h>

#include "mcp/stream.h"
#include "testutil.h"

/* One reported event, with the number of the feed (0-based) that reported it. */
struct seen {
    enum mcp_stream_event_kind kind;
    uint64_t offset;
    size_t len;
    bool crc_ok;
    bool at_end;
    bool given_up;
    int feed; /* -1: reported by mcp_stream_finish */
    uint8_t seq;
};

struct recorder {
    GArray *events;
    int feed;
    const uint8_t *stream_bytes; /* the whole stream, to check bytes against offsets */
};

static void record(void *ctx, const struct mcp_stream_event *ev)
{
    struct recorder *rec = ctx;
    struct seen s = {ev->kind,   ev->offset,   ev->len,   ev->crc_ok,
                     ev->at_end, ev->given_up, rec->feed, 0};
    if (ev->kind == MCP_STREAM_FRAME) {
        s.seq = ev->frame.seq;
        g_assert_cmpuint(ev->frame.frame_len, ==, ev->len);
        g_assert_true(ev->frame.payload == ev->bytes + MCP_HEADER_LEN);
    }
    if (rec->stream_bytes != NULL)
        g_assert_cmpmem(ev->bytes, ev->len, rec->stream_bytes + ev->offset, ev->len);
    g_array_append_val(rec->events, s);
}

static struct mcp_stream *new_stream(enum mcp_stream_mode mode, bool verify_crc)
{
    struct mcp_stream_config cfg = {
        .codec = mcp_codec_default(), .mode = mode, .verify_crc = verify_crc};
    struct mcp_stream *s = g_new(struct mcp_stream, 1);
    mcp_stream_init(s, &cfg);
    return s;
}

static void recorder_init(struct recorder *rec, const uint8_t *bytes)
{
    rec->events = g_array_new(FALSE, TRUE, sizeof(struct seen));
    rec->feed = 0;
    rec->stream_bytes = bytes;
}

static void feed(struct mcp_stream *s, struct recorder *rec, const uint8_t *data, size_t len)
{
    mcp_stream_feed(s, data, len, record, rec);
    rec->feed++;
}

/* A feed at a time in milliseconds (§5 line silence). */
static void feed_at(struct mcp_stream *s, struct recorder *rec, int64_t ms, const uint8_t *data,
                    size_t len)
{
    mcp_stream_feed_at(s, ms * 1000000, data, len, record, rec);
    rec->feed++;
}

static struct mcp_stream *new_silent_stream(enum mcp_stream_mode mode, int64_t silence_ms)
{
    struct mcp_stream *s = new_stream(mode, true);
    s->config.silence_ns = silence_ms * 1000000;
    return s;
}

static void finish(struct mcp_stream *s, struct recorder *rec)
{
    int saved = rec->feed;
    rec->feed = -1;
    mcp_stream_finish(s, record, rec);
    rec->feed = saved;
}

static const struct seen *ev_at(const struct recorder *rec, guint i)
{
    g_assert_cmpuint(i, <, rec->events->len);
    return &g_array_index(rec->events, struct seen, i);
}

static void assert_event(const struct recorder *rec, guint i, enum mcp_stream_event_kind kind,
                         uint64_t offset, size_t len, int in_feed)
{
    const struct seen *e = ev_at(rec, i);
    if (e->kind != kind || e->offset != offset || e->len != len || e->feed != in_feed)
        g_error("event %u: got %s offset %" G_GUINT64_FORMAT
                " len %zu feed %d; want %s %" G_GUINT64_FORMAT " %zu feed %d",
                i, e->kind == MCP_STREAM_FRAME ? "frame" : "junk", e->offset, e->len, e->feed,
                kind == MCP_STREAM_FRAME ? "frame" : "junk", offset, len, in_feed);
}

/* Junk and frames cover [0, total) exactly once, in order. */
static void assert_covers(const struct recorder *rec, uint64_t total)
{
    uint64_t next = 0;
    for (guint i = 0; i < rec->events->len; i++) {
        const struct seen *e = ev_at(rec, i);
        g_assert_cmpuint(e->offset, ==, next);
        g_assert_cmpuint(e->len, >, 0);
        next += e->len;
    }
    g_assert_cmpuint(next, ==, total);
}

static void free_all(struct mcp_stream *s, struct recorder *rec)
{
    g_array_free(rec->events, TRUE);
    g_free(s);
}

/* Builds a frame with the default codec into out; returns its length. */
static size_t frame_bytes(uint8_t seq, uint8_t cmd, const uint8_t *payload, size_t len,
                          uint8_t *out, size_t cap)
{
    struct mcp_codec c = mcp_codec_default();
    size_t n = mcp_frame_encode(&c, seq, cmd, payload, len, out, cap);
    g_assert_cmpuint(n, ==, 6 + len);
    return n;
}

static const enum mcp_stream_mode both_modes[] = {MCP_STREAM_SERIAL, MCP_STREAM_FRAMED};

/* The three spec vectors back to back: frames at offsets 0, 6, 17 (34 bytes). */
static size_t three_vectors(uint8_t *buf, size_t cap)
{
    size_t n = hex_bytes(VECTOR_HEARTBEAT " " VECTOR_READ " " VECTOR_READ_RSP, buf, cap);
    g_assert_cmpuint(n, ==, 34);
    return n;
}

static const uint64_t vector_offsets[] = {0, 6, 17};
static const size_t vector_lens[] = {6, 11, 17};

/* Split in two at every position: each frame comes in the feed holding its last byte. */
static void test_split_at_every_position(void)
{
    uint8_t buf[64];
    size_t n = three_vectors(buf, sizeof buf);
    for (size_t m = 0; m < 2; m++) {
        for (size_t split = 0; split <= n; split++) {
            struct mcp_stream *s = new_stream(both_modes[m], true);
            struct recorder rec;
            recorder_init(&rec, buf);
            feed(s, &rec, buf, split);
            feed(s, &rec, buf + split, n - split);
            g_assert_cmpuint(mcp_stream_pending(s), ==, 0);
            finish(s, &rec);
            g_assert_cmpuint(rec.events->len, ==, 3);
            for (guint i = 0; i < 3; i++) {
                int want_feed = vector_offsets[i] + vector_lens[i] <= split ? 0 : 1;
                assert_event(&rec, i, MCP_STREAM_FRAME, vector_offsets[i], vector_lens[i],
                             want_feed);
                g_assert_true(ev_at(&rec, i)->crc_ok);
            }
            free_all(s, &rec);
        }
    }
}

/* Byte by byte: each frame is reported by the feed of its last byte, nothing else. */
static void test_byte_by_byte(void)
{
    uint8_t buf[64];
    size_t n = three_vectors(buf, sizeof buf);
    for (size_t m = 0; m < 2; m++) {
        struct mcp_stream *s = new_stream(both_modes[m], true);
        struct recorder rec;
        recorder_init(&rec, buf);
        for (size_t i = 0; i < n; i++) {
            feed(s, &rec, buf + i, 1);
            size_t held = mcp_stream_pending(s);
            g_assert_cmpuint(held, <, 17);
        }
        g_assert_cmpuint(rec.events->len, ==, 3);
        for (guint i = 0; i < 3; i++)
            assert_event(&rec, i, MCP_STREAM_FRAME, vector_offsets[i], vector_lens[i],
                         (int)(vector_offsets[i] + vector_lens[i] - 1));
        g_assert_cmpuint(ev_at(&rec, 2)->seq, ==, 255);
        free_all(s, &rec);
    }
}

/* Junk before, between and after frames, with exact offsets and lengths. */
static void test_junk_around_frames(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes("ff ee " VECTOR_HEARTBEAT " 00 11 22 " VECTOR_READ " 33", buf, sizeof buf);
    g_assert_cmpuint(n, ==, 23);
    for (size_t m = 0; m < 2; m++) {
        struct mcp_stream *s = new_stream(both_modes[m], true);
        struct recorder rec;
        recorder_init(&rec, buf);
        feed(s, &rec, buf, n);
        g_assert_cmpuint(rec.events->len, ==, 5);
        assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 2, 0);
        assert_event(&rec, 1, MCP_STREAM_FRAME, 2, 6, 0);
        assert_event(&rec, 2, MCP_STREAM_JUNK, 8, 3, 0);
        assert_event(&rec, 3, MCP_STREAM_FRAME, 11, 11, 0);
        assert_event(&rec, 4, MCP_STREAM_JUNK, 22, 1, 0); /* reported at the end of the feed */
        for (guint i = 0; i < 5; i++)
            g_assert_false(ev_at(&rec, i)->at_end);
        finish(s, &rec);
        g_assert_cmpuint(rec.events->len, ==, 5);
        g_assert_cmpuint(s->junk_total, ==, 6);
        g_assert_cmpuint(s->frames_total, ==, 2);
        free_all(s, &rec);
    }
}

/* Junk is reported at the end of every feed, attributed to the feed that revealed it. */
static void test_junk_reported_per_feed(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes("11 22 33 5a 00 00 00 01 20 44", buf, sizeof buf);
    struct mcp_stream *s = new_stream(MCP_STREAM_SERIAL, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, 2);     /* 11 22 */
    feed(s, &rec, buf + 2, 2); /* 33 5a: the 5a is held */
    g_assert_cmpuint(mcp_stream_pending(s), ==, 1);
    feed(s, &rec, buf + 4, 5);     /* rest of the heartbeat */
    feed(s, &rec, buf + 9, n - 9); /* 44 */
    g_assert_cmpuint(rec.events->len, ==, 4);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 2, 0);
    assert_event(&rec, 1, MCP_STREAM_JUNK, 2, 1, 1);
    assert_event(&rec, 2, MCP_STREAM_FRAME, 3, 6, 2);
    assert_event(&rec, 3, MCP_STREAM_JUNK, 9, 1, 3);
    free_all(s, &rec);
}

/* A false start whose length is over 4096 is junk as soon as the length has arrived. */
static void test_false_start_bad_length_rejected_at_once(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes("5a 00 10 01 " VECTOR_HEARTBEAT, buf, sizeof buf);
    struct mcp_stream *s = new_stream(MCP_STREAM_SERIAL, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, 3); /* 5a 00 10: still plausible */
    g_assert_cmpuint(rec.events->len, ==, 0);
    g_assert_cmpuint(mcp_stream_pending(s), ==, 3);
    feed(s, &rec, buf + 3, 1); /* 01: length 4097 */
    g_assert_cmpuint(rec.events->len, ==, 1);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 4, 1);
    g_assert_cmpuint(mcp_stream_pending(s), ==, 0);
    feed(s, &rec, buf + 4, n - 4);
    assert_event(&rec, 1, MCP_STREAM_FRAME, 4, 6, 2);
    assert_covers(&rec, n);
    free_all(s, &rec);
}

/*
 * A false start with a plausible length (8) waits for its 14 bytes; a real
 * heartbeat inside it is reported only in the feed where the false start's
 * check fails (§5), preceded by the false start's 4 bytes of junk.
 */
static void test_false_start_bad_crc_rejected_when_complete(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes("5a 07 00 08 " VECTOR_HEARTBEAT " 01 02 03 04", buf, sizeof buf);
    g_assert_cmpuint(n, ==, 14);
    /* the 14-byte candidate's trailer (04) must not match, or it would be a frame */
    g_assert_cmphex(mcp_crc(MCP_CRC8_SMBUS, buf, 13), !=, 0x04);
    struct mcp_stream *s = new_stream(MCP_STREAM_SERIAL, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, 10); /* false start + the whole heartbeat */
    g_assert_cmpuint(rec.events->len, ==, 0);
    g_assert_cmpuint(mcp_stream_pending(s), ==, 10);
    feed(s, &rec, buf + 10, 3); /* one byte short of the candidate */
    g_assert_cmpuint(rec.events->len, ==, 0);
    feed(s, &rec, buf + 13, 1);
    g_assert_cmpuint(rec.events->len, ==, 3);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 4, 2);
    assert_event(&rec, 1, MCP_STREAM_FRAME, 4, 6, 2);
    assert_event(&rec, 2, MCP_STREAM_JUNK, 10, 4, 2);
    g_assert_cmpuint(ev_at(&rec, 1)->seq, ==, 0);
    free_all(s, &rec);
}

/* The same false start, then the end of the stream: finish still finds the heartbeat. */
static void test_finish_rescans_false_start(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes("5a 07 00 08 " VECTOR_HEARTBEAT " 01", buf, sizeof buf);
    for (size_t m = 0; m < 2; m++) {
        struct mcp_stream *s = new_stream(both_modes[m], true);
        struct recorder rec;
        recorder_init(&rec, buf);
        feed(s, &rec, buf, n);
        g_assert_cmpuint(rec.events->len, ==, 0);
        finish(s, &rec);
        g_assert_cmpuint(rec.events->len, ==, 3);
        assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 4, -1);
        assert_event(&rec, 1, MCP_STREAM_FRAME, 4, 6, -1);
        assert_event(&rec, 2, MCP_STREAM_JUNK, 10, 1, -1);
        g_assert_true(ev_at(&rec, 0)->at_end);
        g_assert_true(ev_at(&rec, 2)->at_end);
        g_assert_cmpuint(mcp_stream_pending(s), ==, 0);
        free_all(s, &rec);
    }
}

/* A frame cut short by the end of the stream is junk with at_end set. */
static void test_finish_with_partial_frame(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes(VECTOR_HEARTBEAT " 5a 01 00 05 02", buf, sizeof buf);
    for (size_t m = 0; m < 2; m++) {
        struct mcp_stream *s = new_stream(both_modes[m], true);
        struct recorder rec;
        recorder_init(&rec, buf);
        feed(s, &rec, buf, n);
        g_assert_cmpuint(rec.events->len, ==, 1);
        g_assert_cmpuint(mcp_stream_pending(s), ==, 5);
        finish(s, &rec);
        g_assert_cmpuint(rec.events->len, ==, 2);
        assert_event(&rec, 1, MCP_STREAM_JUNK, 6, 5, -1);
        g_assert_true(ev_at(&rec, 1)->at_end);
        g_assert_cmpuint(mcp_stream_pending(s), ==, 0);
        /* finishing again reports nothing */
        finish(s, &rec);
        g_assert_cmpuint(rec.events->len, ==, 2);
        free_all(s, &rec);
    }
}

/* Serial: a frame whose check fails is junk, skipped byte by byte. */
static void test_serial_bad_crc_is_junk(void)
{
    uint8_t buf[64];
    size_t n = three_vectors(buf, sizeof buf);
    buf[16] ^= 0x01; /* READ's trailer */
    struct mcp_stream *s = new_stream(MCP_STREAM_SERIAL, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, n);
    g_assert_cmpuint(rec.events->len, ==, 3);
    assert_event(&rec, 0, MCP_STREAM_FRAME, 0, 6, 0);
    assert_event(&rec, 1, MCP_STREAM_JUNK, 6, 11, 0);
    assert_event(&rec, 2, MCP_STREAM_FRAME, 17, 17, 0);
    free_all(s, &rec);
}

/* Framed, in step: a bad check is the frame's own problem, delivered with crc_ok false. */
static void test_framed_bad_crc_in_step(void)
{
    uint8_t buf[64];
    size_t n = three_vectors(buf, sizeof buf);
    buf[16] ^= 0x01;
    struct mcp_stream *s = new_stream(MCP_STREAM_FRAMED, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, n);
    g_assert_cmpuint(rec.events->len, ==, 3);
    for (guint i = 0; i < 3; i++)
        assert_event(&rec, i, MCP_STREAM_FRAME, vector_offsets[i], vector_lens[i], 0);
    g_assert_true(ev_at(&rec, 0)->crc_ok);
    g_assert_false(ev_at(&rec, 1)->crc_ok);
    g_assert_true(ev_at(&rec, 2)->crc_ok);
    free_all(s, &rec);
}

/* Framed, after junk: only a frame whose check matches resynchronises; then in step again. */
static void test_framed_resync_needs_valid_crc(void)
{
    uint8_t buf[64];
    /* junk, heartbeat with a bad check, good heartbeat, READ with a bad check */
    size_t n = hex_bytes("ff 5a 00 00 00 01 21 " VECTOR_HEARTBEAT " 5a 01 00 05 02 03 00 10 "
                         "00 04 d5",
                         buf, sizeof buf);
    g_assert_cmpuint(n, ==, 24);
    struct mcp_stream *s = new_stream(MCP_STREAM_FRAMED, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, n);
    g_assert_cmpuint(rec.events->len, ==, 3);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 7, 0);
    assert_event(&rec, 1, MCP_STREAM_FRAME, 7, 6, 0);
    g_assert_true(ev_at(&rec, 1)->crc_ok);
    assert_event(&rec, 2, MCP_STREAM_FRAME, 13, 11, 0);
    g_assert_false(ev_at(&rec, 2)->crc_ok);
    free_all(s, &rec);
}

/* Framed: an over-long length in step is junk too (nothing to take by length). */
static void test_framed_bad_length_is_junk(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes("5a 00 ff ff " VECTOR_HEARTBEAT, buf, sizeof buf);
    struct mcp_stream *s = new_stream(MCP_STREAM_FRAMED, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, n);
    g_assert_cmpuint(rec.events->len, ==, 2);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 4, 0);
    assert_event(&rec, 1, MCP_STREAM_FRAME, 4, 6, 0);
    free_all(s, &rec);
}

/* finish puts a framed stream back in step: the next datagram starts on a frame boundary. */
static void test_framed_finish_restores_step(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes("ff 5a 00 00 00 01 21", buf, sizeof buf);
    struct mcp_stream *s = new_stream(MCP_STREAM_FRAMED, true);
    struct recorder rec;
    recorder_init(&rec, NULL);
    feed(s, &rec, buf, 1);
    finish(s, &rec);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 1, 0);
    feed(s, &rec, buf + 1, n - 1);
    g_assert_cmpuint(rec.events->len, ==, 2);
    assert_event(&rec, 1, MCP_STREAM_FRAME, 1, 6, 1);
    g_assert_false(ev_at(&rec, 1)->crc_ok);
    free_all(s, &rec);
}

/* verify_crc off: frames are taken by magic and length alone, even false starts. */
static void test_verify_crc_off(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes("5a 00 00 00 01 21 5a 07 00 08 " VECTOR_HEARTBEAT " 01 02 03 04", buf,
                         sizeof buf);
    for (size_t m = 0; m < 2; m++) {
        struct mcp_stream *s = new_stream(both_modes[m], false);
        struct recorder rec;
        recorder_init(&rec, buf);
        feed(s, &rec, buf, n);
        g_assert_cmpuint(rec.events->len, ==, 2);
        assert_event(&rec, 0, MCP_STREAM_FRAME, 0, 6, 0);
        g_assert_false(ev_at(&rec, 0)->crc_ok);
        assert_event(&rec, 1, MCP_STREAM_FRAME, 6, 14, 0);
        g_assert_false(ev_at(&rec, 1)->crc_ok);
        g_assert_cmpuint(ev_at(&rec, 1)->seq, ==, 7);
        free_all(s, &rec);
    }
    /* a matching check is still reported as such */
    struct mcp_stream *s = new_stream(MCP_STREAM_SERIAL, false);
    struct recorder rec;
    recorder_init(&rec, buf);
    n = three_vectors(buf, sizeof buf);
    feed(s, &rec, buf, n);
    g_assert_cmpuint(rec.events->len, ==, 3);
    g_assert_true(ev_at(&rec, 2)->crc_ok);
    free_all(s, &rec);
}

/* The largest frame, split everywhere near its ends and fed byte by byte. */
static void test_max_frame(void)
{
    static uint8_t payload[4096], buf[2 * 4102 + 8];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 13);
    size_t a = frame_bytes(1, 0x04, payload, 4096, buf, sizeof buf);
    size_t b = frame_bytes(2, 0x04, payload, 4096, buf + a, sizeof buf - a);
    size_t n = a + b;
    const size_t splits[] = {1, 4, 5, 4101, 4102, 4103, 8000, 8203};
    for (size_t m = 0; m < 2; m++) {
        for (size_t i = 0; i < G_N_ELEMENTS(splits); i++) {
            struct mcp_stream *s = new_stream(both_modes[m], true);
            struct recorder rec;
            recorder_init(&rec, buf);
            feed(s, &rec, buf, splits[i]);
            feed(s, &rec, buf + splits[i], n - splits[i]);
            g_assert_cmpuint(rec.events->len, ==, 2);
            assert_event(&rec, 0, MCP_STREAM_FRAME, 0, 4102, splits[i] >= 4102 ? 0 : 1);
            assert_event(&rec, 1, MCP_STREAM_FRAME, 4102, 4102, 1);
            free_all(s, &rec);
        }
        struct mcp_stream *s = new_stream(both_modes[m], true);
        struct recorder rec;
        recorder_init(&rec, buf);
        for (size_t i = 0; i < n; i++)
            feed(s, &rec, buf + i, 1);
        g_assert_cmpuint(rec.events->len, ==, 2);
        assert_event(&rec, 1, MCP_STREAM_FRAME, 4102, 4102, (int)n - 1);
        free_all(s, &rec);
    }
}

/* One feed much larger than the decoder's buffer: junk and frames stay exact. */
static void test_feed_larger_than_buffer(void)
{
    size_t n = 3 * MCP_STREAM_BUFFER + 100;
    uint8_t *buf = g_malloc0(n);
    /* zeros, with a heartbeat every 5000 bytes */
    size_t count = 0;
    for (size_t pos = 1000; pos + 6 <= n; pos += 5000, count++)
        frame_bytes((uint8_t)count, 0x01, NULL, 0, buf + pos, 6);
    struct mcp_stream *s = new_stream(MCP_STREAM_SERIAL, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, n);
    finish(s, &rec);
    assert_covers(&rec, n);
    size_t frames = 0;
    for (guint i = 0; i < rec.events->len; i++) {
        const struct seen *e = ev_at(&rec, i);
        if (e->kind == MCP_STREAM_FRAME) {
            g_assert_cmpuint(e->offset, ==, 1000 + 5000 * frames);
            g_assert_cmpuint(e->seq, ==, frames);
            frames++;
        }
    }
    g_assert_cmpuint(frames, ==, count);
    g_assert_cmpuint(s->frames_total, ==, count);
    g_assert_cmpuint(s->junk_total, ==, n - 6 * count);
    g_free(buf);
    free_all(s, &rec);
}

/*
 * A long generated stream: frames of random size separated by junk runs
 * without 0x5A, fed in random chunks. The layout is known from generation;
 * each frame must be reported, in order, by the feed holding its last byte.
 */
static void test_generated_stream_random_chunks(void)
{
    GRand *rand = g_rand_new_with_seed(20261125);
    GByteArray *stream = g_byte_array_new();
    GArray *frame_offsets = g_array_new(FALSE, FALSE, sizeof(size_t));
    GArray *frame_lens = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (unsigned i = 0; i < 400; i++) {
        unsigned junk = (unsigned)g_rand_int_range(rand, 0, 4) == 0
                            ? (unsigned)g_rand_int_range(rand, 1, 20)
                            : 0;
        for (unsigned j = 0; j < junk; j++) {
            uint8_t b = (uint8_t)g_rand_int_range(rand, 0, 256);
            if (b == 0x5a)
                b = 0x5b;
            g_byte_array_append(stream, &b, 1);
        }
        uint8_t payload[300], frame[320];
        size_t plen = (size_t)g_rand_int_range(rand, 0, 300);
        for (size_t k = 0; k < plen; k++)
            payload[k] = (uint8_t)g_rand_int_range(rand, 0, 256);
        size_t flen = frame_bytes((uint8_t)i, 0x04, payload, plen, frame, sizeof frame);
        size_t off = stream->len;
        g_array_append_val(frame_offsets, off);
        g_array_append_val(frame_lens, flen);
        g_byte_array_append(stream, frame, (guint)flen);
    }
    /* Payload bytes may hold 0x5A, but a frame in step is taken whole, and the
     * junk holds none: the frames are exactly the generated ones. */
    for (size_t m = 0; m < 2; m++) {
        struct mcp_stream *s = new_stream(both_modes[m], true);
        struct recorder rec;
        recorder_init(&rec, stream->data);
        GArray *feed_ends = g_array_new(FALSE, FALSE, sizeof(size_t));
        size_t pos = 0;
        while (pos < stream->len) {
            size_t chunk = (size_t)g_rand_int_range(rand, 1, 700);
            if (chunk > stream->len - pos)
                chunk = stream->len - pos;
            feed(s, &rec, stream->data + pos, chunk);
            pos += chunk;
            g_array_append_val(feed_ends, pos);
        }
        finish(s, &rec);
        assert_covers(&rec, stream->len);
        guint f = 0;
        for (guint i = 0; i < rec.events->len; i++) {
            const struct seen *e = ev_at(&rec, i);
            if (e->kind != MCP_STREAM_FRAME)
                continue;
            g_assert_cmpuint(f, <, frame_offsets->len);
            size_t off = g_array_index(frame_offsets, size_t, f);
            size_t len = g_array_index(frame_lens, size_t, f);
            g_assert_cmpuint(e->offset, ==, off);
            g_assert_cmpuint(e->len, ==, len);
            g_assert_cmpuint(e->seq, ==, (uint8_t)f);
            g_assert_true(e->crc_ok);
            /* the feed holding the last byte */
            g_assert_cmpint(e->feed, >=, 0);
            size_t end = g_array_index(feed_ends, size_t, (guint)e->feed);
            size_t prev_end =
                e->feed > 0 ? g_array_index(feed_ends, size_t, (guint)e->feed - 1) : 0;
            g_assert_cmpuint(off + len, <=, end);
            g_assert_cmpuint(off + len, >, prev_end);
            f++;
        }
        g_assert_cmpuint(f, ==, frame_offsets->len);
        g_array_free(feed_ends, TRUE);
        free_all(s, &rec);
    }
    g_array_free(frame_offsets, TRUE);
    g_array_free(frame_lens, TRUE);
    g_byte_array_free(stream, TRUE);
    g_rand_free(rand);
}

/* Offsets continue across feeds and are absolute stream positions. */
static void test_offsets_absolute_across_feeds(void)
{
    uint8_t buf[64];
    size_t n = three_vectors(buf, sizeof buf);
    struct mcp_stream *s = new_stream(MCP_STREAM_SERIAL, true);
    struct recorder rec;
    recorder_init(&rec, NULL);
    for (int round = 0; round < 5; round++)
        feed(s, &rec, buf, n);
    g_assert_cmpuint(rec.events->len, ==, 15);
    for (guint i = 0; i < 15; i++)
        assert_event(&rec, i, MCP_STREAM_FRAME, (i / 3) * 34 + vector_offsets[i % 3],
                     vector_lens[i % 3], (int)(i / 3));
    free_all(s, &rec);
}

static void test_resync_offset(void)
{
    struct mcp_codec c = mcp_codec_default();
    uint8_t buf[64];
    size_t n = hex_bytes("ff ee " VECTOR_HEARTBEAT, buf, sizeof buf);
    g_assert_cmpuint(mcp_stream_resync_offset(&c, buf, n), ==, 2);
    n = hex_bytes(VECTOR_HEARTBEAT, buf, sizeof buf);
    g_assert_cmpuint(mcp_stream_resync_offset(&c, buf, n), ==, 0);
    n = hex_bytes("01 02 03", buf, sizeof buf);
    g_assert_cmpuint(mcp_stream_resync_offset(&c, buf, n), ==, 3);
    g_assert_cmpuint(mcp_stream_resync_offset(&c, buf, 0), ==, 0);
    /* length over 4096: no start */
    n = hex_bytes("5a 00 ff ff " VECTOR_HEARTBEAT, buf, sizeof buf);
    g_assert_cmpuint(mcp_stream_resync_offset(&c, buf, n), ==, 4);
    /* whole candidate with a bad check: no start */
    n = hex_bytes("5a 00 00 00 01 21 " VECTOR_HEARTBEAT, buf, sizeof buf);
    g_assert_cmpuint(mcp_stream_resync_offset(&c, buf, n), ==, 6);
    /* a candidate cut off by the end of the buffer is kept */
    n = hex_bytes("01 5a 00", buf, sizeof buf);
    g_assert_cmpuint(mcp_stream_resync_offset(&c, buf, n), ==, 1);
    n = hex_bytes("01 02 5a 07 00 08 5a", buf, sizeof buf);
    g_assert_cmpuint(mcp_stream_resync_offset(&c, buf, n), ==, 2);
}

/* §5 line silence. The false start 5a 00 0f a0 claims 4000 payload bytes; the
 * READ behind it (bytes 4..14) is held until the silence gives the false start
 * up, then reported in the feed that ended the silence, before its bytes. */
#define FALSE_START_4000 "5a 00 0f a0 "

static void test_silence_gives_up_false_start(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes(FALSE_START_4000 VECTOR_READ " " VECTOR_HEARTBEAT, buf, sizeof buf);
    g_assert_cmpuint(n, ==, 4 + 11 + 6);
    struct mcp_stream *s = new_silent_stream(MCP_STREAM_SERIAL, 100);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed_at(s, &rec, 1000, buf, 15); /* false start + READ */
    g_assert_cmpuint(rec.events->len, ==, 0);
    g_assert_cmpuint(mcp_stream_pending(s), ==, 15);
    g_assert_cmpint(mcp_stream_silence_due(s), ==, 1100 * 1000000LL);
    feed_at(s, &rec, 1150, buf + 15, 6); /* 150 ms later: a HEARTBEAT */
    g_assert_cmpuint(rec.events->len, ==, 3);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 4, 1);
    g_assert_true(ev_at(&rec, 0)->given_up);
    g_assert_false(ev_at(&rec, 0)->at_end);
    assert_event(&rec, 1, MCP_STREAM_FRAME, 4, 11, 1);
    g_assert_cmpuint(ev_at(&rec, 1)->seq, ==, 1);
    assert_event(&rec, 2, MCP_STREAM_FRAME, 15, 6, 1);
    g_assert_cmpuint(mcp_stream_pending(s), ==, 0);
    g_assert_cmpint(mcp_stream_silence_due(s), ==, INT64_MAX);
    free_all(s, &rec);
}

/* Exactly the interval is silence; 1 ms less is not; 0 means never. */
static void test_silence_threshold(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes(FALSE_START_4000 VECTOR_READ " " VECTOR_HEARTBEAT, buf, sizeof buf);
    const struct {
        int64_t silence_ms, gap_ms;
        bool given_up;
    } cases[] = {{100, 100, true}, {100, 99, false}, {0, 100000, false}, {20, 20, true}};
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct mcp_stream *s = new_silent_stream(MCP_STREAM_SERIAL, cases[i].silence_ms);
        struct recorder rec;
        recorder_init(&rec, buf);
        feed_at(s, &rec, 5, buf, 15);
        feed_at(s, &rec, 5 + cases[i].gap_ms, buf + 15, n - 15);
        if (cases[i].given_up) {
            g_assert_cmpuint(rec.events->len, ==, 3);
            assert_event(&rec, 1, MCP_STREAM_FRAME, 4, 11, 1);
        } else {
            g_assert_cmpuint(rec.events->len, ==, 0); /* still waiting for 4006 bytes */
            g_assert_cmpuint(mcp_stream_pending(s), ==, n);
        }
        free_all(s, &rec);
    }
}

/* Bytes keep coming without a silence: the false start holds (the rule is about
 * silence, not age), and a time earlier than the last one is no silence. */
static void test_silence_needs_a_gap(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes(FALSE_START_4000 VECTOR_READ " " VECTOR_HEARTBEAT, buf, sizeof buf);
    struct mcp_stream *s = new_silent_stream(MCP_STREAM_SERIAL, 100);
    struct recorder rec;
    recorder_init(&rec, buf);
    for (size_t i = 0; i < 15; i++)
        feed_at(s, &rec, (int64_t)i * 60, buf + i, 1); /* 60 ms apart: 840 ms in all */
    g_assert_cmpuint(rec.events->len, ==, 0);
    feed_at(s, &rec, 0, buf + 15, n - 15); /* the clock went back */
    g_assert_cmpuint(rec.events->len, ==, 0);
    g_assert_cmpuint(mcp_stream_pending(s), ==, n);
    free_all(s, &rec);
}

/* A candidate inside the given-up bytes that is still partial was silent as
 * long: it is junk too, and the frame behind it is found at once. */
static void test_silence_gives_up_inner_candidate(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes(FALSE_START_4000 "5a 07 00 10 " VECTOR_READ, buf, sizeof buf);
    struct mcp_stream *s = new_silent_stream(MCP_STREAM_SERIAL, 100);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed_at(s, &rec, 0, buf, n);
    g_assert_false(mcp_stream_silence(s, 99 * 1000000, record, &rec));
    g_assert_cmpuint(rec.events->len, ==, 0);
    g_assert_true(mcp_stream_silence(s, 100 * 1000000, record, &rec));
    g_assert_cmpuint(rec.events->len, ==, 2);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 8, 1);
    g_assert_true(ev_at(&rec, 0)->given_up);
    assert_event(&rec, 1, MCP_STREAM_FRAME, 8, 11, 1);
    g_assert_cmpuint(mcp_stream_pending(s), ==, 0);
    g_assert_false(mcp_stream_silence(s, 1000 * 1000000, record, &rec)); /* nothing held */
    free_all(s, &rec);
}

/* FRAMED streams (TCP) are not subject to the rule; untimed feeds never are. */
static void test_silence_not_framed_nor_untimed(void)
{
    uint8_t buf[64];
    size_t n = hex_bytes(FALSE_START_4000 VECTOR_READ " " VECTOR_HEARTBEAT, buf, sizeof buf);
    struct mcp_stream *s = new_silent_stream(MCP_STREAM_FRAMED, 100);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed_at(s, &rec, 0, buf, 15);
    g_assert_cmpint(mcp_stream_silence_due(s), ==, INT64_MAX);
    feed_at(s, &rec, 10000, buf + 15, n - 15);
    g_assert_cmpuint(rec.events->len, ==, 0);
    free_all(s, &rec);

    s = new_silent_stream(MCP_STREAM_SERIAL, 100);
    recorder_init(&rec, buf);
    feed(s, &rec, buf, 15);
    g_assert_cmpint(mcp_stream_silence_due(s), ==, INT64_MAX);
    g_assert_false(mcp_stream_silence(s, INT64_MAX - 1, record, &rec));
    g_assert_cmpuint(rec.events->len, ==, 0);
    free_all(s, &rec);
}

/* mcp_stream_give_up in FRAMED mode: the stream goes on out of step (only a
 * check-valid frame resynchronises) and offsets continue. */
static void test_give_up_framed_stays_out_of_step(void)
{
    uint8_t buf[64];
    /* junk 00, false start, then a READ whose check is spoiled, then a HEARTBEAT */
    size_t n =
        hex_bytes("00 " FALSE_START_4000 "5a 01 00 05 02 03 00 10 00 04 d5 " VECTOR_HEARTBEAT, buf,
                  sizeof buf);
    struct mcp_stream *s = new_stream(MCP_STREAM_FRAMED, true);
    struct recorder rec;
    recorder_init(&rec, buf);
    feed(s, &rec, buf, 5);
    assert_event(&rec, 0, MCP_STREAM_JUNK, 0, 1, 0);
    mcp_stream_give_up(s, record, &rec);
    assert_event(&rec, 1, MCP_STREAM_JUNK, 1, 4, 1);
    g_assert_true(ev_at(&rec, 1)->given_up);
    g_assert_false(s->in_step);
    feed(s, &rec, buf + 5, n - 5);
    g_assert_cmpuint(rec.events->len, ==, 4);
    assert_event(&rec, 2, MCP_STREAM_JUNK, 5, 11, 1); /* bad check out of step: junk */
    assert_event(&rec, 3, MCP_STREAM_FRAME, 16, 6, 1);
    free_all(s, &rec);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/stream/split-at-every-position", test_split_at_every_position);
    g_test_add_func("/stream/byte-by-byte", test_byte_by_byte);
    g_test_add_func("/stream/junk-around-frames", test_junk_around_frames);
    g_test_add_func("/stream/junk-reported-per-feed", test_junk_reported_per_feed);
    g_test_add_func("/stream/false-start-bad-length-rejected-at-once",
                    test_false_start_bad_length_rejected_at_once);
    g_test_add_func("/stream/false-start-bad-crc-rejected-when-complete",
                    test_false_start_bad_crc_rejected_when_complete);
    g_test_add_func("/stream/finish-rescans-false-start", test_finish_rescans_false_start);
    g_test_add_func("/stream/finish-with-partial-frame", test_finish_with_partial_frame);
    g_test_add_func("/stream/serial-bad-crc-is-junk", test_serial_bad_crc_is_junk);
    g_test_add_func("/stream/framed-bad-crc-in-step", test_framed_bad_crc_in_step);
    g_test_add_func("/stream/framed-resync-needs-valid-crc", test_framed_resync_needs_valid_crc);
    g_test_add_func("/stream/framed-bad-length-is-junk", test_framed_bad_length_is_junk);
    g_test_add_func("/stream/framed-finish-restores-step", test_framed_finish_restores_step);
    g_test_add_func("/stream/verify-crc-off", test_verify_crc_off);
    g_test_add_func("/stream/max-frame", test_max_frame);
    g_test_add_func("/stream/feed-larger-than-buffer", test_feed_larger_than_buffer);
    g_test_add_func("/stream/generated-stream-random-chunks", test_generated_stream_random_chunks);
    g_test_add_func("/stream/offsets-absolute-across-feeds", test_offsets_absolute_across_feeds);
    g_test_add_func("/stream/resync-offset", test_resync_offset);
    g_test_add_func("/stream/silence-gives-up-false-start", test_silence_gives_up_false_start);
    g_test_add_func("/stream/silence-threshold", test_silence_threshold);
    g_test_add_func("/stream/silence-needs-a-gap", test_silence_needs_a_gap);
    g_test_add_func("/stream/silence-gives-up-inner-candidate",
                    test_silence_gives_up_inner_candidate);
    g_test_add_func("/stream/silence-not-framed-nor-untimed", test_silence_not_framed_nor_untimed);
    g_test_add_func("/stream/give-up-framed-stays-out-of-step",
                    test_give_up_framed_stays_out_of_step);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the stream decoder (docs/PROTOCOL.md §5) on arbitrary bytes.
 *
 * Input: byte 0 picks the configuration (bit 0 framed mode, bit 1 CRC check
 * off, bit 2 little-endian length, bits 3..5 the check variant), bytes 1..4
 * are chunk sizes used in turn (0 means 1000), the rest is the stream.
 *
 * Invariants: after finish, junk and frames cover every byte exactly once
 * with contiguous increasing offsets; each event's bytes are the input's at
 * its offset; every frame re-decodes to itself; no junk byte starts a frame
 * the decoder should have taken; and feeding in chunks yields the same frames
 * as feeding everything at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "mcp/mcp.h"

struct frame_seen {
    uint64_t offset;
    size_t len;
    bool crc_ok;
};

struct run {
    const struct mcp_stream_config *cfg;
    const uint8_t *stream;
    size_t stream_len;
    uint64_t next_offset; /* coverage: where the next event must start */
    uint64_t fed;         /* bytes fed so far */
    bool finishing;
    size_t frame_count;
    struct frame_seen *frames; /* room for stream_len / 6 frames */
    uint8_t *is_junk;          /* per stream byte */
};

static void on_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct run *r = ctx;
    CHECK(ev->offset == r->next_offset);
    CHECK(ev->len > 0);
    CHECK(ev->offset + ev->len <= r->fed);
    CHECK(memcmp(ev->bytes, r->stream + ev->offset, ev->len) == 0);
    r->next_offset += ev->len;
    if (ev->kind == MCP_STREAM_JUNK) {
        CHECK(ev->at_end == r->finishing);
        memset(r->is_junk + ev->offset, 1, ev->len);
        return;
    }
    CHECK(ev->kind == MCP_STREAM_FRAME);
    struct mcp_frame f;
    enum mcp_decode_status st = mcp_frame_decode(&r->cfg->codec, ev->bytes, ev->len, &f, NULL);
    CHECK(st == (ev->crc_ok ? MCP_DECODE_OK : MCP_DECODE_BAD_CRC));
    CHECK(f.frame_len == ev->len && ev->frame.frame_len == ev->len);
    CHECK(ev->frame.seq == f.seq && ev->frame.cmd == f.cmd && ev->frame.length == f.length);
    CHECK(ev->frame.payload == ev->bytes + MCP_HEADER_LEN);
    /* A frame whose check fails is only taken in step on a framed stream or unverified. */
    if (!ev->crc_ok)
        CHECK(r->cfg->mode == MCP_STREAM_FRAMED || !r->cfg->verify_crc);
    CHECK(r->frame_count < r->stream_len / MCP_OVERHEAD);
    r->frames[r->frame_count++] = (struct frame_seen){ev->offset, ev->len, ev->crc_ok};
}

static void run_stream(struct run *r, struct mcp_stream *s, const uint8_t *chunks, size_t n_chunks)
{
    mcp_stream_init(s, r->cfg);
    size_t pos = 0, i = 0;
    while (pos < r->stream_len) {
        size_t chunk = r->stream_len;
        if (n_chunks > 0) {
            chunk = chunks[i++ % n_chunks];
            if (chunk == 0)
                chunk = 1000;
        }
        if (chunk > r->stream_len - pos)
            chunk = r->stream_len - pos;
        r->fed += chunk;
        mcp_stream_feed(s, r->stream + pos, chunk, on_event, r);
        pos += chunk;
        CHECK(mcp_stream_pending(s) < MCP_MAX_FRAME);
        /* After each feed, everything up to the held candidate has been reported. */
        CHECK(r->next_offset + mcp_stream_pending(s) == r->fed);
    }
    r->finishing = true;
    mcp_stream_finish(s, on_event, r);
    CHECK(r->next_offset == r->stream_len);
    CHECK(mcp_stream_pending(s) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    struct mcp_stream_config cfg = {
        .codec = {.crc = (enum mcp_crc_variant)((data[0] >> 3) % MCP_CRC_VARIANT_COUNT),
                  .length_le = (data[0] & 4) != 0},
        .mode = (data[0] & 1) ? MCP_STREAM_FRAMED : MCP_STREAM_SERIAL,
        .verify_crc = (data[0] & 2) == 0,
    };
    const uint8_t *chunks = data + 1;
    const uint8_t *stream = data + 5;
    size_t len = size - 5;

    struct mcp_stream *s = malloc(sizeof *s);
    struct run *whole = calloc(1, sizeof *whole);
    struct run *chunked = calloc(1, sizeof *chunked);
    CHECK(s && whole && chunked);
    whole->cfg = chunked->cfg = &cfg;
    whole->stream = chunked->stream = stream;
    whole->stream_len = chunked->stream_len = len;
    whole->is_junk = calloc(len + 1, 1);
    chunked->is_junk = calloc(len + 1, 1);
    whole->frames = calloc(len / MCP_OVERHEAD + 1, sizeof *whole->frames);
    chunked->frames = calloc(len / MCP_OVERHEAD + 1, sizeof *chunked->frames);
    CHECK(whole->is_junk && chunked->is_junk && whole->frames && chunked->frames);

    run_stream(whole, s, NULL, 0);
    run_stream(chunked, s, chunks, 4);

    /* Chunking changes when things are reported, never what. */
    CHECK(whole->frame_count == chunked->frame_count);
    for (size_t i = 0; i < whole->frame_count; i++) {
        CHECK(whole->frames[i].offset == chunked->frames[i].offset);
        CHECK(whole->frames[i].len == chunked->frames[i].len);
        CHECK(whole->frames[i].crc_ok == chunked->frames[i].crc_ok);
    }
    CHECK(memcmp(whole->is_junk, chunked->is_junk, len) == 0);

    /* §5: a junk byte never starts a whole frame that the decoder should have taken. */
    for (size_t p = 0; p < len; p++) {
        if (!whole->is_junk[p] || stream[p] != MCP_MAGIC)
            continue;
        struct mcp_frame f;
        enum mcp_decode_status st = mcp_frame_decode(&cfg.codec, stream + p, len - p, &f, NULL);
        CHECK(st != MCP_DECODE_OK);
        if (!cfg.verify_crc)
            CHECK(st != MCP_DECODE_BAD_CRC);
    }

    free(whole->is_junk);
    free(chunked->is_junk);
    free(whole->frames);
    free(chunked->frames);
    free(whole);
    free(chunked);
    free(s);
    return 0;
}

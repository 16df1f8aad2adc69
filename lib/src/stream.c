/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream decoder for byte streams (docs/PROTOCOL.md §5). */
#include "mcp/stream.h"

#include <string.h>

void mcp_stream_init(struct mcp_stream *stream, const struct mcp_stream_config *config)
{
    stream->config = *config;
    stream->in_step = true;
    stream->buf_offset = 0;
    stream->len = 0;
    stream->start = 0;
    stream->scan = 0;
    stream->junk_total = 0;
    stream->frames_total = 0;
    stream->timed = false;
    stream->last_ns = 0;
}

/* The held bytes are buf[start..len); buf[start..scan) is junk not yet
 * reported. buf_offset is the stream offset of buf[start]. */

/* Why junk is reported: while feeding, at the end, or when a partial frame is given up. */
enum why {
    WHY_FEED,
    WHY_END,
    WHY_GIVE_UP,
};

static void emit_junk(struct mcp_stream *s, enum why why, mcp_stream_cb cb, void *ctx)
{
    size_t n = s->scan - s->start;
    if (n == 0)
        return;
    struct mcp_stream_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = MCP_STREAM_JUNK;
    ev.offset = s->buf_offset;
    ev.bytes = s->buf + s->start;
    ev.len = n;
    ev.at_end = why == WHY_END;
    ev.given_up = why == WHY_GIVE_UP;
    s->junk_total += n;
    s->start = s->scan;
    s->buf_offset += n;
    cb(ctx, &ev);
}

static void emit_frame(struct mcp_stream *s, const struct mcp_frame *frame, bool crc_ok,
                       enum why why, mcp_stream_cb cb, void *ctx)
{
    emit_junk(s, why, cb, ctx);
    struct mcp_stream_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = MCP_STREAM_FRAME;
    ev.offset = s->buf_offset;
    ev.bytes = s->buf + s->start;
    ev.len = frame->frame_len;
    ev.frame = *frame;
    ev.crc_ok = crc_ok;
    s->frames_total++;
    s->start += frame->frame_len;
    s->scan = s->start;
    s->buf_offset += frame->frame_len;
    cb(ctx, &ev);
}

/* Outcome of judging the candidate that starts at buf[pos]. */
enum candidate {
    CANDIDATE_JUNK,  /* this byte cannot start a frame */
    CANDIDATE_WAIT,  /* it may: more bytes are needed */
    CANDIDATE_FRAME, /* a frame; crc_ok tells whether its check matched */
};

static enum candidate judge(const struct mcp_stream *s, struct mcp_frame *frame, bool *crc_ok)
{
    const struct mcp_stream_config *cfg = &s->config;
    switch (mcp_frame_decode(&cfg->codec, s->buf + s->scan, s->len - s->scan, frame, NULL)) {
    case MCP_DECODE_OK:
        *crc_ok = true;
        return CANDIDATE_FRAME;
    case MCP_DECODE_NEED_MORE:
        return CANDIDATE_WAIT;
    case MCP_DECODE_BAD_CRC:
        *crc_ok = false;
        /* Without verification, or in step on a framed stream, the length is
         * trusted and the bad check is the frame's own problem. */
        if (!cfg->verify_crc || (cfg->mode == MCP_STREAM_FRAMED && s->in_step))
            return CANDIDATE_FRAME;
        return CANDIDATE_JUNK;
    case MCP_DECODE_BAD_MAGIC:
    case MCP_DECODE_BAD_LENGTH:
        break;
    }
    return CANDIDATE_JUNK;
}

/* Scans the held bytes, reporting frames; stops at a candidate that needs more.
 * why marks the junk reported on the way. */
static void scan(struct mcp_stream *s, enum why why, mcp_stream_cb cb, void *ctx)
{
    while (s->scan < s->len) {
        struct mcp_frame frame;
        bool crc_ok = false;
        switch (judge(s, &frame, &crc_ok)) {
        case CANDIDATE_JUNK:
            s->in_step = false;
            s->scan++;
            break;
        case CANDIDATE_WAIT:
            return;
        case CANDIDATE_FRAME:
            emit_frame(s, &frame, crc_ok, why, cb, ctx);
            s->in_step = true;
            break;
        }
    }
}

/* Moves the held bytes to the front of the buffer. */
static void compact(struct mcp_stream *s)
{
    if (s->start == 0)
        return;
    memmove(s->buf, s->buf + s->start, s->len - s->start);
    s->len -= s->start;
    s->scan -= s->start;
    s->start = 0;
}

void mcp_stream_feed(struct mcp_stream *stream, const uint8_t *data, size_t len, mcp_stream_cb cb,
                     void *ctx)
{
    while (len > 0) {
        compact(stream);
        size_t room = MCP_STREAM_BUFFER - stream->len;
        size_t n = len < room ? len : room;
        memcpy(stream->buf + stream->len, data, n);
        stream->len += n;
        data += n;
        len -= n;
        scan(stream, WHY_FEED, cb, ctx);
        /* Junk found so far is reported now, so it is attributed to this
         * feed; what remains is one candidate shorter than a whole frame,
         * so the next round always has room for the rest of it. */
        emit_junk(stream, WHY_FEED, cb, ctx);
    }
}

/* No byte will follow the held ones (the end, or §5 line silence): a candidate
 * still waiting for more can never be completed, so it does not start a valid
 * frame and its first byte is junk. The scan goes on inside it, where a whole
 * frame may be. */
static void drain(struct mcp_stream *s, enum why why, mcp_stream_cb cb, void *ctx)
{
    while (s->scan < s->len) {
        scan(s, why, cb, ctx);
        if (s->scan < s->len) {
            s->in_step = false;
            s->scan++;
        }
    }
    emit_junk(s, why, cb, ctx);
    s->start = s->scan = s->len = 0;
}

void mcp_stream_give_up(struct mcp_stream *stream, mcp_stream_cb cb, void *ctx)
{
    drain(stream, WHY_GIVE_UP, cb, ctx);
}

int64_t mcp_stream_silence_due(const struct mcp_stream *stream)
{
    if (stream->config.mode != MCP_STREAM_SERIAL || stream->config.silence_ns <= 0 ||
        !stream->timed || mcp_stream_pending(stream) == 0)
        return INT64_MAX;
    if (stream->last_ns > INT64_MAX - stream->config.silence_ns)
        return INT64_MAX;
    return stream->last_ns + stream->config.silence_ns;
}

bool mcp_stream_silence(struct mcp_stream *stream, int64_t now_ns, mcp_stream_cb cb, void *ctx)
{
    if (now_ns < mcp_stream_silence_due(stream))
        return false;
    mcp_stream_give_up(stream, cb, ctx);
    return true;
}

void mcp_stream_feed_at(struct mcp_stream *stream, int64_t now_ns, const uint8_t *data, size_t len,
                        mcp_stream_cb cb, void *ctx)
{
    mcp_stream_silence(stream, now_ns, cb, ctx);
    if (len > 0) { /* the line spoke: silence is counted from here */
        stream->timed = true;
        stream->last_ns = now_ns;
    }
    mcp_stream_feed(stream, data, len, cb, ctx);
}

void mcp_stream_finish(struct mcp_stream *stream, mcp_stream_cb cb, void *ctx)
{
    drain(stream, WHY_END, cb, ctx);
    stream->in_step = true;
}

size_t mcp_stream_pending(const struct mcp_stream *stream)
{
    return stream->len - stream->start;
}

size_t mcp_stream_resync_offset(const struct mcp_codec *codec, const uint8_t *buf, size_t len)
{
    for (size_t pos = 0; pos < len; pos++) {
        struct mcp_frame frame;
        enum mcp_decode_status st = mcp_frame_decode(codec, buf + pos, len - pos, &frame, NULL);
        if (st == MCP_DECODE_OK || st == MCP_DECODE_NEED_MORE)
            return pos;
    }
    return len;
}

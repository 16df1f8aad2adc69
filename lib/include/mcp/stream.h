/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stream decoder for byte streams (TCP, serial): docs/PROTOCOL.md §5.
 *
 * Fed chunks of any size, it reports frames and runs of junk through a
 * callback, in stream order, each with its absolute stream offset. A junk run
 * is reported before the frame that ends it and at the end of every feed, so
 * a caller that feeds one record at a time can tell which record revealed
 * which bytes to be junk; a frame is reported during the feed in which it is
 * accepted (§5: normally the one holding its last byte).
 */
#ifndef MCP_STREAM_H
#define MCP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/frame.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mcp_stream_mode {
    /* §5 serial: a candidate is a frame only once its check matches; a false
     * start is skipped one byte at a time. */
    MCP_STREAM_SERIAL,
    /* TCP: the stream starts on a frame boundary, and while in step each frame
     * is taken by its length (a bad check is reported on the frame, not turned
     * into junk). After junk, only a frame whose check matches re-synchronises. */
    MCP_STREAM_FRAMED
};

struct mcp_stream_config {
    struct mcp_codec codec;
    enum mcp_stream_mode mode;
    /* false: the check is not verified at all; frames are taken by magic and
     * length alone (the dissector's "check_crc" preference switched off). */
    bool verify_crc;
    /* §5 line silence, in nanoseconds: a partial frame held while the stream
     * was silent this long is given up (mcp_stream_feed_at, mcp_stream_silence).
     * 0 (what a config that does not name it gets): never. SERIAL mode only;
     * ignored in FRAMED mode (TCP is not subject to the rule). */
    int64_t silence_ns;
};

/* The §5 default silence interval (100 ms), in nanoseconds. */
#define MCP_STREAM_SILENCE_DEFAULT_NS (100 * 1000000LL)

enum mcp_stream_event_kind { MCP_STREAM_FRAME, MCP_STREAM_JUNK };

struct mcp_stream_event {
    enum mcp_stream_event_kind kind;
    uint64_t offset;      /* stream offset of the first byte */
    const uint8_t *bytes; /* the frame or the junk; valid during the callback only */
    size_t len;
    /* MCP_STREAM_FRAME: the decoded frame (payload points into bytes) */
    struct mcp_frame frame;
    bool crc_ok; /* false only in FRAMED mode or with verify_crc off */
    /* MCP_STREAM_JUNK: true when emitted by mcp_stream_finish (a frame cut
     * short by the end of the stream, a false start, or trailing junk) */
    bool at_end;
    /* MCP_STREAM_JUNK: true when emitted because a partial frame was given up
     * (§5 line silence, or mcp_stream_give_up): the partial frame's first
     * byte, and junk found while its bytes were scanned again */
    bool given_up;
};

typedef void (*mcp_stream_cb)(void *ctx, const struct mcp_stream_event *event);

#define MCP_STREAM_BUFFER (2 * MCP_MAX_FRAME)

struct mcp_stream {
    struct mcp_stream_config config;
    bool in_step;        /* FRAMED mode: the next byte should start a frame */
    uint64_t buf_offset; /* stream offset of buf[start] */
    size_t start;        /* first byte held */
    size_t scan;         /* buf[start..scan) is junk not yet reported */
    size_t len;          /* end of the bytes held */
    uint64_t junk_total;
    uint64_t frames_total;
    bool timed;      /* fed with a time at least once (mcp_stream_feed_at) */
    int64_t last_ns; /* time of the last timed feed */
    uint8_t buf[MCP_STREAM_BUFFER];
};

void mcp_stream_init(struct mcp_stream *stream, const struct mcp_stream_config *config);

/* Feeds bytes; events are delivered through cb before it returns. */
void mcp_stream_feed(struct mcp_stream *stream, const uint8_t *data, size_t len, mcp_stream_cb cb,
                     void *ctx);

/*
 * Feeds bytes that arrived at now_ns (docs/PROTOCOL.md §5, line silence).
 * now_ns is any clock in nanoseconds, the same for every call on a stream: a
 * record's capture timestamp, or CLOCK_MONOTONIC for a live line. If the
 * stream holds part of a frame and the time since the previous timed feed is
 * at least config.silence_ns, that partial frame is given up first, as
 * mcp_stream_give_up does, before these bytes are scanned. A time earlier
 * than the previous one counts as no silence. Without silence_ns (0) or in
 * FRAMED mode this is mcp_stream_feed.
 */
void mcp_stream_feed_at(struct mcp_stream *stream, int64_t now_ns, const uint8_t *data, size_t len,
                        mcp_stream_cb cb, void *ctx);

/*
 * When the held partial frame falls to the silence rule if no byte comes
 * first (last timed feed + silence_ns), for a live decoder's timer; INT64_MAX
 * when nothing is held, the stream was never fed with a time, silence_ns is
 * 0 or the mode is FRAMED.
 */
int64_t mcp_stream_silence_due(const struct mcp_stream *stream);

/*
 * For a live decoder's timer: if the silence rule is due at now_ns (see
 * mcp_stream_silence_due), gives the held partial frame up now and returns
 * true; otherwise does nothing and returns false.
 */
bool mcp_stream_silence(struct mcp_stream *stream, int64_t now_ns, mcp_stream_cb cb, void *ctx);

/*
 * Gives up the partial frame held (§5 line silence; mcpsim also uses it for
 * its TCP idle rule): the bytes held so far are decoded as if the stream
 * ended after them (as mcp_stream_finish), so the partial frame's first byte
 * is junk and the bytes after it are scanned again at once: whole frames
 * among them are reported, and a candidate among them that is still partial
 * was silent as long and is junk too. Junk reported here has given_up set.
 * Unlike mcp_stream_finish the stream goes on: offsets continue, and in
 * FRAMED mode it stays out of step unless the last thing found was a frame.
 * Nothing held: does nothing.
 */
void mcp_stream_give_up(struct mcp_stream *stream, mcp_stream_cb cb, void *ctx);

/*
 * End of stream. A candidate still waiting for more bytes can never complete:
 * it is junk, and the bytes after its first one are scanned again, so a whole
 * frame inside it is still reported (§5). Junk reported here has at_end set.
 */
void mcp_stream_finish(struct mcp_stream *stream, mcp_stream_cb cb, void *ctx);

/* Bytes held waiting for the rest of a possible frame. */
size_t mcp_stream_pending(const struct mcp_stream *stream);

/*
 * For a buffer that should start with a frame but may not (a TCP segment after
 * a hole): the number of leading bytes that cannot start a frame under §5's
 * rule (magic, length <= 4096, and a matching check once the whole candidate
 * is in the buffer; a candidate cut off by the end of the buffer is kept).
 * Returns len when no byte can start a frame.
 */
size_t mcp_stream_resync_offset(const struct mcp_codec *codec, const uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif

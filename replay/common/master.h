/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The master's side of one MCP conversation, written once for every tool that
 * talks to a device (mcpreplay, mcppoll). Protocol rules come from lib/ (frame
 * codec, §4 matching in mcp/match.h); this module is the behaviour around them:
 *
 * - Numbering (§3): mcp_master_encode() gives each new frame the next seq
 *   (+1 per frame, 255 wraps to 0). A tool that sends frames it did not build
 *   (mcpreplay) numbers them itself and reports them with mcp_master_sent().
 * - NAKs (§3): a NAK from the device names one of our frames by nak_seq. For
 *   BAD_CRC, SEQ_GAP and BUSY that frame is sent again, as it was first sent
 *   but with its check recomputed (a real master resends a correct frame),
 *   with its original seq: at the next mcp_master_tick(), or after
 *   busy_backoff_ns for BUSY. A frame is resent at most `retries` times; a NAK
 *   after the last resend, or a NAK whose reason a resend cannot cure
 *   (BAD_LENGTH, UNEXPECTED_RESPONSE, unknown), gives the request up
 *   (MCP_MASTER_GAVE_UP). A NAK for a seq we have not sent recently (the last
 *   128 frames) is counted and otherwise ignored.
 * - Matching (§4): a request that expects an answer (mcp_expects_answer) waits
 *   for the response with req_seq = its seq and cmd | 0x80 (lib's matcher, the
 *   latest unanswered request wins). A resend does not add a second request.
 * - Timeouts: a request unanswered timeout_ns after its last send times out
 *   (MCP_MASTER_TIMEOUT) but stays matchable: an answer within late_ns of the
 *   last send is reported as a late answer with its latency; after late_ns the *   request expires
 * (MCP_MASTER_EXPIRED) and an answer is unmatched. At most MCP_MASTER_MAX_OPEN requests are awaited
 * at once; one more forgets the oldest (expired early, counted as forgotten).
 *
 * Times are monotonic nanoseconds supplied by the caller (no clock is read
 * here), so the module is deterministic and unit-testable. Not thread-safe.
 */
#ifndef MCP_MASTER_H
#define MCP_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/frame.h"

#define MCP_MASTER_DEFAULT_RETRIES 3
/* Requests awaited at once; one more forgets the oldest (MCP_MASTER_EXPIRED, stats.forgotten).
 * Bounds memory and time when a target never answers a fast stream (lib's matcher keeps 64
 * per seq, 16384 in all, anyway). */
#define MCP_MASTER_MAX_OPEN                4096
#define MCP_MASTER_DEFAULT_BUSY_BACKOFF_MS 50

struct mcp_master_config {
    struct mcp_codec codec;
    unsigned retries;        /* resends of one frame after NAKs (0: never resend) */
    int64_t busy_backoff_ns; /* wait before resending after NAK BUSY, >= 0 */
    int64_t timeout_ns;      /* an answer later than this after the last send is late, > 0 */
    int64_t late_ns;         /* >= timeout_ns: after this a request expires unanswered */
};

enum mcp_master_event_kind {
    MCP_MASTER_ANSWER,    /* a response matched to one of our requests */
    MCP_MASTER_NAK,       /* a NAK naming one of our frames (id 0 if it is not a request) */
    MCP_MASTER_GAVE_UP,   /* a request NAKed past the retries, or for a reason a resend can't fix */
    MCP_MASTER_TIMEOUT,   /* no answer timeout_ns after the last send (still matchable) */
    MCP_MASTER_EXPIRED,   /* no answer within late_ns: the request is forgotten */
    MCP_MASTER_UNMATCHED, /* a response that answers no request we are waiting for */
};

struct mcp_master_event {
    enum mcp_master_event_kind kind;
    uint64_t id;          /* the caller's id of the request (0: none) */
    const uint8_t *bytes; /* ANSWER, NAK, UNMATCHED: the frame received (valid in the callback) */
    size_t len;
    int64_t latency_ns;   /* ANSWER: answer time minus the request's last send */
    unsigned resends;     /* resends of the request so far */
    bool late;            /* ANSWER: came after timeout_ns */
    uint8_t nak_reason;   /* NAK: its reason (§2 numbers) */
    bool will_resend;     /* NAK: a resend is scheduled */
    uint32_t nak_reasons; /* GAVE_UP (and ANSWER): bit (1 << reason) of every NAK the request got */
};

struct mcp_master_stats {
    uint64_t sent;         /* frames reported with mcp_master_sent/encode (first sends) */
    uint64_t requests;     /* ... of which expect an answer */
    uint64_t resends;      /* frames sent again after a NAK */
    uint64_t naks[8];      /* NAKs naming our frames, by reason (0: a reason over 7) */
    uint64_t naks_unknown; /* NAKs for a seq not sent recently: nothing to resend */
    uint64_t answered;     /* requests answered (in time or late) */
    uint64_t answered_after_resend;
    uint64_t late;      /* ... answered after timeout_ns */
    uint64_t gave_up;   /* requests NAKed and given up */
    uint64_t timeouts;  /* requests that passed timeout_ns unanswered */
    uint64_t expired;   /* ... and stayed unanswered until late_ns */
    uint64_t unmatched; /* responses matching no waiting request */
    /* responses to a frame we sent more than twice, after its request was answered:
     * answers to our own extra copies (at most resends - 1 a frame), not unmatched */
    uint64_t answers_to_copies;
    uint64_t forgotten; /* requests expired early: over MCP_MASTER_MAX_OPEN open at once */
    /* requests sent while an earlier one with their seq and cmd was still awaited: §4 cannot
     * tell the two answers apart (the first to come is taken as the newer request's) */
    uint64_t seq_reused;
};

/* Sends a frame again (a resend); false when the target is lost (the tick stops). */
typedef bool (*mcp_master_send_cb)(void *ctx, const uint8_t *bytes, size_t len);
typedef void (*mcp_master_event_cb)(void *ctx, const struct mcp_master_event *event);

struct mcp_master;

/* A master for one conversation; send and event callbacks get ctx. NULL only if out of memory. */
struct mcp_master *mcp_master_new(const struct mcp_master_config *cfg, mcp_master_send_cb send,
                                  mcp_master_event_cb event, void *ctx);
void mcp_master_free(struct mcp_master *m);

/*
 * True while a request of seq and cmd sent by this master is awaited (answered, given up or
 * expired ends it): another request with that seq and cmd now would make the two answers
 * indistinguishable (§4 takes the first to come as the newer request's). O(1).
 */
bool mcp_master_awaits(const struct mcp_master *m, uint8_t seq, uint8_t cmd);

/* Starts numbering at seq (default 0). */
void mcp_master_set_next_seq(struct mcp_master *m, uint8_t seq);
uint8_t mcp_master_next_seq(const struct mcp_master *m);

/*
 * Builds the next frame (seq = next seq, then +1) into out (capacity cap) and
 * returns its length, 0 if payload_len exceeds 4096 or it does not fit. The
 * caller sends it, then reports it with mcp_master_sent().
 */
size_t mcp_master_encode(struct mcp_master *m, uint8_t cmd, const uint8_t *payload,
                         size_t payload_len, uint8_t *out, size_t cap);

/*
 * A frame went out for the first time at now_ns: kept for resends (by its
 * seq); if it is a request that expects an answer (§4) and id is not 0, it is
 * awaited under id. The numbering continues after its seq. len >= 6.
 */
void mcp_master_sent(struct mcp_master *m, const uint8_t *bytes, size_t len, uint64_t id,
                     int64_t now_ns);

/* A frame came from the device at now_ns; crc_ok false: its check failed (it is ignored). */
void mcp_master_received(struct mcp_master *m, const uint8_t *bytes, size_t len, bool crc_ok,
                         int64_t now_ns);

/* Sends the resends that are due and reports timeouts and expiries. False: a send failed. */
bool mcp_master_tick(struct mcp_master *m, int64_t now_ns);

/* When the next tick has something to do (a resend, a timeout, an expiry); INT64_MAX: never. */
int64_t mcp_master_next_deadline(const struct mcp_master *m);

/* Requests not yet settled: waiting for an answer or a resend, or late but not expired. */
size_t mcp_master_outstanding(const struct mcp_master *m);

/* Requests waiting for an answer or a resend that have not timed out yet. */
size_t mcp_master_waiting(const struct mcp_master *m);

/* End of the session: every request still open expires now (events are delivered). */
void mcp_master_finish(struct mcp_master *m);

const struct mcp_master_stats *mcp_master_stats(const struct mcp_master *m);

/* Adds b's counts to a (for a summary over several conversations). */
void mcp_master_stats_add(struct mcp_master_stats *a, const struct mcp_master_stats *b);

#endif

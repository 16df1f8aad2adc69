/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reassembles one direction of a TCP connection into its byte stream:
 * segments are put in sequence order, retransmitted and overlapping bytes are
 * delivered once (the first copy wins), and bytes the capture missed become a
 * hole as soon as they can no longer arrive: the peer acknowledged past them,
 * the out-of-order store runs over its bound, or the stream ends. Each byte
 * is delivered with the record of the segment that carried it, so frames
 * after a hole keep their own record's timestamp.
 */
#ifndef MR_TCP_REASM_H
#define MR_TCP_REASM_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/* Bytes in order, or (data NULL) a hole of `len` bytes that will never arrive;
 * meta: the record that carried the bytes (for a hole, the current record). */
typedef void (*mr_tcp_deliver_cb)(void *ctx, const struct mr_recmeta *meta, const uint8_t *data,
                                  size_t len);

struct mr_tcp_reasm {
    bool started;
    bool acked_valid;
    uint32_t next_seq; /* sequence number of the next byte to deliver */
    uint32_t acked;    /* highest acknowledgement from the peer */
    GSList *pending;   /* out-of-order segments, sorted by seq */
    size_t pending_bytes;
    size_t pending_count;
    uint64_t holes; /* holes skipped */
    uint64_t hole_bytes;
};

/* Bounds of the out-of-order store; past them the earliest hole is skipped. */
#define MR_TCP_MAX_PENDING_SEGMENTS 512
#define MR_TCP_MAX_PENDING_BYTES    (4u << 20)

void mr_tcp_reasm_init(struct mr_tcp_reasm *r);
void mr_tcp_reasm_clear(struct mr_tcp_reasm *r);

/* One segment from record `meta`. A SYN sets the initial sequence number (its
 * seq + 1); a FIN takes the sequence number after the segment's data. */
void mr_tcp_reasm_segment(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, uint32_t seq,
                          bool syn, bool fin, const uint8_t *data, size_t len, mr_tcp_deliver_cb cb,
                          void *ctx);

/* The peer acknowledged every byte before `ack` (seen in record `meta`): a
 * hole before it can no longer fill. */
void mr_tcp_reasm_ack(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, uint32_t ack,
                      mr_tcp_deliver_cb cb, void *ctx);

/*
 * This direction sent a segment ending at `end` (sequence number after its
 * last byte) while the peer's receive window is at most `window` bytes: the
 * sender may send only up to the peer's acknowledgement plus its window, so
 * the peer had acknowledged every byte before end - window, and a hole there
 * can no longer fill. window 0: unknown, nothing is given up.
 */
void mr_tcp_reasm_window(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, uint32_t end,
                         uint64_t window, mr_tcp_deliver_cb cb, void *ctx);

/* End of the capture: whatever waits behind a hole is delivered after it. */
void mr_tcp_reasm_flush(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, mr_tcp_deliver_cb cb,
                        void *ctx);

#endif

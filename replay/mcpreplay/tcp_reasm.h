/*
 * Reassembles one direction of a TCP connection into its byte stream:
 * segments are put in sequence order, retransmitted and overlapping bytes are
 * delivered once, and a hole that never fills (the out-of-order store runs
 * over its bound, or the stream ends) is skipped and reported.
 */
#ifndef MR_TCP_REASM_H
#define MR_TCP_REASM_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes in order, or (data NULL) a hole of `len` bytes that will never arrive. */
typedef void (*mr_tcp_deliver_cb)(void *ctx, const uint8_t *data, size_t len);

struct mr_tcp_reasm {
    bool started;
    uint32_t next_seq; /* sequence number of the next byte to deliver */
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

/* One segment. A SYN sets the initial sequence number (its seq + 1). */
void mr_tcp_reasm_segment(struct mr_tcp_reasm *r, uint32_t seq, bool syn, const uint8_t *data,
                          size_t len, mr_tcp_deliver_cb cb, void *ctx);

/* End of the capture: whatever waits behind a hole is delivered after it. */
void mr_tcp_reasm_flush(struct mr_tcp_reasm *r, mr_tcp_deliver_cb cb, void *ctx);

#endif

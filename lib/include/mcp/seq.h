/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sequence-analysis rules of docs/PROTOCOL.md §3, one tracker per sender. */
#ifndef MCP_SEQ_H
#define MCP_SEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum mcp_seq_verdict {
    MCP_SEQ_NONE = 0,       /* a sender's first frame, or SYNC: L = seq, no verdict */
    MCP_SEQ_IN_ORDER,       /* d = 1 */
    MCP_SEQ_DUPLICATE,      /* d = 0 */
    MCP_SEQ_GAP,            /* d = 2..128: d - 1 missing */
    MCP_SEQ_OUT_OF_ORDER,   /* d = 129..255: 256 - d behind L */
    MCP_SEQ_RETRANSMISSION, /* a resend of a NAKed seq with d != 1 */
    MCP_SEQ_VERDICT_COUNT
};

struct mcp_seq_result {
    enum mcp_seq_verdict verdict;
    bool has_expected;    /* false for a first frame and for SYNC */
    uint8_t expected_seq; /* L + 1 as it stood before the frame */
    uint8_t missing;      /* GAP: d - 1 (1..127) */
    uint8_t behind;       /* OUT_OF_ORDER: 256 - d (1..127) */
    bool first;           /* the sender's first frame */
    bool sync;            /* a SYNC frame */
    bool nak_consumed;    /* this frame consumed a pending NAK */
};

/* Per-sender state: the highest accepted seq L and the NAKs the peer has sent. */
struct mcp_seq_tracker {
    bool started;
    uint8_t last;             /* L */
    uint32_t pending_nak[8]; /* bit s set: a NAK for seq s is pending */
};

void mcp_seq_init(struct mcp_seq_tracker *tracker);

/*
 * Applies one frame of this sender whose check passed (or was not verified).
 * Frames whose check fails must not be passed in (§3).
 */
struct mcp_seq_result mcp_seq_observe(struct mcp_seq_tracker *tracker, uint8_t seq, bool is_sync);

/* Records a NAK the peer sent for seq nak_seq of this tracker's sender. */
void mcp_seq_note_nak(struct mcp_seq_tracker *tracker, uint8_t nak_seq);

/* True (and *next = L + 1) once the sender has been seen. */
bool mcp_seq_next_expected(const struct mcp_seq_tracker *tracker, uint8_t *next);

/* The NAKs a receiver sends for a gap (§3): the missing seqs, lowest first, at most 16. */
#define MCP_MAX_GAP_NAKS 16
size_t mcp_seq_gap_naks(const struct mcp_seq_result *result, uint8_t out[MCP_MAX_GAP_NAKS]);

/* "in order", "duplicate", "gap", "out of order", "retransmission", or "none". */
const char *mcp_seq_verdict_name(enum mcp_seq_verdict verdict);

#ifdef __cplusplus
}
#endif
#endif

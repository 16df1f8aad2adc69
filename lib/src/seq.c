/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sequence analysis per sender (docs/PROTOCOL.md §3). */
#include "mcp/seq.h"

#include <string.h>

void mcp_seq_init(struct mcp_seq_tracker *tracker)
{
    memset(tracker, 0, sizeof *tracker);
}

static bool nak_pending(const struct mcp_seq_tracker *t, uint8_t seq)
{
    return (t->pending_nak[seq >> 5] >> (seq & 31)) & 1u;
}

static void set_nak(struct mcp_seq_tracker *t, uint8_t seq, bool pending)
{
    uint32_t bit = 1u << (seq & 31);
    if (pending)
        t->pending_nak[seq >> 5] |= bit;
    else
        t->pending_nak[seq >> 5] &= ~bit;
}

struct mcp_seq_result mcp_seq_observe(struct mcp_seq_tracker *tracker, uint8_t seq, bool is_sync)
{
    struct mcp_seq_result r;
    memset(&r, 0, sizeof r);

    /* A pending NAK for this seq is consumed by the sender's next frame with it. */
    bool was_naked = nak_pending(tracker, seq);
    if (was_naked) {
        set_nak(tracker, seq, false);
        r.nak_consumed = true;
    }

    if (!tracker->started || is_sync) {
        r.first = !tracker->started;
        r.sync = is_sync;
        r.verdict = MCP_SEQ_NONE;
        tracker->started = true;
        tracker->last = seq;
        return r;
    }

    r.has_expected = true;
    r.expected_seq = (uint8_t)(tracker->last + 1);
    unsigned d = (uint8_t)(seq - tracker->last);

    if (d == 1) {
        r.verdict = MCP_SEQ_IN_ORDER;
        tracker->last = seq;
    } else if (was_naked) {
        r.verdict = MCP_SEQ_RETRANSMISSION; /* L unchanged */
    } else if (d == 0) {
        r.verdict = MCP_SEQ_DUPLICATE;
    } else if (d <= 128) {
        r.verdict = MCP_SEQ_GAP;
        r.missing = (uint8_t)(d - 1);
        tracker->last = seq;
    } else {
        r.verdict = MCP_SEQ_OUT_OF_ORDER;
        r.behind = (uint8_t)(256 - d);
    }
    return r;
}

void mcp_seq_note_nak(struct mcp_seq_tracker *tracker, uint8_t nak_seq)
{
    set_nak(tracker, nak_seq, true);
}

bool mcp_seq_next_expected(const struct mcp_seq_tracker *tracker, uint8_t *next)
{
    if (!tracker->started)
        return false;
    *next = (uint8_t)(tracker->last + 1);
    return true;
}

size_t mcp_seq_gap_naks(const struct mcp_seq_result *result, uint8_t out[MCP_MAX_GAP_NAKS])
{
    if (result->verdict != MCP_SEQ_GAP)
        return 0;
    size_t n = result->missing < MCP_MAX_GAP_NAKS ? result->missing : MCP_MAX_GAP_NAKS;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(result->expected_seq + i);
    return n;
}

const char *mcp_seq_verdict_name(enum mcp_seq_verdict verdict)
{
    switch (verdict) {
    case MCP_SEQ_NONE:
        return "none";
    case MCP_SEQ_IN_ORDER:
        return "in order";
    case MCP_SEQ_DUPLICATE:
        return "duplicate";
    case MCP_SEQ_GAP:
        return "gap";
    case MCP_SEQ_OUT_OF_ORDER:
        return "out of order";
    case MCP_SEQ_RETRANSMISSION:
        return "retransmission";
    case MCP_SEQ_VERDICT_COUNT:
        break;
    }
    return "none";
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-client sequence tracking, NAK decisions and own numbering (docs/PROTOCOL.md §3). */
#include "session.h"

#include <string.h>

void sim_session_init(struct sim_session *s)
{
    mcp_seq_init(&s->rx);
    s->tx_next = 0;
    for (size_t i = 0; i < SIM_RESEND_SLOTS; i++)
        s->sent[i].used = false;
}

static void add_nak(struct sim_session *s, struct sim_decision *d, uint8_t seq, uint8_t reason)
{
    d->naks[d->nak_count].seq = seq;
    d->naks[d->nak_count].reason = reason;
    d->nak_count++;
    /* The client resends the named frame; its arrival consumes the NAK. */
    mcp_seq_note_nak(&s->rx, seq);
}

void sim_session_decide(struct sim_session *s, const struct mcp_frame *frame, bool crc_ok,
                        struct mcp_pdu *pdu, struct sim_decision *d)
{
    memset(d, 0, sizeof *d);
    d->crc_ok = crc_ok;
    if (!crc_ok) {
        /* The frame's seq is not trusted: name the one expected next. */
        uint8_t next;
        if (!mcp_seq_next_expected(&s->rx, &next))
            next = frame->seq;
        add_nak(s, d, next, MCP_NAK_BAD_CRC);
        return;
    }

    d->observed = true;
    d->seq = mcp_seq_observe(&s->rx, frame->seq, frame->cmd == MCP_CMD_SYNC);
    uint8_t missing[MCP_MAX_GAP_NAKS];
    size_t n = mcp_seq_gap_naks(&d->seq, missing);
    for (size_t i = 0; i < n; i++)
        add_nak(s, d, missing[i], MCP_NAK_SEQ_GAP);

    bool fits = mcp_pdu_parse(frame->cmd, frame->payload, frame->length, pdu);
    if (mcp_cmd_is_response(frame->cmd)) {
        add_nak(s, d, frame->seq, MCP_NAK_UNEXPECTED_RESPONSE);
        return;
    }
    if (!fits) {
        d->malformed = true;
        add_nak(s, d, frame->seq, MCP_NAK_BAD_LENGTH);
        return;
    }
    if (frame->cmd == MCP_CMD_NAK) {
        d->resend = true;
        d->resend_seq = pdu->nak_seq;
        return;
    }
    d->serve = mcp_cmd_is_request(frame->cmd);
}

size_t sim_session_encode(struct sim_session *s, const struct mcp_codec *codec, uint8_t cmd,
                          const uint8_t *payload, size_t len, uint8_t out[SIM_MAX_OUT_FRAME])
{
    uint8_t seq = s->tx_next;
    size_t n = mcp_frame_encode(codec, seq, cmd, payload, len, out, SIM_MAX_OUT_FRAME);
    if (n == 0)
        return 0;
    s->tx_next++;
    struct sim_sent_frame *slot = &s->sent[seq % SIM_RESEND_SLOTS];
    slot->used = true;
    slot->seq = seq;
    slot->len = (uint16_t)n;
    memcpy(slot->bytes, out, n);
    return n;
}

const struct sim_sent_frame *sim_session_sent(const struct sim_session *s, uint8_t seq)
{
    const struct sim_sent_frame *slot = &s->sent[seq % SIM_RESEND_SLOTS];
    return slot->used && slot->seq == seq ? slot : NULL;
}

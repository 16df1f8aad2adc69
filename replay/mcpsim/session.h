/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One client of the simulator (a UDP source address and port, a TCP
 * connection or the serial line): the sequence tracker of the client's frames,
 * the NAK decisions of docs/PROTOCOL.md §3, and the simulator's own numbering
 * of the frames it sends to that client (with the last few kept for resending).
 */
#ifndef MCPSIM_SESSION_H
#define MCPSIM_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"
#include "mcp/seq.h"

/* Largest frame the simulator sends: an OK READ response of 125 registers. */
#define SIM_MAX_OUT_FRAME (MCP_OVERHEAD + 2 + 5 + 2 * MCP_MAX_REGISTERS)
/* Own frames kept for a client's NAK (a receiver NAKs at most 16 on a gap). */
#define SIM_RESEND_SLOTS 16

struct sim_sent_frame {
    bool used;
    uint8_t seq;
    uint16_t len;
    uint8_t bytes[SIM_MAX_OUT_FRAME];
};

struct sim_session {
    struct mcp_seq_tracker rx; /* the client's frames */
    uint8_t tx_next;           /* seq of the next frame the simulator sends */
    struct sim_sent_frame sent[SIM_RESEND_SLOTS];
};

void sim_session_init(struct sim_session *s);

struct sim_nak {
    uint8_t seq;
    uint8_t reason;
};

/* What to do about one frame received from the client. */
struct sim_decision {
    bool crc_ok;
    bool observed;             /* passed to the sequence tracker */
    struct mcp_seq_result seq; /* when observed */
    bool malformed;            /* valid check, payload does not fit its command */
    size_t nak_count;          /* NAKs to send, in order */
    struct sim_nak naks[MCP_MAX_GAP_NAKS + 1];
    bool serve;  /* a well-formed request for the devices */
    bool resend; /* the client NAKed our frame resend_seq */
    uint8_t resend_seq;
};

/*
 * Decides what the simulator does with a frame from this client (§3): a bad
 * check gets NAK BAD_CRC for L + 1 (the frame's own seq when nothing has been
 * accepted yet) and is not observed; otherwise the frame is observed, a gap
 * gets one SEQ_GAP NAK per missing seq (at most 16) and the frame is still
 * processed; a response-type frame gets UNEXPECTED_RESPONSE, a payload that
 * does not fit its command BAD_LENGTH (both naming the frame's seq); a
 * well-formed request is to be served; a NAK from the client asks for a
 * resend; EVENT and SYNC need nothing. Every NAK sent is noted in the tracker
 * so the client's resend counts as a retransmission. pdu receives the parse.
 */
void sim_session_decide(struct sim_session *s, const struct mcp_frame *frame, bool crc_ok,
                        struct mcp_pdu *pdu, struct sim_decision *d);

/*
 * Encodes the simulator's next frame to this client (taking the next seq) into
 * out and keeps a copy for resending. Returns the length, 0 if it cannot be
 * encoded.
 */
size_t sim_session_encode(struct sim_session *s, const struct mcp_codec *codec, uint8_t cmd,
                          const uint8_t *payload, size_t len, uint8_t out[SIM_MAX_OUT_FRAME]);

/* Our frame with this seq if it is still kept, else NULL. */
const struct sim_sent_frame *sim_session_sent(const struct sim_session *s, uint8_t seq);

#endif

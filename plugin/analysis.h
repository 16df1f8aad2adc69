/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sequence analysis (§3) and request/response matching (§4), computed once
 * per PDU on the first pass and stored; every later pass renders the stored
 * result, so one pass, two passes and GUI re-dissection agree.
 */
#ifndef MCP5A_ANALYSIS_H
#define MCP5A_ANALYSIS_H

#include "mcp5a.h"

/* The library's verdicts, plus frames left out of the analysis. */
enum mcp5a_verdict {
    MCP5A_VERDICT_NONE = MCP_SEQ_NONE,
    MCP5A_VERDICT_IN_ORDER = MCP_SEQ_IN_ORDER,
    MCP5A_VERDICT_DUPLICATE = MCP_SEQ_DUPLICATE,
    MCP5A_VERDICT_GAP = MCP_SEQ_GAP,
    MCP5A_VERDICT_OUT_OF_ORDER = MCP_SEQ_OUT_OF_ORDER,
    MCP5A_VERDICT_RETRANSMISSION = MCP_SEQ_RETRANSMISSION,
    MCP5A_VERDICT_IGNORED, /* the check failed: no sequence analysis, no matching */
    MCP5A_VERDICT_COUNT
};

/* What the analysis needs to know about a frame. */
struct mcp5a_frame_facts {
    guint8 seq;
    guint8 cmd;
    gboolean crc_bad;        /* checked and failed */
    gboolean expects_answer; /* §4: a request that will be matched */
    gboolean has_req_seq;    /* a response naming its request */
    guint8 req_seq;
    gboolean has_nak; /* a NAK naming a seq of the peer */
    guint8 nak_seq;
    gboolean has_device; /* the payload names a device (READ, WRITE, their responses, EVENT) */
    guint8 device;
};

/* The stored result of one PDU (kept small: one per PDU of the capture). */
struct mcp5a_result {
    guint8 verdict; /* enum mcp5a_verdict */
    gboolean has_expected;
    guint8 expected_seq;
    guint8 missing; /* GAP */
    guint8 behind;  /* OUT_OF_ORDER */
    gboolean nak_consumed;
    guint32 request_in;  /* responses: the request's frame, 0 = none */
    guint32 response_in; /* requests: the response's frame, 0 = none (yet) */
    gboolean has_time;
    nstime_t response_time; /* responses: time since the request */
    /* Requests (§4) that have no answer in the whole capture, nor a resend
     * that was answered: known only once the capture has been read, so set
     * only on later passes (PINFO_FD_VISITED). */
    gboolean no_response;
    /* The device id the frame names, or for a matched response without one
     * (an error status, a HEARTBEAT) its request's: for per-device statistics. */
    gboolean has_device;
    guint8 device;
};

/*
 * The result of PDU number pdu_index of the current packet: computed (first
 * pass) or looked up. Returns FALSE when nothing is stored for it.
 */
gboolean mcp5a_analyse(packet_info *pinfo, guint16 pdu_index, enum mcp5a_link link,
                       const struct mcp5a_frame_facts *facts, struct mcp5a_result *out);

/* no_response.c: the packet went to a broadcast or multicast address. */
gboolean mcp5a_to_broadcast(const packet_info *pinfo);

/* init/cleanup routines: senders and stored results live for one capture file. */
void mcp5a_analysis_init(void);
void mcp5a_analysis_cleanup(void);

#endif

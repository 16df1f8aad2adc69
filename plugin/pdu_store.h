/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compact per-PDU storage of analysis results, keyed by (frame number, index
 * of the PDU within the frame). A million-frame capture keeps a million
 * results, so a record is 20 bytes in chunked arrays instead of a
 * p_add_proto_data entry (about 70 bytes with the list node and allocator
 * overhead) per PDU. Records of one frame are contiguous because the first
 * pass visits frames in order.
 */
#ifndef MCP5A_PDU_STORE_H
#define MCP5A_PDU_STORE_H

#include <glib.h>

#define MCP5A_REC_HAS_EXPECTED    0x01
#define MCP5A_REC_NAK_CONSUMED    0x02
#define MCP5A_REC_IS_RESPONSE     0x04 /* link_frame is request_in (else response_in) */
#define MCP5A_REC_HAS_TIME        0x08
#define MCP5A_REC_RESEND_ANSWERED 0x10 /* requests: a later resend (same seq, cmd) was answered */
#define MCP5A_REC_HAS_DEVICE      0x20 /* device: the frame's device id, or its request's */

struct mcp5a_record {
    guint32 link_frame;
    guint32 time_lo, time_hi; /* requests: capture time; responses: response time (ns) */
    guint16 pdu_index;
    guint8 verdict;
    guint8 flags;
    guint8 expected_seq;
    guint8 count;  /* missing (gap) or behind (out of order) */
    guint8 device; /* MCP5A_REC_HAS_DEVICE (fills the padding: still 20 bytes) */
};

/* Appends the record of PDU pdu_index of frame; *id names it for mcp5a_store_at. */
struct mcp5a_record *mcp5a_store_append(guint32 frame, guint16 pdu_index, guint32 *id);
/* The record of PDU pdu_index of frame, or NULL. */
struct mcp5a_record *mcp5a_store_get(guint32 frame, guint16 pdu_index);
struct mcp5a_record *mcp5a_store_at(guint32 id);
void mcp5a_store_clear(void);

static inline gint64 mcp5a_record_time(const struct mcp5a_record *r)
{
    return (gint64)(((guint64)r->time_hi << 32) | r->time_lo);
}

static inline void mcp5a_record_set_time(struct mcp5a_record *r, gint64 ns)
{
    r->time_lo = (guint32)((guint64)ns & 0xffffffffu);
    r->time_hi = (guint32)((guint64)ns >> 32);
}

#endif

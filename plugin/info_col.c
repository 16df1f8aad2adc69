/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Info column texts: analysis prefixes the way TCP shows them, then the frame.
 * The text is built once per frame with plain appends into a stack buffer:
 * printf-style formatting cost about 2,500 instructions a frame (issue 13).
 */
#include "info_col.h"

#include <epan/column-utils.h>

#include <string.h>

void mcp5a_info_add(packet_info *pinfo, const char *text)
{
    struct mcp5a_packet_state *st = mcp5a_packet_state(pinfo);
    if (st->items++ == 0)
        col_add_str(pinfo->cinfo, COL_INFO, text); /* replaces the text after the fence */
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, "; ", text);
}

void mcp5a_info_add_lasting(packet_info *pinfo, const char *text)
{
    struct mcp5a_packet_state *st = mcp5a_packet_state(pinfo);
    /* col_set_str replaces the text after the fence like col_add_str, but
     * without a fence keeps the pointer (no copy: about 250 instructions a
     * frame); a later append copies it into the column's own buffer. */
    if (st->items++ == 0)
        col_set_str(pinfo->cinfo, COL_INFO, text);
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, "; ", text);
}

/* A bounded text buffer: appends that do not fit are cut, never overrun. */
struct text {
    char *buf;
    size_t len, size; /* size > 0; buf[len] == '\0' */
};

static void put_mem(struct text *t, const char *s, size_t n)
{
    if (t->len + n >= t->size)
        n = t->size - 1 - t->len;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void put_str(struct text *t, const char *s)
{
    put_mem(t, s, strlen(s));
}

/* A string literal: its length is known when compiling. */
#define put_lit(t, lit) put_mem((t), "" lit, sizeof(lit) - 1)

/* v in decimal, as %u. */
static void put_uint(struct text *t, guint32 v)
{
    char digits[11];
    int n = (int)sizeof digits - 1;
    digits[n] = '\0';
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put_mem(t, &digits[n], sizeof digits - 1 - (size_t)n);
}

/* v in lower-case hex with at least `width` digits (width <= 8), as %0*x. */
static void put_hex(struct text *t, guint32 v, int width)
{
    static const char hex[] = "0123456789abcdef";
    char digits[9];
    int n = (int)sizeof digits - 1;
    digits[n] = '\0';
    do {
        digits[--n] = hex[v & 0xf];
        v >>= 4;
    } while (v != 0 || (int)sizeof digits - 1 - n < width);
    put_mem(t, &digits[n], sizeof digits - 1 - (size_t)n);
}

static void add_prefix(struct text *b, const struct mcp5a_summary *s)
{
    if (s->crc_bad)
        put_lit(b, "[BAD CRC] ");
    if (s->cut)
        put_lit(b, "[CUT] ");
    if (s->result != NULL) {
        switch (s->result->verdict) {
        case MCP5A_VERDICT_GAP:
            put_lit(b, "[GAP: ");
            put_uint(b, s->result->missing);
            put_lit(b, " missing] ");
            break;
        case MCP5A_VERDICT_DUPLICATE:
            put_lit(b, "[DUP] ");
            break;
        case MCP5A_VERDICT_OUT_OF_ORDER:
            put_lit(b, "[OUT-OF-ORDER] ");
            break;
        case MCP5A_VERDICT_RETRANSMISSION:
            put_lit(b, "[RETRANSMISSION] ");
            break;
        default:
            break;
        }
    }
    if (s->pdu->malformed && !s->cut)
        put_lit(b, "[MALFORMED] ");
}

static const char *status_name(guint8 status)
{
    const char *name = mcp_name_of(mcp_status_names, status);
    return name != NULL ? name : "status?";
}

static void add_body(struct text *b, const struct mcp5a_summary *s)
{
    const struct mcp_pdu *p = s->pdu;
    const char *name = s->cmd_name;
    if (name != NULL) {
        put_str(b, name);
    } else {
        put_str(b, mcp_cmd_name(s->cmd));
        put_lit(b, " (0x");
        put_hex(b, s->cmd, 2);
        put_lit(b, ")");
    }

    if (p->has_req_seq) {
        put_lit(b, " ");
        put_str(b, status_name(p->status));
    }
    if (p->has_register_block && !mcp_cmd_is_response(s->cmd)) {
        put_lit(b, " dev=");
        put_uint(b, p->device);
        put_lit(b, " addr=0x");
        put_hex(b, p->addr, 4);
        put_lit(b, " n=");
        put_uint(b, p->count);
    }
    if (p->has_event) {
        const char *code = mcp_name_of(mcp_event_code_names, p->event_code);
        put_lit(b, " dev=");
        put_uint(b, p->device);
        put_lit(b, " ");
        put_str(b, code != NULL ? code : "code");
        if (code == NULL) {
            put_lit(b, "=");
            put_uint(b, p->event_code);
        }
    }
    if (p->has_nak) {
        const char *why = mcp_name_of(mcp_nak_reason_names, p->nak_reason);
        put_lit(b, " for ");
        put_uint(b, p->nak_seq);
        put_lit(b, " ");
        put_str(b, why != NULL ? why : "reason?");
    }
    put_lit(b, " seq=");
    put_uint(b, s->seq);
    if (p->has_req_seq) {
        put_lit(b, " \xe2\x86\x92 "); /* → */
        put_uint(b, p->req_seq);
    }
}

const char *mcp5a_info_summary(char *buf, size_t size, const struct mcp5a_summary *s)
{
    struct text b = {.buf = buf, .len = 0, .size = size};
    buf[0] = '\0';
    add_prefix(&b, s);
    add_body(&b, s);
    return buf;
}

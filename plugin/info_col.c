/* Info column texts: analysis prefixes the way TCP shows them, then the frame. */
#include "info_col.h"

#include <epan/column-utils.h>

void mcp5a_info_add(packet_info *pinfo, const char *text)
{
    struct mcp5a_packet_state *st = mcp5a_packet_state(pinfo);
    if (st->items++ == 0) {
        col_clear(pinfo->cinfo, COL_INFO);
        col_add_str(pinfo->cinfo, COL_INFO, text);
    } else {
        col_append_sep_str(pinfo->cinfo, COL_INFO, "; ", text);
    }
}

static void add_prefix(wmem_strbuf_t *b, const struct mcp5a_summary *s)
{
    if (s->crc_bad)
        wmem_strbuf_append(b, "[BAD CRC] ");
    if (s->cut)
        wmem_strbuf_append(b, "[CUT] ");
    if (s->result != NULL) {
        switch (s->result->verdict) {
        case MCP5A_VERDICT_GAP:
            wmem_strbuf_append_printf(b, "[GAP: %u missing] ", s->result->missing);
            break;
        case MCP5A_VERDICT_DUPLICATE:
            wmem_strbuf_append(b, "[DUP] ");
            break;
        case MCP5A_VERDICT_OUT_OF_ORDER:
            wmem_strbuf_append(b, "[OUT-OF-ORDER] ");
            break;
        case MCP5A_VERDICT_RETRANSMISSION:
            wmem_strbuf_append(b, "[RETRANSMISSION] ");
            break;
        default:
            break;
        }
    }
    if (s->pdu->malformed && !s->cut)
        wmem_strbuf_append(b, "[MALFORMED] ");
}

static const char *status_name(guint8 status)
{
    const char *name = mcp_name_of(mcp_status_names, status);
    return name != NULL ? name : "status?";
}

static void add_body(wmem_strbuf_t *b, const struct mcp5a_summary *s)
{
    const struct mcp_pdu *p = s->pdu;
    const char *name = mcp_name_of(mcp_cmd_names, s->cmd);
    if (name != NULL)
        wmem_strbuf_append(b, name);
    else
        wmem_strbuf_append_printf(b, "%s (0x%02x)", mcp_cmd_name(s->cmd), s->cmd);

    if (p->has_req_seq)
        wmem_strbuf_append_printf(b, " %s", status_name(p->status));
    if (p->has_register_block && !mcp_cmd_is_response(s->cmd))
        wmem_strbuf_append_printf(b, " dev=%u addr=0x%04x n=%u", p->device, p->addr, p->count);
    if (p->has_event) {
        const char *code = mcp_name_of(mcp_event_code_names, p->event_code);
        wmem_strbuf_append_printf(b, " dev=%u %s", p->device, code != NULL ? code : "code");
        if (code == NULL)
            wmem_strbuf_append_printf(b, "=%u", p->event_code);
    }
    if (p->has_nak) {
        const char *why = mcp_name_of(mcp_nak_reason_names, p->nak_reason);
        wmem_strbuf_append_printf(b, " for %u %s", p->nak_seq, why != NULL ? why : "reason?");
    }
    wmem_strbuf_append_printf(b, " seq=%u", s->seq);
    if (p->has_req_seq)
        wmem_strbuf_append_printf(b, " \xe2\x86\x92 %u", p->req_seq); /* → */
}

const char *mcp5a_info_summary(wmem_allocator_t *scope, const struct mcp5a_summary *s)
{
    wmem_strbuf_t *b = wmem_strbuf_new_sized(scope, 96);
    add_prefix(b, s);
    add_body(b, s);
    return wmem_strbuf_get_str(b);
}

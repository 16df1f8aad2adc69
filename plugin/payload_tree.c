/* Payload subtree from the library's field list (mcp_pdu_parse). */
#include "payload_tree.h"

#include "regmap.h"

static int field_hf(enum mcp_field field)
{
    switch (field) {
    case MCP_FIELD_UPTIME:
        return mcp5a_hf.uptime;
    case MCP_FIELD_DEVICE:
        return mcp5a_hf.device;
    case MCP_FIELD_ADDR:
        return mcp5a_hf.addr;
    case MCP_FIELD_COUNT:
        return mcp5a_hf.count;
    case MCP_FIELD_VALUE:
        return mcp5a_hf.value;
    case MCP_FIELD_REQ_SEQ:
        return mcp5a_hf.req_seq;
    case MCP_FIELD_STATUS:
        return mcp5a_hf.status;
    case MCP_FIELD_EVENT_CODE:
        return mcp5a_hf.event_code;
    case MCP_FIELD_EVENT_TIMESTAMP:
        return mcp5a_hf.event_timestamp;
    case MCP_FIELD_EVENT_DATA:
        return mcp5a_hf.event_data;
    case MCP_FIELD_NAK_SEQ:
        return mcp5a_hf.nak_seq;
    case MCP_FIELD_NAK_REASON:
        return mcp5a_hf.nak_reason;
    case MCP_FIELD_SYNC_REASON:
        return mcp5a_hf.sync_reason;
    }
    return -1;
}

static void add_fields(proto_tree *pt, tvbuff_t *tvb, packet_info *pinfo, const struct mcp_pdu *pdu)
{
    guint value_index = 0;
    for (size_t i = 0; i < pdu->field_count; i++) {
        const struct mcp_field_span *f = &pdu->fields[i];
        int off = MCP_HEADER_LEN + f->offset;
        int hf = field_hf(f->field);
        if (f->field == MCP_FIELD_EVENT_DATA) {
            proto_tree_add_item(pt, hf, tvb, off, f->size, ENC_NA);
        } else if (f->field == MCP_FIELD_VALUE) {
            guint addr = (pdu->addr + value_index++) & 0xffff;
            proto_tree_add_uint_format(pt, hf, tvb, off, f->size, f->value,
                                       "Register 0x%04x: 0x%04x (%u)", addr, f->value, f->value);
        } else {
            proto_item *pi = proto_tree_add_uint(pt, hf, tvb, off, f->size, f->value);
            if (f->field == MCP_FIELD_STATUS && f->value != MCP_STATUS_OK)
                expert_add_info(pinfo, pi, &mcp5a_ei.status); /* pi shows which */
        }
    }
}

void mcp5a_add_payload(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, guint length,
                       guint avail, const struct mcp_pdu *pdu, gboolean cut)
{
    if (tree == NULL) { /* no tree: only the expert infos, in the same order */
        for (size_t i = 0; i < pdu->field_count; i++) {
            if (pdu->fields[i].field == MCP_FIELD_STATUS && pdu->fields[i].value != MCP_STATUS_OK)
                expert_add_info(pinfo, NULL, &mcp5a_ei.status);
        }
        if (pdu->malformed && !cut)
            expert_add_info(pinfo, NULL, &mcp5a_ei.malformed);
        if (pdu->has_nak && pdu->cmd == MCP_CMD_NAK)
            expert_add_info(pinfo, NULL, &mcp5a_ei.nak);
        mcp5a_regmap_add_items(NULL, tvb, pinfo, pdu);
        return;
    }
    proto_item *pl = NULL;
    proto_tree *pt = tree;
    if (length > 0) {
        pl = proto_tree_add_item(tree, mcp5a_hf.payload, tvb, MCP_HEADER_LEN, avail, ENC_NA);
        if (cut)
            proto_item_append_text(pl, " (%u of %u bytes captured)", avail, length);
        pt = proto_item_add_subtree(pl, mcp5a_ett.payload);
    }
    add_fields(pt, tvb, pinfo, pdu);
    if (pdu->malformed && !cut) {
        proto_item *at = pl != NULL ? pl : proto_tree_get_parent(tree);
        proto_item_append_text(at, " (%u bytes do not fit the %s layout)", length,
                               mcp_cmd_name(pdu->cmd));
        expert_add_info(pinfo, at, &mcp5a_ei.malformed);
    }
    if (pdu->has_nak && pdu->cmd == MCP_CMD_NAK) {
        /* The NAK's fields below pl show the seq and the reason. */
        expert_add_info(pinfo, pl, &mcp5a_ei.nak);
    }
    mcp5a_regmap_add_items(pt, tvb, pinfo, pdu);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Payload subtree from the library's field list (mcp_pdu_parse). */
#include "payload_tree.h"

#include "regmap.h"

static int hf_mcp5a_payload = -1;
static int hf_mcp5a_req_seq = -1;
static int hf_mcp5a_status = -1;
static int hf_mcp5a_device = -1;
static int hf_mcp5a_addr = -1;
static int hf_mcp5a_count = -1;
static int hf_mcp5a_value = -1;
static int hf_mcp5a_uptime = -1;
static int hf_mcp5a_event_code = -1;
static int hf_mcp5a_event_timestamp = -1;
static int hf_mcp5a_event_data = -1;
static int hf_mcp5a_nak_seq = -1;
static int hf_mcp5a_nak_reason = -1;
static int hf_mcp5a_sync_reason = -1;

static int ett_mcp5a_payload = -1;

static expert_field ei_mcp5a_analysis_nak = EI_INIT;
static expert_field ei_mcp5a_status_error = EI_INIT;
static expert_field ei_mcp5a_payload_malformed = EI_INIT;

static const value_string mcp5a_status_vals[] = {MCP_STATUS_NAME_LIST(MCP5A_VALS_ENTRY){0, NULL}};
static const value_string mcp5a_event_code_vals[] = {
    MCP_EVENT_CODE_NAME_LIST(MCP5A_VALS_ENTRY){0, NULL}};
static const value_string mcp5a_nak_reason_vals[] = {
    MCP_NAK_REASON_NAME_LIST(MCP5A_VALS_ENTRY){0, NULL}};

static int field_hf(enum mcp_field field)
{
    switch (field) {
    case MCP_FIELD_UPTIME:
        return hf_mcp5a_uptime;
    case MCP_FIELD_DEVICE:
        return hf_mcp5a_device;
    case MCP_FIELD_ADDR:
        return hf_mcp5a_addr;
    case MCP_FIELD_COUNT:
        return hf_mcp5a_count;
    case MCP_FIELD_VALUE:
        return hf_mcp5a_value;
    case MCP_FIELD_REQ_SEQ:
        return hf_mcp5a_req_seq;
    case MCP_FIELD_STATUS:
        return hf_mcp5a_status;
    case MCP_FIELD_EVENT_CODE:
        return hf_mcp5a_event_code;
    case MCP_FIELD_EVENT_TIMESTAMP:
        return hf_mcp5a_event_timestamp;
    case MCP_FIELD_EVENT_DATA:
        return hf_mcp5a_event_data;
    case MCP_FIELD_NAK_SEQ:
        return hf_mcp5a_nak_seq;
    case MCP_FIELD_NAK_REASON:
        return hf_mcp5a_nak_reason;
    case MCP_FIELD_SYNC_REASON:
        return hf_mcp5a_sync_reason;
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
                expert_add_info(pinfo, pi, &ei_mcp5a_status_error); /* pi shows which */
        }
    }
}

void mcp5a_add_payload(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, guint length,
                       guint avail, const struct mcp_pdu *pdu, gboolean cut)
{
    if (tree == NULL) { /* no tree: only the expert infos, in the same order */
        for (size_t i = 0; i < pdu->field_count; i++) {
            if (pdu->fields[i].field == MCP_FIELD_STATUS && pdu->fields[i].value != MCP_STATUS_OK)
                expert_add_info(pinfo, NULL, &ei_mcp5a_status_error);
        }
        if (pdu->malformed && !cut)
            expert_add_info(pinfo, NULL, &ei_mcp5a_payload_malformed);
        if (pdu->has_nak && pdu->cmd == MCP_CMD_NAK)
            expert_add_info(pinfo, NULL, &ei_mcp5a_analysis_nak);
        mcp5a_regmap_add_items(NULL, tvb, pinfo, pdu);
        return;
    }
    proto_item *pl = NULL;
    proto_tree *pt = tree;
    if (length > 0) {
        pl = proto_tree_add_item(tree, hf_mcp5a_payload, tvb, MCP_HEADER_LEN, avail, ENC_NA);
        if (cut)
            proto_item_append_text(pl, " (%u of %u bytes captured)", avail, length);
        pt = proto_item_add_subtree(pl, ett_mcp5a_payload);
    }
    add_fields(pt, tvb, pinfo, pdu);
    if (pdu->malformed && !cut) {
        proto_item *at = pl != NULL ? pl : proto_tree_get_parent(tree);
        proto_item_append_text(at, " (%u bytes do not fit the %s layout)", length,
                               mcp_cmd_name(pdu->cmd));
        expert_add_info(pinfo, at, &ei_mcp5a_payload_malformed);
    }
    if (pdu->has_nak && pdu->cmd == MCP_CMD_NAK) {
        /* The NAK's fields below pl show the seq and the reason. */
        expert_add_info(pinfo, pl, &ei_mcp5a_analysis_nak);
    }
    mcp5a_regmap_add_items(pt, tvb, pinfo, pdu);
}

void mcp5a_register_payload(void)
{
    static hf_register_info hf[] = {
        {&hf_mcp5a_payload,
         {"Payload", "mcp5a.payload", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_req_seq,
         {"Request sequence number", "mcp5a.req_seq", FT_UINT8, BASE_DEC, NULL, 0,
          "The seq of the request this answers", HFILL}},
        {&hf_mcp5a_status,
         {"Status", "mcp5a.status", FT_UINT8, BASE_DEC, VALS(mcp5a_status_vals), 0, NULL, HFILL}},
        {&hf_mcp5a_device, {"Device", "mcp5a.device", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_addr,
         {"Register address", "mcp5a.addr", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_count,
         {"Register count", "mcp5a.count", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_value,
         {"Register value", "mcp5a.value", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_uptime,
         {"Uptime (ms)", "mcp5a.uptime", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_event_code,
         {"Event code", "mcp5a.event.code", FT_UINT8, BASE_DEC, VALS(mcp5a_event_code_vals), 0,
          NULL, HFILL}},
        {&hf_mcp5a_event_timestamp,
         {"Event timestamp (ms)", "mcp5a.event.timestamp", FT_UINT32, BASE_DEC, NULL, 0, NULL,
          HFILL}},
        {&hf_mcp5a_event_data,
         {"Event data", "mcp5a.event.data", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_nak_seq,
         {"NAKed sequence number", "mcp5a.nak.seq", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_nak_reason,
         {"NAK reason", "mcp5a.nak.reason", FT_UINT8, BASE_DEC, VALS(mcp5a_nak_reason_vals), 0,
          NULL, HFILL}},
        {&hf_mcp5a_sync_reason,
         {"SYNC reason", "mcp5a.sync.reason", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
    };

    static int *ett[] = {
        &ett_mcp5a_payload,
    };

    static ei_register_info ei[] = {
        {&ei_mcp5a_analysis_nak,
         {"mcp5a.analysis.nak", PI_SEQUENCE, PI_NOTE, "NAK: the peer asks for a frame again",
          EXPFILL}},
        {&ei_mcp5a_status_error,
         {"mcp5a.status.error", PI_RESPONSE_CODE, PI_NOTE, "Error status", EXPFILL}},
        {&ei_mcp5a_payload_malformed,
         {"mcp5a.payload.malformed", PI_MALFORMED, PI_ERROR,
          "Payload does not fit its command's layout", EXPFILL}},
    };

    proto_register_field_array(proto_mcp5a, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(proto_mcp5a);
    expert_register_field_array(expert, ei, array_length(ei));
}

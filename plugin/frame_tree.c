/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One frame: header, payload subtree, CRC, analysis, expert infos, Info, tap. */
#include "mcp5a.h"

#include "analysis.h"
#include "info_col.h"
#include "payload_tree.h"

static int hf_mcp5a_magic = -1;
static int hf_mcp5a_seq = -1;
static int hf_mcp5a_len = -1;
static int hf_mcp5a_cmd = -1;
static int hf_mcp5a_cmd_response = -1;
static int hf_mcp5a_crc = -1;
static int hf_mcp5a_crc_status = -1;
static int hf_mcp5a_analysis = -1;
static int hf_mcp5a_analysis_expected_seq = -1;
static int hf_mcp5a_analysis_missing = -1;
static int hf_mcp5a_analysis_behind = -1;
static int hf_mcp5a_response_in = -1;
static int hf_mcp5a_request_in = -1;
static int hf_mcp5a_time = -1;
static int hf_mcp5a_serial_swapped = -1;

static int ett_mcp5a = -1;
static int ett_mcp5a_cmd = -1;
static int ett_mcp5a_analysis = -1;

static expert_field ei_mcp5a_crc_bad = EI_INIT;
static expert_field ei_mcp5a_analysis_gap = EI_INIT;
static expert_field ei_mcp5a_analysis_duplicate = EI_INIT;
static expert_field ei_mcp5a_analysis_out_of_order = EI_INIT;
static expert_field ei_mcp5a_analysis_retransmission = EI_INIT;
static expert_field ei_mcp5a_cmd_unknown = EI_INIT;
static expert_field ei_mcp5a_analysis_no_response = EI_INIT;
static expert_field ei_mcp5a_cut = EI_INIT;
static expert_field ei_mcp5a_serial_swapped_response = EI_INIT;
static expert_field ei_mcp5a_serial_swapped_request = EI_INIT;

static const value_string mcp5a_cmd_vals[] = {MCP_CMD_NAME_LIST(MCP5A_VALS_ENTRY){0, NULL}};

/* What the header and trailer say, as far as they were captured. */
struct frame_view {
    guint captured;
    guint frame_len;
    guint8 seq, cmd;
    guint16 length;
    const guint8 *bytes;  /* the captured bytes */
    guint payload_avail;  /* payload bytes captured */
    gboolean cut;         /* the snaplen cut the frame */
    gboolean crc_checked; /* the check was computed and compared */
    gboolean crc_bad;
    guint8 crc, crc_computed;
};

/* crc_known: -1, or the check already computed over the frame (0..255). */
static void read_frame(tvbuff_t *tvb, const struct mcp_codec *codec, int crc_known,
                       struct frame_view *v)
{
    memset(v, 0, sizeof *v);
    v->frame_len = tvb_reported_length(tvb);
    v->captured = tvb_captured_length(tvb);
    v->bytes = tvb_get_ptr(tvb, 0, v->captured);
    v->seq = v->bytes[1];
    v->cmd = v->bytes[4];
    v->length = mcp_frame_length_field(codec, v->bytes);
    v->cut = v->captured < v->frame_len;
    v->payload_avail = MIN(v->length, v->captured - MCP_HEADER_LEN);
    if (!v->cut) {
        v->crc = v->bytes[v->frame_len - 1];
        v->crc_computed =
            crc_known >= 0 ? (guint8)crc_known : mcp_crc(codec->crc, v->bytes, v->frame_len - 1);
        v->crc_checked = mcp5a_prefs.check_crc;
        v->crc_bad = v->crc_checked && v->crc != v->crc_computed;
    }
}

/* "valid as crc8-maxim" when another §1 variant matches a bad check. */
static const char *other_valid_variant(const struct frame_view *v, enum mcp_crc_variant chosen)
{
    for (int i = 0; i < MCP_CRC_VARIANT_COUNT; i++) {
        if (i != (int)chosen &&
            mcp_crc((enum mcp_crc_variant)i, v->bytes, v->frame_len - 1) == v->crc)
            return mcp_crc_variant_name((enum mcp_crc_variant)i);
    }
    return NULL;
}

/* cmd_name: the command's name, NULL if unknown. */
static void add_header(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo,
                       const struct mcp_codec *codec, const char *cmd_name)
{
    if (t == NULL) { /* no tree: only the expert info (severity, Expert column) */
        if (cmd_name == NULL)
            expert_add_info(pinfo, NULL, &ei_mcp5a_cmd_unknown);
        return;
    }
    proto_tree_add_item(t, hf_mcp5a_magic, tvb, 0, 1, ENC_NA);
    proto_tree_add_item(t, hf_mcp5a_seq, tvb, 1, 1, ENC_NA);
    proto_tree_add_item(t, hf_mcp5a_len, tvb, 2, 2,
                        codec->length_le ? ENC_LITTLE_ENDIAN : ENC_BIG_ENDIAN);
    proto_item *ci = proto_tree_add_item(t, hf_mcp5a_cmd, tvb, 4, 1, ENC_NA);
    proto_tree *ct = proto_item_add_subtree(ci, ett_mcp5a_cmd);
    proto_tree_add_item(ct, hf_mcp5a_cmd_response, tvb, 4, 1, ENC_NA);
    if (cmd_name == NULL)
        expert_add_info(pinfo, ci, &ei_mcp5a_cmd_unknown);
}

static void add_crc(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const struct mcp_codec *codec,
                    const struct frame_view *v)
{
    if (t == NULL) { /* no tree: only the expert infos */
        if (v->cut)
            expert_add_info(pinfo, NULL, &ei_mcp5a_cut);
        else if (v->crc_bad)
            expert_add_info(pinfo, NULL, &ei_mcp5a_crc_bad);
        return;
    }
    if (v->cut) {
        proto_item *si =
            proto_tree_add_uint(t, hf_mcp5a_crc_status, tvb, 0, 0, PROTO_CHECKSUM_E_UNVERIFIED);
        proto_item_set_generated(si);
        proto_item_append_text(si, " (frame cut by the snaplen: %u of %u bytes captured)",
                               v->captured, v->frame_len);
        expert_add_info(pinfo, si, &ei_mcp5a_cut);
        return;
    }
    proto_item *ci = proto_tree_add_checksum(
        t, tvb, v->frame_len - 1, hf_mcp5a_crc, hf_mcp5a_crc_status, NULL, pinfo, v->crc_computed,
        ENC_NA, v->crc_checked ? PROTO_CHECKSUM_VERIFY : PROTO_CHECKSUM_NO_FLAGS);
    if (!v->crc_bad)
        return;
    /* One summary for every bad CRC (the Expert Information dialog groups by
     * it); the values go in the item. */
    if (ci != NULL) {
        const char *other = other_valid_variant(v, codec->crc);
        proto_item_append_text(ci, " (%s expects 0x%02x%s%s)", mcp_crc_variant_name(codec->crc),
                               v->crc_computed, other != NULL ? "; valid as " : "",
                               other != NULL ? other : "");
    }
    expert_add_info(pinfo, ci, &ei_mcp5a_crc_bad);
}

static void add_analysis(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo,
                         const struct frame_view *v, const struct mcp5a_result *r)
{
    if (r->verdict == MCP5A_VERDICT_IGNORED)
        return;
    if (t == NULL) { /* no tree: only the expert infos, in the same order */
        static expert_field *const by_verdict[MCP5A_VERDICT_COUNT] = {
            [MCP5A_VERDICT_GAP] = &ei_mcp5a_analysis_gap,
            [MCP5A_VERDICT_DUPLICATE] = &ei_mcp5a_analysis_duplicate,
            [MCP5A_VERDICT_OUT_OF_ORDER] = &ei_mcp5a_analysis_out_of_order,
            [MCP5A_VERDICT_RETRANSMISSION] = &ei_mcp5a_analysis_retransmission,
        };
        if (r->verdict < MCP5A_VERDICT_COUNT && by_verdict[r->verdict] != NULL)
            expert_add_info(pinfo, NULL, by_verdict[r->verdict]);
        if (r->no_response)
            expert_add_info(pinfo, NULL, &ei_mcp5a_analysis_no_response);
        return;
    }
    proto_item *ai = proto_tree_add_item(t, hf_mcp5a_analysis, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ai);
    proto_tree *at = proto_item_add_subtree(ai, ett_mcp5a_analysis);
    proto_item *pi;
    if (r->has_expected) {
        pi = proto_tree_add_uint(at, hf_mcp5a_analysis_expected_seq, tvb, 1, 1, r->expected_seq);
        proto_item_set_generated(pi);
    }
    switch (r->verdict) {
    case MCP5A_VERDICT_GAP:
        pi = proto_tree_add_uint(at, hf_mcp5a_analysis_missing, tvb, 1, 1, r->missing);
        proto_item_set_generated(pi);
        proto_item_append_text(pi, " (expected seq %u, got %u)", r->expected_seq, v->seq);
        expert_add_info(pinfo, pi, &ei_mcp5a_analysis_gap);
        break;
    case MCP5A_VERDICT_DUPLICATE:
        proto_item_append_text(ai, ": duplicate, seq %u again (expected %u)", v->seq,
                               r->expected_seq);
        expert_add_info(pinfo, ai, &ei_mcp5a_analysis_duplicate);
        break;
    case MCP5A_VERDICT_OUT_OF_ORDER:
        pi = proto_tree_add_uint(at, hf_mcp5a_analysis_behind, tvb, 1, 1, r->behind);
        proto_item_set_generated(pi);
        proto_item_append_text(pi, " (seq %u, expected %u)", v->seq, r->expected_seq);
        expert_add_info(pinfo, pi, &ei_mcp5a_analysis_out_of_order);
        break;
    case MCP5A_VERDICT_RETRANSMISSION:
        proto_item_append_text(ai, ": retransmission of NAKed seq %u (expected %u)", v->seq,
                               r->expected_seq);
        expert_add_info(pinfo, ai, &ei_mcp5a_analysis_retransmission);
        break;
    default:
        break;
    }
    if (r->request_in != 0) {
        pi = proto_tree_add_uint(t, hf_mcp5a_request_in, tvb, 0, 0, r->request_in);
        proto_item_set_generated(pi);
        if (r->has_time) {
            pi = proto_tree_add_time(t, hf_mcp5a_time, tvb, 0, 0, &r->response_time);
            proto_item_set_generated(pi);
        }
    }
    if (r->response_in != 0) {
        pi = proto_tree_add_uint(t, hf_mcp5a_response_in, tvb, 0, 0, r->response_in);
        proto_item_set_generated(pi);
    }
    if (r->no_response)
        expert_add_info(pinfo, ai, &ei_mcp5a_analysis_no_response);
}

/*
 * A serial frame whose command says it travels the other way than its record
 * (§5's command rule, mcp_bus_sender_direction: responses and EVENTs come from
 * a device, requests from the master; NAK and SYNC either way): the line's
 * ports were most likely given swapped when it was captured. Only where the
 * record carried the direction (not a half-duplex bus, whose directions the
 * same rule gives), and not for a frame failing its check (its cmd is not
 * trusted). The analysis is untouched: it runs on the recorded directions.
 */
static void add_direction_check(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo,
                                enum mcp5a_link link, const struct frame_view *v)
{
    if (link != MCP5A_LINK_SERIAL || v->crc_bad ||
        (pinfo->p2p_dir != P2P_DIR_SENT && pinfo->p2p_dir != P2P_DIR_RECV))
        return;
    int recorded =
        pinfo->p2p_dir == P2P_DIR_RECV ? MCP_DIR_DEVICE_TO_MASTER : MCP_DIR_MASTER_TO_DEVICE;
    int by_command = mcp_bus_sender_direction(v->cmd);
    if (by_command < 0 || by_command == recorded)
        return;
    expert_field *ei = by_command == MCP_DIR_DEVICE_TO_MASTER ? &ei_mcp5a_serial_swapped_response
                                                              : &ei_mcp5a_serial_swapped_request;
    if (t == NULL) { /* no tree: only the expert info */
        expert_add_info(pinfo, NULL, ei);
        return;
    }
    proto_item *si = proto_tree_add_item(t, hf_mcp5a_serial_swapped, tvb, 4, 1, ENC_NA);
    proto_item_set_generated(si);
    proto_item_append_text(si, ": %s recorded %s (the command comes from %s)", mcp_cmd_name(v->cmd),
                           recorded == MCP_DIR_MASTER_TO_DEVICE ? "master \xe2\x86\x92 device"
                                                                : "device \xe2\x86\x92 master",
                           by_command == MCP_DIR_DEVICE_TO_MASTER ? "a device" : "the master");
    expert_add_info(pinfo, si, ei);
}

static void fill_facts(const struct frame_view *v, const struct mcp_pdu *pdu,
                       struct mcp5a_frame_facts *f)
{
    memset(f, 0, sizeof *f);
    f->seq = v->seq;
    f->cmd = v->cmd;
    f->crc_bad = v->crc_bad;
    f->expects_answer = mcp_expects_answer(v->cmd, v->bytes + MCP_HEADER_LEN, v->payload_avail);
    f->has_req_seq = pdu->has_req_seq;
    f->req_seq = pdu->req_seq;
    f->has_nak = v->cmd == MCP_CMD_NAK && pdu->has_nak;
    f->nak_seq = pdu->nak_seq;
    for (size_t i = 0; i < pdu->field_count; i++) {
        if (pdu->fields[i].field == MCP_FIELD_DEVICE) {
            f->has_device = TRUE;
            f->device = (guint8)pdu->fields[i].value;
        }
    }
}

static void queue_tap(packet_info *pinfo, const struct frame_view *v, const struct mcp_pdu *pdu,
                      const struct mcp5a_result *r, gboolean have_result, enum mcp5a_link link)
{
    struct mcp5a_tap_info info;
    memset(&info, 0, sizeof info);
    info.cmd = v->cmd;
    info.has_status = pdu->has_req_seq;
    info.status = pdu->status;
    info.crc_bad = v->crc_bad;
    info.verdict = have_result ? r->verdict : -1;
    info.link = link;
    info.is_request = !v->crc_bad && mcp_cmd_is_request(v->cmd);
    info.has_nak = !v->crc_bad && v->cmd == MCP_CMD_NAK && pdu->has_nak;
    info.nak_reason = pdu->nak_reason;
    info.has_device = have_result && r->has_device;
    info.device = info.has_device ? r->device : 0;
    info.answered = have_result && r->request_in != 0 && r->has_time;
    if (info.answered)
        info.response_time = r->response_time;
    mcp5a_tap_queue(pinfo, &info);
}

static int dissect_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, enum mcp5a_link link,
                         int crc_known)
{
    struct mcp_codec codec = mcp5a_codec();
    if (tvb_captured_length(tvb) < MCP_HEADER_LEN) {
        /* Not even the header was captured: nothing to analyse. */
        proto_item *ti = proto_tree_add_item(tree, proto_mcp5a, tvb, 0, -1, ENC_NA);
        expert_add_info(pinfo, ti, &ei_mcp5a_cut);
        mcp5a_info_add_lasting(pinfo, "[CUT] MCP frame header");
        return tvb_reported_length(tvb);
    }
    struct frame_view v;
    read_frame(tvb, &codec, crc_known, &v);

    struct mcp_pdu pdu;
    mcp_pdu_parse(v.cmd, v.bytes + MCP_HEADER_LEN, v.payload_avail, &pdu);

    struct mcp5a_frame_facts facts;
    fill_facts(&v, &pdu, &facts);
    guint16 pdu_index = mcp5a_packet_state(pinfo)->pdus++;
    struct mcp5a_result result;
    gboolean have_result = mcp5a_analyse(pinfo, pdu_index, link, &facts, &result);

    /* Without a tree (tshark without -V or a filter) the items are skipped:
     * proto_tree_add_* checks its arguments even then, and only the expert
     * infos have effects (severity, Expert column). */
    proto_tree *t = NULL;
    if (tree != NULL) {
        proto_item *ti = proto_tree_add_item(tree, proto_mcp5a, tvb, 0, v.captured, ENC_NA);
        proto_item_append_text(ti, ", %s, seq=%u", mcp_cmd_name(v.cmd), v.seq);
        t = proto_item_add_subtree(ti, ett_mcp5a);
    }
    const char *cmd_name = mcp_name_of(mcp_cmd_names, v.cmd);
    add_header(t, tvb, pinfo, &codec, cmd_name);
    mcp5a_add_payload(t, tvb, pinfo, v.length, v.payload_avail, &pdu, v.cut);
    add_crc(t, tvb, pinfo, &codec, &v);
    add_direction_check(t, tvb, pinfo, link, &v);
    if (have_result)
        add_analysis(t, tvb, pinfo, &v, &result);

    struct mcp5a_summary s = {
        .seq = v.seq,
        .cmd = v.cmd,
        .cmd_name = cmd_name,
        .pdu = &pdu,
        .result = have_result ? &result : NULL,
        .crc_bad = v.crc_bad,
        .cut = v.cut,
    };
    if (pinfo->cinfo != NULL) { /* no columns (e.g. tshark -2's first pass): no text */
        char *info = wmem_alloc(pinfo->pool, MCP5A_SUMMARY_SIZE);
        mcp5a_info_add_lasting(pinfo, mcp5a_info_summary(info, MCP5A_SUMMARY_SIZE, &s));
    }
    queue_tap(pinfo, &v, &pdu, &result, have_result, link);
    mcp5a_export_pdu(tvb, pinfo, link);
    return (int)v.frame_len;
}

int mcp5a_dissect_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, enum mcp5a_link link)
{
    return dissect_frame(tvb, pinfo, tree, link, -1);
}

int mcp5a_dissect_frame_checked(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                enum mcp5a_link link, guint8 crc_computed)
{
    /* A frame the snaplen cut has no check to reuse. */
    if (tvb_captured_length(tvb) < tvb_reported_length(tvb))
        return dissect_frame(tvb, pinfo, tree, link, -1);
    return dissect_frame(tvb, pinfo, tree, link, crc_computed);
}

void mcp5a_register_frame(void)
{
    static hf_register_info hf[] = {
        {&hf_mcp5a_magic, {"Magic", "mcp5a.magic", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_seq, {"Sequence number", "mcp5a.seq", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_len,
         {"Length", "mcp5a.len", FT_UINT16, BASE_DEC, NULL, 0, "Payload length", HFILL}},
        {&hf_mcp5a_cmd,
         {"Command", "mcp5a.cmd", FT_UINT8, BASE_HEX, VALS(mcp5a_cmd_vals), 0, NULL, HFILL}},
        {&hf_mcp5a_cmd_response,
         {"Response", "mcp5a.cmd.response", FT_BOOLEAN, 8, NULL, MCP_RESPONSE_FLAG,
          "Bit 7 of the command", HFILL}},
        {&hf_mcp5a_crc, {"CRC", "mcp5a.crc", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_crc_status,
         {"CRC status", "mcp5a.crc.status", FT_UINT8, BASE_NONE, VALS(proto_checksum_vals), 0, NULL,
          HFILL}},
        {&hf_mcp5a_analysis,
         {"Sequence analysis", "mcp5a.analysis", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_mcp5a_analysis_expected_seq,
         {"Expected sequence number", "mcp5a.analysis.expected_seq", FT_UINT8, BASE_DEC, NULL, 0,
          "L + 1 for this sender before this frame", HFILL}},
        {&hf_mcp5a_analysis_missing,
         {"Missing frames", "mcp5a.analysis.missing", FT_UINT8, BASE_DEC, NULL, 0,
          "On a gap: how many frames of this sender are missing", HFILL}},
        {&hf_mcp5a_analysis_behind,
         {"Frames behind", "mcp5a.analysis.behind", FT_UINT8, BASE_DEC, NULL, 0,
          "Out of order: how far behind the highest seq so far", HFILL}},
        {&hf_mcp5a_response_in,
         {"Response in", "mcp5a.response_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL}},
        {&hf_mcp5a_request_in,
         {"Request in", "mcp5a.request_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL}},
        {&hf_mcp5a_time,
         {"Response time", "mcp5a.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
          "Time between the request and this response", HFILL}},
        {&hf_mcp5a_serial_swapped,
         {"Direction against the command", "mcp5a.serial.swapped", FT_NONE, BASE_NONE, NULL, 0,
          "Serial: a response or EVENT recorded master -> device, or a request recorded "
          "device -> master (the capture's ports look swapped)",
          HFILL}},
    };

    static int *ett[] = {
        &ett_mcp5a,
        &ett_mcp5a_cmd,
        &ett_mcp5a_analysis,
    };

    static ei_register_info ei[] = {
        {&ei_mcp5a_crc_bad, {"mcp5a.crc.bad", PI_CHECKSUM, PI_ERROR, "Bad CRC", EXPFILL}},
        {&ei_mcp5a_analysis_gap,
         {"mcp5a.analysis.gap", PI_SEQUENCE, PI_WARN, "Sequence gap: frames missing", EXPFILL}},
        {&ei_mcp5a_analysis_duplicate,
         {"mcp5a.analysis.duplicate", PI_SEQUENCE, PI_WARN, "Duplicate frame", EXPFILL}},
        {&ei_mcp5a_analysis_out_of_order,
         {"mcp5a.analysis.out_of_order", PI_SEQUENCE, PI_WARN, "Out-of-order frame", EXPFILL}},
        {&ei_mcp5a_analysis_retransmission,
         {"mcp5a.analysis.retransmission", PI_SEQUENCE, PI_NOTE, "Retransmission of a NAKed frame",
          EXPFILL}},
        {&ei_mcp5a_cmd_unknown,
         {"mcp5a.cmd.unknown", PI_UNDECODED, PI_WARN, "Unknown command", EXPFILL}},
        {&ei_mcp5a_analysis_no_response,
         {"mcp5a.analysis.no_response", PI_SEQUENCE, PI_WARN,
          "No response in the capture to this request", EXPFILL}},
        {&ei_mcp5a_cut,
         {"mcp5a.cut", PI_UNDECODED, PI_NOTE, "Frame cut short by the capture's snaplen", EXPFILL}},
        /* §3 makes a response arriving at a device a protocol error (NAK reason 4). */
        {&ei_mcp5a_serial_swapped_response,
         {"mcp5a.serial.swapped.response", PI_PROTOCOL, PI_WARN,
          "Response or EVENT in the master \xe2\x86\x92 device direction: ports swapped?",
          EXPFILL}},
        {&ei_mcp5a_serial_swapped_request,
         {"mcp5a.serial.swapped.request", PI_PROTOCOL, PI_WARN,
          "Request in the device \xe2\x86\x92 master direction: ports swapped?", EXPFILL}},
    };

    proto_register_field_array(proto_mcp5a, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(proto_mcp5a);
    expert_register_field_array(expert, ei, array_length(ei));
}

/* Header fields, subtrees and expert infos: the names of docs/PROTOCOL.md §6. */
#include "mcp5a.h"

#include "analysis.h"

struct mcp5a_hf mcp5a_hf = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};
struct mcp5a_ett mcp5a_ett = {-1, -1, -1, -1, -1, -1};
struct mcp5a_ei mcp5a_ei = {
    EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT,
    EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT,
};

/* The library's name tables share value_string's layout. */
#define MCP_VALS(table) VALS((const value_string *)(table))

void mcp5a_register_fields(void)
{
    static hf_register_info hf[] = {
        {&mcp5a_hf.magic, {"Magic", "mcp5a.magic", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.seq, {"Sequence number", "mcp5a.seq", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.len,
         {"Length", "mcp5a.len", FT_UINT16, BASE_DEC, NULL, 0, "Payload length", HFILL}},
        {&mcp5a_hf.cmd,
         {"Command", "mcp5a.cmd", FT_UINT8, BASE_HEX, MCP_VALS(mcp_cmd_names), 0, NULL, HFILL}},
        {&mcp5a_hf.cmd_response,
         {"Response", "mcp5a.cmd.response", FT_BOOLEAN, 8, NULL, MCP_RESPONSE_FLAG,
          "Bit 7 of the command", HFILL}},
        {&mcp5a_hf.crc, {"CRC", "mcp5a.crc", FT_UINT8, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.crc_status,
         {"CRC status", "mcp5a.crc.status", FT_UINT8, BASE_NONE, VALS(proto_checksum_vals), 0, NULL,
          HFILL}},
        {&mcp5a_hf.payload,
         {"Payload", "mcp5a.payload", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.req_seq,
         {"Request sequence number", "mcp5a.req_seq", FT_UINT8, BASE_DEC, NULL, 0,
          "The seq of the request this answers", HFILL}},
        {&mcp5a_hf.status,
         {"Status", "mcp5a.status", FT_UINT8, BASE_DEC, MCP_VALS(mcp_status_names), 0, NULL,
          HFILL}},
        {&mcp5a_hf.device, {"Device", "mcp5a.device", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.addr,
         {"Register address", "mcp5a.addr", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.count,
         {"Register count", "mcp5a.count", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.value,
         {"Register value", "mcp5a.value", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.uptime,
         {"Uptime (ms)", "mcp5a.uptime", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.event_code,
         {"Event code", "mcp5a.event.code", FT_UINT8, BASE_DEC, MCP_VALS(mcp_event_code_names), 0,
          NULL, HFILL}},
        {&mcp5a_hf.event_timestamp,
         {"Event timestamp (ms)", "mcp5a.event.timestamp", FT_UINT32, BASE_DEC, NULL, 0, NULL,
          HFILL}},
        {&mcp5a_hf.event_data,
         {"Event data", "mcp5a.event.data", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.nak_seq,
         {"NAKed sequence number", "mcp5a.nak.seq", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.nak_reason,
         {"NAK reason", "mcp5a.nak.reason", FT_UINT8, BASE_DEC, MCP_VALS(mcp_nak_reason_names), 0,
          NULL, HFILL}},
        {&mcp5a_hf.sync_reason,
         {"SYNC reason", "mcp5a.sync.reason", FT_UINT8, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.analysis,
         {"Sequence analysis", "mcp5a.analysis", FT_NONE, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&mcp5a_hf.expected_seq,
         {"Expected sequence number", "mcp5a.analysis.expected_seq", FT_UINT8, BASE_DEC, NULL, 0,
          "L + 1 for this sender before this frame", HFILL}},
        {&mcp5a_hf.missing,
         {"Missing frames", "mcp5a.analysis.missing", FT_UINT8, BASE_DEC, NULL, 0,
          "On a gap: how many frames of this sender are missing", HFILL}},
        {&mcp5a_hf.behind,
         {"Frames behind", "mcp5a.analysis.behind", FT_UINT8, BASE_DEC, NULL, 0,
          "Out of order: how far behind the highest seq so far", HFILL}},
        {&mcp5a_hf.response_in,
         {"Response in", "mcp5a.response_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL}},
        {&mcp5a_hf.request_in,
         {"Request in", "mcp5a.request_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL}},
        {&mcp5a_hf.time,
         {"Response time", "mcp5a.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
          "Time between the request and this response", HFILL}},
        {&mcp5a_hf.junk_len,
         {"Junk length", "mcp5a.junk.len", FT_UINT32, BASE_DEC, NULL, 0,
          "Stream bytes skipped while resynchronising", HFILL}},
        {&mcp5a_hf.junk_data,
         {"Junk", "mcp5a.junk.data", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
    };

    static gint *ett[] = {
        &mcp5a_ett.frame, &mcp5a_ett.cmd,      &mcp5a_ett.payload,
        &mcp5a_ett.crc,   &mcp5a_ett.analysis, &mcp5a_ett.junk,
    };

    static ei_register_info ei[] = {
        {&mcp5a_ei.crc_bad, {"mcp5a.crc.bad", PI_CHECKSUM, PI_ERROR, "Bad CRC", EXPFILL}},
        {&mcp5a_ei.gap,
         {"mcp5a.analysis.gap", PI_SEQUENCE, PI_WARN, "Sequence gap: frames missing", EXPFILL}},
        {&mcp5a_ei.duplicate,
         {"mcp5a.analysis.duplicate", PI_SEQUENCE, PI_WARN, "Duplicate frame", EXPFILL}},
        {&mcp5a_ei.out_of_order,
         {"mcp5a.analysis.out_of_order", PI_SEQUENCE, PI_WARN, "Out-of-order frame", EXPFILL}},
        {&mcp5a_ei.retransmission,
         {"mcp5a.analysis.retransmission", PI_SEQUENCE, PI_NOTE, "Retransmission of a NAKed frame",
          EXPFILL}},
        {&mcp5a_ei.nak,
         {"mcp5a.analysis.nak", PI_SEQUENCE, PI_NOTE, "NAK: the peer asks for a frame again",
          EXPFILL}},
        {&mcp5a_ei.status,
         {"mcp5a.status.error", PI_RESPONSE_CODE, PI_NOTE, "Error status", EXPFILL}},
        {&mcp5a_ei.malformed,
         {"mcp5a.payload.malformed", PI_MALFORMED, PI_ERROR,
          "Payload does not fit its command's layout", EXPFILL}},
        {&mcp5a_ei.unknown_cmd,
         {"mcp5a.cmd.unknown", PI_UNDECODED, PI_WARN, "Unknown command", EXPFILL}},
        {&mcp5a_ei.junk,
         {"mcp5a.junk", PI_PROTOCOL, PI_WARN, "Junk bytes skipped while resynchronising", EXPFILL}},
        {&mcp5a_ei.bad_length,
         {"mcp5a.len.too_long", PI_PROTOCOL, PI_WARN, "Length over 4096", EXPFILL}},
        {&mcp5a_ei.no_response,
         {"mcp5a.analysis.no_response", PI_SEQUENCE, PI_WARN,
          "No response in the capture to this request", EXPFILL}},
        {&mcp5a_ei.cut,
         {"mcp5a.cut", PI_UNDECODED, PI_NOTE, "Frame cut short by the capture's snaplen", EXPFILL}},
    };

    proto_register_field_array(proto_mcp5a, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(proto_mcp5a);
    expert_register_field_array(expert, ei, array_length(ei));
}

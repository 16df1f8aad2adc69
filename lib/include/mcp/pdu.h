/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MCP v1 commands and payload layouts (docs/PROTOCOL.md §2). */
#ifndef MCP_PDU_H
#define MCP_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum mcp_cmd {
    MCP_CMD_HEARTBEAT = 0x01,
    MCP_CMD_READ = 0x02,
    MCP_CMD_WRITE = 0x03,
    MCP_CMD_EVENT = 0x04,
    MCP_CMD_NAK = 0x05,
    MCP_CMD_SYNC = 0x06,
    MCP_CMD_HEARTBEAT_RSP = 0x81,
    MCP_CMD_READ_RSP = 0x82,
    MCP_CMD_WRITE_RSP = 0x83
};

enum mcp_status {
    MCP_STATUS_OK = 0,
    MCP_STATUS_ILLEGAL_ADDRESS = 1,
    MCP_STATUS_ILLEGAL_VALUE = 2,
    MCP_STATUS_DEVICE_BUSY = 3,
    MCP_STATUS_DEVICE_FAILURE = 4,
    MCP_STATUS_UNKNOWN_DEVICE = 5,
    MCP_STATUS_UNSUPPORTED_COMMAND = 6
};

enum mcp_nak_reason {
    MCP_NAK_BAD_CRC = 1,
    MCP_NAK_SEQ_GAP = 2,
    MCP_NAK_BAD_LENGTH = 3,
    MCP_NAK_UNEXPECTED_RESPONSE = 4,
    MCP_NAK_BUSY = 5
};

enum mcp_event_code {
    MCP_EVENT_ALARM = 1,
    MCP_EVENT_ALARM_CLEARED = 2,
    MCP_EVENT_THRESHOLD = 3,
    MCP_EVENT_RESTART = 4
};

#define MCP_BROADCAST_DEVICE 0xFF
#define MCP_MAX_REGISTERS    125

/* Every payload field of §2; a parse lists the ones present with their offsets. */
enum mcp_field {
    MCP_FIELD_UPTIME,          /* u32 */
    MCP_FIELD_DEVICE,          /* u8 */
    MCP_FIELD_ADDR,            /* u16 */
    MCP_FIELD_COUNT,           /* u16 */
    MCP_FIELD_VALUE,           /* u16, once per register */
    MCP_FIELD_REQ_SEQ,         /* u8 */
    MCP_FIELD_STATUS,          /* u8 */
    MCP_FIELD_EVENT_CODE,      /* u8 */
    MCP_FIELD_EVENT_TIMESTAMP, /* u32 */
    MCP_FIELD_EVENT_DATA,      /* bytes; value is unused */
    MCP_FIELD_NAK_SEQ,         /* u8 */
    MCP_FIELD_NAK_REASON,      /* u8 */
    MCP_FIELD_SYNC_REASON      /* u8 */
};

struct mcp_field_span {
    enum mcp_field field;
    uint16_t offset; /* within the payload */
    uint16_t size;
    uint32_t value; /* decoded big-endian value (0 for EVENT_DATA) */
};

/* Header fields plus the largest register list: 3 + 125 values + 2. */
#define MCP_MAX_FIELD_SPANS 136

/*
 * A decoded payload. Typed members are valid when the matching has_* flag or
 * the field list says so; `fields` lists every field that fits in the payload,
 * in wire order, even when the payload is malformed ("show what they can").
 */
struct mcp_pdu {
    uint8_t cmd;
    bool known;     /* cmd is one of §2's nine */
    bool malformed; /* the payload length disagrees with the command's layout */

    bool has_uptime;
    uint32_t uptime_ms;

    bool has_req_seq; /* responses: req_seq and status */
    uint8_t req_seq;
    uint8_t status;

    bool has_register_block; /* device/addr/count */
    uint8_t device;
    uint16_t addr;
    uint16_t count;
    size_t values_offset; /* payload offset of the first value */
    size_t value_count;   /* values actually present */

    bool has_event;
    uint8_t event_code;
    uint32_t event_timestamp_ms;
    size_t event_data_offset;
    size_t event_data_len;

    bool has_nak;
    uint8_t nak_seq;
    uint8_t nak_reason;

    bool has_sync_reason;
    uint8_t sync_reason;

    size_t field_count;
    struct mcp_field_span fields[MCP_MAX_FIELD_SPANS];
};

/*
 * Decodes a payload under its command's layout. Returns false when it is
 * malformed (pdu->malformed). Unknown requests carry raw bytes only; any
 * response (bit 7 set) whose payload holds two bytes or more starts with
 * req_seq and status, so the answer to an unknown request (status 6) links
 * to its request like any other.
 */
bool mcp_pdu_parse(uint8_t cmd, const uint8_t *payload, size_t len, struct mcp_pdu *pdu);

/* Reads value i (0-based) of a parsed register block. */
uint16_t mcp_pdu_value(const uint8_t *payload, const struct mcp_pdu *pdu, size_t i);

/*
 * Payload builders. Each writes into out (capacity cap) and returns the
 * payload length, or 0 when it does not fit (or count exceeds 125 where a
 * value list is written).
 */
size_t mcp_build_heartbeat(bool with_uptime, uint32_t uptime_ms, uint8_t *out, size_t cap);
size_t mcp_build_read(uint8_t device, uint16_t addr, uint16_t count, uint8_t *out, size_t cap);
size_t mcp_build_write(uint8_t device, uint16_t addr, uint16_t count, const uint16_t *values,
                       uint8_t *out, size_t cap);
size_t mcp_build_event(uint8_t device, uint8_t code, uint32_t timestamp_ms, const uint8_t *data,
                       size_t data_len, uint8_t *out, size_t cap);
size_t mcp_build_nak(uint8_t nak_seq, uint8_t reason, uint8_t *out, size_t cap);
size_t mcp_build_sync(bool with_reason, uint8_t reason, uint8_t *out, size_t cap);
/* Status-only response (any status, incl. a non-zero one for READ/WRITE/unknown). */
size_t mcp_build_status_response(uint8_t req_seq, uint8_t status, uint8_t *out, size_t cap);
size_t mcp_build_read_response_ok(uint8_t req_seq, uint8_t device, uint16_t addr, uint16_t count,
                                  const uint16_t *values, uint8_t *out, size_t cap);
size_t mcp_build_write_response_ok(uint8_t req_seq, uint8_t device, uint16_t addr,
                                   uint16_t count, uint8_t *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MCP v1 payload layouts (docs/PROTOCOL.md §2): one walker decodes, builders encode. */
#include "mcp/pdu.h"

#include <string.h>

#include "mcp/frame.h"

static uint32_t read_be(const uint8_t *p, size_t size)
{
    uint32_t v = 0;
    for (size_t i = 0; i < size; i++)
        v = (v << 8) | p[i];
    return v;
}

/* Walks a payload field by field; a field that does not fit is left out. */
struct walker {
    const uint8_t *payload;
    size_t len;
    size_t pos;
    struct mcp_pdu *pdu;
};

static bool take(struct walker *w, enum mcp_field field, size_t size, uint32_t *value)
{
    if (w->len - w->pos < size)
        return false;
    struct mcp_pdu *pdu = w->pdu;
    uint32_t v = field == MCP_FIELD_EVENT_DATA ? 0 : read_be(w->payload + w->pos, size);
    if (pdu->field_count < MCP_MAX_FIELD_SPANS) {
        struct mcp_field_span *span = &pdu->fields[pdu->field_count++];
        span->field = field;
        span->offset = (uint16_t)w->pos;
        span->size = (uint16_t)size;
        span->value = v;
    }
    w->pos += size;
    if (value)
        *value = v;
    return true;
}

static bool take_u8(struct walker *w, enum mcp_field field, uint8_t *out)
{
    uint32_t v;
    if (!take(w, field, 1, &v))
        return false;
    *out = (uint8_t)v;
    return true;
}

static bool take_u16(struct walker *w, enum mcp_field field, uint16_t *out)
{
    uint32_t v;
    if (!take(w, field, 2, &v))
        return false;
    *out = (uint16_t)v;
    return true;
}

/* device:u8 addr:u16 count:u16; true when all three are present. */
static bool take_register_block(struct walker *w)
{
    struct mcp_pdu *pdu = w->pdu;
    if (!take_u8(w, MCP_FIELD_DEVICE, &pdu->device) ||
        !take_u16(w, MCP_FIELD_ADDR, &pdu->addr) || !take_u16(w, MCP_FIELD_COUNT, &pdu->count))
        return false;
    pdu->has_register_block = true;
    return true;
}

/* value:u16 × count; the values that fit are listed. True when all are present. */
static bool take_values(struct walker *w)
{
    struct mcp_pdu *pdu = w->pdu;
    pdu->values_offset = w->pos;
    for (size_t i = 0; i < pdu->count; i++) {
        if (!take(w, MCP_FIELD_VALUE, 2, NULL))
            return false;
        pdu->value_count++;
    }
    return true;
}

static bool take_response_header(struct walker *w)
{
    struct mcp_pdu *pdu = w->pdu;
    if (!take_u8(w, MCP_FIELD_REQ_SEQ, &pdu->req_seq) ||
        !take_u8(w, MCP_FIELD_STATUS, &pdu->status))
        return false;
    pdu->has_req_seq = true;
    return true;
}

/* Each returns true when the payload fits its layout exactly. */
static bool walk_heartbeat(struct walker *w)
{
    if (w->len == 0)
        return true;
    uint32_t v;
    if (take(w, MCP_FIELD_UPTIME, 4, &v)) {
        w->pdu->has_uptime = true;
        w->pdu->uptime_ms = v;
    }
    return w->len == 4;
}

static bool walk_read(struct walker *w)
{
    return take_register_block(w) && w->pos == w->len;
}

static bool walk_write(struct walker *w)
{
    return take_register_block(w) && take_values(w) && w->pos == w->len;
}

static bool walk_event(struct walker *w)
{
    struct mcp_pdu *pdu = w->pdu;
    uint32_t ts;
    if (!take_u8(w, MCP_FIELD_DEVICE, &pdu->device) ||
        !take_u8(w, MCP_FIELD_EVENT_CODE, &pdu->event_code) ||
        !take(w, MCP_FIELD_EVENT_TIMESTAMP, 4, &ts))
        return false;
    pdu->has_event = true;
    pdu->event_timestamp_ms = ts;
    pdu->event_data_offset = w->pos;
    pdu->event_data_len = w->len - w->pos;
    if (pdu->event_data_len > 0)
        take(w, MCP_FIELD_EVENT_DATA, pdu->event_data_len, NULL);
    return true;
}

static bool walk_nak(struct walker *w)
{
    struct mcp_pdu *pdu = w->pdu;
    if (!take_u8(w, MCP_FIELD_NAK_SEQ, &pdu->nak_seq) ||
        !take_u8(w, MCP_FIELD_NAK_REASON, &pdu->nak_reason))
        return false;
    pdu->has_nak = true;
    return w->pos == w->len;
}

static bool walk_sync(struct walker *w)
{
    if (w->len == 0)
        return true;
    if (take_u8(w, MCP_FIELD_SYNC_REASON, &w->pdu->sync_reason))
        w->pdu->has_sync_reason = true;
    return w->len == 1;
}

static bool walk_response(struct walker *w, uint8_t cmd)
{
    if (!take_response_header(w))
        return false;
    if (w->pdu->status != MCP_STATUS_OK || cmd == MCP_CMD_HEARTBEAT_RSP)
        return w->pos == w->len; /* a non-zero status carries nothing more */
    if (cmd == MCP_CMD_READ_RSP)
        return take_register_block(w) && take_values(w) && w->pos == w->len;
    return take_register_block(w) && w->pos == w->len; /* WRITE response */
}

bool mcp_pdu_parse(uint8_t cmd, const uint8_t *payload, size_t len, struct mcp_pdu *pdu)
{
    memset(pdu, 0, offsetof(struct mcp_pdu, fields));
    pdu->cmd = cmd;
    pdu->known = true;
    struct walker w = {.payload = payload, .len = len, .pos = 0, .pdu = pdu};
    bool fits;
    switch (cmd) {
    case MCP_CMD_HEARTBEAT:
        fits = walk_heartbeat(&w);
        break;
    case MCP_CMD_READ:
        fits = walk_read(&w);
        break;
    case MCP_CMD_WRITE:
        fits = walk_write(&w);
        break;
    case MCP_CMD_EVENT:
        fits = walk_event(&w);
        break;
    case MCP_CMD_NAK:
        fits = walk_nak(&w);
        break;
    case MCP_CMD_SYNC:
        fits = walk_sync(&w);
        break;
    case MCP_CMD_HEARTBEAT_RSP:
    case MCP_CMD_READ_RSP:
    case MCP_CMD_WRITE_RSP:
        fits = walk_response(&w, cmd);
        break;
    default:
        /* Unknown: raw bytes; an unknown response still names its request. */
        pdu->known = false;
        if (mcp_cmd_is_response(cmd))
            take_response_header(&w);
        fits = true;
        break;
    }
    pdu->malformed = !fits;
    return fits;
}

uint16_t mcp_pdu_value(const uint8_t *payload, const struct mcp_pdu *pdu, size_t i)
{
    const uint8_t *p = payload + pdu->values_offset + 2 * i;
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* ---- builders ---- */

static uint8_t *put_u8(uint8_t *p, uint8_t v)
{
    *p = v;
    return p + 1;
}

static uint8_t *put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

static uint8_t *put_register_block(uint8_t *p, uint8_t device, uint16_t addr, uint16_t count)
{
    p = put_u8(p, device);
    p = put_u16(p, addr);
    return put_u16(p, count);
}

static uint8_t *put_values(uint8_t *p, const uint16_t *values, uint16_t count)
{
    for (uint16_t i = 0; i < count; i++)
        p = put_u16(p, values[i]);
    return p;
}

size_t mcp_build_heartbeat(bool with_uptime, uint32_t uptime_ms, uint8_t *out, size_t cap)
{
    if (!with_uptime)
        return 0;
    if (cap < 4)
        return 0;
    put_u32(out, uptime_ms);
    return 4;
}

size_t mcp_build_read(uint8_t device, uint16_t addr, uint16_t count, uint8_t *out, size_t cap)
{
    if (cap < 5)
        return 0;
    put_register_block(out, device, addr, count);
    return 5;
}

size_t mcp_build_write(uint8_t device, uint16_t addr, uint16_t count, const uint16_t *values,
                       uint8_t *out, size_t cap)
{
    size_t len = 5 + 2 * (size_t)count;
    if (count > MCP_MAX_REGISTERS || cap < len)
        return 0;
    put_values(put_register_block(out, device, addr, count), values, count);
    return len;
}

size_t mcp_build_event(uint8_t device, uint8_t code, uint32_t timestamp_ms, const uint8_t *data,
                       size_t data_len, uint8_t *out, size_t cap)
{
    size_t len = 6 + data_len;
    if (len > MCP_MAX_PAYLOAD || cap < len)
        return 0;
    uint8_t *p = put_u8(out, device);
    p = put_u8(p, code);
    p = put_u32(p, timestamp_ms);
    if (data_len > 0)
        memcpy(p, data, data_len);
    return len;
}

size_t mcp_build_nak(uint8_t nak_seq, uint8_t reason, uint8_t *out, size_t cap)
{
    if (cap < 2)
        return 0;
    put_u8(put_u8(out, nak_seq), reason);
    return 2;
}

size_t mcp_build_sync(bool with_reason, uint8_t reason, uint8_t *out, size_t cap)
{
    if (!with_reason || cap < 1)
        return 0;
    put_u8(out, reason);
    return 1;
}

size_t mcp_build_status_response(uint8_t req_seq, uint8_t status, uint8_t *out, size_t cap)
{
    if (cap < 2)
        return 0;
    put_u8(put_u8(out, req_seq), status);
    return 2;
}

size_t mcp_build_read_response_ok(uint8_t req_seq, uint8_t device, uint16_t addr, uint16_t count,
                                  const uint16_t *values, uint8_t *out, size_t cap)
{
    size_t len = 7 + 2 * (size_t)count;
    if (count > MCP_MAX_REGISTERS || cap < len)
        return 0;
    uint8_t *p = put_u8(put_u8(out, req_seq), MCP_STATUS_OK);
    put_values(put_register_block(p, device, addr, count), values, count);
    return len;
}

size_t mcp_build_write_response_ok(uint8_t req_seq, uint8_t device, uint16_t addr,
                                   uint16_t count, uint8_t *out, size_t cap)
{
    if (cap < 7)
        return 0;
    uint8_t *p = put_u8(put_u8(out, req_seq), MCP_STATUS_OK);
    put_register_block(p, device, addr, count);
    return 7;
}

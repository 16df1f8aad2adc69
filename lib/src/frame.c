/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MCP v1 frame codec (docs/PROTOCOL.md §1). */
#include "mcp/frame.h"

#include <string.h>

#include "mcp/pdu.h"

struct mcp_codec mcp_codec_default(void)
{
    struct mcp_codec codec = {.crc = MCP_CRC8_SMBUS, .length_le = false};
    return codec;
}

uint16_t mcp_frame_length_field(const struct mcp_codec *codec, const uint8_t *header)
{
    if (codec->length_le)
        return (uint16_t)(header[2] | (header[3] << 8));
    return (uint16_t)((header[2] << 8) | header[3]);
}

enum mcp_decode_status mcp_frame_decode(const struct mcp_codec *codec, const uint8_t *buf,
                                        size_t len, struct mcp_frame *frame, size_t *need)
{
    if (len == 0) {
        if (need)
            *need = MCP_HEADER_LEN;
        return MCP_DECODE_NEED_MORE;
    }
    if (buf[0] != MCP_MAGIC)
        return MCP_DECODE_BAD_MAGIC;
    /* The length field decides everything else: 4 bytes are enough to judge it. */
    if (len < 4) {
        if (need)
            *need = MCP_HEADER_LEN - len;
        return MCP_DECODE_NEED_MORE;
    }
    uint16_t length = mcp_frame_length_field(codec, buf);
    if (length > MCP_MAX_PAYLOAD)
        return MCP_DECODE_BAD_LENGTH;
    size_t frame_len = MCP_OVERHEAD + (size_t)length;
    if (len < frame_len) {
        if (need)
            *need = frame_len - len;
        return MCP_DECODE_NEED_MORE;
    }
    frame->seq = buf[1];
    frame->cmd = buf[4];
    frame->length = length;
    frame->payload = buf + MCP_HEADER_LEN;
    frame->crc = buf[frame_len - 1];
    frame->crc_computed = mcp_crc(codec->crc, buf, frame_len - 1);
    frame->frame_len = frame_len;
    return frame->crc == frame->crc_computed ? MCP_DECODE_OK : MCP_DECODE_BAD_CRC;
}

size_t mcp_frame_encode(const struct mcp_codec *codec, uint8_t seq, uint8_t cmd,
                        const uint8_t *payload, size_t payload_len, uint8_t *out, size_t cap)
{
    if (payload_len > MCP_MAX_PAYLOAD || cap < MCP_OVERHEAD + payload_len)
        return 0;
    out[0] = MCP_MAGIC;
    out[1] = seq;
    if (codec->length_le) {
        out[2] = (uint8_t)(payload_len & 0xFF);
        out[3] = (uint8_t)(payload_len >> 8);
    } else {
        out[2] = (uint8_t)(payload_len >> 8);
        out[3] = (uint8_t)(payload_len & 0xFF);
    }
    out[4] = cmd;
    if (payload_len > 0)
        memmove(out + MCP_HEADER_LEN, payload, payload_len);
    size_t frame_len = MCP_OVERHEAD + payload_len;
    out[frame_len - 1] = mcp_crc(codec->crc, out, frame_len - 1);
    return frame_len;
}

void mcp_frame_fix_crc(const struct mcp_codec *codec, uint8_t *frame, size_t frame_len)
{
    if (frame_len < MCP_OVERHEAD)
        return;
    frame[frame_len - 1] = mcp_crc(codec->crc, frame, frame_len - 1);
}

bool mcp_cmd_is_request(uint8_t cmd)
{
    return !mcp_cmd_is_response(cmd) && cmd != MCP_CMD_EVENT && cmd != MCP_CMD_NAK &&
           cmd != MCP_CMD_SYNC;
}

bool mcp_frame_begins_whole(const struct mcp_codec *codec, const uint8_t *buf, size_t len)
{
    struct mcp_frame frame;
    return len >= MCP_OVERHEAD && mcp_frame_decode(codec, buf, len, &frame, NULL) == MCP_DECODE_OK;
}

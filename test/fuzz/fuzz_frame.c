/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: mcp_frame_decode, mcp_pdu_parse and mcp_stream_resync_offset
 * on arbitrary bytes, under both length byte orders. Besides the sanitizers'
 * checks it asserts what docs/PROTOCOL.md §1/§2 fix about each outcome.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "mcp/mcp.h"

/* Every listed field lies inside the payload, in wire order, without overlap. */
static void check_pdu(uint8_t cmd, const uint8_t *payload, size_t len)
{
    struct mcp_pdu pdu;
    bool fits = mcp_pdu_parse(cmd, payload, len, &pdu);
    CHECK(fits == !pdu.malformed);
    CHECK(pdu.cmd == cmd);
    CHECK(pdu.field_count <= MCP_MAX_FIELD_SPANS);
    size_t end = 0;
    for (size_t i = 0; i < pdu.field_count; i++) {
        const struct mcp_field_span *f = &pdu.fields[i];
        CHECK(f->offset >= end);
        CHECK(f->size >= 1 && (size_t)f->offset + f->size <= len);
        end = (size_t)f->offset + f->size;
    }
    if (pdu.value_count > 0) {
        CHECK(pdu.values_offset + 2 * pdu.value_count <= len);
        uint32_t sum = 0;
        for (size_t i = 0; i < pdu.value_count; i++)
            sum += mcp_pdu_value(payload, &pdu, i);
        (void)sum;
    }
    if (pdu.has_event)
        CHECK(pdu.event_data_offset + pdu.event_data_len == len);
    if (!mcp_cmd_is_response(cmd) && pdu.known == false)
        CHECK(pdu.field_count == 0 && fits);
    (void)mcp_cmd_name(cmd);
    (void)mcp_expects_answer(cmd, payload, len);
}

static void check_decode(const struct mcp_codec *codec, const uint8_t *data, size_t size)
{
    struct mcp_frame frame;
    size_t need = 0;
    enum mcp_decode_status st = mcp_frame_decode(codec, data, size, &frame, &need);
    switch (st) {
    case MCP_DECODE_OK:
    case MCP_DECODE_BAD_CRC: {
        CHECK(data[0] == MCP_MAGIC);
        CHECK(frame.length <= MCP_MAX_PAYLOAD);
        CHECK(frame.frame_len == MCP_OVERHEAD + (size_t)frame.length);
        CHECK(frame.frame_len <= size);
        CHECK(frame.payload == data + MCP_HEADER_LEN);
        CHECK(frame.seq == data[1] && frame.cmd == data[4]);
        CHECK(frame.crc == data[frame.frame_len - 1]);
        CHECK(frame.crc_computed == mcp_crc(codec->crc, data, frame.frame_len - 1));
        CHECK((st == MCP_DECODE_OK) == (frame.crc == frame.crc_computed));
        /* Re-encoding the fields gives the same bytes, with the right trailer. */
        uint8_t *out = malloc(frame.frame_len);
        CHECK(out != NULL);
        size_t n = mcp_frame_encode(codec, frame.seq, frame.cmd, frame.payload, frame.length, out,
                                    frame.frame_len);
        CHECK(n == frame.frame_len);
        CHECK(memcmp(out, data, n - 1) == 0);
        CHECK(out[n - 1] == frame.crc_computed);
        free(out);
        check_pdu(frame.cmd, frame.payload, frame.length);
        break;
    }
    case MCP_DECODE_NEED_MORE:
        CHECK(size == 0 || data[0] == MCP_MAGIC);
        CHECK(need >= 1 && size + need <= MCP_MAX_FRAME);
        break;
    case MCP_DECODE_BAD_MAGIC:
        CHECK(size >= 1 && data[0] != MCP_MAGIC);
        break;
    case MCP_DECODE_BAD_LENGTH:
        CHECK(size >= 4 && mcp_frame_length_field(codec, data) > MCP_MAX_PAYLOAD);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int le = 0; le < 2; le++) {
        struct mcp_codec codec = {.crc = MCP_CRC8_SMBUS, .length_le = le};
        if (size > 0 && data[0] != MCP_MAGIC) /* also try another check variant */
            codec.crc = (enum mcp_crc_variant)(data[0] % MCP_CRC_VARIANT_COUNT);
        check_decode(&codec, data, size);
        size_t r = mcp_stream_resync_offset(&codec, data, size);
        CHECK(r <= size);
        if (r < size)
            CHECK(data[r] == MCP_MAGIC);
    }
    /* The bytes as the payload of whatever command the first byte names. */
    if (size > 0 && size - 1 <= MCP_MAX_PAYLOAD)
        check_pdu(data[0], data + 1, size - 1);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MCP v1 frame codec (docs/PROTOCOL.md §1). */
#ifndef MCP_FRAME_H
#define MCP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/crc.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCP_MAGIC         0x5A
#define MCP_HEADER_LEN    5 /* magic, seq, length(2), cmd */
#define MCP_OVERHEAD      6 /* header + crc */
#define MCP_MAX_PAYLOAD   4096
#define MCP_MAX_FRAME     (MCP_OVERHEAD + MCP_MAX_PAYLOAD)
#define MCP_RESPONSE_FLAG 0x80
#define MCP_DEFAULT_PORT  23130

/* How a link encodes frames: the check variant and the length byte order. */
struct mcp_codec {
    enum mcp_crc_variant crc;
    bool length_le; /* some firmware sends `length` little-endian */
};

/* The spec's defaults: crc8-smbus, big-endian length. */
struct mcp_codec mcp_codec_default(void);

enum mcp_decode_status {
    MCP_DECODE_OK = 0,     /* a whole frame with a matching check */
    MCP_DECODE_NEED_MORE,  /* a plausible start; `need` more bytes required */
    MCP_DECODE_BAD_MAGIC,  /* first byte is not 0x5A */
    MCP_DECODE_BAD_LENGTH, /* length field over 4096 */
    MCP_DECODE_BAD_CRC     /* whole frame, check mismatch (frame fields filled in) */
};

struct mcp_frame {
    uint8_t seq;
    uint8_t cmd;
    uint16_t length;        /* payload length */
    const uint8_t *payload; /* points into the decoded buffer */
    uint8_t crc;            /* the trailer byte as sent */
    uint8_t crc_computed;   /* the check computed over magic..payload */
    size_t frame_len;       /* MCP_OVERHEAD + length */
};

/* Reads the length field of a header whose first 4 bytes are present. */
uint16_t mcp_frame_length_field(const struct mcp_codec *codec, const uint8_t *header);

/*
 * Decodes the frame at the start of buf. On OK and BAD_CRC, *frame is filled in.
 * On NEED_MORE, *need (when not NULL) holds how many more bytes are required:
 * enough to read the header while it is incomplete, then the rest of the frame.
 */
enum mcp_decode_status mcp_frame_decode(const struct mcp_codec *codec, const uint8_t *buf,
                                        size_t len, struct mcp_frame *frame, size_t *need);

/*
 * Writes a frame into out (capacity cap) and returns its length, or 0 when
 * payload_len exceeds 4096 or the frame does not fit.
 */
size_t mcp_frame_encode(const struct mcp_codec *codec, uint8_t seq, uint8_t cmd,
                        const uint8_t *payload, size_t payload_len, uint8_t *out, size_t cap);

/*
 * The §6 heuristic rule for TCP/UDP off the MCP ports: buf (len bytes, the
 * start of a datagram or of a TCP segment) begins with a whole frame — 0x5A,
 * length <= 4096, all 6 + length bytes present — whose check matches. Used by
 * the dissector's heuristics and by the tools, so both claim the same traffic.
 */
bool mcp_frame_begins_whole(const struct mcp_codec *codec, const uint8_t *buf, size_t len);

/* Recomputes the trailer of a whole encoded frame in place (after rewriting seq, say). */
void mcp_frame_fix_crc(const struct mcp_codec *codec, uint8_t *frame, size_t frame_len);

/* True for a response (bit 7 of cmd). */
static inline bool mcp_cmd_is_response(uint8_t cmd)
{
    return (cmd & MCP_RESPONSE_FLAG) != 0;
}

/* True for the commands that expect an answer: bit 7 clear and not EVENT, NAK or SYNC. */
bool mcp_cmd_is_request(uint8_t cmd);

#ifdef __cplusplus
}
#endif
#endif

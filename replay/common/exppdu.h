/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exported-PDU tags that start a serial record in a
 * LINKTYPE_WIRESHARK_UPPER_PDU (252) capture (docs/PROTOCOL.md §5):
 * EXP_PDU_TAG_DISSECTOR_NAME (12) "mcp5a.serial", EXP_PDU_TAG_P2P_DIRECTION
 * (35) unless the direction is unknown, the end tag (0); the serial bytes
 * follow. Tags are a 2-byte big-endian type and a 2-byte big-endian length.
 */
#ifndef MCP_EXPPDU_H
#define MCP_EXPPDU_H

#include <stddef.h>
#include <stdint.h>

#define LINKTYPE_WIRESHARK_UPPER_PDU 252

#define EXPPDU_TAG_END            0
#define EXPPDU_TAG_DISSECTOR_NAME 12
#define EXPPDU_TAG_P2P_DIRECTION  35

/* The serial dissector's name, as registered by the mcp5a plugin (§5). */
#define EXPPDU_SERIAL_DISSECTOR "mcp5a.serial"

/* The longest header exppdu_serial_header writes. */
#define EXPPDU_SERIAL_HEADER_MAX 32

/*
 * Writes the tags of one serial record into out (EXPPDU_SERIAL_HEADER_MAX
 * bytes at least) and returns their length. direction: 0 master -> device,
 * 1 device -> master, or -1: unknown (no direction tag, a half-duplex bus).
 */
size_t exppdu_serial_header(uint8_t *out, int direction);

#endif

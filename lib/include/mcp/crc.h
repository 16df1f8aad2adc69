/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Frame check variants of MCP v1 (docs/PROTOCOL.md §1). */
#ifndef MCP_CRC_H
#define MCP_CRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum mcp_crc_variant {
    MCP_CRC8_SMBUS = 0, /* the default */
    MCP_CRC8_MAXIM,
    MCP_CRC8_AUTOSAR,
    MCP_XOR8,
    MCP_SUM8,
    MCP_CRC_VARIANT_COUNT
};

/* The check of `len` bytes under `variant`. */
uint8_t mcp_crc(enum mcp_crc_variant variant, const uint8_t *data, size_t len);

/* The spec's name ("crc8-smbus", ...); NULL for an out-of-range value. */
const char *mcp_crc_variant_name(enum mcp_crc_variant variant);

/* Parses a spec name; returns false (and leaves *out alone) for an unknown one. */
bool mcp_crc_variant_from_name(const char *name, enum mcp_crc_variant *out);

/* A comma-separated list of every variant name, for help texts. */
const char *mcp_crc_variant_list(void);

#ifdef __cplusplus
}
#endif
#endif

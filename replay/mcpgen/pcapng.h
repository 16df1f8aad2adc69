/*
 * A minimal pcapng writer: one Section Header Block, one Interface
 * Description Block (with if_tsresol for µs or ns), Enhanced Packet Blocks.
 * Blocks are written in host byte order, as the format allows.
 */
#ifndef MCPGEN_PCAPNG_H
#define MCPGEN_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u

bool pcapng_write_header(FILE *f, uint16_t linktype, uint32_t snaplen, bool nano);
/* ts: in units of the resolution given to the header (µs or ns). */
bool pcapng_write_packet(FILE *f, uint64_t ts, const uint8_t *data, uint32_t len);

#endif

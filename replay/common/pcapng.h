/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal pcapng writer (the pcapng specification, draft-ietf-opsawg-pcapng):
 * a Section Header Block, one Interface Description Block per interface
 * (with if_tsresol for µs or ns, and optionally if_name), Enhanced Packet
 * Blocks. Blocks are written in host byte order, as the format allows.
 * Used by mcpgen (one interface) and mcpserialdump (one per serial line).
 */
#ifndef MCP_PCAPNG_H
#define MCP_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u

/* The Section Header Block (version 1.0, section length unknown). */
bool pcapng_write_shb(FILE *f);

/* The same with an opt_comment (e.g. why an extcap stopped before capturing); NULL or "": none. */
bool pcapng_write_shb_comment(FILE *f, const char *comment);

/*
 * An Interface Description Block; interfaces are numbered 0, 1, ... in the
 * order their IDBs are written. nano: timestamps in ns (else µs). name: the
 * if_name option (e.g. "/dev/ttyUSB0"), or NULL for none. Returns false on a
 * write error (errno from stdio).
 */
bool pcapng_write_idb(FILE *f, uint16_t linktype, uint32_t snaplen, bool nano, const char *name);

/* An Enhanced Packet Block on interface iface; ts in the interface's resolution. */
bool pcapng_write_epb(FILE *f, uint32_t iface, uint64_t ts, const uint8_t *data, uint32_t len);

/* One section with one interface, unnamed: SHB then IDB. */
bool pcapng_write_header(FILE *f, uint16_t linktype, uint32_t snaplen, bool nano);
/* ts: in units of the resolution given to the header (µs or ns); interface 0. */
bool pcapng_write_packet(FILE *f, uint64_t ts, const uint8_t *data, uint32_t len);

#endif

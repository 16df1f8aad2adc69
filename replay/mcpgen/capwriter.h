/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Capture file output: pcap through libpcap, pcapng through a minimal writer
 * of our own (libpcap 1.10 reads pcapng but cannot write it).
 */
#ifndef MCPGEN_CAPWRITER_H
#define MCPGEN_CAPWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINKTYPE_ETHERNET            1
#define LINKTYPE_LINUX_SLL           113
#define LINKTYPE_WIRESHARK_UPPER_PDU 252
#define CAPWRITER_SNAPLEN            262144

struct capwriter;

/* Opens path for writing; on failure prints one line to stderr and returns NULL. */
struct capwriter *capwriter_open(const char *path, bool pcapng, int linktype, bool nano);
/* ts_ns: nanoseconds since the Unix epoch (truncated to µs without nano). */
bool capwriter_write(struct capwriter *w, uint64_t ts_ns, const uint8_t *data, size_t len);
/* Flushes and closes; false (with a message) when anything failed to reach the file. */
bool capwriter_close(struct capwriter *w);

#endif

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
/* ts_ns: nanoseconds since the Unix epoch (truncated to µs without nano). false once a write
 * failed (a full disk; a closed pipe, SIGPIPE being ignored): the caller says so with
 * capwriter_report and stops. */
bool capwriter_write(struct capwriter *w, uint64_t ts_ns, const uint8_t *data, size_t len);
/* One stderr line: the capture cannot be written, why ("the reader closed it" for EPIPE). */
void capwriter_report(const struct capwriter *w);
/* Flushes and closes; false when anything failed to reach the file, with a message unless
 * capwriter_write had already failed (its caller reported it). */
bool capwriter_close(struct capwriter *w);

#endif

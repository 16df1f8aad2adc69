/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4 and IPv6 fragment reassembly with bounded memory: at most
 * MR_IP_MAX_DATAGRAMS datagrams in progress, each at most 65535 bytes, given
 * up MR_IP_TIMEOUT_NS of capture time after their first fragment (RFC 791's
 * and RFC 8200's 60 s), or when the table is full (the oldest goes). A given
 * up datagram is reported through the caller's callback: nothing is lost
 * silently.
 */
#ifndef MR_IP_REASM_H
#define MR_IP_REASM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

#define MR_IP_MAX_DATAGRAMS 1024
#define MR_IP_MAX_BYTES     65535u
#define MR_IP_TIMEOUT_NS    (60 * (int64_t)1000000000)

struct mr_ip_reasm;

/* A datagram given up: the record number of its first fragment and why. */
typedef void (*mr_ip_lost_cb)(void *ctx, const struct mr_packet *first, uint64_t first_record,
                              const char *why);

struct mr_ip_reasm *mr_ip_reasm_new(void);
void mr_ip_reasm_free(struct mr_ip_reasm *r);

/*
 * Adds a fragment (pkt->kind MR_PACKET_FRAGMENT) seen in record `record` at
 * `ts_ns`. When it completes its datagram, returns the datagram's transport
 * bytes (g_free them) in *len and true; otherwise false.
 */
bool mr_ip_reasm_add(struct mr_ip_reasm *r, const struct mr_packet *pkt, uint64_t record,
                     int64_t ts_ns, uint8_t **data, size_t *len, mr_ip_lost_cb lost, void *ctx);

/* End of the capture: every datagram still incomplete is given up. */
void mr_ip_reasm_finish(struct mr_ip_reasm *r, mr_ip_lost_cb lost, void *ctx);

uint64_t mr_ip_reasm_incomplete(const struct mr_ip_reasm *r);

#endif

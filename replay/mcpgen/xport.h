/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transports: turn bursts of MCP frames (one sender, one instant) into
 * capture records, and tell the answer key in which record a decoder shows
 * each frame (§5), plus the junk bytes of each record.
 */
#ifndef MCPGEN_XPORT_H
#define MCPGEN_XPORT_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "rng.h"
#include "topology.h"
#include "truth.h"

struct burst_frame {
    size_t offset; /* within burst.bytes */
    size_t len;
    uint32_t truth; /* TRUTH_NONE: bytes a decoder must skip as junk (a bad check on serial) */
};

struct burst {
    uint64_t t_ns; /* since the start of the capture */
    int sender;
    const uint8_t *bytes;
    size_t len;
    const struct burst_frame *frames;
    size_t n_frames;
};

struct verifier;
struct capwriter;

/* Where records go: the capture file and the cross-check, numbered from 1. */
struct record_sink {
    struct capwriter *writer;
    struct verifier *verifier;
    uint32_t records;
    uint64_t last_ts;
    bool failed;
};

/* Writes one record at time t (kept non-decreasing) and returns its number. */
uint32_t sink_record(struct record_sink *sink, uint64_t t_ns, const uint8_t *data, size_t len);

struct xport;

struct xport *xport_new(const struct gen_options *opt, const struct topology *topo,
                        struct truth *truth, struct record_sink *sink);
void xport_burst(struct xport *x, const struct burst *b);
/* End of capture: TCP closes its connections. */
void xport_finish(struct xport *x);
void xport_free(struct xport *x);

int xport_linktype(const struct gen_options *opt);

/* Per-transport entry points (xport_udp.c, xport_tcp.c, xport_serial.c). */
struct xport {
    const struct gen_options *opt;
    const struct topology *topo;
    struct truth *truth;
    struct record_sink *sink;
    struct net_config net;
    struct rng rng;
    uint16_t *ip_id; /* per host */
    void *state;     /* transport-specific */
    uint8_t *pkt;    /* scratch packet buffer */
};

void udp_burst(struct xport *x, const struct burst *b);
void tcp_init(struct xport *x);
void tcp_burst(struct xport *x, const struct burst *b);
void tcp_finish(struct xport *x);
void tcp_free(struct xport *x);
void serial_init(struct xport *x);
void serial_burst(struct xport *x, const struct burst *b);
void serial_free(struct xport *x);

#endif

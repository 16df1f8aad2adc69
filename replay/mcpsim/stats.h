/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Counters of the simulator: printed on exit and every --stats-interval, written as JSON. */
#ifndef MCPSIM_STATS_H
#define MCPSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mcp/seq.h"

struct sim_stats {
    uint64_t frames_in[256]; /* by cmd, CRC-valid frames only */
    uint64_t frames_out[256];
    uint64_t crc_errors;
    uint64_t malformed;
    uint64_t junk_bytes;
    uint64_t verdicts[MCP_SEQ_VERDICT_COUNT];
    uint64_t naks_sent[6]; /* by reason 1..5 */
    uint64_t naks_received;
    uint64_t resent;      /* own frames resent after a client's NAK */
    uint64_t dropped;     /* --drop-rate: requests left unanswered */
    uint64_t busy;        /* --busy-rate: DEVICE_BUSY answers */
    uint64_t failures;    /* --failure-rate: DEVICE_FAILURE answers */
    uint64_t broadcasts;  /* requests to device 0xFF */
    uint64_t events_sent; /* --events */
    uint64_t bytes_in, bytes_out;
    uint64_t datagrams_in, datagrams_out;
    uint64_t send_errors; /* datagrams the kernel refused, late answers to gone clients */
    uint64_t udp_clients, udp_clients_total, udp_evicted;
    uint64_t tcp_clients, tcp_clients_total, tcp_refused, tcp_overflows;
    uint64_t read_pauses; /* a stream client's reading paused for pending output */
    uint64_t serial_lines;
    uint64_t start_ns; /* CLOCK_MONOTONIC at t = 0 (--map: REGISTER-MAP.md §4) */
};

/* Multi-line human-readable report; uptime_s is printed in the first line. */
void sim_stats_print(const struct sim_stats *st, double uptime_s, FILE *out);

/* The same counters as one JSON object, written atomically to path. */
bool sim_stats_write_json(const struct sim_stats *st, double uptime_s, const char *path, char *err,
                          size_t err_len);

#endif

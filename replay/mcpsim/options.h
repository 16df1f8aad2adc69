/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line options of mcpsim. */
#ifndef MCPSIM_OPTIONS_H
#define MCPSIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "endpoint.h"
#include "exitcode.h"
#include "mcp/frame.h"

#define SIM_MAX_LISTENERS 16

/* Exit codes (replay/common/exitcode.h, docs/options.md). */
enum {
    SIM_EXIT_OK = MCP_EXIT_OK,
    SIM_EXIT_RUNTIME = MCP_EXIT_INTERNAL,   /* a system call failed while running (was 1) */
    SIM_EXIT_USAGE = MCP_EXIT_USAGE,        /* bad options */
    SIM_EXIT_LISTEN = MCP_EXIT_UNREACHABLE, /* a listener, serial line or pty could not be
                                               opened, or a serial line hung up */
    SIM_EXIT_REGISTERS = MCP_EXIT_USAGE,    /* bad --registers file (was 4) */
    SIM_EXIT_OUTPUT = MCP_EXIT_OUTPUT       /* the --json counters could not be written (was 1) */
};

struct sim_config {
    /* network listeners; listen[i].has_devices: its own device set (devices=LIST) */
    struct mcp_endpoint listen[SIM_MAX_LISTENERS];
    size_t listen_count;
    unsigned listen_number[SIM_MAX_LISTENERS]; /* its position among the --listen options, from 1 */
    char *serial_path;                         /* --listen serial:PATH (or the hidden --serial) */
    struct mcp_serial_settings serial;         /* its ?baud=&parity=&data-bits=&stop-bits= */
    bool serial_has_devices;                   /* its &devices=LIST: its own device set */
    bool serial_devices[256];
    unsigned serial_number; /* its position among the --listen options (0: --serial) */
    bool pty;               /* serves the --devices set */
    bool devices[256];      /* --devices: listeners without devices=, --pty */
    char *registers_file;
    char *map_file; /* --map */
    bool have_seed;
    uint64_t seed;
    double latency_ms, jitter_ms;
    double drop_rate, busy_rate, failure_rate, nak_busy_rate;
    double events_rate;    /* EVENT frames per second to each client seen */
    double stats_interval; /* seconds; 0 = only on exit */
    char *stats_json;
    int verbose;
    int cpu; /* -1: not pinned */
    unsigned max_udp_clients;
    unsigned max_tcp_clients;
    double udp_idle_s; /* idle UDP clients are forgotten after this */
    int silence_ms;    /* --silence: §5 line silence ending a partial frame (serial); 0 never */
    struct mcp_codec codec;
};

/*
 * Parses argv into cfg. On error returns false with a one-line message in err.
 * --help prints the help and exits 0 (GOption does that itself).
 */
bool sim_options_parse(int argc, char **argv, struct sim_config *cfg, char *err, size_t err_len);

/* --json FILE is written atomically (a temporary file in its folder, then a rename) at every
 * --stats-interval and on exit: its folder must be writable now. False (exit 6, an output
 * that cannot be written) with err naming it; "-" is stdout. */
bool sim_json_path_writable(const char *path, char *err, size_t err_len);

void sim_config_free(struct sim_config *cfg);

/* Where the text goes (the listening lines, the counters): stdout, or stderr under --json -
 * (stdout then carries the JSON counters alone). */
FILE *sim_text_out(const struct sim_config *cfg);

#endif

/* Command-line options of mcpsim. */
#ifndef MCPSIM_OPTIONS_H
#define MCPSIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"
#include "mcp/frame.h"

#define SIM_MAX_LISTENERS 16

/* Exit codes. */
enum {
    SIM_EXIT_OK = 0,
    SIM_EXIT_RUNTIME = 1,  /* a system call failed while running */
    SIM_EXIT_USAGE = 2,    /* bad options */
    SIM_EXIT_LISTEN = 3,   /* a listener, serial line or pty could not be opened */
    SIM_EXIT_REGISTERS = 4 /* bad --registers file */
};

struct sim_config {
    struct mcp_endpoint listen[SIM_MAX_LISTENERS];
    size_t listen_count;
    char *serial_path;                 /* --listen serial:PATH (or the hidden --serial) */
    struct mcp_serial_settings serial; /* its ?baud=&parity=&data-bits=&stop-bits= */
    bool pty;
    bool devices[256];
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
    struct mcp_codec codec;
};

/*
 * Parses argv into cfg. On error returns false with a one-line message in err.
 * --help prints the help and exits 0 (GOption does that itself).
 */
bool sim_options_parse(int argc, char **argv, struct sim_config *cfg, char *err, size_t err_len);

void sim_config_free(struct sim_config *cfg);

#endif

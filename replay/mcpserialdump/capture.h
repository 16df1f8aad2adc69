/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The capture loop: reads every port of every line, writes one pcapng
 * record per read (docs/PROTOCOL.md §5), and stops on a signal, -c, -a, the
 * reader closing the output, or a port disappearing.
 */
#ifndef MCPSERIALDUMP_CAPTURE_H
#define MCPSERIALDUMP_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "dircheck.h"
#include "options.h"

/* One port of a line: its records carry `direction` (0, 1, or -1 = none). */
struct sd_capture_port {
    const char *path;
    int fd;
    uint32_t iface; /* the line: the pcapng interface */
    int direction;
    uint64_t records, bytes;
    /* Relay: every byte read here is written at once to ports[peer] (-1: a tap, no peer).
     * pending: bytes forwarded to this port that it has not taken yet (written when it
     * is writable; the peer is not read while more than SD_PENDING_MAX wait). */
    int peer;
    GByteArray *pending;
    uint64_t written; /* bytes of the peer delivered to this port */
    struct sd_dircheck check;
};

#define SD_PENDING_MAX 65536

struct sd_capture {
    struct sd_capture_port ports[SD_MAX_PORTS];
    unsigned n_ports;
    unsigned n_lines;
    const char *line_names[SD_MAX_PORTS]; /* if_name of each interface */
    FILE *out;
    uint64_t count;    /* 0 = no limit */
    double duration_s; /* 0 = no limit */
    /* Logging: extcap mode logs to stdout or a file, standalone to stderr. */
    FILE *log;
    bool debug;
};

struct sd_capture_result {
    enum sd_exit code;
    char reason[256];
    uint64_t records, bytes;
    uint64_t undelivered; /* relay: bytes read (and recorded) but not delivered at the end */
};

/* Installs the stop handlers (SIGINT, SIGTERM; SIGPIPE ignored: writes get EPIPE). */
void sd_capture_signals(void);

/* The stop signal received so far (SIGINT, SIGTERM), 0 for none. */
int sd_capture_stop_signal(void);

/* Writes the section header and one IDB per line at once (before the first byte). */
bool sd_capture_write_header(struct sd_capture *cap);

/* Runs until a stop condition; the file is flushed after every record. */
void sd_capture_run(struct sd_capture *cap, struct sd_capture_result *res);

/*
 * The swapped-ports check of every directed line (ports 2k and 2k+1, or a
 * relay's two sides): writes one warning line per swapped line to `to`
 * ("mcpserialdump: warning: ..."). Returns how many were written.
 */
unsigned sd_capture_warn_swapped(const struct sd_capture *cap, FILE *to);

#endif

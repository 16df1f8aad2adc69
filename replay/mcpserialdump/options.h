/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcpserialdump's command line: the Wireshark extcap protocol and the
 * standalone options (docs/mcpserialdump.1).
 */
#ifndef MCPSERIALDUMP_OPTIONS_H
#define MCPSERIALDUMP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "exitcode.h"

/* Exit codes (docs/mcpserialdump.1, EXIT STATUS). */
/* One table for every tool (replay/common/exitcode.h, docs/options.md): the port cases all
 * are 3, told apart by the message (before 0.3: 2 missing, 3 busy, 4 cannot be opened, 5 line
 * settings, 7 lost; usage was 1, a capture filter 8). */
enum sd_exit {
    SD_EXIT_OK = MCP_EXIT_OK, /* stopped as asked: signal, -c, -a, the reader closed the output */
    SD_EXIT_USAGE = MCP_EXIT_USAGE,               /* bad or missing options */
    SD_EXIT_PORT_MISSING = MCP_EXIT_UNREACHABLE,  /* no such port */
    SD_EXIT_PORT_BUSY = MCP_EXIT_UNREACHABLE,     /* another program holds the port */
    SD_EXIT_PORT_OPEN = MCP_EXIT_UNREACHABLE,     /* cannot be opened: permission, not a tty */
    SD_EXIT_LINE_SETTINGS = MCP_EXIT_UNREACHABLE, /* refuses the baud, data bits, parity... */
    SD_EXIT_OUTPUT = MCP_EXIT_OUTPUT,             /* the capture file or fifo cannot be written */
    SD_EXIT_PORT_LOST = MCP_EXIT_UNREACHABLE,     /* a port disappeared (file complete) */
    SD_EXIT_FILTER = MCP_EXIT_USAGE               /* a capture filter was given: not supported */
};

enum sd_parity { SD_PARITY_NONE, SD_PARITY_EVEN, SD_PARITY_ODD };

/* How every port of the capture is set up. */
struct sd_line_settings {
    unsigned baud;
    unsigned data_bits; /* 5..8 */
    enum sd_parity parity;
    unsigned stop_bits; /* 1 or 2 */
};

#define SD_MAX_PORTS 8

struct sd_options {
    /* extcap requests */
    bool extcap_interfaces;
    bool extcap_version_given;
    char *extcap_version; /* Wireshark's version, may be NULL */
    bool extcap_dlts;
    bool extcap_config;
    char *extcap_interface;
    char *extcap_reload_option;
    bool capture;
    char *fifo;
    char *capture_filter;
    bool cleanup_postkill;
    /* logging (extcap: stdout or this file; never stderr) */
    bool debug;
    char *log_file;

    /* the capture */
    char *ports[SD_MAX_PORTS]; /* -i, in order; extcap: the interface's port */
    unsigned n_ports;
    char *reverse_port; /* extcap: the second port of the line */
    bool one_line;      /* a half-duplex bus: every port is its own undirected line */
    struct sd_line_settings line;
    char *output;      /* -w FILE, "-" = stdout */
    uint64_t count;    /* -c: stop after this many records, 0 = no limit */
    double duration_s; /* -a duration:S, 0 = no limit */
    bool list_ports;   /* -D */
    char *forget;      /* --forget PORT|all: take remembered ports off the list (remember.h) */
    /* --relay PROGRAM DEVICE: sits between a program and a device (relay.h) */
    char *relay_program; /* "pty", "pty:PATH", or a port path */
    char *relay_device;  /* a port path (URL parameters merged into line) */
    bool quiet;
    bool show_version;
    /* The first option error (also printed on stderr), for the extcap's fifo. */
    char error[512];
};

/* The relay's extcap interface: a program <-> a device, both chosen in its options. */
#define SD_RELAY_IFACE "mcpserial-relay"

/*
 * Parses argv into opt. On an error prints the reason to stderr and returns
 * false (exit SD_EXIT_USAGE).
 */
bool sd_options_parse(int argc, char **argv, struct sd_options *opt);
void sd_options_free(struct sd_options *opt);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpgen's command line: every knob of the traffic model, the faults and the output. */
#ifndef MCPGEN_OPTIONS_H
#define MCPGEN_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "exitcode.h"
#include "mcp/frame.h"

struct mcp_regmap;

enum gen_transport { GEN_UDP, GEN_TCP, GEN_SERIAL };

enum gen_link {
    GEN_LINK_ETHERNET,
    GEN_LINK_VLAN,
    GEN_LINK_SLL,
    GEN_LINK_UPPER_PDU /* serial: LINKTYPE_WIRESHARK_UPPER_PDU */
};

enum gen_format { GEN_FORMAT_PCAP, GEN_FORMAT_PCAPNG };

/* Faults injected on fresh frames; at most one per frame. */
enum gen_fault {
    FAULT_NONE = 0,
    FAULT_BAD_CRC,
    FAULT_GAP,
    FAULT_DUPLICATE,
    FAULT_REORDER,
    FAULT_NAK,
    FAULT_COUNT
};

/* What a traffic tick starts. */
enum gen_mix {
    MIX_HEARTBEAT = 0,
    MIX_READ,
    MIX_WRITE,
    MIX_UNKNOWN,
    MIX_WRITE_ALL, /* WRITE to device 0xFF: every device acts, none answers */
    MIX_EVENT,     /* an unsolicited EVENT from a device */
    MIX_COUNT
};

struct fault_at {
    enum gen_fault fault;
    uint64_t fresh_index; /* 1-based count of fresh frames */
};

struct gen_options {
    enum gen_transport transport;
    enum gen_link link;
    enum gen_format format;
    bool nano;
    bool ipv6;
    uint16_t vlan_id;
    char *out;     /* --write; "-" is stdout */
    char *truth;   /* --truth; "-" is stdout; NULL: none */
    uint16_t port; /* the devices' UDP/TCP port (--port, default 23130) */
    enum { GEN_PROGRESS_AUTO, GEN_PROGRESS_ON, GEN_PROGRESS_OFF } progress;
    uint64_t seed;

    int masters;
    int devices;              /* how many: the ids in device_id[] */
    uint8_t device_id[150];   /* --devices LIST: the ids 1..150, ascending */
    bool device_present[256]; /* the same as a set */
    uint8_t max_device;       /* the highest id */
    uint64_t frames;          /* stop starting exchanges once this many frames went out */
    uint64_t requests;        /* ... or after this many ticks (0: no limit) */
    double rate;              /* ticks per second */
    bool steady;              /* ticks exactly 1/rate apart instead of exponential */
    double latency_ms;        /* --latency MS[:JITTER_MS]: mean device response latency, ms */
    double jitter_ms;         /* answers come latency_ms +- jitter_ms (uniform), never below 0 */
    double jitter;    /* the same spread as a share of latency_ms (jitter_ms / latency_ms; the
                         hidden --jitter of 0.1 gives it directly) */
    double broadcast; /* UDP: share of requests sent to the broadcast address */
    bool subnet_broadcast;
    double mix[MIX_COUNT];
    double bad_request; /* requests the device must refuse (ILLEGAL_*, UNKNOWN_DEVICE) */
    double busy;        /* device answers DEVICE_BUSY / DEVICE_FAILURE */
    double burst;       /* a tick sends 2-3 requests at once */
    double split; /* TCP/serial: a burst is cut at random points; UDP: into several datagrams */
    double noise; /* serial: line noise and false starts before a burst */

    double fault_p[FAULT_COUNT];
    double sync_p;
    int gap_size; /* frames lost per gap fault; 0: 1..3 at random */
    struct fault_at *fault_at;
    int n_fault_at;

    struct mcp_codec codec;
    int first_seq;  /* -1: random per sender */
    int big_frames; /* 4 KiB EVENT frames (TCP and serial) */

    char *map_path;         /* --map FILE (docs/REGISTER-MAP.md), or NULL */
    struct mcp_regmap *map; /* loaded from map_path (mapgen.c); NULL without --map */
};

/* Exit codes (replay/common/exitcode.h, docs/options.md, --help). */
enum {
    GEN_EXIT_OK = MCP_EXIT_OK,
    GEN_EXIT_USAGE = MCP_EXIT_USAGE, /* bad options */
    GEN_EXIT_IO = MCP_EXIT_OUTPUT,   /* cannot write an output file (was 3) */
    GEN_EXIT_INTERNAL =
        MCP_EXIT_INTERNAL, /* the cross-check disagreed with the bookkeeping (was 4) */
    GEN_EXIT_SIGNAL = MCP_EXIT_INTERRUPTED /* SIGINT or SIGTERM: both outputs removed */
};

/* Parses argv; on error prints one line to stderr and returns false. */
bool gen_options_parse(int argc, char **argv, struct gen_options *opt);
void gen_options_free(struct gen_options *opt);

const char *gen_transport_name(enum gen_transport t);
const char *gen_link_name(enum gen_link l);
const char *gen_fault_name(enum gen_fault f);

#endif

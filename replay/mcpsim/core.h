/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator's shared state and the pieces every transport uses: a client
 * (one conversation), where a client's frames go (a peer), and the frame
 * handler that turns a received frame into answers and NAKs.
 */
#ifndef MCPSIM_CORE_H
#define MCPSIM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <glib.h>

#include "device.h"
#include "devset.h"
#include "mcp/frame.h"
#include "options.h"
#include "session.h"
#include "stats.h"

enum sim_peer_kind { SIM_PEER_UDP, SIM_PEER_TCP, SIM_PEER_SERIAL };

/* How to reach a client later (a delayed answer, an EVENT). */
struct sim_peer {
    enum sim_peer_kind kind;
    int fd;                       /* UDP: the listening socket */
    uint64_t conn_id;             /* TCP: the connection */
    struct sockaddr_storage addr; /* UDP: the client's address */
    socklen_t addr_len;
};

struct sim_client {
    struct sim_session session;
    struct sim_peer peer;
    struct sim_devset *set; /* the devices it reaches: its listener's */
    char name[96];          /* "udp 127.0.0.1:40000", for logs */
    uint64_t last_seen_ns;
    bool seen;      /* has sent at least one byte */
    GList lru_link; /* UDP client table */
};

/* Where answers go while a frame is handled (the transport batches them). */
struct sim_out {
    /* The frame went to a broadcast address: it acts, but nothing is sent back. */
    bool silent;
    void (*emit)(struct sim_out *out, struct sim_client *client, const uint8_t *frame, size_t len);
};

struct sim_delay_queue;
struct sim_udp_table;
struct sim_tcp;
struct sim_link;
struct mcp_regmap;

struct sim_core {
    const struct sim_config *cfg;
    struct mcp_regmap *map;         /* --map, or NULL */
    struct sim_maplayouts *layouts; /* --map: item indexes shared by every device set */
    struct sim_devset *shared;      /* --devices: listeners without devices=, --pty */
    GPtrArray *sets;                /* every struct sim_devset *, freed at exit */
    struct sim_devset *listen_sets[SIM_MAX_LISTENERS]; /* cfg->listen[i]'s */
    struct sim_devset *serial_set;                     /* the serial line's or --pty's */
    uint64_t main_ns;     /* CLOCK_MONOTONIC when main() began (start-up time) */
    uint64_t map_read_ns; /* --map: main() to the map read */
    size_t map_devices;   /* --map: device instances over every set */
    struct sim_stats stats;
    GRand *rand;
    uint64_t start_ns;
    /* CLOCK_MONOTONIC when the frames being handled were read (one read, one time): the t
     * of REGISTER-MAP.md §4 for the READs among them */
    uint64_t now_ns;
    int epfd;
    bool stop;
    int exit_code; /* returned by sim_run once stopped */
    struct sim_delay_queue *delay;
    struct sim_udp_table *udp;
    struct sim_tcp *tcp;
    struct sim_link *serial;
    GPtrArray *listeners; /* struct sim_listener *, closed at exit */
};

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t sim_now_ns(void);

/* One frame the stream decoder found for client c (crc_ok false: a bad check). */
void sim_handle_frame(struct sim_core *core, struct sim_client *c, const struct mcp_frame *f,
                      bool crc_ok, struct sim_out *out);

/*
 * A UDP datagram holding, at a frame boundary, a frame whose length field is over
 * 4096 (spec §1: malformed, "a receiver answers NAK reason 3"): counted as malformed
 * and NAKed BAD_LENGTH with the frame's seq. len: the bytes from its magic to the end of
 * the datagram (a datagram delimits the frame; a stream decoder skips the magic as junk
 * instead, §1, so TCP and serial do not come here).
 */
void sim_handle_bad_length(struct sim_core *core, struct sim_client *c, uint8_t seq, size_t len,
                           struct sim_out *out);

/*
 * Bytes skipped while resynchronising. On a serial line (§5 mode) a frame with
 * a bad check is skipped as junk: when a junk run is exactly such a frame (or
 * starts with one), it is counted as a CRC error and NAKed like on TCP.
 */
void sim_handle_junk(struct sim_core *core, struct sim_client *c, const uint8_t *bytes, size_t len,
                     bool serial, struct sim_out *out);

/*
 * Numbers, encodes and sends one frame from the simulator to c, now through
 * out, or through the delay queue with --latency when delayable.
 */
void sim_send(struct sim_core *core, struct sim_client *c, struct sim_out *out, uint8_t cmd,
              const uint8_t *payload, size_t len, bool delayable);

/* Sends bytes to a peer outside of a handler (delayed answers, EVENTs). */
void sim_peer_send(struct sim_core *core, const struct sim_peer *peer, const uint8_t *bytes,
                   size_t len);

/* A uniform draw against a rate (0 never, 1 always). */
bool sim_roll(struct sim_core *core, double rate);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who talks to whom: hosts (masters, devices, the broadcast address), links
 * (a master and a device, or a master and the broadcast address, or the two
 * ends of a serial line) and senders (one direction of a link: §3's unit of
 * sequence numbering).
 */
#ifndef MCPGEN_TOPOLOGY_H
#define MCPGEN_TOPOLOGY_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "netbuild.h"
#include "truth.h"

struct gen_sender {
    int link;
    int peer;         /* the reverse direction, or -1 (broadcast) */
    bool from_master; /* master -> device */
    uint32_t name;    /* truth sender index */
    int src_host, dst_host;
    uint16_t sport, dport;
    int serial_dir; /* 0 master -> device, 1 device -> master */
};

struct gen_conn {
    int master;   /* master index */
    int device;   /* device index, -1 for the broadcast link */
    int to_dev;   /* sender master -> device (or -> broadcast) */
    int to_mast;  /* sender device -> master, -1 for broadcast */
    uint8_t unit; /* device id in payloads (serial: 0, any of 1..devices) */
};

struct topology {
    struct net_host *hosts; /* masters, devices, broadcast */
    int n_hosts;
    int broadcast_host;
    struct gen_conn *links;
    int n_links;
    int n_unicast_links; /* links [0, n) are master m x device d: index m * devices + d */
    struct gen_sender *senders;
    int n_senders;
};

void topology_build(struct topology *topo, const struct gen_options *opt, struct truth *truth);
void topology_free(struct topology *topo);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Addresses, links and senders of a generated capture. */
#include "topology.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static void ipv4_host(struct net_host *h, uint8_t last, bool bcast)
{
    memset(h, 0, sizeof *h);
    h->addr[0] = 10;
    h->addr[1] = 0;
    h->addr[2] = 0;
    h->addr[3] = last;
    uint8_t mac[6] = {0x02, 0x00, 0x5A, 0x00, 0x00, last};
    if (bcast)
        memset(mac, 0xFF, 6);
    memcpy(h->mac, mac, 6);
}

static void ipv6_host(struct net_host *h, uint8_t last)
{
    memset(h, 0, sizeof *h);
    h->v6 = true;
    h->addr[0] = 0xFD;
    h->addr[15] = last;
    uint8_t mac[6] = {0x02, 0x00, 0x5A, 0x00, 0x00, last};
    memcpy(h->mac, mac, 6);
}

static int add_sender(struct topology *topo, struct truth *truth, int link, bool from_master,
                      int src, int dst, uint16_t sport, uint16_t dport, int serial_dir)
{
    struct gen_sender *s = &topo->senders[topo->n_senders];
    s->link = link;
    s->peer = -1;
    s->from_master = from_master;
    s->src_host = src;
    s->dst_host = dst;
    s->sport = sport;
    s->dport = dport;
    s->serial_dir = serial_dir;
    char name[128];
    if (serial_dir >= 0) {
        snprintf(name, sizeof name, "serial:%d", serial_dir);
    } else {
        char a[64], b[64];
        net_format_endpoint(&topo->hosts[src], sport, a, sizeof a);
        net_format_endpoint(&topo->hosts[dst], dport, b, sizeof b);
        snprintf(name, sizeof name, "%s>%s", a, b);
    }
    s->name = truth_add_sender(truth, name);
    return topo->n_senders++;
}

void topology_build(struct topology *topo, const struct gen_options *opt, struct truth *truth)
{
    memset(topo, 0, sizeof *topo);
    int M = opt->masters, D = opt->devices;
    topo->n_hosts = M + D + 1;
    topo->hosts = g_new0(struct net_host, topo->n_hosts);
    for (int m = 0; m < M; m++) {
        if (opt->ipv6)
            ipv6_host(&topo->hosts[m], (uint8_t)(1 + m));
        else
            ipv4_host(&topo->hosts[m], (uint8_t)(1 + m), false);
    }
    for (int d = 0; d < D; d++) {
        if (opt->ipv6)
            ipv6_host(&topo->hosts[M + d], (uint8_t)(100 + opt->device_id[d]));
        else
            ipv4_host(&topo->hosts[M + d], (uint8_t)(100 + opt->device_id[d]), false);
    }
    topo->broadcast_host = M + D;
    struct net_host *b = &topo->hosts[topo->broadcast_host];
    if (opt->ipv6) {
        /* IPv6 has no broadcast: the all-nodes multicast group stands in. */
        memset(b, 0, sizeof *b);
        b->v6 = true;
        b->addr[0] = 0xFF;
        b->addr[1] = 0x02;
        b->addr[15] = 1;
        const uint8_t mac[6] = {0x33, 0x33, 0, 0, 0, 1};
        memcpy(b->mac, mac, 6);
    } else {
        ipv4_host(b, 255, true);
        if (!opt->subnet_broadcast)
            memset(b->addr, 0xFF, 4);
    }

    bool serial = opt->transport == GEN_SERIAL;
    bool tcp = opt->transport == GEN_TCP;
    int n_links = serial ? 1 : M * D + (opt->broadcast > 0.0 ? M : 0);
    topo->links = g_new0(struct gen_conn, n_links);
    topo->senders = g_new0(struct gen_sender, 2 * n_links);
    if (serial) {
        struct gen_conn *l = &topo->links[0];
        l->master = 0;
        l->device = 0;
        l->unit = 0;
        l->to_dev = add_sender(topo, truth, 0, true, 0, M, 0, 0, 0);
        l->to_mast = add_sender(topo, truth, 0, false, M, 0, 0, 0, 1);
        topo->n_links = topo->n_unicast_links = 1;
    } else {
        for (int m = 0; m < M; m++) {
            for (int d = 0; d < D; d++) {
                int li = m * D + d;
                struct gen_conn *l = &topo->links[li];
                l->master = m;
                l->device = d;
                l->unit = opt->device_id[d];
                /* UDP masters use one socket; each TCP connection has its own client port. */
                uint16_t mport = tcp ? (uint16_t)(49152 + li) : (uint16_t)(40001 + m);
                l->to_dev = add_sender(topo, truth, li, true, m, M + d, mport, opt->port, -1);
                l->to_mast = add_sender(topo, truth, li, false, M + d, m, opt->port, mport, -1);
            }
        }
        topo->n_unicast_links = M * D;
        topo->n_links = M * D;
        if (opt->broadcast > 0.0) {
            for (int m = 0; m < M; m++) {
                int li = topo->n_links++;
                struct gen_conn *l = &topo->links[li];
                l->master = m;
                l->device = -1;
                l->unit = 0xFF;
                l->to_dev = add_sender(topo, truth, li, true, m, topo->broadcast_host,
                                       (uint16_t)(40001 + m), opt->port, -1);
                l->to_mast = -1;
            }
        }
    }
    for (int i = 0; i < topo->n_links; i++) {
        struct gen_conn *l = &topo->links[i];
        if (l->to_mast >= 0) {
            topo->senders[l->to_dev].peer = l->to_mast;
            topo->senders[l->to_mast].peer = l->to_dev;
        }
    }
}

void topology_free(struct topology *topo)
{
    g_free(topo->hosts);
    g_free(topo->links);
    g_free(topo->senders);
    memset(topo, 0, sizeof *topo);
}

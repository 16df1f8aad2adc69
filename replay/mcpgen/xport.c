/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transport dispatch and the record sink shared by all transports. */
#include "xport.h"

#include <glib.h>
#include <stdlib.h>

#include "capwriter.h"
#include "exitcode.h"
#include "verify.h"

/* Timestamps start at a fixed instant (2023-11-14 22:13:20 UTC), never the clock. */
#define CAPTURE_EPOCH_NS 1700000000000000000ULL

uint32_t sink_record(struct record_sink *sink, uint64_t t_ns, const uint8_t *data, size_t len)
{
    if (t_ns < sink->last_ts)
        t_ns = sink->last_ts;
    sink->last_ts = t_ns;
    sink->records++;
    if (sink->writer != NULL &&
        !capwriter_write(sink->writer, CAPTURE_EPOCH_NS + t_ns, data, len)) {
        /* Nothing more can reach the capture: stop now (an endless run into a closed pipe would
         * never end); main's exit handler removes both outputs (docs/options.md: exit 6). */
        capwriter_report(sink->writer);
        exit(MCP_EXIT_OUTPUT);
    }
    if (sink->verifier != NULL)
        verifier_record(sink->verifier, sink->records, t_ns, data, len);
    return sink->records;
}

int xport_linktype(const struct gen_options *opt)
{
    switch (opt->link) {
    case GEN_LINK_SLL:
        return LINKTYPE_LINUX_SLL;
    case GEN_LINK_UPPER_PDU:
        return LINKTYPE_WIRESHARK_UPPER_PDU;
    case GEN_LINK_ETHERNET:
    case GEN_LINK_VLAN:
        break;
    }
    return LINKTYPE_ETHERNET;
}

struct xport *xport_new(const struct gen_options *opt, const struct topology *topo,
                        struct truth *truth, struct record_sink *sink)
{
    struct xport *x = g_new0(struct xport, 1);
    x->opt = opt;
    x->topo = topo;
    x->truth = truth;
    x->sink = sink;
    switch (opt->link) {
    case GEN_LINK_VLAN:
        x->net.link = NET_LINK_VLAN;
        break;
    case GEN_LINK_SLL:
        x->net.link = NET_LINK_SLL;
        break;
    case GEN_LINK_ETHERNET:
    case GEN_LINK_UPPER_PDU: /* serial records carry no packet headers */
        x->net.link = NET_LINK_ETHERNET;
        break;
    }
    x->net.vlan_id = opt->vlan_id;
    /* The transport's own stream of choices, so the traffic model is the same on every transport.
     */
    rng_seed(&x->rng, opt->seed * 2 + 1);
    x->ip_id = g_new0(uint16_t, topo->n_hosts);
    for (int i = 0; i < topo->n_hosts; i++)
        x->ip_id[i] = (uint16_t)rng_next(&x->rng);
    x->pkt = g_malloc(NET_MAX_HEADERS + 65536);
    if (opt->transport == GEN_TCP)
        tcp_init(x);
    else if (opt->transport == GEN_SERIAL)
        serial_init(x);
    return x;
}

void xport_burst(struct xport *x, const struct burst *b)
{
    switch (x->opt->transport) {
    case GEN_UDP:
        udp_burst(x, b);
        break;
    case GEN_TCP:
        tcp_burst(x, b);
        break;
    case GEN_SERIAL:
        serial_burst(x, b);
        break;
    }
}

void xport_finish(struct xport *x)
{
    if (x->opt->transport == GEN_TCP)
        tcp_finish(x);
}

void xport_free(struct xport *x)
{
    if (x->opt->transport == GEN_TCP)
        tcp_free(x);
    else if (x->opt->transport == GEN_SERIAL)
        serial_free(x);
    g_free(x->ip_id);
    g_free(x->pkt);
    g_free(x);
}

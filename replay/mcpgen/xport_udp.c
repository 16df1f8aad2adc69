/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UDP: each datagram holds one or more whole frames (§5). */
#include "xport.h"

/* Keeps every datagram within a 1500-byte MTU on IPv4 and IPv6. */
#define UDP_MAX_PAYLOAD 1400

static void send_datagram(struct xport *x, const struct burst *b, size_t first, size_t end)
{
    const struct gen_sender *s = &x->topo->senders[b->sender];
    const struct burst_frame *f = b->frames;
    size_t off = f[first].offset;
    size_t len = f[end - 1].offset + f[end - 1].len - off;
    size_t n = net_build(&x->net, &x->topo->hosts[s->src_host], &x->topo->hosts[s->dst_host],
                         s->sport, s->dport, x->ip_id[s->src_host]++, NULL, s->from_master,
                         b->bytes + off, len, x->pkt);
    uint32_t record = sink_record(x->sink, b->t_ns, x->pkt, n);
    for (size_t i = first; i < end; i++)
        truth_place(x->truth, f[i].truth, record);
}

void udp_burst(struct xport *x, const struct burst *b)
{
    /* A burst goes out as one datagram, or (--split) cut at random frame boundaries. */
    bool split = b->n_frames > 1 && rng_chance(&x->rng, x->opt->split);
    size_t first = 0, size = 0;
    for (size_t i = 0; i < b->n_frames; i++) {
        bool cut = i > first && ((split && rng_chance(&x->rng, 0.5)) ||
                                 size + b->frames[i].len > UDP_MAX_PAYLOAD);
        if (cut) {
            send_datagram(x, b, first, i);
            first = i;
            size = 0;
        }
        size += b->frames[i].len;
    }
    if (b->n_frames > 0)
        send_datagram(x, b, first, b->n_frames);
}

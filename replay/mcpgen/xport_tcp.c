/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP: one connection per master-device pair, opened with a three-way
 * handshake when first used and closed with FINs at the end. Frames are a
 * byte stream: a burst may be cut anywhere into segments of at most one MSS,
 * so frames span segments and segments hold several frames. A decoder shows
 * a frame in the segment holding its last byte.
 */
#include "xport.h"

#include <glib.h>

struct tcp_conn {
    bool open;
    bool sent_data[2]; /* 0 client (master), 1 server (device) */
    uint32_t next[2];  /* next sequence number of each side */
};

struct tcp_state {
    struct tcp_conn *conns; /* per link */
    uint16_t mss;
};

void tcp_init(struct xport *x)
{
    struct tcp_state *st = g_new0(struct tcp_state, 1);
    st->conns = g_new0(struct tcp_conn, x->topo->n_links);
    st->mss = x->opt->ipv6 ? 1440 : 1460;
    x->state = st;
}

void tcp_free(struct xport *x)
{
    struct tcp_state *st = x->state;
    g_free(st->conns);
    g_free(st);
}

static uint32_t segment(struct xport *x, const struct gen_conn *l, int side, uint64_t t,
                        uint8_t flags, const uint8_t *data, size_t len, bool syn_opt)
{
    struct tcp_state *st = x->state;
    struct tcp_conn *c = &st->conns[l - x->topo->links];
    const struct gen_sender *s = &x->topo->senders[side == 0 ? l->to_dev : l->to_mast];
    struct tcp_fields tcp = {.seq = c->next[side],
                             .ack = (flags & TCP_ACK) ? c->next[1 - side] : 0,
                             .flags = flags,
                             .mss_option = syn_opt,
                             .mss = st->mss};
    size_t n =
        net_build(&x->net, &x->topo->hosts[s->src_host], &x->topo->hosts[s->dst_host], s->sport,
                  s->dport, x->ip_id[s->src_host]++, &tcp, side == 0, data, len, x->pkt);
    c->next[side] += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
    return sink_record(x->sink, t, x->pkt, n);
}

static void handshake(struct xport *x, const struct gen_conn *l, uint64_t t)
{
    struct tcp_conn *c = &((struct tcp_state *)x->state)->conns[l - x->topo->links];
    c->open = true;
    c->next[0] = (uint32_t)rng_next(&x->rng);
    c->next[1] = (uint32_t)rng_next(&x->rng);
    segment(x, l, 0, t, TCP_SYN, NULL, 0, true);
    segment(x, l, 1, t + 1000, TCP_SYN | TCP_ACK, NULL, 0, true);
    segment(x, l, 0, t + 2000, TCP_ACK, NULL, 0, false);
}

/* Cut points of a burst: segment ends, strictly increasing, the last one = len. */
static size_t cut_points(struct xport *x, const struct burst *b, bool first_data, size_t mss,
                         size_t *ends, size_t cap)
{
    size_t n = 0;
    size_t cuts[4];
    size_t n_cuts = 0;
    if (first_data) {
        /* The first segment of a direction starts with a whole frame, for the heuristic. */
        if (b->frames[0].len <= mss && b->n_frames > 1)
            cuts[n_cuts++] = b->frames[0].len;
    } else if (rng_chance(&x->rng, x->opt->split) && b->len <= mss) {
        /* (a burst over one MSS is cut at MSS boundaries only: a 4 KiB frame
         * takes exactly three segments) */
        size_t k = rng_range(&x->rng, 1, 3);
        for (size_t i = 0; i < k && b->len > 1; i++)
            cuts[n_cuts++] = 1 + rng_below(&x->rng, (uint32_t)(b->len - 1));
    }
    cuts[n_cuts++] = b->len;
    /* sort the few cuts, then cap every segment at one MSS */
    for (size_t i = 1; i < n_cuts; i++)
        for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
            size_t tmp = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = tmp;
        }
    size_t pos = 0;
    for (size_t i = 0; i < n_cuts; i++) {
        if (cuts[i] <= pos)
            continue;
        while (cuts[i] - pos > mss && n < cap) {
            pos += mss;
            ends[n++] = pos;
        }
        if (n < cap)
            ends[n++] = cuts[i];
        pos = cuts[i];
    }
    return n;
}

void tcp_burst(struct xport *x, const struct burst *b)
{
    struct tcp_state *st = x->state;
    const struct gen_sender *s = &x->topo->senders[b->sender];
    const struct gen_conn *l = &x->topo->links[s->link];
    struct tcp_conn *c = &st->conns[s->link];
    int side = s->from_master ? 0 : 1;
    uint64_t t = b->t_ns;
    if (!c->open) {
        handshake(x, l, t);
        t += 3000;
    }
    size_t ends[64];
    size_t n = cut_points(x, b, !c->sent_data[side], st->mss, ends, G_N_ELEMENTS(ends));
    c->sent_data[side] = true;
    size_t pos = 0, fi = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t record = segment(x, l, side, t + i * 1000, TCP_PSH | TCP_ACK, b->bytes + pos,
                                  ends[i] - pos, false);
        /* frames whose last byte is in this segment */
        while (fi < b->n_frames && b->frames[fi].offset + b->frames[fi].len <= ends[i]) {
            truth_place(x->truth, b->frames[fi].truth, record);
            fi++;
        }
        pos = ends[i];
    }
}

void tcp_finish(struct xport *x)
{
    struct tcp_state *st = x->state;
    uint64_t t = x->sink->last_ts + 1000000;
    for (int i = 0; i < x->topo->n_links; i++) {
        if (!st->conns[i].open)
            continue;
        const struct gen_conn *l = &x->topo->links[i];
        segment(x, l, 0, t, TCP_FIN | TCP_ACK, NULL, 0, false);
        segment(x, l, 1, t + 1000, TCP_FIN | TCP_ACK, NULL, 0, false);
        segment(x, l, 0, t + 2000, TCP_ACK, NULL, 0, false);
        t += 3000;
    }
}

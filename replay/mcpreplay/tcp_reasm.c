/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP stream reassembly for one direction. */
#include "tcp_reasm.h"

#include <string.h>

struct segment {
    struct mr_recmeta meta;
    bool fin;
    uint32_t seq;
    size_t len;
    uint8_t data[];
};

/* Signed distance a - b in sequence space. */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

void mr_tcp_reasm_init(struct mr_tcp_reasm *r)
{
    memset(r, 0, sizeof *r);
}

void mr_tcp_reasm_clear(struct mr_tcp_reasm *r)
{
    g_slist_free_full(r->pending, g_free);
    mr_tcp_reasm_init(r);
}

/* Delivers the part of [seq, seq+len) at or after next_seq; returns false if it starts later. */
static bool deliver_in_order(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, uint32_t seq,
                             const uint8_t *data, size_t len, bool fin, mr_tcp_deliver_cb cb,
                             void *ctx)
{
    int32_t ahead = seq_diff(seq, r->next_seq);
    if (ahead > 0)
        return false;
    size_t skip = (size_t)(-(int64_t)ahead);
    if (skip > len || (skip == len && !fin))
        return true;   /* wholly a retransmission */
    if (skip == len) { /* the FIN takes one sequence number after the data */
        r->next_seq += 1;
        return true;
    }
    r->next_seq += (uint32_t)(len - skip) + (fin ? 1 : 0);
    cb(ctx, meta, data + skip, len - skip);
    return true;
}

/* Delivers the pending segments that are now in order: credited to `filler`
 * (the record whose bytes filled the gap, as Wireshark shows them), or to
 * their own records when filler is NULL (after a hole was given up). */
static void drain_pending(struct mr_tcp_reasm *r, const struct mr_recmeta *filler,
                          mr_tcp_deliver_cb cb, void *ctx)
{
    while (r->pending != NULL) {
        struct segment *s = r->pending->data;
        if (seq_diff(s->seq, r->next_seq) > 0)
            return;
        r->pending = g_slist_delete_link(r->pending, r->pending);
        r->pending_bytes -= s->len;
        r->pending_count--;
        deliver_in_order(r, filler != NULL ? filler : &s->meta, s->seq, s->data, s->len, s->fin, cb,
                         ctx);
        g_free(s);
    }
}

static gint by_seq(gconstpointer a, gconstpointer b)
{
    const struct segment *x = a, *y = b;
    int32_t d = seq_diff(x->seq, y->seq);
    return d < 0 ? -1 : d > 0;
}

/* Gives up the bytes before `limit` that are not there: holes, then what follows them. */
static void give_up_before(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, uint32_t limit,
                           mr_tcp_deliver_cb cb, void *ctx)
{
    while (seq_diff(limit, r->next_seq) > 0) {
        uint32_t to = limit;
        if (r->pending != NULL) {
            struct segment *s = r->pending->data;
            if (seq_diff(s->seq, limit) < 0)
                to = s->seq;
        }
        size_t missing = (size_t)seq_diff(to, r->next_seq);
        r->holes++;
        r->hole_bytes += missing;
        r->next_seq = to;
        cb(ctx, meta, NULL, missing);
        drain_pending(r, NULL, cb, ctx);
    }
}

/* Skips the hole before the earliest pending segment. */
static void skip_hole(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, mr_tcp_deliver_cb cb,
                      void *ctx)
{
    struct segment *s = r->pending->data;
    give_up_before(r, meta, s->seq, cb, ctx);
    drain_pending(r, NULL, cb, ctx);
}

void mr_tcp_reasm_segment(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, uint32_t seq,
                          bool syn, bool fin, const uint8_t *data, size_t len, mr_tcp_deliver_cb cb,
                          void *ctx)
{
    if (syn) {
        seq += 1; /* the SYN takes one sequence number */
        if (!r->started) {
            r->started = true;
            r->next_seq = seq;
        }
    }
    if (len == 0 && !fin)
        return;
    if (!r->started) { /* capture began mid-connection */
        r->started = true;
        r->next_seq = seq;
    }
    if (deliver_in_order(r, meta, seq, data, len, fin, cb, ctx)) {
        drain_pending(r, meta, cb, ctx);
        return;
    }
    struct segment *s = g_malloc(sizeof *s + len);
    s->meta = *meta;
    s->fin = fin;
    s->seq = seq;
    s->len = len;
    memcpy(s->data, data, len);
    r->pending = g_slist_insert_sorted(r->pending, s, by_seq);
    r->pending_bytes += len;
    r->pending_count++;
    if (r->acked_valid && seq_diff(r->acked, r->next_seq) <= (int32_t)MR_TCP_MAX_PENDING_BYTES)
        give_up_before(r, meta, r->acked, cb, ctx);
    while (r->pending != NULL && (r->pending_count > MR_TCP_MAX_PENDING_SEGMENTS ||
                                  r->pending_bytes > MR_TCP_MAX_PENDING_BYTES))
        skip_hole(r, meta, cb, ctx);
}

void mr_tcp_reasm_ack(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, uint32_t ack,
                      mr_tcp_deliver_cb cb, void *ctx)
{
    if (!r->started)
        return;
    if (!r->acked_valid || seq_diff(ack, r->acked) > 0) {
        r->acked = ack;
        r->acked_valid = true;
    }
    /* An acknowledgement far ahead of anything seen is not believed (a
     * capture that began mid-connection, a wrapped or bogus number). */
    if (seq_diff(r->acked, r->next_seq) > (int32_t)MR_TCP_MAX_PENDING_BYTES)
        return;
    give_up_before(r, meta, r->acked, cb, ctx);
}

void mr_tcp_reasm_window(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, uint32_t end,
                         uint64_t window, mr_tcp_deliver_cb cb, void *ctx)
{
    if (!r->started || window == 0 || window >= (uint64_t)MR_TCP_MAX_PENDING_BYTES)
        return;
    int32_t ahead = seq_diff(end, r->next_seq);
    if (ahead <= (int32_t)window || ahead > (int32_t)MR_TCP_MAX_PENDING_BYTES)
        return;
    give_up_before(r, meta, end - (uint32_t)window, cb, ctx);
}

void mr_tcp_reasm_flush(struct mr_tcp_reasm *r, const struct mr_recmeta *meta, mr_tcp_deliver_cb cb,
                        void *ctx)
{
    while (r->pending != NULL)
        skip_hole(r, meta, cb, ctx);
}

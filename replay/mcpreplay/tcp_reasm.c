/* TCP stream reassembly for one direction. */
#include "tcp_reasm.h"

#include <string.h>

struct segment {
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
static bool deliver_in_order(struct mr_tcp_reasm *r, uint32_t seq, const uint8_t *data, size_t len,
                             mr_tcp_deliver_cb cb, void *ctx)
{
    int32_t ahead = seq_diff(seq, r->next_seq);
    if (ahead > 0)
        return false;
    size_t skip = (size_t)(-(int64_t)ahead);
    if (skip >= len)
        return true; /* wholly a retransmission */
    cb(ctx, data + skip, len - skip);
    r->next_seq += (uint32_t)(len - skip);
    return true;
}

static void drain_pending(struct mr_tcp_reasm *r, mr_tcp_deliver_cb cb, void *ctx)
{
    while (r->pending != NULL) {
        struct segment *s = r->pending->data;
        if (!deliver_in_order(r, s->seq, s->data, s->len, cb, ctx))
            return;
        r->pending = g_slist_delete_link(r->pending, r->pending);
        r->pending_bytes -= s->len;
        r->pending_count--;
        g_free(s);
    }
}

static gint by_seq(gconstpointer a, gconstpointer b)
{
    const struct segment *x = a, *y = b;
    int32_t d = seq_diff(x->seq, y->seq);
    return d < 0 ? -1 : d > 0;
}

/* Skips the hole before the earliest pending segment. */
static void skip_hole(struct mr_tcp_reasm *r, mr_tcp_deliver_cb cb, void *ctx)
{
    struct segment *s = r->pending->data;
    size_t missing = (size_t)seq_diff(s->seq, r->next_seq);
    r->holes++;
    r->hole_bytes += missing;
    cb(ctx, NULL, missing);
    r->next_seq = s->seq;
    drain_pending(r, cb, ctx);
}

void mr_tcp_reasm_segment(struct mr_tcp_reasm *r, uint32_t seq, bool syn, const uint8_t *data,
                          size_t len, mr_tcp_deliver_cb cb, void *ctx)
{
    if (syn) {
        seq += 1; /* the SYN takes one sequence number */
        if (!r->started) {
            r->started = true;
            r->next_seq = seq;
        }
    }
    if (len == 0)
        return;
    if (!r->started) { /* capture began mid-connection */
        r->started = true;
        r->next_seq = seq;
    }
    if (deliver_in_order(r, seq, data, len, cb, ctx)) {
        drain_pending(r, cb, ctx);
        return;
    }
    struct segment *s = g_malloc(sizeof *s + len);
    s->seq = seq;
    s->len = len;
    memcpy(s->data, data, len);
    r->pending = g_slist_insert_sorted(r->pending, s, by_seq);
    r->pending_bytes += len;
    r->pending_count++;
    while (r->pending != NULL && (r->pending_count > MR_TCP_MAX_PENDING_SEGMENTS ||
                                  r->pending_bytes > MR_TCP_MAX_PENDING_BYTES))
        skip_hole(r, cb, ctx);
}

void mr_tcp_reasm_flush(struct mr_tcp_reasm *r, mr_tcp_deliver_cb cb, void *ctx)
{
    while (r->pending != NULL)
        skip_hole(r, cb, ctx);
}

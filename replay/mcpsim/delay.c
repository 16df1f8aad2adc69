/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The latency queue: a deadline-ordered list; inserts scan from the tail since
 * deadlines mostly grow (constant latency plus some jitter). */
#include "delay.h"

#include <string.h>

#include <glib.h>

struct delayed {
    uint64_t due_ns;
    struct sim_peer peer;
    size_t len;
    uint8_t bytes[SIM_MAX_OUT_FRAME];
};

struct sim_delay_queue {
    GQueue items; /* of struct delayed *, earliest first */
};

struct sim_delay_queue *sim_delay_new(void)
{
    struct sim_delay_queue *q = g_new0(struct sim_delay_queue, 1);
    g_queue_init(&q->items);
    return q;
}

void sim_delay_free(struct sim_delay_queue *q)
{
    if (q == NULL)
        return;
    g_queue_clear_full(&q->items, g_free);
    g_free(q);
}

bool sim_delay_push(struct sim_delay_queue *q, uint64_t due_ns, const struct sim_peer *peer,
                    const uint8_t *bytes, size_t len)
{
    if (q->items.length >= SIM_DELAY_MAX || len > SIM_MAX_OUT_FRAME)
        return false;
    struct delayed *d = g_new(struct delayed, 1);
    d->due_ns = due_ns;
    d->peer = *peer;
    d->len = len;
    memcpy(d->bytes, bytes, len);
    GList *after = q->items.tail;
    while (after != NULL && ((struct delayed *)after->data)->due_ns > due_ns)
        after = after->prev;
    if (after == NULL)
        g_queue_push_head(&q->items, d);
    else
        g_queue_insert_after(&q->items, after, d);
    return true;
}

uint64_t sim_delay_next_due(const struct sim_delay_queue *q)
{
    const struct delayed *d = g_queue_peek_head((GQueue *)&q->items);
    return d ? d->due_ns : UINT64_MAX;
}

void sim_delay_run(struct sim_delay_queue *q, struct sim_core *core, uint64_t now_ns)
{
    struct delayed *d;
    while ((d = g_queue_peek_head(&q->items)) != NULL && d->due_ns <= now_ns) {
        g_queue_pop_head(&q->items);
        sim_peer_send(core, &d->peer, d->bytes, d->len);
        g_free(d);
    }
}

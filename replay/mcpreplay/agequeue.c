/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A FIFO of (id, time) pairs with compaction (agequeue.h). */
#include "agequeue.h"

#include <glib.h>

void mr_agequeue_init(struct mr_agequeue *q)
{
    *q = (struct mr_agequeue){0};
}

void mr_agequeue_clear(struct mr_agequeue *q)
{
    g_free(q->e);
    mr_agequeue_init(q);
}

static struct mr_agequeue_entry *at(const struct mr_agequeue *q, size_t i)
{
    return &q->e[(q->first + i) & (q->cap - 1)];
}

void mr_agequeue_push(struct mr_agequeue *q, uint64_t id, int64_t ts_ns)
{
    if (q->n == q->cap) {
        size_t cap = q->cap == 0 ? 64 : 2 * q->cap;
        struct mr_agequeue_entry *e = g_new(struct mr_agequeue_entry, cap);
        for (size_t i = 0; i < q->n; i++)
            e[i] = *at(q, i);
        g_free(q->e);
        q->e = e;
        q->cap = cap;
        q->first = 0;
    }
    *at(q, q->n) = (struct mr_agequeue_entry){.id = id, .ts_ns = ts_ns};
    q->n++;
}

const struct mr_agequeue_entry *mr_agequeue_head(const struct mr_agequeue *q)
{
    return q->n == 0 ? NULL : at(q, 0);
}

void mr_agequeue_pop(struct mr_agequeue *q)
{
    if (q->n == 0)
        return;
    q->first = (q->first + 1) & (q->cap - 1);
    q->n--;
}

void mr_agequeue_compact(struct mr_agequeue *q, bool (*keep)(void *ctx, uint64_t id), void *ctx)
{
    size_t kept = 0;
    for (size_t i = 0; i < q->n; i++) {
        struct mr_agequeue_entry x = *at(q, i);
        if (keep(ctx, x.id))
            *at(q, kept++) = x;
    }
    q->n = kept;
}

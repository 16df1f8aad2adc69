/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A FIFO of (id, time) pairs in arrival order, for "give this up once it is
 * this old" (--expect: a recorded request whose answer the capture has not
 * shown within a window). Entries are dropped from the head when old, or
 * anywhere by mr_agequeue_compact when the caller no longer needs them, so the
 * queue holds about as many entries as are still live, not every one ever
 * pushed. 16 bytes an entry, in one growing array (amortised O(1) push).
 */
#ifndef MR_AGEQUEUE_H
#define MR_AGEQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mr_agequeue_entry {
    uint64_t id;
    int64_t ts_ns;
};

struct mr_agequeue {
    struct mr_agequeue_entry *e;
    size_t cap;   /* a power of two, or 0 */
    size_t first; /* index of the oldest */
    size_t n;
};

void mr_agequeue_init(struct mr_agequeue *q);
void mr_agequeue_clear(struct mr_agequeue *q);
/* Appends the newest entry (ts_ns need not grow: the queue keeps arrival order). Aborts on OOM. */
void mr_agequeue_push(struct mr_agequeue *q, uint64_t id, int64_t ts_ns);
/* The oldest entry, NULL when empty; mr_agequeue_pop drops it. */
const struct mr_agequeue_entry *mr_agequeue_head(const struct mr_agequeue *q);
void mr_agequeue_pop(struct mr_agequeue *q);
/* Keeps only the entries for which keep(ctx, id) is true, order unchanged; O(n). */
void mr_agequeue_compact(struct mr_agequeue *q, bool (*keep)(void *ctx, uint64_t id), void *ctx);

#endif

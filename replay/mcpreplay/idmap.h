/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A map from non-zero 64-bit ids to pointers, for the per-request tables of
 * --expect (issue 24: at top speed every request is inserted, looked up and
 * removed; GHashTable costs several hundred instructions an operation there,
 * this about thirty). Open addressing with linear probing and backward-shift
 * deletion (no tombstones), Fibonacci hashing of the id, at most 1/2 full:
 * 16 bytes a slot, growing by doubling and shrinking back when a quarter of
 * the minimum is in use. Aborts on out-of-memory, as GLib does.
 */
#ifndef MR_IDMAP_H
#define MR_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct mr_idmap_slot {
    uint64_t id; /* 0: empty */
    void *value;
};

struct mr_idmap {
    struct mr_idmap_slot *slots;
    size_t mask; /* slots - 1 (slots a power of two), 0 before the first insert */
    size_t count;
};

void mr_idmap_init(struct mr_idmap *m);
/* Frees the slots (not the values). The map is empty and usable again. */
void mr_idmap_clear(struct mr_idmap *m);
/* Adds or replaces id (id != 0; value != NULL). */
void mr_idmap_put(struct mr_idmap *m, uint64_t id, void *value);
/* The value stored for id, NULL if none. */
void *mr_idmap_get(const struct mr_idmap *m, uint64_t id);
/* Removes id; returns its value, NULL if it was not there. */
void *mr_idmap_take(struct mr_idmap *m, uint64_t id);
/* Calls fn on every value (in no particular order); fn must not change the map. */
void mr_idmap_foreach(const struct mr_idmap *m, void (*fn)(void *ctx, void *value), void *ctx);

#endif

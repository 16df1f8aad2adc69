/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixed-size objects addressed by a 64-bit handle: (generation << 32) | (slot + 1).
 * Getting an object by its handle is an array index and a generation check (no
 * hashing), and a handle whose object was freed finds nothing, even once its
 * slot is reused: for per-request state that a callback may name after it is
 * settled (--expect's open expectations: the master reports an id, a late answer
 * may come after the timeout settled it). Slots are allocated 1,024 at a time and
 * reused through a free list: memory follows the most objects live at once.
 * Handles are never 0. Aborts on out-of-memory, as GLib does.
 */
#ifndef MR_SLAB_H
#define MR_SLAB_H

#include <stddef.h>
#include <stdint.h>

struct mr_slab_slot;

struct mr_slab {
    size_t size;                  /* bytes of an object */
    size_t stride;                /* bytes of a slot: its header, the object, alignment */
    struct mr_slab_slot **chunks; /* SLAB_CHUNK slots each */
    uint32_t chunk_count, slots;  /* slots allocated */
    uint32_t free_head;           /* UINT32_MAX: none */
    size_t live;
};

void mr_slab_init(struct mr_slab *s, size_t object_size);
/* Frees every slot (the objects' own allocations are the caller's). */
void mr_slab_clear(struct mr_slab *s);
/* A new zeroed object and its handle (*handle != 0). */
void *mr_slab_new(struct mr_slab *s, uint64_t *handle);
/* The live object of handle, NULL if it was freed (or never was). */
void *mr_slab_get(const struct mr_slab *s, uint64_t handle);
/* Frees the object of handle (nothing if it is not live). */
void mr_slab_free(struct mr_slab *s, uint64_t handle);
/* Calls fn on each live object with its handle; fn must not allocate or free. */
void mr_slab_foreach(const struct mr_slab *s, void (*fn)(void *ctx, void *obj, uint64_t handle),
                     void *ctx);

#endif

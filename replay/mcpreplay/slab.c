/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fixed-size objects addressed by generation-checked handles (slab.h). */
#include "slab.h"

#include <glib.h>
#include <string.h>

#define SLAB_CHUNK 1024u
#define NONE       UINT32_MAX

struct mr_slab_slot {
    uint32_t gen;       /* bumped each time the slot is freed */
    uint32_t next_free; /* free list, while not live */
    int live;
    /* the object follows, aligned as a max_align_t */
    _Alignas(max_align_t) unsigned char obj[];
};

static size_t slot_bytes(const struct mr_slab *s)
{
    size_t b = sizeof(struct mr_slab_slot) + s->size;
    size_t a = _Alignof(max_align_t);
    return (b + a - 1) / a * a;
}

static struct mr_slab_slot *slot_at(const struct mr_slab *s, uint32_t i)
{
    return (struct mr_slab_slot *)((unsigned char *)s->chunks[i / SLAB_CHUNK] +
                                   (size_t)(i % SLAB_CHUNK) * s->stride);
}

void mr_slab_init(struct mr_slab *s, size_t object_size)
{
    *s = (struct mr_slab){.size = object_size, .free_head = NONE};
    s->stride = slot_bytes(s);
}

void mr_slab_clear(struct mr_slab *s)
{
    for (uint32_t c = 0; c < s->chunk_count; c++)
        g_free(s->chunks[c]);
    g_free(s->chunks);
    mr_slab_init(s, s->size);
}

void *mr_slab_new(struct mr_slab *s, uint64_t *handle)
{
    if (s->free_head == NONE) { /* a new chunk, its slots on the free list in order */
        g_assert(s->slots <= UINT32_MAX - 2 * SLAB_CHUNK);
        s->chunks = g_renew(struct mr_slab_slot *, s->chunks, s->chunk_count + 1);
        s->chunks[s->chunk_count++] = g_malloc0(SLAB_CHUNK * s->stride);
        for (uint32_t i = SLAB_CHUNK; i-- > 0;) {
            struct mr_slab_slot *x = slot_at(s, s->slots + i);
            x->next_free = s->free_head;
            s->free_head = s->slots + i;
        }
        s->slots += SLAB_CHUNK;
    }
    uint32_t i = s->free_head;
    struct mr_slab_slot *x = slot_at(s, i);
    s->free_head = x->next_free;
    x->live = 1;
    memset(x->obj, 0, s->size);
    s->live++;
    *handle = (uint64_t)x->gen << 32 | (uint64_t)(i + 1);
    return x->obj;
}

static struct mr_slab_slot *live_slot(const struct mr_slab *s, uint64_t handle)
{
    uint32_t low = (uint32_t)handle;
    if (low == 0 || low > s->slots)
        return NULL;
    struct mr_slab_slot *x = slot_at(s, low - 1);
    return x->live && x->gen == (uint32_t)(handle >> 32) ? x : NULL;
}

void *mr_slab_get(const struct mr_slab *s, uint64_t handle)
{
    struct mr_slab_slot *x = live_slot(s, handle);
    return x != NULL ? x->obj : NULL;
}

void mr_slab_free(struct mr_slab *s, uint64_t handle)
{
    struct mr_slab_slot *x = live_slot(s, handle);
    if (x == NULL)
        return;
    x->live = 0;
    x->gen++;
    x->next_free = s->free_head;
    s->free_head = (uint32_t)handle - 1;
    s->live--;
}

void mr_slab_foreach(const struct mr_slab *s, void (*fn)(void *ctx, void *obj, uint64_t handle),
                     void *ctx)
{
    for (uint32_t i = 0; i < s->slots; i++) {
        struct mr_slab_slot *x = slot_at(s, i);
        if (x->live)
            fn(ctx, x->obj, (uint64_t)x->gen << 32 | (uint64_t)(i + 1));
    }
}

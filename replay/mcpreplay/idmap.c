/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A map from non-zero 64-bit ids to pointers (idmap.h). */
#include "idmap.h"

#include <glib.h>

#define MIN_SLOTS 64

void mr_idmap_init(struct mr_idmap *m)
{
    *m = (struct mr_idmap){0};
}

void mr_idmap_clear(struct mr_idmap *m)
{
    g_free(m->slots);
    mr_idmap_init(m);
}

static size_t home(const struct mr_idmap *m, uint64_t id)
{
    return (size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & m->mask;
}

static void resize(struct mr_idmap *m, size_t slots)
{
    struct mr_idmap old = *m;
    m->slots = g_new0(struct mr_idmap_slot, slots);
    m->mask = slots - 1;
    for (size_t i = 0; old.slots != NULL && i <= old.mask; i++) {
        if (old.slots[i].id == 0)
            continue;
        size_t j = home(m, old.slots[i].id);
        while (m->slots[j].id != 0)
            j = (j + 1) & m->mask;
        m->slots[j] = old.slots[i];
    }
    g_free(old.slots);
}

void mr_idmap_put(struct mr_idmap *m, uint64_t id, void *value)
{
    g_assert(id != 0);
    if (m->slots == NULL || 2 * (m->count + 1) > m->mask + 1)
        resize(m, m->slots == NULL ? MIN_SLOTS : 2 * (m->mask + 1));
    size_t i = home(m, id);
    while (m->slots[i].id != 0 && m->slots[i].id != id)
        i = (i + 1) & m->mask;
    if (m->slots[i].id == 0)
        m->count++;
    m->slots[i] = (struct mr_idmap_slot){.id = id, .value = value};
}

static size_t find(const struct mr_idmap *m, uint64_t id)
{
    if (m->slots == NULL || id == 0)
        return SIZE_MAX;
    for (size_t i = home(m, id);; i = (i + 1) & m->mask) {
        if (m->slots[i].id == id)
            return i;
        if (m->slots[i].id == 0)
            return SIZE_MAX;
    }
}

void *mr_idmap_get(const struct mr_idmap *m, uint64_t id)
{
    size_t i = find(m, id);
    return i == SIZE_MAX ? NULL : m->slots[i].value;
}

void *mr_idmap_take(struct mr_idmap *m, uint64_t id)
{
    size_t i = find(m, id);
    if (i == SIZE_MAX)
        return NULL;
    void *value = m->slots[i].value;
    /* Backward shift: later entries of the probe run move into the gap when their home
     * position allows it, so lookups never need tombstones. */
    for (size_t j = (i + 1) & m->mask; m->slots[j].id != 0; j = (j + 1) & m->mask) {
        size_t h = home(m, m->slots[j].id);
        /* j's entry may fill the gap at i unless its home lies cyclically in (i, j] */
        if (((j - h) & m->mask) >= ((j - i) & m->mask)) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i] = (struct mr_idmap_slot){0};
    m->count--;
    if (m->mask + 1 > MIN_SLOTS && 8 * m->count < m->mask + 1)
        resize(m, (m->mask + 1) / 2);
    return value;
}

void mr_idmap_foreach(const struct mr_idmap *m, void (*fn)(void *ctx, void *value), void *ctx)
{
    for (size_t i = 0; m->slots != NULL && i <= m->mask; i++)
        if (m->slots[i].id != 0)
            fn(ctx, m->slots[i].value);
}

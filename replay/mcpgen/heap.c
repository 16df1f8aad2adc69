/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Binary min-heap keyed by (t, order). */
#include "heap.h"

#include <glib.h>

void heap_init(struct heap *h)
{
    h->items = NULL;
    h->len = h->cap = 0;
    h->next_order = 0;
}

void heap_free(struct heap *h)
{
    g_free(h->items);
    heap_init(h);
}

static bool before(const struct item *a, const struct item *b)
{
    return a->t < b->t || (a->t == b->t && a->order < b->order);
}

void heap_push(struct heap *h, struct item *item)
{
    if (h->len == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->items = g_renew(struct item, h->items, h->cap);
    }
    item->order = h->next_order++;
    size_t i = h->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(item, &h->items[parent]))
            break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = *item;
}

bool heap_pop(struct heap *h, struct item *out)
{
    if (h->len == 0)
        return false;
    *out = h->items[0];
    struct item last = h->items[--h->len];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->len)
            break;
        if (c + 1 < h->len && before(&h->items[c + 1], &h->items[c]))
            c++;
        if (!before(&h->items[c], &last))
            break;
        h->items[i] = h->items[c];
        i = c;
    }
    if (h->len > 0)
        h->items[i] = last;
    return true;
}

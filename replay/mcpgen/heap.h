/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A binary min-heap of scheduled model events, ordered by (time, insertion order). */
#ifndef MCPGEN_HEAP_H
#define MCPGEN_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msg;

enum item_kind {
    ITEM_TICK,         /* the traffic source starts an exchange */
    ITEM_FRESH,        /* a sender's new frame (request, response, event) */
    ITEM_NAKS,         /* a receiver's NAKs, then the sender's retransmission */
    ITEM_RETRANS_HELD, /* resend the frame held after a bad check or a NAK */
    ITEM_RETRANS_LOST  /* resend the frames lost before the capture point */
};

struct item {
    uint64_t t;
    uint64_t order; /* ties broken by insertion order: deterministic */
    enum item_kind kind;
    int sender;
    struct msg *msg;
    uint8_t reason;      /* ITEM_NAKS */
    uint8_t n_naks;      /* ITEM_NAKS */
    uint8_t naks[16];    /* ITEM_NAKS: the seqs named */
    int target;          /* ITEM_NAKS: the sender that must resend */
    enum item_kind then; /* ITEM_NAKS: what the target does next */
    bool released;       /* ITEM_FRESH: comes back from the sender's wait queue */
};

struct heap {
    struct item *items;
    size_t len, cap;
    uint64_t next_order;
};

void heap_init(struct heap *h);
void heap_free(struct heap *h);
/* Copies the item in, stamping its order. */
void heap_push(struct heap *h, struct item *item);
bool heap_pop(struct heap *h, struct item *out);

#endif

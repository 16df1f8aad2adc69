/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Request/response matching (docs/PROTOCOL.md §4). */
#include "mcp/match.h"

#include <stdlib.h>
#include <string.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"

struct mcp_match_entry {
    uint64_t id;
    uint8_t cmd;
};

/*
 * One seq's unanswered requests, oldest first, in a ring of cap slots (a power
 * of two, 4 up to MCP_MATCH_DEPTH): the i-th oldest is e[(first + i) % cap].
 * Adding is O(1): a free slot, or (at the depth bound) the oldest's slot, which
 * then becomes the newest. A response scans newest first, at most
 * MCP_MATCH_DEPTH entries of one seq, and closes the gap it leaves by moving
 * the newer ones (none when it answers the newest, the usual case).
 */
struct mcp_match_ring {
    uint8_t first, n, cap;
    struct mcp_match_entry e[];
};

#define MIN_CAP 1

_Static_assert(MCP_MATCH_DEPTH >= 4 && (MCP_MATCH_DEPTH & (MCP_MATCH_DEPTH - 1)) == 0 &&
                   MCP_MATCH_DEPTH <= 128,
               "MCP_MATCH_DEPTH: a power of two, 4..128 (ring indexes are 8-bit)");

static size_t ring_bytes(unsigned cap)
{
    return sizeof(struct mcp_match_ring) + cap * sizeof(struct mcp_match_entry);
}

void mcp_match_init(struct mcp_match_table *table)
{
    table->by_seq = NULL;
    table->pending = 0;
}

void mcp_match_clear(struct mcp_match_table *table)
{
    if (table->by_seq != NULL) {
        for (size_t i = 0; i < 256; i++)
            free(table->by_seq[i]);
        free(table->by_seq);
    }
    mcp_match_init(table);
}

/* A ring of cap slots holding ring's entries (or none), oldest at slot 0. */
static struct mcp_match_ring *new_ring(const struct mcp_match_ring *ring, unsigned cap)
{
    struct mcp_match_ring *r = malloc(ring_bytes(cap));
    if (r == NULL)
        return NULL;
    r->first = 0;
    r->n = 0;
    r->cap = (uint8_t)cap;
    if (ring != NULL) {
        for (unsigned i = 0; i < ring->n; i++)
            r->e[i] = ring->e[(ring->first + i) & (ring->cap - 1u)];
        r->n = ring->n;
    }
    return r;
}

/* Indexed: notes a request as its seq's newest; at the depth bound its oldest is forgotten. */
static bool push_entry(struct mcp_match_ring **by_seq, uint8_t seq, uint8_t cmd, uint64_t id,
                       size_t *pending, bool *forgot, uint64_t *forgotten_id)
{
    struct mcp_match_ring *r = by_seq[seq];
    if (r == NULL || (r->n == r->cap && r->cap < MCP_MATCH_DEPTH)) {
        struct mcp_match_ring *grown = new_ring(r, r == NULL ? MIN_CAP : 2u * r->cap);
        if (grown == NULL)
            return false;
        free(r);
        by_seq[seq] = r = grown;
    }
    unsigned mask = r->cap - 1u;
    if (r->n == MCP_MATCH_DEPTH) {
        /* Bound the memory a peer that never answers can cost: the oldest's slot is reused. */
        *forgot = true;
        *forgotten_id = r->e[r->first].id;
        r->e[r->first] = (struct mcp_match_entry){.id = id, .cmd = cmd};
        r->first = (uint8_t)((r->first + 1u) & mask);
        return true;
    }
    r->e[(r->first + r->n) & mask] = (struct mcp_match_entry){.id = id, .cmd = cmd};
    r->n++;
    (*pending)++;
    return true;
}

/* The inline requests move into a new index, oldest first (so newest ends last in each ring). */
static bool build_index(struct mcp_match_table *table)
{
    struct mcp_match_ring **by_seq = calloc(256, sizeof *by_seq);
    if (by_seq == NULL)
        return false;
    size_t n = 0;
    bool forgot = false; /* never: at most MCP_MATCH_INLINE < MCP_MATCH_DEPTH entries move */
    uint64_t forgotten_id;
    for (size_t i = 0; i < table->pending; i++) {
        if (!push_entry(by_seq, table->inline_seq[i], table->inline_cmd[i], table->inline_id[i], &n,
                        &forgot, &forgotten_id)) {
            struct mcp_match_table partial = {.by_seq = by_seq};
            mcp_match_clear(&partial);
            return false;
        }
    }
    table->by_seq = by_seq;
    return true;
}

bool mcp_match_add_request(struct mcp_match_table *table, uint8_t seq, uint8_t cmd, uint64_t id)
{
    bool forgot;
    uint64_t forgotten_id;
    return mcp_match_add_request_forget(table, seq, cmd, id, &forgot, &forgotten_id);
}

bool mcp_match_add_request_forget(struct mcp_match_table *table, uint8_t seq, uint8_t cmd,
                                  uint64_t id, bool *forgot, uint64_t *forgotten_id)
{
    *forgot = false;
    if (table->by_seq == NULL) {
        size_t n = table->pending;
        if (n < MCP_MATCH_INLINE) {
            table->inline_id[n] = id;
            table->inline_seq[n] = seq;
            table->inline_cmd[n] = cmd;
            table->pending = n + 1;
            return true;
        }
        if (!build_index(table))
            return false;
    }
    return push_entry(table->by_seq, seq, cmd, id, &table->pending, forgot, forgotten_id);
}

bool mcp_match_response(struct mcp_match_table *table, uint8_t req_seq, uint8_t response_cmd,
                        uint64_t *id)
{
    uint8_t cmd = response_cmd & (uint8_t)~MCP_RESPONSE_FLAG;
    if (table->by_seq == NULL) {
        /* Newest first: the latest request with that seq and cmd. */
        for (size_t i = table->pending; i-- > 0;) {
            if (table->inline_seq[i] == req_seq && table->inline_cmd[i] == cmd) {
                *id = table->inline_id[i];
                size_t after = table->pending - i - 1;
                memmove(&table->inline_id[i], &table->inline_id[i + 1],
                        after * sizeof table->inline_id[0]);
                memmove(&table->inline_seq[i], &table->inline_seq[i + 1], after);
                memmove(&table->inline_cmd[i], &table->inline_cmd[i + 1], after);
                table->pending--;
                return true;
            }
        }
        return false;
    }
    struct mcp_match_ring *r = table->by_seq[req_seq];
    if (r == NULL)
        return false;
    unsigned mask = r->cap - 1u;
    for (unsigned i = r->n; i-- > 0;) {
        if (r->e[(r->first + i) & mask].cmd != cmd)
            continue;
        *id = r->e[(r->first + i) & mask].id;
        for (unsigned k = i + 1; k < r->n; k++) /* the newer ones close the gap */
            r->e[(r->first + k - 1) & mask] = r->e[(r->first + k) & mask];
        r->n--;
        table->pending--;
        if (r->n == 0) { /* an answered seq holds no memory */
            free(r);
            table->by_seq[req_seq] = NULL;
        }
        return true;
    }
    return false;
}

size_t mcp_match_heap_bytes(const struct mcp_match_table *table)
{
    if (table->by_seq == NULL)
        return 0;
    size_t bytes = 256 * sizeof *table->by_seq;
    for (size_t i = 0; i < 256; i++)
        if (table->by_seq[i] != NULL)
            bytes += ring_bytes(table->by_seq[i]->cap);
    return bytes;
}

bool mcp_expects_answer(uint8_t cmd, const uint8_t *payload, size_t len)
{
    if (!mcp_cmd_is_request(cmd))
        return false;
    /* READ and WRITE name a device first; 0xFF is broadcast: every device acts, none answers. */
    if ((cmd == MCP_CMD_READ || cmd == MCP_CMD_WRITE) && len >= 1 &&
        payload[0] == MCP_BROADCAST_DEVICE)
        return false;
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The match table as it was before issue 24 (a list per seq, walked on every
 * add to enforce the depth bound; one malloc per request), kept as the
 * baseline bench/match_bench measures against in the same run. Same answers;
 * not used by anything else.
 */
#include "match_v1.h"

#include <stdlib.h>
#include <string.h>

#include "mcp/frame.h"
#include "mcp/match.h"
#include "mcp/pdu.h"
struct v1_entry {
    struct v1_entry *next; /* older */
    uint64_t id;
    uint8_t cmd;
};

void v1_init(struct v1_table *table)
{
    table->by_seq = NULL;
    table->pending = 0;
}

void v1_clear(struct v1_table *table)
{
    if (table->by_seq != NULL) {
        for (size_t i = 0; i < 256; i++) {
            struct v1_entry *e = table->by_seq[i];
            while (e != NULL) {
                struct v1_entry *next = e->next;
                free(e);
                e = next;
            }
        }
        free(table->by_seq);
    }
    v1_init(table);
}

/* Indexed: pushes a request on its seq's list, forgetting the oldest beyond the depth. */
static bool push_entry(struct v1_entry **by_seq, uint8_t seq, uint8_t cmd, uint64_t id,
                       size_t *pending)
{
    struct v1_entry *e = malloc(sizeof *e);
    if (e == NULL)
        return false;
    e->id = id;
    e->cmd = cmd;
    e->next = by_seq[seq];
    by_seq[seq] = e;
    (*pending)++;

    /* Bound the memory a peer that never answers can cost: forget the oldest. */
    size_t depth = 1;
    for (struct v1_entry *p = e; p->next != NULL; p = p->next) {
        if (++depth > MCP_MATCH_DEPTH) {
            free(p->next);
            p->next = NULL;
            (*pending)--;
            break;
        }
    }
    return true;
}

/* The inline requests move into a new index, oldest first (so newest ends first). */
static bool build_index(struct v1_table *table)
{
    struct v1_entry **by_seq = calloc(256, sizeof *by_seq);
    if (by_seq == NULL)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < table->pending; i++) {
        if (!push_entry(by_seq, table->inline_seq[i], table->inline_cmd[i], table->inline_id[i],
                        &n)) {
            struct v1_table partial = {.by_seq = by_seq};
            v1_clear(&partial);
            return false;
        }
    }
    table->by_seq = by_seq;
    return true;
}

bool v1_add_request(struct v1_table *table, uint8_t seq, uint8_t cmd, uint64_t id)
{
    if (table->by_seq == NULL) {
        size_t n = table->pending;
        if (n < V1_INLINE) {
            table->inline_id[n] = id;
            table->inline_seq[n] = seq;
            table->inline_cmd[n] = cmd;
            table->pending = n + 1;
            return true;
        }
        if (!build_index(table))
            return false;
    }
    return push_entry(table->by_seq, seq, cmd, id, &table->pending);
}

bool v1_response(struct v1_table *table, uint8_t req_seq, uint8_t response_cmd, uint64_t *id)
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
    for (struct v1_entry **link = &table->by_seq[req_seq]; *link != NULL; link = &(*link)->next) {
        struct v1_entry *e = *link;
        if (e->cmd == cmd) {
            *id = e->id;
            *link = e->next;
            free(e);
            table->pending--;
            return true;
        }
    }
    return false;
}

size_t v1_heap_bytes(const struct v1_table *table)
{
    if (table->by_seq == NULL)
        return 0;
    return 256 * sizeof *table->by_seq + table->pending * sizeof(struct v1_entry);
}

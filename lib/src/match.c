/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Request/response matching (docs/PROTOCOL.md §4). */
#include "mcp/match.h"

#include <stdlib.h>
#include <string.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"

struct mcp_match_entry {
    struct mcp_match_entry *next; /* older */
    uint64_t id;
    uint8_t cmd;
};

void mcp_match_init(struct mcp_match_table *table)
{
    table->by_seq = NULL;
    table->pending = 0;
}

void mcp_match_clear(struct mcp_match_table *table)
{
    if (table->by_seq != NULL) {
        for (size_t i = 0; i < 256; i++) {
            struct mcp_match_entry *e = table->by_seq[i];
            while (e != NULL) {
                struct mcp_match_entry *next = e->next;
                free(e);
                e = next;
            }
        }
        free(table->by_seq);
    }
    mcp_match_init(table);
}

/* Indexed: pushes a request on its seq's list, forgetting the oldest beyond the depth. */
static bool push_entry(struct mcp_match_entry **by_seq, uint8_t seq, uint8_t cmd, uint64_t id,
                       size_t *pending)
{
    struct mcp_match_entry *e = malloc(sizeof *e);
    if (e == NULL)
        return false;
    e->id = id;
    e->cmd = cmd;
    e->next = by_seq[seq];
    by_seq[seq] = e;
    (*pending)++;

    /* Bound the memory a peer that never answers can cost: forget the oldest. */
    size_t depth = 1;
    for (struct mcp_match_entry *p = e; p->next != NULL; p = p->next) {
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
static bool build_index(struct mcp_match_table *table)
{
    struct mcp_match_entry **by_seq = calloc(256, sizeof *by_seq);
    if (by_seq == NULL)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < table->pending; i++) {
        if (!push_entry(by_seq, table->inline_seq[i], table->inline_cmd[i], table->inline_id[i],
                        &n)) {
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
    return push_entry(table->by_seq, seq, cmd, id, &table->pending);
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
    for (struct mcp_match_entry **link = &table->by_seq[req_seq]; *link != NULL;
         link = &(*link)->next) {
        struct mcp_match_entry *e = *link;
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

size_t mcp_match_heap_bytes(const struct mcp_match_table *table)
{
    if (table->by_seq == NULL)
        return 0;
    return 256 * sizeof *table->by_seq + table->pending * sizeof(struct mcp_match_entry);
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

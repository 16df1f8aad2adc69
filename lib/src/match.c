/* Request/response matching (docs/PROTOCOL.md §4). */
#include "mcp/match.h"

#include <stdlib.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"

struct mcp_match_entry {
    struct mcp_match_entry *next; /* older */
    uint64_t id;
    uint8_t cmd;
};

void mcp_match_init(struct mcp_match_table *table)
{
    for (size_t i = 0; i < 256; i++)
        table->by_seq[i] = NULL;
    table->pending = 0;
}

void mcp_match_clear(struct mcp_match_table *table)
{
    for (size_t i = 0; i < 256; i++) {
        struct mcp_match_entry *e = table->by_seq[i];
        while (e != NULL) {
            struct mcp_match_entry *next = e->next;
            free(e);
            e = next;
        }
        table->by_seq[i] = NULL;
    }
    table->pending = 0;
}

bool mcp_match_add_request(struct mcp_match_table *table, uint8_t seq, uint8_t cmd, uint64_t id)
{
    struct mcp_match_entry *e = malloc(sizeof *e);
    if (e == NULL)
        return false;
    e->id = id;
    e->cmd = cmd;
    e->next = table->by_seq[seq];
    table->by_seq[seq] = e;
    table->pending++;

    /* Bound the memory a peer that never answers can cost: forget the oldest. */
    size_t depth = 1;
    for (struct mcp_match_entry *p = e; p->next != NULL; p = p->next) {
        if (++depth > MCP_MATCH_DEPTH) {
            free(p->next);
            p->next = NULL;
            table->pending--;
            break;
        }
    }
    return true;
}

bool mcp_match_response(struct mcp_match_table *table, uint8_t req_seq, uint8_t response_cmd,
                        uint64_t *id)
{
    uint8_t cmd = response_cmd & (uint8_t)~MCP_RESPONSE_FLAG;
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

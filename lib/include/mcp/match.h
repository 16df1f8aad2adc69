/*
 * Request/response matching of docs/PROTOCOL.md §4. One table holds the
 * unanswered requests of one sender; the responses of the reverse direction
 * of the same conversation are matched against it.
 */
#ifndef MCP_MATCH_H
#define MCP_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mcp_match_entry;

struct mcp_match_table {
    struct mcp_match_entry *by_seq[256]; /* newest first */
    size_t pending;
};

/* How many unanswered requests one seq keeps; older ones are forgotten. */
#define MCP_MATCH_DEPTH 64

void mcp_match_init(struct mcp_match_table *table);
void mcp_match_clear(struct mcp_match_table *table); /* frees every entry */

/*
 * Notes a request (id is the caller's: a frame number, an index...).
 * Returns false when memory ran out.
 */
bool mcp_match_add_request(struct mcp_match_table *table, uint8_t seq, uint8_t cmd, uint64_t id);

/*
 * Matches a response: the latest unanswered request with seq req_seq and
 * cmd (response_cmd & 0x7F). On a match, *id receives the request's id, the
 * request counts as answered and true is returned.
 */
bool mcp_match_response(struct mcp_match_table *table, uint8_t req_seq, uint8_t response_cmd,
                        uint64_t *id);

/*
 * True when §4 says a frame is a request that will be matched: bit 7 clear,
 * not EVENT/NAK/SYNC, and (for READ/WRITE) not addressed to device 0xFF.
 * payload may be NULL when len is 0.
 */
bool mcp_expects_answer(uint8_t cmd, const uint8_t *payload, size_t len);

#ifdef __cplusplus
}
#endif
#endif

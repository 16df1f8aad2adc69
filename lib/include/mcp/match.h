/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Request/response matching of docs/PROTOCOL.md §4. One table holds the
 * unanswered requests of one sender; the responses of the reverse direction
 * of the same conversation are matched against it.
 *
 * Memory follows use: a table starts with room for MCP_MATCH_INLINE
 * unanswered requests inside itself (no allocation: a sender that sends one
 * request, as a master opening a new UDP port per request does, costs
 * sizeof(struct mcp_match_table) and nothing more). The request that would
 * make MCP_MATCH_INLINE + 1 unanswered turns it into a 256-seq index
 * (256 pointers, allocated), which it keeps until mcp_match_clear, and one
 * ring per seq that has unanswered requests (8 + 16 * capacity bytes, the
 * capacity doubling from 4 to MCP_MATCH_DEPTH as needed; freed when its seq
 * has none left). Both forms give the same answers.
 *
 * Bounded memory and cost: §4 matches a response to the latest unanswered
 * request with its seq and cmd, so a seq's older unanswered requests are
 * reached only after every newer one with their cmd has been answered; the
 * table keeps the MCP_MATCH_DEPTH newest per seq (at most
 * 256 * MCP_MATCH_DEPTH pending, about 260 KiB) and forgets older ones (a
 * response that would have reached one is unmatched: the documented limit). Adding a request costs
 * O(1) however many are pending (no walk, and no allocation once its seq's ring is full); a
 * response scans at most MCP_MATCH_DEPTH entries of its seq, newest first.
 */
#ifndef MCP_MATCH_H
#define MCP_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mcp_match_ring;

/* Unanswered requests a table holds before it allocates its 256-seq index. */
#define MCP_MATCH_INLINE 4

/* How many unanswered requests one seq keeps; older ones are forgotten (a power of two). */
#define MCP_MATCH_DEPTH 64

/* Read pending only; the rest is the library's. */
struct mcp_match_table {
    /* Without an index: the unanswered requests, oldest first (pending of them). */
    uint64_t inline_id[MCP_MATCH_INLINE];
    uint8_t inline_seq[MCP_MATCH_INLINE];
    uint8_t inline_cmd[MCP_MATCH_INLINE];
    /* NULL, or per seq 0..255 NULL or a ring of its unanswered requests. */
    struct mcp_match_ring **by_seq;
    size_t pending; /* unanswered requests held (at most 256 * MCP_MATCH_DEPTH) */
};

/* An empty table without an index. Allocates nothing; cannot fail. */
void mcp_match_init(struct mcp_match_table *table);

/*
 * Frees every entry and the index: the table is empty and unindexed, as after
 * mcp_match_init, and can be used again. Cannot fail.
 */
void mcp_match_clear(struct mcp_match_table *table);

/*
 * Notes a request (§4) of seq 0..255 and cmd (bit 7 clear, as the frame
 * carries it); id is the caller's (a frame number, an index...) and comes
 * back from the response that matches it. When seq already holds
 * MCP_MATCH_DEPTH unanswered requests, its oldest is forgotten (pending stays
 * the same). O(1): constant work whatever the number pending. Returns false
 * when memory ran out (only when the table allocates: its index, or a seq's
 * ring when it is created or doubles); the table is then as it was before the
 * call.
 */
bool mcp_match_add_request(struct mcp_match_table *table, uint8_t seq, uint8_t cmd, uint64_t id);

/*
 * mcp_match_add_request, telling which request (if any) was forgotten to make
 * room: when seq already held MCP_MATCH_DEPTH unanswered requests, *forgot is
 * set true and *forgotten_id receives the oldest's id (no response can match
 * it from now on: §4's latest-first rule never reaches it within the bound);
 * otherwise *forgot is false and *forgotten_id untouched. Lets a caller that
 * keeps data per request (mcpreplay --expect) let it go at once, so its
 * memory stays bounded too. Same cost, results and failure as
 * mcp_match_add_request; forgot and forgotten_id must not be NULL.
 */
bool mcp_match_add_request_forget(struct mcp_match_table *table, uint8_t seq, uint8_t cmd,
                                  uint64_t id, bool *forgot, uint64_t *forgotten_id);

/*
 * Matches a response (§4): the latest unanswered request with seq req_seq
 * (0..255) and cmd (response_cmd & 0x7F). On a match, *id receives the
 * request's id, the request counts as answered (it is removed: it matches
 * once) and true is returned; otherwise false and *id is untouched.
 * Allocates nothing (frees the seq's ring when it was its last request); at
 * most MCP_MATCH_DEPTH entries are looked at.
 */
bool mcp_match_response(struct mcp_match_table *table, uint8_t req_seq, uint8_t response_cmd,
                        uint64_t *id);

/*
 * Bytes the table has allocated (0 while unindexed): its index and rings.
 * The table's own sizeof is not included. Looks at the 256 seqs: for memory
 * accounting and tests, not for every frame.
 */
size_t mcp_match_heap_bytes(const struct mcp_match_table *table);

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

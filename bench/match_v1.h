/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pre-issue-24 match table (bench/match_v1.c): the baseline of bench/match_bench. */
#ifndef MATCH_V1_H
#define MATCH_V1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define V1_INLINE 4

struct v1_entry;

struct v1_table {
    uint64_t inline_id[V1_INLINE];
    uint8_t inline_seq[V1_INLINE];
    uint8_t inline_cmd[V1_INLINE];
    struct v1_entry **by_seq;
    size_t pending;
};

void v1_init(struct v1_table *table);
void v1_clear(struct v1_table *table);
bool v1_add_request(struct v1_table *table, uint8_t seq, uint8_t cmd, uint64_t id);
bool v1_response(struct v1_table *table, uint8_t req_seq, uint8_t response_cmd, uint64_t *id);
size_t v1_heap_bytes(const struct v1_table *table);

#endif

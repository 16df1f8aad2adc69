/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Request/response matching of docs/PROTOCOL.md §4. */
#include <glib.h>

#include "mcp/match.h"
#include "mcp/pdu.h"

static void test_response_matches_request(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    g_assert_true(mcp_match_add_request(&t, 5, MCP_CMD_READ, 100));
    g_assert_cmpuint(t.pending, ==, 1);
    uint64_t id = 0;
    g_assert_true(mcp_match_response(&t, 5, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 100);
    g_assert_cmpuint(t.pending, ==, 0);
    mcp_match_clear(&t);
}

/* An answered request is not matched a second time. */
static void test_answered_not_matched_twice(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    mcp_match_add_request(&t, 5, MCP_CMD_HEARTBEAT, 1);
    uint64_t id = 0;
    g_assert_true(mcp_match_response(&t, 5, MCP_CMD_HEARTBEAT_RSP, &id));
    id = 42;
    g_assert_false(mcp_match_response(&t, 5, MCP_CMD_HEARTBEAT_RSP, &id));
    g_assert_cmpuint(id, ==, 42); /* untouched */
    mcp_match_clear(&t);
}

/* Same seq, different cmd: no match; the right cmd still matches afterwards. */
static void test_cmd_mismatch(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    mcp_match_add_request(&t, 9, MCP_CMD_READ, 7);
    uint64_t id = 0;
    g_assert_false(mcp_match_response(&t, 9, MCP_CMD_WRITE_RSP, &id));
    g_assert_false(mcp_match_response(&t, 9, MCP_CMD_HEARTBEAT_RSP, &id));
    g_assert_false(mcp_match_response(&t, 10, MCP_CMD_READ_RSP, &id)); /* other seq */
    g_assert_true(mcp_match_response(&t, 9, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 7);
    mcp_match_clear(&t);
}

/* Two unanswered requests with the same seq and cmd: the latest is answered first. */
static void test_latest_unanswered_first(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    mcp_match_add_request(&t, 3, MCP_CMD_READ, 10);
    mcp_match_add_request(&t, 3, MCP_CMD_READ, 266); /* seq 3 again after a wrap */
    uint64_t id = 0;
    g_assert_true(mcp_match_response(&t, 3, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 266);
    g_assert_true(mcp_match_response(&t, 3, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 10);
    g_assert_false(mcp_match_response(&t, 3, MCP_CMD_READ_RSP, &id));
    mcp_match_clear(&t);
}

/* The latest with matching cmd, skipping a newer request of another cmd. */
static void test_latest_with_same_cmd(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    mcp_match_add_request(&t, 3, MCP_CMD_READ, 1);
    mcp_match_add_request(&t, 3, MCP_CMD_WRITE, 2);
    uint64_t id = 0;
    g_assert_true(mcp_match_response(&t, 3, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 1);
    g_assert_true(mcp_match_response(&t, 3, MCP_CMD_WRITE_RSP, &id));
    g_assert_cmpuint(id, ==, 2);
    g_assert_cmpuint(t.pending, ==, 0);
    mcp_match_clear(&t);
}

/* An unknown request (0x07) is answered by 0x87 with status 6: matched like any other. */
static void test_unknown_request_matches(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    mcp_match_add_request(&t, 200, 0x07, 55);
    uint64_t id = 0;
    g_assert_true(mcp_match_response(&t, 200, 0x87, &id));
    g_assert_cmpuint(id, ==, 55);
    mcp_match_clear(&t);
}

/* Each seq keeps its own requests; every seq value works. */
static void test_every_seq(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    for (unsigned s = 0; s < 256; s++)
        g_assert_true(mcp_match_add_request(&t, (uint8_t)s, MCP_CMD_READ, 1000 + s));
    g_assert_cmpuint(t.pending, ==, 256);
    for (unsigned s = 256; s-- > 0;) {
        uint64_t id = 0;
        g_assert_true(mcp_match_response(&t, (uint8_t)s, MCP_CMD_READ_RSP, &id));
        g_assert_cmpuint(id, ==, 1000 + s);
    }
    g_assert_cmpuint(t.pending, ==, 0);
    mcp_match_clear(&t);
}

/* Memory is bounded: beyond MCP_MATCH_DEPTH unanswered requests on one seq, the oldest go. */
static void test_depth_bound(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    for (uint64_t i = 0; i < MCP_MATCH_DEPTH + 10; i++)
        mcp_match_add_request(&t, 1, MCP_CMD_READ, i);
    g_assert_cmpuint(t.pending, ==, MCP_MATCH_DEPTH);
    uint64_t id = 0;
    for (uint64_t i = MCP_MATCH_DEPTH + 10; i-- > 10;) {
        g_assert_true(mcp_match_response(&t, 1, MCP_CMD_READ_RSP, &id));
        g_assert_cmpuint(id, ==, i);
    }
    g_assert_false(mcp_match_response(&t, 1, MCP_CMD_READ_RSP, &id));
    mcp_match_clear(&t);
}

/* The forgotten request is named: the oldest of its seq, once the seq is full, and only then. */
static void test_forget_names_oldest(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    bool forgot = true;
    uint64_t gone = 12345;
    /* Other seqs interleaved: each seq's bound is its own. */
    for (uint64_t i = 0; i < MCP_MATCH_DEPTH; i++) {
        g_assert_true(mcp_match_add_request_forget(&t, 7, MCP_CMD_READ, 1000 + i, &forgot, &gone));
        g_assert_false(forgot);
        g_assert_true(mcp_match_add_request_forget(&t, 8, MCP_CMD_WRITE, 2000 + i, &forgot, &gone));
        g_assert_false(forgot);
    }
    g_assert_cmpuint(gone, ==, 12345); /* untouched while nothing was forgotten */
    for (uint64_t i = 0; i < 3 * MCP_MATCH_DEPTH; i++) {
        g_assert_true(mcp_match_add_request_forget(&t, 7, MCP_CMD_READ, 5000 + i, &forgot, &gone));
        g_assert_true(forgot);
        /* oldest first: 1000.. then the first of the new ones */
        g_assert_cmpuint(gone, ==, i < MCP_MATCH_DEPTH ? 1000 + i : 5000 + i - MCP_MATCH_DEPTH);
    }
    /* An answer frees a slot: the next add forgets nothing. */
    uint64_t id;
    g_assert_true(mcp_match_response(&t, 7, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 5000 + 3 * MCP_MATCH_DEPTH - 1);
    g_assert_true(mcp_match_add_request_forget(&t, 7, MCP_CMD_READ, 9, &forgot, &gone));
    g_assert_false(forgot);
    g_assert_cmpuint(t.pending, ==, 2 * MCP_MATCH_DEPTH);
    mcp_match_clear(&t);
}

static void test_clear(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    for (unsigned i = 0; i < 50; i++)
        mcp_match_add_request(&t, (uint8_t)(i % 7), MCP_CMD_HEARTBEAT, i);
    mcp_match_clear(&t);
    g_assert_cmpuint(t.pending, ==, 0);
    uint64_t id;
    for (unsigned s = 0; s < 7; s++)
        g_assert_false(mcp_match_response(&t, (uint8_t)s, MCP_CMD_HEARTBEAT_RSP, &id));
    /* usable again */
    mcp_match_add_request(&t, 1, MCP_CMD_HEARTBEAT, 9);
    g_assert_true(mcp_match_response(&t, 1, MCP_CMD_HEARTBEAT_RSP, &id));
    mcp_match_clear(&t);
}

/* Up to MCP_MATCH_INLINE unanswered requests live in the table itself; the
 * next one builds the index; the answers are the same before and after. */
static void test_growth(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 0);
    /* one request answered: nothing allocated (a master opening a new port per request) */
    g_assert_true(mcp_match_add_request(&t, 42, MCP_CMD_READ, 1));
    uint64_t id = 0;
    g_assert_true(mcp_match_response(&t, 42, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 1);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 0);
    /* seq 7 twice (READ then WRITE), then two more: still no allocation */
    g_assert_true(mcp_match_add_request(&t, 7, MCP_CMD_READ, 10));
    g_assert_true(mcp_match_add_request(&t, 7, MCP_CMD_WRITE, 11));
    for (uint64_t i = 2; i < MCP_MATCH_INLINE; i++)
        g_assert_true(mcp_match_add_request(&t, (uint8_t)(100 + i), MCP_CMD_HEARTBEAT, 10 + i));
    g_assert_cmpuint(t.pending, ==, MCP_MATCH_INLINE);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 0);
    /* one more unanswered: the index (256 pointers) and one entry per request */
    g_assert_true(mcp_match_add_request(&t, 7, MCP_CMD_READ, 99));
    g_assert_cmpuint(t.pending, ==, MCP_MATCH_INLINE + 1);
    size_t indexed = mcp_match_heap_bytes(&t);
    g_assert_cmpuint(indexed, >=, 256 * sizeof(void *) + (MCP_MATCH_INLINE + 1) * 16);
    /* the latest READ of seq 7 first, then the older one; the WRITE on its own */
    g_assert_true(mcp_match_response(&t, 7, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 99);
    g_assert_true(mcp_match_response(&t, 7, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 10);
    g_assert_false(mcp_match_response(&t, 7, MCP_CMD_READ_RSP, &id));
    g_assert_true(mcp_match_response(&t, 7, MCP_CMD_WRITE_RSP, &id));
    g_assert_cmpuint(id, ==, 11);
    for (uint64_t i = 2; i < MCP_MATCH_INLINE; i++) {
        g_assert_true(mcp_match_response(&t, (uint8_t)(100 + i), MCP_CMD_HEARTBEAT_RSP, &id));
        g_assert_cmpuint(id, ==, 10 + i);
    }
    g_assert_cmpuint(t.pending, ==, 0);
    /* the index stays (no churn) but its entries are freed */
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 256 * sizeof(void *));
    mcp_match_clear(&t);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 0);
}

/* Removal from the middle of the inline requests keeps the others and their order. */
static void test_inline_removal(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    mcp_match_add_request(&t, 1, MCP_CMD_READ, 1);
    mcp_match_add_request(&t, 2, MCP_CMD_READ, 2);
    mcp_match_add_request(&t, 1, MCP_CMD_READ, 3);
    mcp_match_add_request(&t, 3, MCP_CMD_READ, 4);
    uint64_t id = 0;
    g_assert_true(mcp_match_response(&t, 2, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 2);
    g_assert_false(mcp_match_response(&t, 2, MCP_CMD_READ_RSP, &id));
    g_assert_true(mcp_match_response(&t, 1, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 3);
    /* room again: two more stay inline */
    mcp_match_add_request(&t, 5, MCP_CMD_READ, 5);
    mcp_match_add_request(&t, 6, MCP_CMD_READ, 6);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 0);
    g_assert_true(mcp_match_response(&t, 1, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 1);
    g_assert_true(mcp_match_response(&t, 6, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 6);
    g_assert_true(mcp_match_response(&t, 3, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 4);
    g_assert_true(mcp_match_response(&t, 5, MCP_CMD_READ_RSP, &id));
    g_assert_cmpuint(id, ==, 5);
    g_assert_cmpuint(t.pending, ==, 0);
    mcp_match_clear(&t);
}

/* §4 written out directly: every request ever noted, the latest unanswered one
 * with seq and cmd answers, and a seq keeps its MCP_MATCH_DEPTH newest. */
struct model_req {
    uint8_t seq, cmd;
    bool open;
};

static bool model_response(struct model_req *reqs, size_t n, uint8_t seq, uint8_t cmd, uint64_t *id)
{
    for (size_t i = n; i-- > 0;) {
        if (reqs[i].open && reqs[i].seq == seq && reqs[i].cmd == cmd) {
            reqs[i].open = false;
            *id = i;
            return true;
        }
    }
    return false;
}

static void model_add(struct model_req *reqs, size_t n, uint8_t seq, uint8_t cmd)
{
    reqs[n] = (struct model_req){seq, cmd, true};
    size_t open = 0;
    for (size_t i = n + 1; i-- > 0;) {
        if (reqs[i].open && reqs[i].seq == seq && ++open > MCP_MATCH_DEPTH)
            reqs[i].open = false;
    }
}

/* n_ops requests or responses (at random, from rand) on seqs 0..seqs-1 with
 * cmds HEARTBEAT, READ, WRITE: the table gives the model's answers throughout.
 * Returns how many responses matched. */
static size_t run_as_model(GRand *rand, size_t n_ops, int seqs, struct mcp_match_table *t)
{
    struct model_req *reqs = g_new0(struct model_req, n_ops);
    const uint8_t cmds[] = {MCP_CMD_HEARTBEAT, MCP_CMD_READ, MCP_CMD_WRITE};
    size_t n = 0, matched = 0;
    for (size_t op = 0; op < n_ops; op++) {
        uint8_t seq = (uint8_t)g_rand_int_range(rand, 0, seqs);
        uint8_t cmd = cmds[g_rand_int_range(rand, 0, 3)];
        if (g_rand_int_range(rand, 0, 2) == 0) {
            g_assert_true(mcp_match_add_request(t, seq, cmd, n));
            model_add(reqs, n++, seq, cmd);
        } else {
            uint64_t got = UINT64_MAX, want = UINT64_MAX;
            bool hit = mcp_match_response(t, seq, (uint8_t)(cmd | 0x80), &got);
            g_assert_cmpint(hit, ==, model_response(reqs, n, seq, cmd, &want));
            g_assert_cmpuint(got, ==, want);
            matched += hit;
        }
        if (op % 7 == 0 || op + 1 == n_ops) {
            size_t open = 0;
            for (size_t i = 0; i < n; i++)
                open += reqs[i].open;
            g_assert_cmpuint(t->pending, ==, open);
        }
    }
    g_free(reqs);
    return matched;
}

/* Short runs on two seqs (mostly inline, the same seq and cmd often twice),
 * then many requests on a few seqs past the depth bound and on all 256
 * (indexed): the table gives the model's answers in both forms. */
static void test_many_seqs_as_model(void)
{
    GRand *rand = g_rand_new_with_seed(5);
    struct mcp_match_table t;
    size_t matched = 0, inline_runs = 0;
    for (int run = 0; run < 400; run++) {
        mcp_match_init(&t);
        matched += run_as_model(rand, 10, 2, &t);
        inline_runs += mcp_match_heap_bytes(&t) == 0;
        mcp_match_clear(&t);
    }
    g_assert_cmpuint(matched, >, 400);
    g_assert_cmpuint(inline_runs, >, 200);
    mcp_match_init(&t);
    g_assert_cmpuint(run_as_model(rand, 3000, 6, &t), >, 500);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), >, 0);
    mcp_match_clear(&t);
    g_assert_cmpuint(run_as_model(rand, 3000, 256, &t), >, 300);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), >, 0);
    mcp_match_clear(&t);
    g_rand_free(rand);
}

/* Worst case: all 256 seqs each at the depth bound, then all answered. */
static void test_all_seqs_full(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    for (uint64_t i = 0; i < 256 * (MCP_MATCH_DEPTH + 2); i++)
        g_assert_true(mcp_match_add_request(&t, (uint8_t)i, MCP_CMD_READ, i));
    g_assert_cmpuint(t.pending, ==, 256 * MCP_MATCH_DEPTH);
    size_t full = mcp_match_heap_bytes(&t);
    g_assert_cmpuint(full, >, 256 * MCP_MATCH_DEPTH * 16);
    uint64_t id = 0;
    for (unsigned s = 0; s < 256; s++) {
        /* newest first; the two oldest rounds were forgotten */
        for (uint64_t round = MCP_MATCH_DEPTH + 2; round-- > 2;) {
            g_assert_true(mcp_match_response(&t, (uint8_t)s, MCP_CMD_READ_RSP, &id));
            g_assert_cmpuint(id, ==, round * 256 + s);
        }
        g_assert_false(mcp_match_response(&t, (uint8_t)s, MCP_CMD_READ_RSP, &id));
    }
    g_assert_cmpuint(t.pending, ==, 0);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), <, full);
    mcp_match_clear(&t);
}

/* §4 with the depth rule, per seq so that 100,000 requests stay quick: every
 * request of a seq in order, open or not; the latest open one with seq and cmd
 * answers; a seq keeps its MCP_MATCH_DEPTH newest open ones. */
struct seq_model {
    GArray *reqs[256]; /* struct model_req_id per request of that seq, oldest first */
    size_t open;
};

struct model_req_id {
    uint64_t id;
    uint8_t cmd;
    bool open;
};

static void seq_model_add(struct seq_model *m, uint8_t seq, uint8_t cmd, uint64_t id)
{
    GArray *a = m->reqs[seq];
    struct model_req_id r = {id, cmd, true};
    g_array_append_val(a, r);
    m->open++;
    size_t open = 0;
    for (size_t i = a->len; i-- > 0;) {
        struct model_req_id *q = &g_array_index(a, struct model_req_id, i);
        if (q->open && ++open > MCP_MATCH_DEPTH) {
            q->open = false;
            m->open--;
            break; /* at most one goes per request */
        }
    }
}

static bool seq_model_response(struct seq_model *m, uint8_t seq, uint8_t cmd, uint64_t *id)
{
    GArray *a = m->reqs[seq];
    for (size_t i = a->len; i-- > 0;) {
        struct model_req_id *q = &g_array_index(a, struct model_req_id, i);
        if (q->open && q->cmd == cmd) {
            q->open = false;
            m->open--;
            *id = q->id;
            return true;
        }
    }
    return false;
}

/* Issue 24: 100,000 requests no one answers over all 256 seqs (some answered
 * on the way), then a response for every seq and cmd until none matches: the
 * table gives the model's verdicts throughout, pending never exceeds
 * 256 * MCP_MATCH_DEPTH, and its memory stays bounded however many came. */
static void test_100k_pending(void)
{
    GRand *rand = g_rand_new_with_seed(24);
    struct seq_model m = {0};
    for (unsigned s = 0; s < 256; s++)
        m.reqs[s] = g_array_new(FALSE, FALSE, sizeof(struct model_req_id));
    struct mcp_match_table t;
    mcp_match_init(&t);
    const uint8_t cmds[] = {MCP_CMD_HEARTBEAT, MCP_CMD_READ, MCP_CMD_WRITE};
    const size_t bound = 256 * (8 + 16 * MCP_MATCH_DEPTH) + 256 * sizeof(void *);
    size_t matched = 0;
    for (uint64_t id = 0; id < 100000; id++) {
        uint8_t seq = (uint8_t)g_rand_int_range(rand, 0, 256);
        uint8_t cmd = cmds[g_rand_int_range(rand, 0, 3)];
        g_assert_true(mcp_match_add_request(&t, seq, cmd, id));
        seq_model_add(&m, seq, cmd, id);
        if (g_rand_int_range(rand, 0, 20) == 0) { /* now and then an answer, any seq and cmd */
            uint8_t rs = (uint8_t)g_rand_int_range(rand, 0, 256);
            uint8_t rc = cmds[g_rand_int_range(rand, 0, 3)];
            uint64_t got = UINT64_MAX, want = UINT64_MAX;
            bool hit = mcp_match_response(&t, rs, (uint8_t)(rc | 0x80), &got);
            g_assert_cmpint(hit, ==, seq_model_response(&m, rs, rc, &want));
            g_assert_cmpuint(got, ==, want);
            matched += hit;
        }
        if (id % 997 == 0) {
            g_assert_cmpuint(t.pending, ==, m.open);
            g_assert_cmpuint(mcp_match_heap_bytes(&t), <=, bound);
        }
    }
    g_assert_cmpuint(matched, >, 1000);
    g_assert_cmpuint(t.pending, ==, m.open);
    g_assert_cmpuint(t.pending, <=, 256 * MCP_MATCH_DEPTH);     /* seqs at their bound, */
    g_assert_cmpuint(t.pending, >, 256 * MCP_MATCH_DEPTH - 64); /* but for recent answers */
    g_assert_cmpuint(mcp_match_heap_bytes(&t), <=, bound);
    /* every pending request answered, newest first per seq and cmd, then nothing more */
    for (unsigned s = 0; s < 256; s++) {
        for (size_t c = 0; c < G_N_ELEMENTS(cmds); c++) {
            for (;;) {
                uint64_t got = UINT64_MAX, want = UINT64_MAX;
                bool hit = mcp_match_response(&t, (uint8_t)s, (uint8_t)(cmds[c] | 0x80), &got);
                g_assert_cmpint(hit, ==, seq_model_response(&m, (uint8_t)s, cmds[c], &want));
                g_assert_cmpuint(got, ==, want);
                if (!hit)
                    break;
            }
        }
    }
    g_assert_cmpuint(t.pending, ==, 0);
    g_assert_cmpuint(m.open, ==, 0);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 256 * sizeof(void *));
    mcp_match_clear(&t);
    for (unsigned s = 0; s < 256; s++)
        g_array_free(m.reqs[s], TRUE);
    g_rand_free(rand);
}

/* Clearing an indexed table frees the index too; it works inline again after. */
static void test_clear_indexed(void)
{
    struct mcp_match_table t;
    mcp_match_init(&t);
    for (unsigned s = 0; s < 256; s++)
        mcp_match_add_request(&t, (uint8_t)s, MCP_CMD_WRITE, s);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), >, 0);
    mcp_match_clear(&t);
    g_assert_cmpuint(t.pending, ==, 0);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 0);
    uint64_t id;
    for (unsigned s = 0; s < 256; s++)
        g_assert_false(mcp_match_response(&t, (uint8_t)s, MCP_CMD_WRITE_RSP, &id));
    mcp_match_add_request(&t, 9, MCP_CMD_WRITE, 77);
    g_assert_cmpuint(mcp_match_heap_bytes(&t), ==, 0);
    g_assert_true(mcp_match_response(&t, 9, MCP_CMD_WRITE_RSP, &id));
    g_assert_cmpuint(id, ==, 77);
    mcp_match_clear(&t);
    mcp_match_clear(&t); /* twice is harmless */
}

/* §4: requests are bit 7 clear except EVENT, NAK, SYNC; device 0xFF is never answered. */
static void test_expects_answer(void)
{
    const uint8_t read_dev3[] = {0x03, 0x00, 0x10, 0x00, 0x04};
    const uint8_t read_bcast[] = {0xff, 0x00, 0x10, 0x00, 0x04};
    const uint8_t write_bcast[] = {0xff, 0x00, 0x10, 0x00, 0x01, 0x12, 0x34};
    const uint8_t uptime_ff[] = {0xff, 0xff, 0xff, 0xff};
    g_assert_true(mcp_expects_answer(MCP_CMD_HEARTBEAT, NULL, 0));
    g_assert_true(mcp_expects_answer(MCP_CMD_HEARTBEAT, uptime_ff, 4)); /* no device field */
    g_assert_true(mcp_expects_answer(MCP_CMD_READ, read_dev3, 5));
    g_assert_false(mcp_expects_answer(MCP_CMD_READ, read_bcast, 5));
    g_assert_true(mcp_expects_answer(MCP_CMD_WRITE, read_dev3, 5));
    g_assert_false(mcp_expects_answer(MCP_CMD_WRITE, write_bcast, 7));
    g_assert_false(mcp_expects_answer(MCP_CMD_EVENT, read_dev3, 5));
    g_assert_false(mcp_expects_answer(MCP_CMD_NAK, read_dev3, 2));
    g_assert_false(mcp_expects_answer(MCP_CMD_SYNC, NULL, 0));
    g_assert_true(mcp_expects_answer(0x07, uptime_ff, 4)); /* unknown request: answered (6) */
    g_assert_true(mcp_expects_answer(0x00, NULL, 0));
    for (unsigned c = 0x80; c < 0x100; c++)
        g_assert_false(mcp_expects_answer((uint8_t)c, read_dev3, 5));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/match/response-matches-request", test_response_matches_request);
    g_test_add_func("/match/answered-not-matched-twice", test_answered_not_matched_twice);
    g_test_add_func("/match/cmd-mismatch", test_cmd_mismatch);
    g_test_add_func("/match/latest-unanswered-first", test_latest_unanswered_first);
    g_test_add_func("/match/latest-with-same-cmd", test_latest_with_same_cmd);
    g_test_add_func("/match/unknown-request-matches", test_unknown_request_matches);
    g_test_add_func("/match/every-seq", test_every_seq);
    g_test_add_func("/match/depth-bound", test_depth_bound);
    g_test_add_func("/match/forget-names-oldest", test_forget_names_oldest);
    g_test_add_func("/match/clear", test_clear);
    g_test_add_func("/match/growth", test_growth);
    g_test_add_func("/match/inline-removal", test_inline_removal);
    g_test_add_func("/match/many-seqs-as-model", test_many_seqs_as_model);
    g_test_add_func("/match/all-seqs-full", test_all_seqs_full);
    g_test_add_func("/match/100k-pending", test_100k_pending);
    g_test_add_func("/match/clear-indexed", test_clear_indexed);
    g_test_add_func("/match/expects-answer", test_expects_answer);
    return g_test_run();
}

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
    g_test_add_func("/match/clear", test_clear);
    g_test_add_func("/match/expects-answer", test_expects_answer);
    return g_test_run();
}

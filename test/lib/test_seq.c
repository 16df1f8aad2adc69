/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sequence analysis of docs/PROTOCOL.md §3: every row of the d table, wrap, SYNC, NAKs. */
#include <glib.h>

#include "mcp/seq.h"

/* A tracker whose sender has sent one frame with seq `last` (L = last). */
static struct mcp_seq_tracker tracker_at(uint8_t last)
{
    struct mcp_seq_tracker t;
    mcp_seq_init(&t);
    struct mcp_seq_result r = mcp_seq_observe(&t, last, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_NONE);
    return t;
}

static uint8_t next_expected(const struct mcp_seq_tracker *t)
{
    uint8_t next = 0;
    g_assert_true(mcp_seq_next_expected(t, &next));
    return next;
}

static void test_first_frame(void)
{
    struct mcp_seq_tracker t;
    mcp_seq_init(&t);
    uint8_t next = 99;
    g_assert_false(mcp_seq_next_expected(&t, &next));
    struct mcp_seq_result r = mcp_seq_observe(&t, 77, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_NONE);
    g_assert_true(r.first);
    g_assert_false(r.sync);
    g_assert_false(r.has_expected);
    g_assert_cmpuint(next_expected(&t), ==, 78);
    r = mcp_seq_observe(&t, 78, false);
    g_assert_false(r.first);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_IN_ORDER);
}

/* d = 1: in order, L = seq. */
static void test_d1_in_order(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 11, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_IN_ORDER);
    g_assert_true(r.has_expected);
    g_assert_cmpuint(r.expected_seq, ==, 11);
    g_assert_cmpuint(r.missing, ==, 0);
    g_assert_cmpuint(next_expected(&t), ==, 12);
}

/* d = 0: duplicate, L unchanged. */
static void test_d0_duplicate(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 10, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_DUPLICATE);
    g_assert_cmpuint(r.expected_seq, ==, 11);
    g_assert_cmpuint(next_expected(&t), ==, 11);
    r = mcp_seq_observe(&t, 10, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_DUPLICATE);
}

/* d = 2: one missing, L = seq. */
static void test_d2_gap_of_one(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 12, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_GAP);
    g_assert_cmpuint(r.missing, ==, 1);
    g_assert_cmpuint(r.expected_seq, ==, 11);
    g_assert_cmpuint(next_expected(&t), ==, 13);
}

/* d = 128: the largest gap, 127 missing. */
static void test_d128_gap(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 138, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_GAP);
    g_assert_cmpuint(r.missing, ==, 127);
    g_assert_cmpuint(r.expected_seq, ==, 11);
    g_assert_cmpuint(next_expected(&t), ==, 139);
}

/* d = 129: out of order, 127 behind L, L unchanged. */
static void test_d129_out_of_order(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 139, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_OUT_OF_ORDER);
    g_assert_cmpuint(r.behind, ==, 127);
    g_assert_cmpuint(r.missing, ==, 0);
    g_assert_cmpuint(r.expected_seq, ==, 11);
    g_assert_cmpuint(next_expected(&t), ==, 11);
}

/* d = 255: one behind L, out of order. */
static void test_d255_out_of_order(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 9, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_OUT_OF_ORDER);
    g_assert_cmpuint(r.behind, ==, 1);
    g_assert_cmpuint(next_expected(&t), ==, 11);
}

/* Every d from every L: the table's verdict, expected = L + 1, and the new L. */
static void test_every_d_from_every_l(void)
{
    for (unsigned l = 0; l < 256; l++) {
        for (unsigned d = 0; d < 256; d++) {
            struct mcp_seq_tracker t = tracker_at((uint8_t)l);
            uint8_t seq = (uint8_t)(l + d);
            struct mcp_seq_result r = mcp_seq_observe(&t, seq, false);
            enum mcp_seq_verdict want = d == 1     ? MCP_SEQ_IN_ORDER
                                        : d == 0   ? MCP_SEQ_DUPLICATE
                                        : d <= 128 ? MCP_SEQ_GAP
                                                   : MCP_SEQ_OUT_OF_ORDER;
            uint8_t new_l = (d >= 1 && d <= 128) ? seq : (uint8_t)l;
            if (r.verdict != want || r.expected_seq != (uint8_t)(l + 1) ||
                next_expected(&t) != (uint8_t)(new_l + 1))
                g_error("L=%u d=%u: verdict %d expected %u", l, d, r.verdict, r.expected_seq);
            if (want == MCP_SEQ_GAP)
                g_assert_cmpuint(r.missing, ==, d - 1);
            if (want == MCP_SEQ_OUT_OF_ORDER)
                g_assert_cmpuint(r.behind, ==, 256 - d);
        }
    }
}

/* 255 wraps to 0 in order; 256+ frames in a row stay in order. */
static void test_wrap_in_order(void)
{
    struct mcp_seq_tracker t = tracker_at(255);
    struct mcp_seq_result r = mcp_seq_observe(&t, 0, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_IN_ORDER);
    g_assert_cmpuint(r.expected_seq, ==, 0);
    for (unsigned i = 1; i < 600; i++) {
        r = mcp_seq_observe(&t, (uint8_t)i, false);
        g_assert_cmpint(r.verdict, ==, MCP_SEQ_IN_ORDER);
    }
}

/* L = 254 then seq 2: d = 4, a gap with 3 missing: 255, 0, 1. */
static void test_wrap_gap(void)
{
    struct mcp_seq_tracker t = tracker_at(254);
    struct mcp_seq_result r = mcp_seq_observe(&t, 2, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_GAP);
    g_assert_cmpuint(r.missing, ==, 3);
    g_assert_cmpuint(r.expected_seq, ==, 255);
    uint8_t naks[MCP_MAX_GAP_NAKS];
    g_assert_cmpuint(mcp_seq_gap_naks(&r, naks), ==, 3);
    g_assert_cmpuint(naks[0], ==, 255);
    g_assert_cmpuint(naks[1], ==, 0);
    g_assert_cmpuint(naks[2], ==, 1);
    g_assert_cmpuint(next_expected(&t), ==, 3);
}

/* SYNC sets L = seq with no verdict and no expected seq, whatever d is. */
static void test_sync(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 200, true);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_NONE);
    g_assert_true(r.sync);
    g_assert_false(r.first);
    g_assert_false(r.has_expected);
    g_assert_cmpuint(next_expected(&t), ==, 201);
    r = mcp_seq_observe(&t, 201, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_IN_ORDER);
    /* a SYNC that repeats L is not a duplicate either */
    r = mcp_seq_observe(&t, 201, true);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_NONE);
    g_assert_cmpuint(next_expected(&t), ==, 202);
}

static void test_sync_as_first_frame(void)
{
    struct mcp_seq_tracker t;
    mcp_seq_init(&t);
    struct mcp_seq_result r = mcp_seq_observe(&t, 5, true);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_NONE);
    g_assert_true(r.first);
    g_assert_true(r.sync);
    g_assert_false(r.has_expected);
    g_assert_cmpuint(next_expected(&t), ==, 6);
}

/* Frames 10, 11, 12; the peer NAKs 11; the resend of 11 (d = 255) is a retransmission. */
static void test_retransmission_behind(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    mcp_seq_observe(&t, 11, false);
    mcp_seq_observe(&t, 12, false);
    mcp_seq_note_nak(&t, 11);
    struct mcp_seq_result r = mcp_seq_observe(&t, 11, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_RETRANSMISSION);
    g_assert_true(r.nak_consumed);
    g_assert_cmpuint(r.expected_seq, ==, 13);
    g_assert_cmpuint(next_expected(&t), ==, 13); /* L unchanged */
    /* the NAK is consumed once: a second copy is plain out of order */
    r = mcp_seq_observe(&t, 11, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_OUT_OF_ORDER);
    g_assert_false(r.nak_consumed);
    g_assert_cmpuint(r.behind, ==, 1);
}

/* A NAK for the latest seq (d = 0 on resend): retransmission, not duplicate. */
static void test_retransmission_instead_of_duplicate(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    mcp_seq_note_nak(&t, 10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 10, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_RETRANSMISSION);
    g_assert_cmpuint(next_expected(&t), ==, 11);
    r = mcp_seq_observe(&t, 10, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_DUPLICATE);
}

/* A NAKed seq that arrives ahead (d = 5) is a retransmission, not a gap, and L stays. */
static void test_retransmission_instead_of_gap(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    mcp_seq_note_nak(&t, 15);
    struct mcp_seq_result r = mcp_seq_observe(&t, 15, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_RETRANSMISSION);
    g_assert_cmpuint(r.missing, ==, 0);
    g_assert_cmpuint(next_expected(&t), ==, 11);
}

/* NAK pending (bad CRC: nak_seq = L + 1), then the resend has d = 1: simply in order. */
static void test_nak_then_in_order(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    mcp_seq_note_nak(&t, 11);
    struct mcp_seq_result r = mcp_seq_observe(&t, 11, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_IN_ORDER);
    g_assert_true(r.nak_consumed);
    g_assert_cmpuint(next_expected(&t), ==, 12);
    /* consumed: the next copy is a duplicate */
    r = mcp_seq_observe(&t, 11, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_DUPLICATE);
}

/* A pending NAK waits for its own seq; other frames neither consume nor change it. */
static void test_nak_stays_pending(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    mcp_seq_note_nak(&t, 9);
    for (uint8_t s = 11; s < 20; s++) {
        struct mcp_seq_result r = mcp_seq_observe(&t, s, false);
        g_assert_cmpint(r.verdict, ==, MCP_SEQ_IN_ORDER);
        g_assert_false(r.nak_consumed);
    }
    struct mcp_seq_result r = mcp_seq_observe(&t, 9, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_RETRANSMISSION);
    g_assert_cmpuint(next_expected(&t), ==, 20);
}

/* A gap's NAKs (one per missing seq, lowest first) resent one by one: all retransmissions. */
static void test_gap_naks_then_resends(void)
{
    struct mcp_seq_tracker t = tracker_at(10);
    struct mcp_seq_result r = mcp_seq_observe(&t, 14, false);
    uint8_t naks[MCP_MAX_GAP_NAKS];
    size_t n = mcp_seq_gap_naks(&r, naks);
    g_assert_cmpuint(n, ==, 3);
    for (size_t i = 0; i < n; i++) {
        g_assert_cmpuint(naks[i], ==, 11 + i);
        mcp_seq_note_nak(&t, naks[i]);
    }
    for (size_t i = 0; i < n; i++) {
        r = mcp_seq_observe(&t, naks[i], false);
        g_assert_cmpint(r.verdict, ==, MCP_SEQ_RETRANSMISSION);
    }
    r = mcp_seq_observe(&t, 15, false);
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_IN_ORDER);
}

/* At most 16 NAKs, the lowest missing seqs first. */
static void test_gap_naks_capped_at_16(void)
{
    struct mcp_seq_tracker t = tracker_at(250);
    struct mcp_seq_result r = mcp_seq_observe(&t, 50, false); /* d = 56: 55 missing */
    g_assert_cmpint(r.verdict, ==, MCP_SEQ_GAP);
    g_assert_cmpuint(r.missing, ==, 55);
    uint8_t naks[MCP_MAX_GAP_NAKS];
    g_assert_cmpuint(mcp_seq_gap_naks(&r, naks), ==, 16);
    for (unsigned i = 0; i < 16; i++)
        g_assert_cmpuint(naks[i], ==, (uint8_t)(251 + i));

    t = tracker_at(0);
    r = mcp_seq_observe(&t, 17, false); /* exactly 16 missing: 1..16 */
    g_assert_cmpuint(mcp_seq_gap_naks(&r, naks), ==, 16);
    g_assert_cmpuint(naks[15], ==, 16);
}

static void test_gap_naks_only_on_gap(void)
{
    struct mcp_seq_tracker t = tracker_at(0);
    uint8_t naks[MCP_MAX_GAP_NAKS];
    struct mcp_seq_result r = mcp_seq_observe(&t, 1, false);
    g_assert_cmpuint(mcp_seq_gap_naks(&r, naks), ==, 0);
    r = mcp_seq_observe(&t, 1, false);
    g_assert_cmpuint(mcp_seq_gap_naks(&r, naks), ==, 0);
    r = mcp_seq_observe(&t, 0, false);
    g_assert_cmpuint(mcp_seq_gap_naks(&r, naks), ==, 0);
    r = mcp_seq_observe(&t, 3, false);
    g_assert_cmpuint(mcp_seq_gap_naks(&r, naks), ==, 1);
    g_assert_cmpuint(naks[0], ==, 2);
}

static void test_verdict_names(void)
{
    g_assert_cmpstr(mcp_seq_verdict_name(MCP_SEQ_NONE), ==, "none");
    g_assert_cmpstr(mcp_seq_verdict_name(MCP_SEQ_IN_ORDER), ==, "in order");
    g_assert_cmpstr(mcp_seq_verdict_name(MCP_SEQ_DUPLICATE), ==, "duplicate");
    g_assert_cmpstr(mcp_seq_verdict_name(MCP_SEQ_GAP), ==, "gap");
    g_assert_cmpstr(mcp_seq_verdict_name(MCP_SEQ_OUT_OF_ORDER), ==, "out of order");
    g_assert_cmpstr(mcp_seq_verdict_name(MCP_SEQ_RETRANSMISSION), ==, "retransmission");
    g_assert_cmpstr(mcp_seq_verdict_name(MCP_SEQ_VERDICT_COUNT), ==, "none");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/seq/first-frame", test_first_frame);
    g_test_add_func("/seq/d1-in-order", test_d1_in_order);
    g_test_add_func("/seq/d0-duplicate", test_d0_duplicate);
    g_test_add_func("/seq/d2-gap-of-one", test_d2_gap_of_one);
    g_test_add_func("/seq/d128-gap", test_d128_gap);
    g_test_add_func("/seq/d129-out-of-order", test_d129_out_of_order);
    g_test_add_func("/seq/d255-out-of-order", test_d255_out_of_order);
    g_test_add_func("/seq/every-d-from-every-l", test_every_d_from_every_l);
    g_test_add_func("/seq/wrap-in-order", test_wrap_in_order);
    g_test_add_func("/seq/wrap-gap", test_wrap_gap);
    g_test_add_func("/seq/sync", test_sync);
    g_test_add_func("/seq/sync-as-first-frame", test_sync_as_first_frame);
    g_test_add_func("/seq/retransmission-behind", test_retransmission_behind);
    g_test_add_func("/seq/retransmission-instead-of-duplicate",
                    test_retransmission_instead_of_duplicate);
    g_test_add_func("/seq/retransmission-instead-of-gap", test_retransmission_instead_of_gap);
    g_test_add_func("/seq/nak-then-in-order", test_nak_then_in_order);
    g_test_add_func("/seq/nak-stays-pending", test_nak_stays_pending);
    g_test_add_func("/seq/gap-naks-then-resends", test_gap_naks_then_resends);
    g_test_add_func("/seq/gap-naks-capped-at-16", test_gap_naks_capped_at_16);
    g_test_add_func("/seq/gap-naks-only-on-gap", test_gap_naks_only_on_gap);
    g_test_add_func("/seq/verdict-names", test_verdict_names);
    return g_test_run();
}

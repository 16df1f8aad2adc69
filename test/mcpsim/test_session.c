/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the per-client NAK decisions and own numbering (§3). */
#include <string.h>

#include <glib.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"
#include "session.h"

/* Decides on a frame with this seq/cmd/payload and check outcome. */
static void decide(struct sim_session *s, uint8_t seq, uint8_t cmd, const uint8_t *payload,
                   size_t len, bool crc_ok, struct sim_decision *d)
{
    struct mcp_frame f = {.seq = seq,
                          .cmd = cmd,
                          .length = (uint16_t)len,
                          .payload = payload,
                          .frame_len = MCP_OVERHEAD + len};
    struct mcp_pdu pdu;
    sim_session_decide(s, &f, crc_ok, &pdu, d);
}

static void assert_nak(const struct sim_decision *d, size_t i, uint8_t seq, uint8_t reason)
{
    g_assert_cmpuint(d->nak_count, >, i);
    g_assert_cmpuint(d->naks[i].seq, ==, seq);
    g_assert_cmpuint(d->naks[i].reason, ==, reason);
}

static const uint8_t read_req[] = {0x01, 0x00, 0x00, 0x00, 0x01};

static void test_in_order(void)
{
    struct sim_session s;
    struct sim_decision d;
    sim_session_init(&s);
    decide(&s, 10, MCP_CMD_READ, read_req, sizeof read_req, true, &d);
    g_assert_true(d.serve);
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_NONE);
    g_assert_cmpuint(d.nak_count, ==, 0);
    decide(&s, 11, MCP_CMD_HEARTBEAT, NULL, 0, true, &d);
    g_assert_true(d.serve);
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_IN_ORDER);
    decide(&s, 11, MCP_CMD_HEARTBEAT, NULL, 0, true, &d); /* a duplicate is still served */
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_DUPLICATE);
    g_assert_true(d.serve);
    g_assert_cmpuint(d.nak_count, ==, 0);
}

static void test_bad_crc(void)
{
    struct sim_session s;
    struct sim_decision d;
    sim_session_init(&s);
    /* nothing accepted yet: the best guess is the frame's own seq */
    decide(&s, 5, MCP_CMD_HEARTBEAT, NULL, 0, false, &d);
    g_assert_false(d.observed);
    g_assert_false(d.serve);
    assert_nak(&d, 0, 5, MCP_NAK_BAD_CRC);
    decide(&s, 5, MCP_CMD_HEARTBEAT, NULL, 0, true, &d);
    g_assert_true(d.seq.nak_consumed);
    /* later: L + 1, whatever the frame's seq byte says */
    decide(&s, 200, MCP_CMD_HEARTBEAT, NULL, 0, false, &d);
    g_assert_cmpuint(d.nak_count, ==, 1);
    assert_nak(&d, 0, 6, MCP_NAK_BAD_CRC);
    decide(&s, 6, MCP_CMD_HEARTBEAT, NULL, 0, true, &d);
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_IN_ORDER);
    g_assert_true(d.seq.nak_consumed);
}

static void test_gap(void)
{
    struct sim_session s;
    struct sim_decision d;
    sim_session_init(&s);
    decide(&s, 254, MCP_CMD_HEARTBEAT, NULL, 0, true, &d);
    decide(&s, 2, MCP_CMD_READ, read_req, sizeof read_req, true, &d); /* 255, 0, 1 missing */
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_GAP);
    g_assert_cmpuint(d.nak_count, ==, 3);
    assert_nak(&d, 0, 255, MCP_NAK_SEQ_GAP);
    assert_nak(&d, 1, 0, MCP_NAK_SEQ_GAP);
    assert_nak(&d, 2, 1, MCP_NAK_SEQ_GAP);
    g_assert_true(d.serve); /* the revealing frame is processed */
    /* resends of NAKed seqs are retransmissions and get no NAK */
    decide(&s, 0, MCP_CMD_HEARTBEAT, NULL, 0, true, &d);
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_RETRANSMISSION);
    g_assert_cmpuint(d.nak_count, ==, 0);
    g_assert_true(d.serve);
    /* a big gap: 16 NAKs at most, lowest first */
    decide(&s, 100, MCP_CMD_HEARTBEAT, NULL, 0, true, &d);
    g_assert_cmpuint(d.seq.missing, ==, 97);
    g_assert_cmpuint(d.nak_count, ==, 16);
    for (size_t i = 0; i < 16; i++)
        assert_nak(&d, i, (uint8_t)(3 + i), MCP_NAK_SEQ_GAP);
    /* out of order: no NAK */
    decide(&s, 60, MCP_CMD_HEARTBEAT, NULL, 0, true, &d);
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_OUT_OF_ORDER);
    g_assert_cmpuint(d.nak_count, ==, 0);
}

static void test_rejections(void)
{
    struct sim_session s;
    struct sim_decision d;
    sim_session_init(&s);
    const uint8_t rsp[] = {0x00, 0x00};
    decide(&s, 0, MCP_CMD_HEARTBEAT_RSP, rsp, sizeof rsp, true, &d);
    g_assert_true(d.observed);
    g_assert_false(d.serve);
    g_assert_cmpuint(d.nak_count, ==, 1);
    assert_nak(&d, 0, 0, MCP_NAK_UNEXPECTED_RESPONSE);
    decide(&s, 1, 0xC7, NULL, 0, true, &d); /* an unknown response too */
    assert_nak(&d, 0, 1, MCP_NAK_UNEXPECTED_RESPONSE);

    decide(&s, 2, MCP_CMD_READ, read_req, 4, true, &d);
    g_assert_true(d.malformed);
    g_assert_false(d.serve);
    assert_nak(&d, 0, 2, MCP_NAK_BAD_LENGTH);
    const uint8_t two[] = {1, 2};
    decide(&s, 3, MCP_CMD_SYNC, two, sizeof two, true, &d); /* malformed SYNC */
    assert_nak(&d, 0, 3, MCP_NAK_BAD_LENGTH);
    /* gap NAKs come first, then the frame's own */
    decide(&s, 6, MCP_CMD_HEARTBEAT, two, sizeof two, true, &d);
    g_assert_cmpuint(d.nak_count, ==, 3);
    assert_nak(&d, 0, 4, MCP_NAK_SEQ_GAP);
    assert_nak(&d, 1, 5, MCP_NAK_SEQ_GAP);
    assert_nak(&d, 2, 6, MCP_NAK_BAD_LENGTH);
    /* its resend is a retransmission */
    decide(&s, 6, MCP_CMD_HEARTBEAT, NULL, 0, true, &d);
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_RETRANSMISSION);
    g_assert_true(d.serve);
}

static void test_notifications(void)
{
    struct sim_session s;
    struct sim_decision d;
    sim_session_init(&s);
    const uint8_t event[] = {1, 1, 0, 0, 0, 0};
    decide(&s, 0, MCP_CMD_EVENT, event, sizeof event, true, &d);
    g_assert_false(d.serve);
    g_assert_cmpuint(d.nak_count, ==, 0);
    decide(&s, 77, MCP_CMD_SYNC, NULL, 0, true, &d); /* no gap across a SYNC */
    g_assert_cmpint(d.seq.verdict, ==, MCP_SEQ_NONE);
    g_assert_cmpuint(d.nak_count, ==, 0);
    const uint8_t nak[] = {9, MCP_NAK_BAD_CRC};
    decide(&s, 78, MCP_CMD_NAK, nak, sizeof nak, true, &d);
    g_assert_false(d.serve);
    g_assert_true(d.resend);
    g_assert_cmpuint(d.resend_seq, ==, 9);
    decide(&s, 79, 0x42, NULL, 0, true, &d); /* unknown request: served (UNSUPPORTED) */
    g_assert_true(d.serve);
}

static void test_own_numbering(void)
{
    struct sim_session s;
    sim_session_init(&s);
    struct mcp_codec codec = mcp_codec_default();
    uint8_t out[SIM_MAX_OUT_FRAME];
    const uint8_t payload[] = {0x00, 0x00};
    g_assert_null(sim_session_sent(&s, 0));
    for (unsigned i = 0; i < 300; i++) {
        size_t n = sim_session_encode(&s, &codec, MCP_CMD_HEARTBEAT_RSP, payload, 2, out);
        g_assert_cmpuint(n, ==, 8);
        g_assert_cmpuint(out[1], ==, i & 0xff); /* +1 per frame, 255 wraps to 0 */
        const struct sim_sent_frame *kept = sim_session_sent(&s, (uint8_t)i);
        g_assert_nonnull(kept);
        g_assert_cmpmem(kept->bytes, kept->len, out, n);
    }
    /* the last 16 are kept: seqs 28..43 (frames 284..299) */
    g_assert_nonnull(sim_session_sent(&s, 43));
    g_assert_nonnull(sim_session_sent(&s, 28));
    g_assert_null(sim_session_sent(&s, 27));
    g_assert_null(sim_session_sent(&s, 44));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mcpsim/session/in-order", test_in_order);
    g_test_add_func("/mcpsim/session/bad-crc", test_bad_crc);
    g_test_add_func("/mcpsim/session/gap", test_gap);
    g_test_add_func("/mcpsim/session/rejections", test_rejections);
    g_test_add_func("/mcpsim/session/notifications", test_notifications);
    g_test_add_func("/mcpsim/session/own-numbering", test_own_numbering);
    return g_test_run();
}

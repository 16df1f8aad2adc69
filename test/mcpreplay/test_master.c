/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the shared master (replay/common/master.h) against docs/PROTOCOL.md
 * §3 (NAK, resend with the original seq) and §4 (matching). Frames are built
 * with lib/'s encoder; the device's side is played by hand.
 */
#include <glib.h>
#include <string.h>

#include "master.h"
#include "mcp/mcp.h"

#define MS 1000000LL

struct log {
    GPtrArray *resent; /* GBytes */
    GArray *events;    /* struct mcp_master_event (bytes not kept) */
    bool fail_send;
};

static bool on_send(void *ctx, const uint8_t *bytes, size_t len)
{
    struct log *l = ctx;
    g_ptr_array_add(l->resent, g_bytes_new(bytes, len));
    return !l->fail_send;
}

static void on_event(void *ctx, const struct mcp_master_event *ev)
{
    struct log *l = ctx;
    struct mcp_master_event copy = *ev;
    copy.bytes = NULL;
    g_array_append_val(l->events, copy);
}

static struct mcp_master *new_master(struct log *l, unsigned retries)
{
    l->resent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    l->events = g_array_new(FALSE, TRUE, sizeof(struct mcp_master_event));
    struct mcp_master_config cfg = {.codec = mcp_codec_default(),
                                    .retries = retries,
                                    .busy_backoff_ns = 50 * MS,
                                    .timeout_ns = 1000 * MS,
                                    .late_ns = 2000 * MS};
    return mcp_master_new(&cfg, on_send, on_event, l);
}

static void free_log(struct log *l)
{
    g_ptr_array_free(l->resent, TRUE);
    g_array_free(l->events, TRUE);
}

static size_t frame(uint8_t seq, uint8_t cmd, const uint8_t *payload, size_t n, uint8_t *out)
{
    struct mcp_codec c = mcp_codec_default();
    return mcp_frame_encode(&c, seq, cmd, payload, n, out, MCP_MAX_FRAME);
}

static size_t read_req(uint8_t seq, uint8_t *out)
{
    uint8_t p[5];
    size_t n = mcp_build_read(3, 0x10, 4, p, sizeof p);
    return frame(seq, MCP_CMD_READ, p, n, out);
}

static size_t nak(uint8_t seq, uint8_t nak_seq, uint8_t reason, uint8_t *out)
{
    uint8_t p[2];
    size_t n = mcp_build_nak(nak_seq, reason, p, sizeof p);
    return frame(seq, MCP_CMD_NAK, p, n, out);
}

static size_t status_rsp(uint8_t seq, uint8_t req_seq, uint8_t cmd, uint8_t status, uint8_t *out)
{
    uint8_t p[2];
    size_t n = mcp_build_status_response(req_seq, status, p, sizeof p);
    return frame(seq, cmd | 0x80, p, n, out);
}

static const struct mcp_master_event *last(struct log *l)
{
    g_assert_cmpuint(l->events->len, >, 0);
    return &g_array_index(l->events, struct mcp_master_event, l->events->len - 1);
}

/* The spec's test vector READ seq=1 is awaited and its answer matched with the latency. */
static void test_answer(void)
{
    struct log l = {0};
    struct mcp_master *m = new_master(&l, 3);
    static const uint8_t vec_read[] = {0x5a, 0x01, 0x00, 0x05, 0x02, 0x03,
                                       0x00, 0x10, 0x00, 0x04, 0xd4};
    mcp_master_sent(m, vec_read, sizeof vec_read, 7, 100 * MS);
    g_assert_cmpuint(mcp_master_next_seq(m), ==, 2);
    g_assert_cmpuint(mcp_master_outstanding(m), ==, 1);
    g_assert_cmpint(mcp_master_next_deadline(m), ==, 1100 * MS);
    uint8_t buf[MCP_MAX_FRAME];
    /* an answer to another seq is unmatched */
    size_t n = status_rsp(0, 9, MCP_CMD_READ, 0, buf);
    mcp_master_received(m, buf, n, true, 110 * MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_UNMATCHED);
    n = status_rsp(1, 1, MCP_CMD_READ, MCP_STATUS_DEVICE_BUSY, buf);
    mcp_master_received(m, buf, n, false, 115 * MS); /* a bad check takes no part */
    g_assert_cmpuint(l.events->len, ==, 1);
    mcp_master_received(m, buf, n, true, 120 * MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_ANSWER);
    g_assert_cmpuint(last(&l)->id, ==, 7);
    g_assert_cmpint(last(&l)->latency_ns, ==, 20 * MS);
    g_assert_false(last(&l)->late);
    g_assert_cmpuint(mcp_master_outstanding(m), ==, 0);
    g_assert_cmpuint(mcp_master_stats(m)->answered, ==, 1);
    g_assert_cmpuint(mcp_master_stats(m)->unmatched, ==, 1);
    mcp_master_free(m);
    free_log(&l);
}

/* §3: NAK BUSY -> the same frame (original seq) again after the backoff; then answered. */
static void test_busy_resend(void)
{
    struct log l = {0};
    struct mcp_master *m = new_master(&l, 3);
    uint8_t req[64], buf[64];
    size_t rn = read_req(5, req);
    mcp_master_sent(m, req, rn, 1, 0);
    size_t n = nak(0, 5, MCP_NAK_BUSY, buf);
    mcp_master_received(m, buf, n, true, 10 * MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_NAK);
    g_assert_true(last(&l)->will_resend);
    g_assert_cmpint(mcp_master_next_deadline(m), ==, 60 * MS);
    g_assert_true(mcp_master_tick(m, 59 * MS));
    g_assert_cmpuint(l.resent->len, ==, 0);
    g_assert_true(mcp_master_tick(m, 60 * MS));
    g_assert_cmpuint(l.resent->len, ==, 1);
    gsize len;
    const uint8_t *again = g_bytes_get_data(g_ptr_array_index(l.resent, 0), &len);
    g_assert_cmpmem(again, len, req, rn);
    n = status_rsp(1, 5, MCP_CMD_READ, 0, buf);
    mcp_master_received(m, buf, n, true, 70 * MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_ANSWER);
    g_assert_cmpint(last(&l)->latency_ns, ==, 10 * MS);
    g_assert_cmpuint(last(&l)->resends, ==, 1);
    g_assert_cmpuint(last(&l)->nak_reasons, ==, 1u << MCP_NAK_BUSY);
    const struct mcp_master_stats *st = mcp_master_stats(m);
    g_assert_cmpuint(st->naks[MCP_NAK_BUSY], ==, 1);
    g_assert_cmpuint(st->resends, ==, 1);
    g_assert_cmpuint(st->answered_after_resend, ==, 1);
    mcp_master_free(m);
    free_log(&l);
}

/* A frame sent with a spoiled check is resent with a correct one; BAD_CRC then GAP: one resend. */
static void test_bad_crc_resend_fixed(void)
{
    struct log l = {0};
    struct mcp_master *m = new_master(&l, 3);
    uint8_t req[64], good[64], buf[64];
    size_t rn = read_req(8, req);
    memcpy(good, req, rn);
    req[rn - 1] ^= 0xFF;
    mcp_master_sent(m, req, rn, 1, 0);
    size_t n = nak(0, 8, MCP_NAK_BAD_CRC, buf);
    mcp_master_received(m, buf, n, true, 1 * MS);
    n = nak(1, 8, MCP_NAK_SEQ_GAP, buf);
    mcp_master_received(m, buf, n, true, 2 * MS);
    g_assert_true(mcp_master_tick(m, 2 * MS));
    g_assert_cmpuint(l.resent->len, ==, 1);
    gsize len;
    const uint8_t *again = g_bytes_get_data(g_ptr_array_index(l.resent, 0), &len);
    g_assert_cmpmem(again, len, good, rn);
    /* The same pair with the resend already gone out between them: still one resend. */
    rn = read_req(9, req);
    req[rn - 1] ^= 0xFF;
    mcp_master_sent(m, req, rn, 2, 3 * MS);
    n = nak(2, 9, MCP_NAK_BAD_CRC, buf);
    mcp_master_received(m, buf, n, true, 4 * MS);
    g_assert_true(mcp_master_tick(m, 4 * MS));
    g_assert_cmpuint(l.resent->len, ==, 2);
    n = nak(3, 9, MCP_NAK_SEQ_GAP, buf);
    mcp_master_received(m, buf, n, true, 5 * MS);
    g_assert_true(mcp_master_tick(m, 5 * MS));
    g_assert_cmpuint(l.resent->len, ==, 2);
    /* A later BAD_CRC for the resend itself is a new loss: resent again. */
    n = nak(4, 9, MCP_NAK_BAD_CRC, buf);
    mcp_master_received(m, buf, n, true, 6 * MS);
    g_assert_true(mcp_master_tick(m, 6 * MS));
    g_assert_cmpuint(l.resent->len, ==, 3);
    mcp_master_free(m);
    free_log(&l);
}

/* A second bad frame before the first one's resend draws a BAD_CRC NAK naming the first
 * again (L + 1): that frame goes out three times and the device answers two copies. The
 * second answer is an answer to our own copy, not unmatched; a third is unmatched, and so
 * is any second answer to a frame sent once (a device answering twice, h19 #13). */
static void test_answers_to_copies(void)
{
    struct log l = {0};
    struct mcp_master *m = new_master(&l, 3);
    uint8_t req[64], buf[64];
    size_t rn = read_req(8, req);
    req[rn - 1] ^= 0xFF; /* the original is spoiled */
    mcp_master_sent(m, req, rn, 1, 0);
    size_t n = nak(0, 8, MCP_NAK_BAD_CRC, buf);
    mcp_master_received(m, buf, n, true, 1 * MS);
    g_assert_true(mcp_master_tick(m, 1 * MS));
    n = nak(1, 8, MCP_NAK_BAD_CRC, buf); /* frame 9 spoiled too, named as L + 1 = 8 */
    mcp_master_received(m, buf, n, true, 2 * MS);
    g_assert_true(mcp_master_tick(m, 2 * MS));
    g_assert_cmpuint(l.resent->len, ==, 2);
    n = status_rsp(2, 8, MCP_CMD_READ, MCP_STATUS_ILLEGAL_ADDRESS, buf);
    mcp_master_received(m, buf, n, true, 3 * MS);
    const struct mcp_master_stats *st = mcp_master_stats(m);
    g_assert_cmpuint(st->answered, ==, 1);
    g_assert_cmpuint(st->unmatched, ==, 0);
    n = status_rsp(3, 8, MCP_CMD_READ, MCP_STATUS_ILLEGAL_ADDRESS, buf);
    mcp_master_received(m, buf, n, true, 4 * MS);
    g_assert_cmpuint(st->answers_to_copies, ==, 1);
    g_assert_cmpuint(st->unmatched, ==, 0);
    n = status_rsp(4, 8, MCP_CMD_READ, MCP_STATUS_ILLEGAL_ADDRESS, buf);
    mcp_master_received(m, buf, n, true, 5 * MS); /* three copies sent, one was spoiled */
    g_assert_cmpuint(st->answers_to_copies, ==, 1);
    g_assert_cmpuint(st->unmatched, ==, 1);
    /* A frame sent once and answered twice: the second answer is unmatched. */
    rn = read_req(10, req);
    mcp_master_sent(m, req, rn, 2, 6 * MS);
    n = status_rsp(5, 10, MCP_CMD_READ, MCP_STATUS_ILLEGAL_ADDRESS, buf);
    mcp_master_received(m, buf, n, true, 7 * MS);
    mcp_master_received(m, buf, n, true, 8 * MS);
    g_assert_cmpuint(st->answered, ==, 2);
    g_assert_cmpuint(st->answers_to_copies, ==, 1);
    g_assert_cmpuint(st->unmatched, ==, 2);
    mcp_master_free(m);
    free_log(&l);
}

/* Retries are bounded; BAD_LENGTH is never resent; a NAK for an unsent seq is only counted. */
static void test_give_up(void)
{
    struct log l = {0};
    struct mcp_master *m = new_master(&l, 2);
    uint8_t req[64], buf[64];
    size_t rn = read_req(0, req);
    mcp_master_sent(m, req, rn, 1, 0);
    int64_t t = 0;
    for (int i = 0; i < 2; i++) {
        size_t n = nak(0, 0, MCP_NAK_BUSY, buf);
        mcp_master_received(m, buf, n, true, t += MS);
        g_assert_true(mcp_master_tick(m, t += 100 * MS));
    }
    g_assert_cmpuint(l.resent->len, ==, 2);
    size_t n = nak(0, 0, MCP_NAK_BUSY, buf);
    mcp_master_received(m, buf, n, true, t += MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_GAVE_UP);
    g_assert_cmpuint(last(&l)->nak_reasons, ==, 1u << MCP_NAK_BUSY);
    g_assert_cmpuint(mcp_master_outstanding(m), ==, 0);

    rn = read_req(1, req);
    mcp_master_sent(m, req, rn, 2, t);
    n = nak(0, 1, MCP_NAK_BAD_LENGTH, buf);
    mcp_master_received(m, buf, n, true, t += MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_GAVE_UP);
    g_assert_cmpuint(last(&l)->id, ==, 2);
    g_assert_cmpuint(l.resent->len, ==, 2);

    n = nak(0, 200, MCP_NAK_SEQ_GAP, buf);
    guint before = l.events->len;
    mcp_master_received(m, buf, n, true, t += MS);
    g_assert_cmpuint(l.events->len, ==, before);
    g_assert_cmpuint(mcp_master_stats(m)->naks_unknown, ==, 1);
    g_assert_cmpuint(mcp_master_stats(m)->gave_up, ==, 2);
    mcp_master_free(m);
    free_log(&l);
}

/* Timeout, then a late answer with its latency; another request expires unanswered. */
static void test_late_and_expired(void)
{
    struct log l = {0};
    struct mcp_master *m = new_master(&l, 3);
    uint8_t req[64], buf[64];
    size_t rn = read_req(0, req);
    mcp_master_sent(m, req, rn, 1, 0);
    rn = read_req(1, req);
    mcp_master_sent(m, req, rn, 2, 0);
    g_assert_true(mcp_master_tick(m, 1000 * MS));
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_TIMEOUT);
    g_assert_cmpuint(mcp_master_waiting(m), ==, 0);
    g_assert_cmpuint(mcp_master_outstanding(m), ==, 2);
    size_t n = status_rsp(0, 0, MCP_CMD_READ, 0, buf);
    mcp_master_received(m, buf, n, true, 1100 * MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_ANSWER);
    g_assert_true(last(&l)->late);
    g_assert_cmpint(last(&l)->latency_ns, ==, 1100 * MS);
    g_assert_true(mcp_master_tick(m, 2000 * MS));
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_EXPIRED);
    g_assert_cmpuint(last(&l)->id, ==, 2);
    n = status_rsp(1, 1, MCP_CMD_READ, 0, buf);
    mcp_master_received(m, buf, n, true, 2100 * MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_UNMATCHED);
    const struct mcp_master_stats *st = mcp_master_stats(m);
    g_assert_cmpuint(st->late, ==, 1);
    g_assert_cmpuint(st->timeouts, ==, 2);
    g_assert_cmpuint(st->expired, ==, 1);
    mcp_master_free(m);
    free_log(&l);
}

/* Broadcasts and notifications are numbered but never awaited (§4). */
static void test_numbering_broadcast(void)
{
    struct log l = {0};
    struct mcp_master *m = new_master(&l, 3);
    mcp_master_set_next_seq(m, 255);
    uint8_t p[8], out[64];
    size_t pn = mcp_build_read(MCP_BROADCAST_DEVICE, 0, 1, p, sizeof p);
    size_t n = mcp_master_encode(m, MCP_CMD_READ, p, pn, out, sizeof out);
    g_assert_cmpuint(out[1], ==, 255);
    mcp_master_sent(m, out, n, 1, 0);
    g_assert_cmpuint(mcp_master_next_seq(m), ==, 0);
    g_assert_cmpuint(mcp_master_outstanding(m), ==, 0);
    n = mcp_master_encode(m, MCP_CMD_SYNC, NULL, 0, out, sizeof out);
    g_assert_cmpuint(out[1], ==, 0);
    mcp_master_sent(m, out, n, 2, 0);
    g_assert_cmpuint(mcp_master_outstanding(m), ==, 0);
    g_assert_cmpuint(mcp_master_stats(m)->sent, ==, 2);
    mcp_master_free(m);
    free_log(&l);
}

/* At most MCP_MASTER_MAX_OPEN awaited: one more forgets the oldest; its late answer is unmatched,
 * the newest still matches (the pool reuses entries without confusing them). */
static void test_open_bound(void)
{
    struct log l = {0};
    struct mcp_master *m = new_master(&l, 3);
    uint8_t req[64], buf[64];
    for (unsigned i = 0; i < MCP_MASTER_MAX_OPEN + 10; i++) {
        size_t rn = read_req((uint8_t)i, req);
        mcp_master_sent(m, req, rn, i + 1, 0);
    }
    const struct mcp_master_stats *st = mcp_master_stats(m);
    g_assert_cmpuint(st->forgotten, ==, 10);
    g_assert_cmpuint(mcp_master_outstanding(m), ==, MCP_MASTER_MAX_OPEN);
    size_t n = status_rsp(0, 0, MCP_CMD_READ, 0, buf); /* seq 0: its newest request, id 4097 */
    mcp_master_received(m, buf, n, true, MS);
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_ANSWER);
    g_assert_cmpuint(last(&l)->id, ==, 4097);
    n = status_rsp(1, 0, MCP_CMD_READ, 0, buf); /* seq 0's older requests: forgotten (id 1) */
    for (int i = 0; i < 16; i++)
        mcp_master_received(m, buf, n, true, MS);
    g_assert_cmpuint(st->answered, ==, 16);
    mcp_master_received(m, buf, n, true, MS); /* the 17th with seq 0 was forgotten */
    g_assert_cmpint(last(&l)->kind, ==, MCP_MASTER_UNMATCHED);
    mcp_master_free(m);
    free_log(&l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/master/answer", test_answer);
    g_test_add_func("/master/busy-resend", test_busy_resend);
    g_test_add_func("/master/bad-crc-resend-fixed", test_bad_crc_resend_fixed);
    g_test_add_func("/master/answers-to-copies", test_answers_to_copies);
    g_test_add_func("/master/give-up", test_give_up);
    g_test_add_func("/master/late-and-expired", test_late_and_expired);
    g_test_add_func("/master/numbering-broadcast", test_numbering_broadcast);
    g_test_add_func("/master/open-bound", test_open_bound);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of mcpreplay's parts; expected values come from the spec and hand-built packets. */
#include <glib.h>
#include <pcap/dlt.h>
#include <string.h>

#include "expect.h"
#include "expect_map.h"
#include "extract.h"
#include "histogram.h"
#include "slab.h"
#include "mcp/mcp.h"
#include "packet.h"
#include "pacer.h"
#include "rewrite.h"
#include "select.h"
#include "tcp_reasm.h"

/* ---- packet decoding ---- */

/* 10.0.0.1:40001 -> 10.0.0.100:23130, UDP, payload "\x5a\x00\x00\x00\x01\x20" (spec vector). */
static const uint8_t ipv4_udp[] = {0x45, 0x00, 0x00, 0x22, 0x00, 0x01, 0x40, 0x00, 0x40,
                                   0x11, 0x00, 0x00, 10,   0,    0,    1,    10,   0,
                                   0,    100,  0x9c, 0x41, 0x5a, 0x5a, 0x00, 0x0e, 0x00,
                                   0x00, 0x5a, 0x00, 0x00, 0x00, 0x01, 0x20};

static void test_packet_ethernet_vlan(void)
{
    uint8_t buf[128];
    memset(buf, 0xAA, 12);
    memcpy(buf + 12, "\x81\x00\x00\x2a\x88\xa8\x00\x01\x08\x00", 10); /* 802.1Q then 802.1ad */
    memcpy(buf + 22, ipv4_udp, sizeof ipv4_udp);
    struct mr_packet pkt;
    g_assert_true(mr_packet_decode(DLT_EN10MB, buf, 22 + sizeof ipv4_udp, &pkt));
    g_assert_cmpint(pkt.kind, ==, MR_PACKET_UDP);
    g_assert_cmpuint(pkt.sport, ==, 40001);
    g_assert_cmpuint(pkt.dport, ==, 23130);
    g_assert_cmpuint(pkt.payload_len, ==, 6);
    g_assert_cmpmem(pkt.payload, 6, "\x5a\x00\x00\x00\x01\x20", 6);
    g_assert_false(pkt.truncated);
    char s[64];
    mr_endpoint_format(&pkt.src, pkt.sport, s, sizeof s);
    g_assert_cmpstr(s, ==, "10.0.0.1:40001");
    /* Cut by a snaplen: the payload is flagged truncated. */
    g_assert_true(mr_packet_decode(DLT_EN10MB, buf, 22 + sizeof ipv4_udp - 2, &pkt));
    g_assert_true(pkt.truncated);
    g_assert_cmpuint(pkt.payload_len, ==, 4);
}

static void test_packet_other_links(void)
{
    uint8_t buf[128];
    struct mr_packet pkt;
    /* Linux SLL: protocol at offset 14. */
    memset(buf, 0, 16);
    buf[14] = 0x08;
    memcpy(buf + 16, ipv4_udp, sizeof ipv4_udp);
    g_assert_true(mr_packet_decode(DLT_LINUX_SLL, buf, 16 + sizeof ipv4_udp, &pkt));
    g_assert_cmpuint(pkt.dport, ==, 23130);
    /* SLL2: protocol at offset 0. */
    memset(buf, 0, 20);
    buf[0] = 0x08;
    memcpy(buf + 20, ipv4_udp, sizeof ipv4_udp);
    g_assert_true(mr_packet_decode(DLT_LINUX_SLL2, buf, 20 + sizeof ipv4_udp, &pkt));
    g_assert_cmpuint(pkt.payload_len, ==, 6);
    /* NULL, written little- and big-endian. */
    memcpy(buf, "\x02\x00\x00\x00", 4);
    memcpy(buf + 4, ipv4_udp, sizeof ipv4_udp);
    g_assert_true(mr_packet_decode(DLT_NULL, buf, 4 + sizeof ipv4_udp, &pkt));
    memcpy(buf, "\x00\x00\x00\x02", 4);
    g_assert_true(mr_packet_decode(DLT_NULL, buf, 4 + sizeof ipv4_udp, &pkt));
    /* Raw IP. */
    g_assert_true(mr_packet_decode(DLT_RAW, ipv4_udp, sizeof ipv4_udp, &pkt));
    /* A non-first fragment carries no UDP header: handed over for reassembly. */
    memcpy(buf, ipv4_udp, sizeof ipv4_udp);
    buf[6] = 0x00;
    buf[7] = 0x10;
    g_assert_true(mr_packet_decode(DLT_RAW, buf, sizeof ipv4_udp, &pkt));
    g_assert_cmpint(pkt.kind, ==, MR_PACKET_FRAGMENT);
    g_assert_cmpuint(pkt.frag_offset, ==, 128);
    g_assert_false(pkt.frag_more);
    /* Unknown link type. */
    g_assert_false(mr_packet_decode(147, ipv4_udp, sizeof ipv4_udp, &pkt));
}

static void test_packet_ipv6_tcp(void)
{
    uint8_t buf[128] = {0};
    buf[0] = 0x60;
    buf[5] = 20 + 3;
    buf[6] = 6;
    buf[23] = 1; /* ::1 */
    buf[39] = 2; /* ::2 */
    uint8_t *t = buf + 40;
    t[0] = 0x9c;
    t[1] = 0x41;
    t[2] = 0x5a;
    t[3] = 0x5a;
    memcpy(t + 4, "\x01\x02\x03\x04", 4);
    t[12] = 5 << 4;
    t[13] = 0x18;
    memcpy(t + 20, "abc", 3);
    struct mr_packet pkt;
    g_assert_true(mr_packet_decode(DLT_RAW, buf, 63, &pkt));
    g_assert_cmpint(pkt.kind, ==, MR_PACKET_TCP);
    g_assert_cmpuint(pkt.tcp_seq, ==, 0x01020304);
    g_assert_cmpuint(pkt.payload_len, ==, 3);
    char s[64];
    mr_endpoint_format(&pkt.src, pkt.sport, s, sizeof s);
    g_assert_cmpstr(s, ==, "[::1]:40001");
}

static void test_packet_upper_pdu(void)
{
    /* Tag 12 "mcp5a.serial", tag 35 direction 1, end tag, then 3 stream bytes. */
    const uint8_t rec[] = {0,   12,  0,   12,  'm', 'c', 'p',  '5', 'a', '.', 's',
                           'e', 'r', 'i', 'a', 'l', 0,   35,   0,   4,   0,   0,
                           0,   1,   0,   0,   0,   0,   0x5a, 1,   2};
    struct mr_packet pkt;
    g_assert_true(mr_packet_decode(252, rec, sizeof rec, &pkt));
    g_assert_cmpint(pkt.kind, ==, MR_PACKET_SERIAL);
    g_assert_cmpint(pkt.serial_direction, ==, 1);
    g_assert_cmpuint(pkt.payload_len, ==, 3);
    /* Another dissector's export is not ours. */
    uint8_t other[sizeof rec];
    memcpy(other, rec, sizeof rec);
    other[4] = 'x';
    g_assert_false(mr_packet_decode(252, other, sizeof other, &pkt));
}

/* ---- TCP reassembly ---- */

static void collect(void *ctx, const struct mr_recmeta *meta, const uint8_t *data, size_t len)
{
    GString *s = ctx;
    if (meta->number != 0)
        g_string_append_printf(s, "@%" G_GUINT64_FORMAT, meta->number);
    if (data == NULL)
        g_string_append_printf(s, "<hole %zu>", len);
    else
        g_string_append_len(s, (const char *)data, (gssize)len);
}

static void test_reasm(void)
{
    struct mr_tcp_reasm r;
    const struct mr_recmeta m0 = {0};
    GString *s = g_string_new(NULL);
    mr_tcp_reasm_init(&r);
    uint32_t isn = 0xFFFFFFF0u; /* wraps within the stream */
    mr_tcp_reasm_segment(&r, &m0, isn, true, false, NULL, 0, collect, s);
    mr_tcp_reasm_segment(&r, &m0, isn + 1, false, false, (const uint8_t *)"abcdefghij", 10, collect,
                         s);
    mr_tcp_reasm_segment(&r, &m0, isn + 1, false, false, (const uint8_t *)"abcdefghij", 10, collect,
                         s); /* retransmission */
    mr_tcp_reasm_segment(&r, &m0, isn + 21, false, false, (const uint8_t *)"uvw", 3, collect,
                         s); /* early */
    mr_tcp_reasm_segment(&r, &m0, isn + 9, false, false, (const uint8_t *)"ijklmnopqrst", 12,
                         collect, s); /* overlap */
    g_assert_cmpstr(s->str, ==, "abcdefghijklmnopqrstuvw");
    /* A hole: the later bytes wait, then come after the reported hole at the end. */
    mr_tcp_reasm_segment(&r, &m0, isn + 30, false, false, (const uint8_t *)"XYZ", 3, collect, s);
    g_assert_cmpstr(s->str, ==, "abcdefghijklmnopqrstuvw");
    mr_tcp_reasm_flush(&r, &m0, collect, s);
    g_assert_cmpstr(s->str, ==, "abcdefghijklmnopqrstuvw<hole 6>XYZ");
    g_assert_cmpuint(r.holes, ==, 1);
    mr_tcp_reasm_clear(&r);
    g_string_free(s, TRUE);

    /* A segment the capture missed: given up as soon as the peer acknowledges
     * past it; the bytes after it keep their own record (c21). */
    s = g_string_new(NULL);
    mr_tcp_reasm_init(&r);
    const struct mr_recmeta m1 = {.number = 1}, m2 = {.number = 2}, m3 = {.number = 3},
                            m4 = {.number = 4};
    mr_tcp_reasm_segment(&r, &m1, 100, false, false, (const uint8_t *)"ab", 2, collect, s);
    mr_tcp_reasm_segment(&r, &m2, 104, false, false, (const uint8_t *)"ef", 2, collect,
                         s); /* cd lost */
    mr_tcp_reasm_segment(&r, &m3, 106, false, false, (const uint8_t *)"gh", 2, collect, s);
    g_assert_cmpstr(s->str, ==, "@1ab");
    mr_tcp_reasm_ack(&r, &m4, 103, collect, s); /* the peer has byte 102; 103 may still come */
    g_assert_cmpstr(s->str, ==, "@1ab@4<hole 1>");
    mr_tcp_reasm_ack(&r, &m4, 104, collect, s);
    g_assert_cmpstr(s->str, ==, "@1ab@4<hole 1>@4<hole 1>@2ef@3gh");
    mr_tcp_reasm_ack(&r, &m4, 100 + (1u << 30), collect, s); /* not believed */
    g_assert_cmpstr(s->str, ==, "@1ab@4<hole 1>@4<hole 1>@2ef@3gh");
    mr_tcp_reasm_clear(&r);
    g_string_free(s, TRUE);
}

/* ---- histogram and pacing ---- */

static void test_histogram(void)
{
    struct mr_histogram *h = g_new(struct mr_histogram, 1);
    mr_histogram_init(h);
    g_assert_cmpint(mr_histogram_quantile(h, 0.5), ==, 0);
    for (int i = 1; i <= 1000; i++)
        mr_histogram_add(h, i * 1000); /* 1..1000 us */
    int64_t p50 = mr_histogram_quantile(h, 0.5), p99 = mr_histogram_quantile(h, 0.99);
    g_assert_cmpint(p50, >=, 500000);
    g_assert_cmpint(p50, <=, 500000 + 500000 / 64 + 1);
    g_assert_cmpint(p99, >=, 990000);
    g_assert_cmpint(p99, <=, 990000 + 990000 / 64 + 1);
    g_assert_cmpint(mr_histogram_quantile(h, 1.0), ==, 1000000);
    mr_histogram_add(h, -5); /* counts as 0 */
    g_assert_cmpint(h->min, ==, 0);
    g_free(h);
}

static void test_pacer(void)
{
    struct mr_pacer p;
    mr_pacer_init(&p, MR_PACE_CAPTURE, 2.0);
    g_assert_cmpint(mr_pacer_next(&p, 1000000000, 10), ==, 0);
    g_assert_cmpint(mr_pacer_next(&p, 1001000000, 10), ==, 500000);
    g_assert_cmpint(mr_pacer_next(&p, 1001000000, 10), ==, 500000); /* equal: back to back */
    g_assert_cmpint(mr_pacer_next(&p, 1000500000, 10), ==, 500000); /* never backwards */
    g_assert_cmpint(mr_pacer_next(&p, 1003000000, 10), ==, 1500000);
    mr_pacer_init(&p, MR_PACE_PPS, 1000);
    for (int i = 0; i < 5; i++)
        g_assert_cmpint(mr_pacer_next(&p, 0, 10), ==, i * 1000000);
    mr_pacer_init(&p, MR_PACE_MBPS, 8); /* 8 Mbit/s = 1 byte per us */
    g_assert_cmpint(mr_pacer_next(&p, 0, 100), ==, 0);
    g_assert_cmpint(mr_pacer_next(&p, 0, 100), ==, 100000);
    mr_pacer_init(&p, MR_PACE_TOP, 0);
    g_assert_cmpint(mr_pacer_next(&p, 5, 100), ==, 0);
    g_assert_cmpint(mr_pacer_next(&p, 99999, 100), ==, 0);
}

/* ---- selection ---- */

static void test_select(void)
{
    struct mr_select sel = {.from = MR_FROM_MASTER};
    GError *err = NULL;
    g_assert_true(mr_select_parse_cmds(&sel, "READ, heartbeat,0x83", &err));
    g_assert_true(sel.cmds[2] && sel.cmds[1] && sel.cmds[0x83] && !sel.cmds[3]);
    g_assert_false(mr_select_parse_cmds(&sel, "READ,FROB", &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_true(mr_select_parse_cmds(&sel, "READ,WRITE", &err));
    g_assert_true(mr_select_parse_frames(&sel, "3-5,9,20-", &err));
    g_assert_false(mr_select_parse_frames(&sel, "5-3", &err));
    g_clear_error(&err);
    mr_select_clear(&sel);
    g_assert_true(mr_select_parse_frames(&sel, "3-5,9,20-", &err));
    g_assert_true(mr_select_parse_from(&sel, "[::1]:40001", &err));
    g_assert_cmpint(sel.from, ==, MR_FROM_ADDR);
    g_assert_cmpuint(sel.port, ==, 40001);
    g_assert_false(mr_select_parse_from(&sel, "nobody", &err));
    g_clear_error(&err);
    g_assert_true(mr_select_parse_from(&sel, "10.0.0.1", &err));
    struct mr_sender sender = {.kind = MR_PACKET_UDP, .sport = 1234, .master = true};
    sender.src.family = 4;
    memcpy(sender.src.bytes, "\x0a\x00\x00\x01", 4);
    struct mr_frame f = {.record = 4, .cmd = 2, .from_master = true};
    g_assert_true(mr_select_match(&sel, &f, &sender));
    f.record = 6;
    g_assert_false(mr_select_match(&sel, &f, &sender)); /* not in the ranges */
    f.record = 25;
    f.cmd = 1;
    g_assert_false(mr_select_match(&sel, &f, &sender)); /* HEARTBEAT not in --cmd */
    f.cmd = 3;
    g_assert_true(mr_select_match(&sel, &f, &sender));
    sender.src.bytes[3] = 2;
    g_assert_false(mr_select_match(&sel, &f, &sender)); /* another address */
    g_assert_cmpuint(mr_select_last_record(&sel), ==, UINT64_MAX);
    mr_select_clear(&sel);
}

/* ---- rewriting and faults ---- */

static struct mr_frame *frame_of(uint8_t seq, uint8_t cmd, bool bad_crc)
{
    struct mcp_codec codec = mcp_codec_default();
    uint8_t payload[8], buf[32];
    size_t plen = cmd == MCP_CMD_READ ? mcp_build_read(1, 0x10, 2, payload, sizeof payload) : 0;
    size_t n = mcp_frame_encode(&codec, seq, cmd, payload, plen, buf, sizeof buf);
    if (bad_crc)
        buf[n - 1] ^= 0x0F;
    struct mr_frame *f = mr_frame_new(n);
    memcpy(f->bytes, buf, n);
    f->seq = f->orig_seq = seq;
    f->cmd = cmd;
    f->crc_ok = !bad_crc;
    return f;
}

static bool crc_ok(const struct mr_frame *f)
{
    return f->bytes[f->len - 1] == mcp_crc(MCP_CRC8_SMBUS, f->bytes, f->len - 1);
}

static void test_rewrite_renumber(void)
{
    struct mr_rewrite_config cfg = {.codec = mcp_codec_default(), .renumber = true, .seed = 1};
    struct mr_rewriter rw;
    mr_rewriter_init(&rw, &cfg);
    struct mr_frame *out[3];
    uint8_t seqs[] = {7, 7, 200, 3};
    for (int i = 0; i < 4; i++) {
        g_assert_cmpuint(mr_rewrite(&rw, frame_of(seqs[i], MCP_CMD_READ, i == 2), out), ==, 1);
        g_assert_cmpuint(out[0]->bytes[1], ==, 7 + i); /* fresh seqs from the first one */
        g_assert_true(crc_ok(out[0]) == (i != 2));     /* a bad check stays bad */
        mr_frame_free(out[0]);
    }
    mr_rewriter_clear(&rw);
    cfg.fix_crc = true;
    mr_rewriter_init(&rw, &cfg);
    g_assert_cmpuint(mr_rewrite(&rw, frame_of(9, MCP_CMD_READ, true), out), ==, 1);
    g_assert_true(crc_ok(out[0]));
    mr_frame_free(out[0]);
    mr_rewriter_clear(&rw);
}

/* udp/tcp targets: each captured sender keeps its own seqs (one socket each); 0xFF wraps to 0. */
static void test_rewrite_renumber_per_sender(void)
{
    struct mr_rewrite_config cfg = {
        .codec = mcp_codec_default(), .renumber = true, .per_sender = true, .seed = 1};
    struct mr_rewriter rw;
    mr_rewriter_init(&rw, &cfg);
    struct mr_frame *out[3];
    const uint8_t seqs[] = {10, 0xFF, 30, 40, 50, 60};
    const uint32_t senders[] = {0, 1, 0, 1, 0, 1};
    const uint8_t want[] = {10, 0xFF, 11, 0, 12, 1};
    for (int i = 0; i < 6; i++) {
        struct mr_frame *f = frame_of(seqs[i], MCP_CMD_READ, false);
        f->sender = senders[i];
        g_assert_cmpuint(mr_rewrite(&rw, f, out), ==, 1);
        g_assert_cmpuint(out[0]->bytes[1], ==, want[i]);
        g_assert_true(crc_ok(out[0]));
        mr_frame_free(out[0]);
    }
    mr_rewriter_clear(&rw);
}

static void test_rewrite_faults(void)
{
    struct mr_rewrite_config cfg = {.codec = mcp_codec_default(), .corrupt_crc = 1.0, .seed = 1};
    struct mr_rewriter rw;
    struct mr_frame *out[3];
    mr_rewriter_init(&rw, &cfg);
    g_assert_cmpuint(mr_rewrite(&rw, frame_of(1, MCP_CMD_READ, false), out), ==, 1);
    g_assert_false(crc_ok(out[0]));
    g_assert_true(out[0]->corrupted);
    mr_frame_free(out[0]);
    mr_rewriter_clear(&rw);

    cfg = (struct mr_rewrite_config){.codec = mcp_codec_default(), .drop = 1.0};
    mr_rewriter_init(&rw, &cfg);
    g_assert_cmpuint(mr_rewrite(&rw, frame_of(1, MCP_CMD_READ, false), out), ==, 0);
    g_assert_cmpuint(rw.stats.dropped, ==, 1);
    mr_rewriter_clear(&rw);

    cfg = (struct mr_rewrite_config){.codec = mcp_codec_default(), .duplicate = 1.0};
    mr_rewriter_init(&rw, &cfg);
    g_assert_cmpuint(mr_rewrite(&rw, frame_of(1, MCP_CMD_READ, false), out), ==, 2);
    g_assert_cmpmem(out[0]->bytes, out[0]->len, out[1]->bytes, out[1]->len);
    mr_frame_free(out[0]);
    mr_frame_free(out[1]);
    mr_rewriter_clear(&rw);

    cfg = (struct mr_rewrite_config){.codec = mcp_codec_default(), .reorder = 1.0};
    mr_rewriter_init(&rw, &cfg);
    g_assert_cmpuint(mr_rewrite(&rw, frame_of(1, MCP_CMD_READ, false), out), ==, 0); /* held */
    g_assert_cmpuint(mr_rewrite(&rw, frame_of(2, MCP_CMD_READ, false), out), ==, 2);
    g_assert_cmpuint(out[0]->seq, ==, 2);
    g_assert_cmpuint(out[1]->seq, ==, 1);
    mr_frame_free(out[0]);
    mr_frame_free(out[1]);
    mr_rewriter_clear(&rw);

    /* The same seed gives the same faults. */
    unsigned dropped[2];
    for (int run = 0; run < 2; run++) {
        cfg = (struct mr_rewrite_config){.codec = mcp_codec_default(), .drop = 0.3, .seed = 42};
        mr_rewriter_init(&rw, &cfg);
        unsigned pattern = 0;
        for (int i = 0; i < 32; i++) {
            size_t n = mr_rewrite(&rw, frame_of((uint8_t)i, MCP_CMD_HEARTBEAT, false), out);
            pattern = pattern << 1 | (n == 0);
            for (size_t k = 0; k < n; k++)
                mr_frame_free(out[k]);
        }
        dropped[run] = pattern;
        mr_rewriter_clear(&rw);
    }
    g_assert_cmpuint(dropped[0], ==, dropped[1]);
    g_assert_cmpuint(dropped[0], !=, 0);
}

/* ---- --expect ---- */

static void free_frame_cb(void *ctx, struct mr_frame *f)
{
    (void)ctx;
    mr_frame_free(f);
}

static struct mr_frame *answer(uint8_t seq, uint8_t req_seq, uint16_t value, uint64_t record)
{
    struct mcp_codec codec = mcp_codec_default();
    uint8_t payload[32], buf[48];
    uint16_t values[2] = {value, 0x0002};
    size_t plen = mcp_build_read_response_ok(req_seq, 1, 0x10, 2, values, payload, sizeof payload);
    size_t n = mcp_frame_encode(&codec, seq, MCP_CMD_READ_RSP, payload, plen, buf, sizeof buf);
    struct mr_frame *f = mr_frame_new(n);
    memcpy(f->bytes, buf, n);
    f->seq = seq;
    f->cmd = MCP_CMD_READ_RSP;
    f->crc_ok = true;
    f->record = record;
    f->sender = 1;
    return f;
}

static void run_expect_full(uint16_t live_value, uint8_t live_status, int64_t latency_ns,
                            uint32_t ignore, bool answer_live, struct mr_expect_stats *stats,
                            GString *diff)
{
    /* An extractor that has seen one UDP conversation: sender 0 (master) and 1 (device). */
    struct mcp_codec codec = mcp_codec_default();
    struct mr_extractor *ex = mr_extractor_new(&codec, 23130);
    struct mr_record rec = {.file = "x",
                            .number = 1,
                            .ordinal = 1,
                            .linktype = DLT_RAW,
                            .data = ipv4_udp,
                            .caplen = sizeof ipv4_udp,
                            .wirelen = sizeof ipv4_udp};
    mr_extractor_record(ex, &rec, free_frame_cb, NULL);
    g_assert_nonnull(mr_extractor_sender(ex, 1));
    g_assert_cmpuint(mr_extractor_sender(ex, 0)->reverse, ==, 1);

    struct mr_expect_config cfg = {
        .codec = mcp_codec_default(), .timeout_ms = 100, .ignore_mask = ignore};
    struct mr_expect *e = mr_expect_new(&cfg);
    struct mr_frame *req = frame_of(5, MCP_CMD_READ, false);
    req->uid = 77;
    req->record = 10;
    req->sender = 0;
    req->from_master = true;
    mr_expect_observe(e, req, true, ex);
    struct mr_frame *rec_answer = answer(40, 5, 0x0001, 11);
    mr_expect_observe(e, rec_answer, false, ex);
    mr_expect_observe(e, NULL, false, ex);
    /* Sent renumbered as seq 9; the live answer names req_seq 9. */
    req->bytes[1] = req->seq = 9;
    uint64_t id = mr_expect_sent(e, req, 1000);
    g_assert_cmpuint(id, !=, 0);
    g_assert_cmpuint(mr_expect_waiting(e), ==, 1);
    if (answer_live) {
        struct mr_frame *live = answer(3, 9, live_value, 0);
        if (live_status != 0) { /* a status-only answer */
            uint8_t p[2];
            size_t n = mcp_build_status_response(9, live_status, p, sizeof p);
            struct mcp_codec c = mcp_codec_default();
            live->len = mcp_frame_encode(&c, 3, MCP_CMD_READ_RSP, p, n, live->bytes, live->len);
        }
        mr_expect_answered(e, id, live->bytes, live->len, latency_ns, latency_ns > 100000000LL, 0,
                           0);
        mr_frame_free(live);
    } else {
        mr_expect_unanswered(e, id, 0, 0);
    }
    mr_expect_finish(e);
    *stats = *mr_expect_stats(e);
    const GArray *verdicts = mr_expect_verdicts(e);
    for (guint i = 0; i < verdicts->len; i++) {
        mr_verdict_format(&g_array_index(verdicts, struct mr_verdict, i), 100, diff);
        g_string_append_c(diff, '\n');
    }
    mr_expect_free(e);
    mr_frame_free(req);
    mr_frame_free(rec_answer);
    mr_extractor_free(ex);
}

static void run_expect(uint16_t live_value, uint32_t ignore, bool answer_live,
                       struct mr_expect_stats *stats, GString *diff)
{
    run_expect_full(live_value, 0, 50000, ignore, answer_live, stats, diff);
}

static void test_expect(void)
{
    struct mr_expect_stats st;
    GString *diff = g_string_new(NULL);
    run_expect(0x0001, 0, true, &st, diff);
    g_assert_cmpuint(st.requests, ==, 1);
    g_assert_cmpuint(st.matched, ==, 1);
    g_assert_cmpuint(st.latency.count, ==, 1);
    g_assert_cmpint(st.latency.max, ==, 50000);
    g_assert_cmpstr(diff->str, ==, "");

    run_expect(0x0BAD, 0, true, &st, diff);
    g_assert_cmpuint(st.mismatched, ==, 1);
    g_assert_nonnull(strstr(diff->str, "value[0]: recorded 0x0001, received 0x0bad"));
    g_assert_nonnull(strstr(diff->str, "READ seq 9 (capture record 10, seq 5)"));

    g_string_truncate(diff, 0);
    GError *err = NULL;
    uint32_t mask = 0;
    const char *names[] = {"mcp5a.value", NULL};
    g_assert_true(mr_expect_parse_ignore(names, &mask, &err));
    run_expect(0x0BAD, mask, true, &st, diff);
    g_assert_cmpuint(st.matched, ==, 1);

    run_expect(0, 0, false, &st, diff);
    g_assert_cmpuint(st.missing, ==, 1);
    g_assert_nonnull(
        strstr(diff->str, "missing: READ seq 9 (capture record 10, seq 5): no answer"));

    /* A status change is one line, not one line per absent field. */
    g_string_truncate(diff, 0);
    run_expect_full(0, MCP_STATUS_DEVICE_BUSY, 50000, 0, true, &st, diff);
    g_assert_cmpuint(st.mismatched, ==, 1);
    g_assert_cmpstr(diff->str, ==,
                    "mismatch: READ seq 9 (capture record 10, seq 5): status: recorded OK, "
                    "received DEVICE_BUSY\n");

    /* An answer after --timeout is late, with its latency. */
    g_string_truncate(diff, 0);
    run_expect_full(0x0001, 0, 150000000, 0, true, &st, diff);
    g_assert_cmpuint(st.late, ==, 1);
    g_assert_cmpuint(st.matched, ==, 0);
    g_assert_nonnull(strstr(diff->str,
                            "late: READ seq 9 (capture record 10, seq 5): answered after "
                            "150.000 ms (--timeout 100 ms)"));
    g_string_free(diff, TRUE);
}

/* issue 19: §5 item comparison on registers written by hand from §2. */
static void test_expect_map(void)
{
    static const char csv[] = "device,addr,name,type,unit,labels,tolerance\n"
                              "3,0,mode,u16,,0=off;1=on;2=fault,\n"
                              "3,1,serial,str:2,,,\n"
                              "4,3,other,u16,,,\n" /* device 4's: register 3 of device 3 is bare */
                              "3,4,count,u32,rpm,,2\n";
    struct mcp_regmap *map = NULL;
    g_assert_cmpint(mcp_regmap_parse(csv, sizeof csv - 1, "m.csv", &map, NULL, 0), ==, 0);
    /* mode 1 -> 2; serial "AB" -> "AC"; reg 3 5 -> 6; count 100 -> 102 (within 2) */
    const uint16_t rec[] = {1, 0x4142, 0x0000, 5, 0, 100};
    const uint16_t got[] = {2, 0x4143, 0x0000, 6, 0, 102};
    struct mr_verdict *v = g_new0(struct mr_verdict, 1);
    g_assert_cmpuint(mr_expect_map_compare(map, NULL, 3, 0, 6, rec, got, v), ==, 3);
    GString *s = g_string_new(NULL);
    v->category = MR_CAT_MISMATCHED;
    v->cmd = MCP_CMD_READ;
    mr_verdict_format(v, 1000, s);
    g_assert_nonnull(strstr(s->str, ": mode: recorded 1 (on), received 2 (fault), tolerance 0; "
                                    "serial: recorded \"AB\", received \"AC\"; value[3]: "
                                    "recorded 0x0005, received 0x0006"));
    g_assert_null(strstr(s->str, "count"));
    g_assert_false(v->fields[1].numeric);
    /* count 100 -> 103: past its tolerance; mode and serial ignored by name */
    const uint16_t got2[] = {2, 0x4143, 0x0000, 5, 0, 103};
    const char *const ign[] = {"mode", "serial", NULL};
    memset(v, 0, sizeof *v);
    g_assert_cmpuint(mr_expect_map_compare(map, ign, 3, 0, 6, rec, got2, v), ==, 1);
    g_string_truncate(s, 0);
    mr_expect_format_item(s, &v->fields[0]);
    g_assert_cmpstr(s->str, ==, "count: recorded 100 rpm, received 103 rpm, tolerance 2");
    /* a READ starting inside count (register 5 only): compared exactly */
    memset(v, 0, sizeof *v);
    g_assert_cmpuint(mr_expect_map_compare(map, NULL, 3, 5, 1, rec + 5, got + 5, v), ==, 1);
    g_assert_cmpstr(v->fields[0].name, ==, "value[0]");
    g_string_free(s, TRUE);
    g_free(v);
    mcp_regmap_free(map);
}

/* ---- slab (--expect's tables) ---- */

static void count_live(void *ctx, void *obj, uint64_t handle)
{
    (void)handle;
    *(uint64_t *)ctx += *(uint32_t *)obj;
}

/* Handles find their object while it lives and nothing after, even once the slot is reused. */
static void test_slab(void)
{
    struct mr_slab s;
    mr_slab_init(&s, sizeof(uint32_t) + 7); /* an odd size: slots stay aligned */
    enum { N = 3000 };
    uint64_t *h = g_new(uint64_t, N);
    for (uint32_t i = 0; i < N; i++) {
        uint32_t *o = mr_slab_new(&s, &h[i]);
        g_assert_nonnull(o);
        g_assert_cmpuint(h[i], !=, 0);
        g_assert_cmpuint(*o, ==, 0); /* zeroed */
        g_assert_cmpuint((uintptr_t)o % _Alignof(max_align_t), ==, 0);
        *o = i + 1;
    }
    for (uint32_t i = 0; i < N; i += 2)
        mr_slab_free(&s, h[i]);
    mr_slab_free(&s, h[0]); /* twice: nothing */
    g_assert_cmpuint(s.live, ==, N / 2);
    uint64_t sum = 0;
    mr_slab_foreach(&s, count_live, &sum);
    uint64_t want = 0;
    for (uint32_t i = 1; i < N; i += 2)
        want += i + 1;
    g_assert_cmpuint(sum, ==, want);
    /* the freed slots are reused; the old handles still find nothing */
    uint64_t *h2 = g_new(uint64_t, N / 2);
    for (uint32_t i = 0; i < N / 2; i++)
        *(uint32_t *)mr_slab_new(&s, &h2[i]) = 100000 + i;
    g_assert_cmpuint(s.slots, ==, 3 * 1024); /* no new chunk was needed */
    for (uint32_t i = 0; i < N; i++) {
        uint32_t *o = mr_slab_get(&s, h[i]);
        if (i % 2 == 0)
            g_assert_null(o);
        else
            g_assert_cmpuint(*o, ==, i + 1);
    }
    for (uint32_t i = 0; i < N / 2; i++)
        g_assert_cmpuint(*(uint32_t *)mr_slab_get(&s, h2[i]), ==, 100000 + i);
    g_assert_null(mr_slab_get(&s, 0));
    g_assert_null(mr_slab_get(&s, (uint64_t)1 << 32 | 999999));
    mr_slab_clear(&s);
    g_assert_null(mr_slab_get(&s, h[1]));
    g_free(h);
    g_free(h2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mcpreplay/packet/ethernet-vlan", test_packet_ethernet_vlan);
    g_test_add_func("/mcpreplay/packet/other-links", test_packet_other_links);
    g_test_add_func("/mcpreplay/packet/ipv6-tcp", test_packet_ipv6_tcp);
    g_test_add_func("/mcpreplay/packet/upper-pdu", test_packet_upper_pdu);
    g_test_add_func("/mcpreplay/tcp/reassembly", test_reasm);
    g_test_add_func("/mcpreplay/slab", test_slab);
    g_test_add_func("/mcpreplay/histogram", test_histogram);
    g_test_add_func("/mcpreplay/pacer", test_pacer);
    g_test_add_func("/mcpreplay/select", test_select);
    g_test_add_func("/mcpreplay/rewrite/renumber", test_rewrite_renumber);
    g_test_add_func("/mcpreplay/rewrite/renumber-per-sender", test_rewrite_renumber_per_sender);
    g_test_add_func("/mcpreplay/rewrite/faults", test_rewrite_faults);
    g_test_add_func("/mcpreplay/expect", test_expect);
    g_test_add_func("/mcpreplay/expect/map", test_expect_map);
    return g_test_run();
}

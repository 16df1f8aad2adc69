/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: writes MCP captures whose content is known by construction,
 * through libpcap (pcap_open_dead + pcap_dump), plus the master's frames as
 * hex lines (the bytes a replay must deliver), and broken files for the
 * bad-input tests.
 *
 *   mkcap --out F [--frames-out F] [--link eth|vlan|sll|sll2|raw|null|ipv6]
 *         [--transport udp|tcp|serial] [--count N] [--gap-us G] [--irregular]
 *         [--responses] [--ns] [--tcp-split] [--tcp-retransmit] [--tcp-overlap]
 *         [--tcp-ooo] [--tcp-hole K] [--serial-noise] [--device D] [--bad-crc K]
 *   mkcap --broken empty|notcap|short-header|truncated|caplen|zero --out F
 */
#include <glib.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/mcp.h"

static struct {
    gchar *out, *frames_out, *link, *transport, *broken;
    gint count, gap_us, tcp_hole, device, bad_crc;
    gboolean irregular, responses, ns, tcp_split, tcp_retransmit, tcp_overlap, tcp_ooo,
        serial_noise;
} opt = {.link = NULL, .count = 20, .gap_us = 1000, .tcp_hole = -1, .device = 1, .bad_crc = -1};

static pcap_t *dead;
static pcap_dumper_t *dumper;
static int linktype;
static FILE *frames_file;
static int64_t now_ns = 1700000000LL * 1000000000LL;
static uint16_t ip_id;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void dump(const uint8_t *data, size_t len)
{
    struct pcap_pkthdr h;
    h.ts.tv_sec = now_ns / 1000000000;
    h.ts.tv_usec = opt.ns ? now_ns % 1000000000 : (now_ns % 1000000000) / 1000;
    h.caplen = h.len = (bpf_u_int32)len;
    pcap_dump((u_char *)dumper, &h, data);
}

/* Wraps an IP packet in the chosen link layer and writes it. */
static void write_ip(const uint8_t *ip, size_t len, bool v6)
{
    uint8_t buf[70000];
    size_t off = 0;
    uint16_t type = v6 ? 0x86DD : 0x0800;
    if (linktype == DLT_EN10MB) {
        memcpy(buf, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
        off = 12;
        if (strcmp(opt.link, "vlan") == 0) {
            put16(buf + off, 0x8100);
            put16(buf + off + 2, 42);
            off += 4;
        }
        put16(buf + off, type);
        off += 2;
    } else if (linktype == DLT_LINUX_SLL) {
        memset(buf, 0, 16);
        put16(buf + 2, 1);
        put16(buf + 4, 6);
        put16(buf + 14, type);
        off = 16;
    } else if (linktype == DLT_LINUX_SLL2) {
        memset(buf, 0, 20);
        put16(buf, type);
        put32(buf + 4, 1);
        put16(buf + 8, 1);
        buf[11] = 6;
        off = 20;
    } else if (linktype == DLT_NULL) {
        uint32_t fam = v6 ? 10 : 2; /* host order, as a Linux writer would */
        memcpy(buf, &fam, 4);
        off = 4;
    }
    memcpy(buf + off, ip, len);
    dump(buf, off + len);
}

struct flow {
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    uint32_t seq;
};

static bool use_v6(void)
{
    return strcmp(opt.link, "ipv6") == 0;
}

static void write_l4(const struct flow *f, bool tcp, uint8_t flags, uint32_t seq, uint32_t ack,
                     const uint8_t *payload, size_t len)
{
    uint8_t pkt[70000];
    bool v6 = use_v6();
    size_t ip_len = v6 ? 40 : 20, l4 = tcp ? 20 : 8;
    memset(pkt, 0, ip_len + l4);
    if (v6) {
        pkt[0] = 0x60;
        put16(pkt + 4, (uint16_t)(l4 + len));
        pkt[6] = tcp ? 6 : 17;
        pkt[7] = 64;
        memcpy(pkt + 8, f->src, 16);
        memcpy(pkt + 24, f->dst, 16);
    } else {
        pkt[0] = 0x45;
        put16(pkt + 2, (uint16_t)(20 + l4 + len));
        put16(pkt + 4, ip_id++);
        pkt[8] = 64;
        pkt[9] = tcp ? 6 : 17;
        memcpy(pkt + 12, f->src, 4);
        memcpy(pkt + 16, f->dst, 4);
        uint32_t sum = 0; /* header checksum, so a real stack accepts injected copies */
        for (int i = 0; i < 20; i += 2)
            sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
        while (sum >> 16)
            sum = (sum & 0xFFFF) + (sum >> 16);
        put16(pkt + 10, (uint16_t)~sum);
    }
    uint8_t *h = pkt + ip_len;
    put16(h, f->sport);
    put16(h + 2, f->dport);
    if (tcp) {
        put32(h + 4, seq);
        put32(h + 8, ack);
        h[12] = 5 << 4;
        h[13] = flags;
        put16(h + 14, 65535);
    } else {
        put16(h + 4, (uint16_t)(8 + len));
    }
    if (len > 0)
        memcpy(h + l4, payload, len);
    write_ip(pkt, ip_len + l4 + len, v6);
}

/* The i-th request of the master and the device's answer to it. */
static size_t make_request(unsigned i, uint8_t *out)
{
    const struct mcp_codec codec = mcp_codec_default();
    uint8_t payload[300];
    size_t plen;
    uint8_t cmd;
    uint16_t values[4] = {(uint16_t)(0x1000 + i), 2, 3, 4};
    switch (i % 3) {
    case 0:
        cmd = MCP_CMD_READ;
        plen = mcp_build_read((uint8_t)opt.device, (uint16_t)(0x10 + i % 16), (uint16_t)(1 + i % 4),
                              payload, sizeof payload);
        break;
    case 1:
        cmd = MCP_CMD_WRITE;
        plen = mcp_build_write((uint8_t)opt.device, (uint16_t)(0x10 + i % 16), 2, values, payload,
                               sizeof payload);
        break;
    default:
        cmd = MCP_CMD_HEARTBEAT;
        plen = 0;
        break;
    }
    size_t n = mcp_frame_encode(&codec, (uint8_t)i, cmd, payload, plen, out, 5000);
    if ((int)i == opt.bad_crc)
        out[n - 1] ^= 0x55;
    return n;
}

static size_t make_response(unsigned i, const uint8_t *req, uint8_t *out)
{
    const struct mcp_codec codec = mcp_codec_default();
    uint8_t payload[300];
    size_t plen = mcp_build_status_response(req[1], MCP_STATUS_OK, payload, sizeof payload);
    return mcp_frame_encode(&codec, (uint8_t)(i + 100), (uint8_t)(req[4] | 0x80), payload, plen,
                            out, 5000);
}

static void note_frame(const uint8_t *f, size_t len)
{
    if (frames_file == NULL)
        return;
    for (size_t i = 0; i < len; i++)
        fprintf(frames_file, "%02x", f[i]);
    fputc('\n', frames_file);
}

static GRand *rng;

static void advance(unsigned i)
{
    if (!opt.irregular) {
        now_ns += (int64_t)opt.gap_us * 1000;
        return;
    }
    /* Irregular: exponential gaps, bursts of equal timestamps, a few long pauses. */
    if (i % 17 < 3)
        return; /* equal timestamps */
    if (i % 50 == 49) {
        now_ns += 20000000;
        return;
    }
    double u = g_rand_double_range(rng, 1e-9, 1.0);
    now_ns += (int64_t)(-log(u) * opt.gap_us * 1000.0);
}

static void gen_udp(void)
{
    struct flow m = {.sport = 40001, .dport = MCP_DEFAULT_PORT};
    struct flow d = {.sport = MCP_DEFAULT_PORT, .dport = 40001};
    if (use_v6()) {
        m.src[15] = 1;
        m.dst[15] = 2;
    } else {
        memcpy(m.src, "\x0a\x00\x00\x01", 4);
        memcpy(m.dst, "\x0a\x00\x00\x64", 4);
    }
    memcpy(d.src, m.dst, 16);
    memcpy(d.dst, m.src, 16);
    for (unsigned i = 0; i < (unsigned)opt.count; i++) {
        uint8_t req[5000], rsp[5000];
        size_t n = make_request(i, req);
        write_l4(&m, false, 0, 0, 0, req, n);
        note_frame(req, n);
        if (opt.responses) {
            now_ns += 50000;
            size_t r = make_response(i, req, rsp);
            write_l4(&d, false, 0, 0, 0, rsp, r);
            now_ns -= 50000;
        }
        advance(i);
    }
}

/* TCP: the master's byte stream cut into segments, with the faults asked for. */
static void gen_tcp(void)
{
    struct flow m = {.sport = 40001, .dport = MCP_DEFAULT_PORT, .seq = 1000};
    struct flow d = {.sport = MCP_DEFAULT_PORT, .dport = 40001, .seq = 5000};
    memcpy(m.src, "\x0a\x00\x00\x01", 4);
    memcpy(m.dst, "\x0a\x00\x00\x64", 4);
    if (use_v6()) {
        memset(m.src, 0, 16);
        memset(m.dst, 0, 16);
        m.src[15] = 1;
        m.dst[15] = 2;
    }
    memcpy(d.src, m.dst, 16);
    memcpy(d.dst, m.src, 16);
    write_l4(&m, true, 0x02, m.seq - 1, 0, NULL, 0);
    write_l4(&d, true, 0x12, d.seq - 1, m.seq, NULL, 0);
    write_l4(&m, true, 0x10, m.seq, d.seq, NULL, 0);

    /* The whole stream and each frame's span in it. */
    GByteArray *stream = g_byte_array_new();
    GArray *starts = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (unsigned i = 0; i < (unsigned)opt.count; i++) {
        uint8_t req[5000];
        size_t n = make_request(i, req);
        size_t at = stream->len;
        g_array_append_val(starts, at);
        g_byte_array_append(stream, req, (guint)n);
    }
    size_t end = stream->len;
    g_array_append_val(starts, end);
    /* Segment boundaries. */
    GArray *cuts = g_array_new(FALSE, FALSE, sizeof(size_t));
    static const size_t sizes[] = {3, 7, 1, 20, 12, 2, 30, 9};
    size_t pos = 0;
    for (unsigned k = 0; pos < stream->len; k++) {
        g_array_append_val(cuts, pos);
        if (opt.tcp_split)
            pos += sizes[k % G_N_ELEMENTS(sizes)];
        else
            pos = g_array_index(starts, size_t, k + 1);
        if (pos > stream->len)
            pos = stream->len;
    }
    g_array_append_val(cuts, pos);
    unsigned nseg = cuts->len - 1;
    unsigned *order = g_new(unsigned, nseg);
    for (unsigned k = 0; k < nseg; k++)
        order[k] = k;
    if (opt.tcp_ooo)
        for (unsigned k = 0; k + 1 < nseg; k += 4) {
            unsigned t = order[k];
            order[k] = order[k + 1];
            order[k + 1] = t;
        }
    size_t hole_from = SIZE_MAX, hole_to = 0;
    for (unsigned j = 0; j < nseg; j++) {
        unsigned k = order[j];
        size_t a = g_array_index(cuts, size_t, k), b = g_array_index(cuts, size_t, k + 1);
        if ((int)k == opt.tcp_hole) {
            hole_from = a;
            hole_to = b;
            advance(j);
            continue;
        }
        size_t from = a;
        if (opt.tcp_overlap && k > 0)
            from = a >= 2 ? a - 2 : 0; /* repeats the previous segment's last bytes */
        write_l4(&m, true, 0x18, m.seq + (uint32_t)from, d.seq, stream->data + from, b - from);
        if (opt.tcp_retransmit && k % 5 == 2)
            write_l4(&m, true, 0x18, m.seq + (uint32_t)a, d.seq, stream->data + a, b - a);
        advance(j);
    }
    /* The frames a replay delivers: all but those touching the hole. */
    for (unsigned i = 0; i < (unsigned)opt.count; i++) {
        size_t a = g_array_index(starts, size_t, i), b = g_array_index(starts, size_t, i + 1);
        if (b > hole_from && a < hole_to)
            continue;
        note_frame(stream->data + a, b - a);
    }
    if (opt.responses) {
        uint8_t rsp[5000];
        for (unsigned i = 0; i < (unsigned)opt.count; i++) {
            size_t a = g_array_index(starts, size_t, i);
            size_t r = make_response(i, stream->data + a, rsp);
            write_l4(&d, true, 0x18, d.seq, m.seq, rsp, r);
            d.seq += (uint32_t)r;
            advance(i);
        }
    }
    g_free(order);
    g_array_free(cuts, TRUE);
    g_array_free(starts, TRUE);
    g_byte_array_free(stream, TRUE);
}

static void write_serial(int direction, const uint8_t *bytes, size_t len)
{
    uint8_t buf[6000];
    size_t off = 0;
    put16(buf, 12);
    put16(buf + 2, 12);
    memcpy(buf + 4, "mcp5a.serial", 12);
    off = 16;
    put16(buf + off, 35);
    put16(buf + off + 2, 4);
    put32(buf + off + 4, (uint32_t)direction);
    off += 8;
    put32(buf + off, 0);
    off += 4;
    memcpy(buf + off, bytes, len);
    dump(buf, off + len);
}

static void gen_serial(void)
{
    for (unsigned i = 0; i < (unsigned)opt.count; i++) {
        uint8_t req[5000], chunk[5100];
        size_t n = make_request(i, req);
        note_frame(req, n);
        size_t len = 0;
        if (opt.serial_noise && i % 3 == 1) { /* line noise, including a false start */
            memcpy(chunk, "\x00\xff\x5a\x01", 4);
            len = 4;
        }
        memcpy(chunk + len, req, n);
        len += n;
        /* Split the chunk in two records. */
        size_t half = len / 2;
        write_serial(0, chunk, half);
        now_ns += 10000;
        write_serial(0, chunk + half, len - half);
        now_ns -= 10000;
        if (opt.responses) {
            uint8_t rsp[5000];
            size_t r = make_response(i, req, rsp);
            now_ns += 50000;
            write_serial(1, rsp, r);
            now_ns -= 50000;
        }
        advance(i);
    }
}

/* Broken files, for the bad-input tests. */
static int write_broken(void)
{
    FILE *f = fopen(opt.out, "wb");
    if (f == NULL)
        return 1;
    if (strcmp(opt.broken, "empty") == 0) {
        fclose(f);
        return 0;
    }
    if (strcmp(opt.broken, "notcap") == 0) {
        fputs("this is not a capture file\n", f);
        fclose(f);
        return 0;
    }
    fclose(f);
    /* The others start from a good 3-record UDP capture. */
    gchar *good = g_strdup_printf("%s.good", opt.out);
    dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, 65535, PCAP_TSTAMP_PRECISION_MICRO);
    dumper = pcap_dump_open(dead, good);
    linktype = DLT_RAW;
    opt.link = "raw";
    opt.count = 3;
    if (strcmp(opt.broken, "zero") == 0) {
        struct pcap_pkthdr h = {.caplen = 0, .len = 0};
        h.ts.tv_sec = (time_t)(now_ns / 1000000000);
        uint8_t none = 0;
        gen_udp();
        pcap_dump((u_char *)dumper, &h, &none);
        gen_udp();
    } else {
        gen_udp();
    }
    pcap_dump_close(dumper);
    pcap_close(dead);
    gchar *data;
    gsize len;
    g_file_get_contents(good, &data, &len, NULL);
    remove(good);
    g_free(good);
    if (strcmp(opt.broken, "short-header") == 0)
        len = 10;
    else if (strcmp(opt.broken, "truncated") == 0)
        len -= 5;
    else if (strcmp(opt.broken, "caplen") == 0) {
        /* Record 2's caplen and len grown past the file's snaplen (65535). */
        size_t rec1 = 24 + 16 + ((uint8_t)data[24 + 8] | (uint8_t)data[24 + 9] << 8);
        uint32_t big = 70000;
        memcpy(data + rec1 + 8, &big, 4);
        memcpy(data + rec1 + 12, &big, 4);
    }
    g_file_set_contents(opt.out, data, (gssize)len, NULL);
    g_free(data);
    return 0;
}

int main(int argc, char **argv)
{
    GOptionEntry entries[] = {
        {"out", 0, 0, G_OPTION_ARG_FILENAME, &opt.out, "capture to write", "F"},
        {"frames-out", 0, 0, G_OPTION_ARG_FILENAME, &opt.frames_out, "master frames, hex", "F"},
        {"link", 0, 0, G_OPTION_ARG_STRING, &opt.link, "link layer", "L"},
        {"transport", 0, 0, G_OPTION_ARG_STRING, &opt.transport, "udp, tcp, serial", "T"},
        {"count", 0, 0, G_OPTION_ARG_INT, &opt.count, "requests", "N"},
        {"gap-us", 0, 0, G_OPTION_ARG_INT, &opt.gap_us, "gap", "G"},
        {"irregular", 0, 0, G_OPTION_ARG_NONE, &opt.irregular, "irregular gaps", NULL},
        {"responses", 0, 0, G_OPTION_ARG_NONE, &opt.responses, "device answers too", NULL},
        {"ns", 0, 0, G_OPTION_ARG_NONE, &opt.ns, "nanosecond file", NULL},
        {"tcp-split", 0, 0, G_OPTION_ARG_NONE, &opt.tcp_split, "", NULL},
        {"tcp-retransmit", 0, 0, G_OPTION_ARG_NONE, &opt.tcp_retransmit, "", NULL},
        {"tcp-overlap", 0, 0, G_OPTION_ARG_NONE, &opt.tcp_overlap, "", NULL},
        {"tcp-ooo", 0, 0, G_OPTION_ARG_NONE, &opt.tcp_ooo, "", NULL},
        {"tcp-hole", 0, 0, G_OPTION_ARG_INT, &opt.tcp_hole, "segment left out", "K"},
        {"serial-noise", 0, 0, G_OPTION_ARG_NONE, &opt.serial_noise, "", NULL},
        {"device", 0, 0, G_OPTION_ARG_INT, &opt.device, "device id", "D"},
        {"bad-crc", 0, 0, G_OPTION_ARG_INT, &opt.bad_crc, "request with a bad check", "K"},
        {"broken", 0, 0, G_OPTION_ARG_STRING, &opt.broken, "write a broken file", "KIND"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("- write test captures");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || opt.out == NULL) {
        fprintf(stderr, "mkcap: %s\n", err != NULL ? err->message : "--out is required");
        return 2;
    }
    g_option_context_free(ctx);
    rng = g_rand_new_with_seed(7);
    if (opt.broken != NULL)
        return write_broken();
    if (opt.transport == NULL)
        opt.transport = "udp";
    if (opt.link == NULL)
        opt.link = strcmp(opt.transport, "serial") == 0 ? "upper" : "eth";
    if (strcmp(opt.transport, "serial") == 0)
        linktype = 252;
    else if (strcmp(opt.link, "eth") == 0 || strcmp(opt.link, "vlan") == 0)
        linktype = DLT_EN10MB;
    else if (strcmp(opt.link, "sll") == 0)
        linktype = DLT_LINUX_SLL;
    else if (strcmp(opt.link, "sll2") == 0)
        linktype = DLT_LINUX_SLL2;
    else if (strcmp(opt.link, "raw") == 0 || strcmp(opt.link, "ipv6") == 0)
        linktype = DLT_RAW;
    else if (strcmp(opt.link, "null") == 0)
        linktype = DLT_NULL;
    else {
        fprintf(stderr, "mkcap: unknown link %s\n", opt.link);
        return 2;
    }
    dead = pcap_open_dead_with_tstamp_precision(
        linktype, 262144, opt.ns ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    dumper = pcap_dump_open(dead, opt.out);
    if (dumper == NULL) {
        fprintf(stderr, "mkcap: %s\n", pcap_geterr(dead));
        return 1;
    }
    if (opt.frames_out != NULL)
        frames_file = fopen(opt.frames_out, "w");
    if (strcmp(opt.transport, "tcp") == 0)
        gen_tcp();
    else if (strcmp(opt.transport, "serial") == 0)
        gen_serial();
    else
        gen_udp();
    pcap_dump_close(dumper);
    pcap_close(dead);
    if (frames_file != NULL)
        fclose(frames_file);
    g_rand_free(rng);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of mcpgen's building blocks; expected values from RFCs, the pcapng spec and §2. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "behaviour.h"
#include "mcp/pdu.h"
#include "netbuild.h"
#include "pcapng.h"
#include "rng.h"

/* RFC 1071 style check on a textbook IPv4 header (192.168.0.1 -> 192.168.0.199, UDP). */
static void test_ipv4_header_checksum(void)
{
    const uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                             0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    g_assert_cmphex(net_fold(net_sum(0, hdr, sizeof hdr)), ==, 0xb861);
}

/* A UDP packet whose checksum field, summed with everything else, folds to zero. */
static void test_udp_packet_layout(void)
{
    struct net_host a = {.v6 = false, .addr = {10, 0, 0, 1}, .mac = {2, 0, 0x5a, 0, 0, 1}};
    struct net_host b = {.v6 = false, .addr = {10, 0, 0, 101}, .mac = {2, 0, 0x5a, 0, 0, 101}};
    struct net_config cfg = {NET_LINK_VLAN, 42};
    const uint8_t payload[6] = {0x5a, 0x00, 0x00, 0x00, 0x01, 0x20};
    uint8_t out[NET_MAX_HEADERS + 16];
    size_t n = net_build(&cfg, &a, &b, 40001, 23130, 7, NULL, true, payload, 6, out);
    g_assert_cmpuint(n, ==, 18 + 20 + 8 + 6);
    /* 802.1Q tag, then IPv4 */
    g_assert_cmphex(out[12] << 8 | out[13], ==, 0x8100);
    g_assert_cmpuint((out[14] << 8 | out[15]) & 0x0FFF, ==, 42);
    g_assert_cmphex(out[16] << 8 | out[17], ==, 0x0800);
    const uint8_t *ip = out + 18;
    g_assert_cmpuint(ip[2] << 8 | ip[3], ==, 34); /* total length */
    g_assert_cmpuint(ip[9], ==, 17);
    g_assert_cmphex(net_fold(net_sum(0, ip, 20)), ==, 0);
    const uint8_t *udp = ip + 20;
    g_assert_cmpuint(udp[0] << 8 | udp[1], ==, 40001);
    g_assert_cmpuint(udp[2] << 8 | udp[3], ==, 23130);
    g_assert_cmpuint(udp[4] << 8 | udp[5], ==, 14);
    uint32_t sum = net_sum(net_sum(0, a.addr, 4), b.addr, 4) + 17 + 14;
    g_assert_cmphex(net_fold(net_sum(sum, udp, 14)), ==, 0);
    g_assert_cmpmem(udp + 8, 6, payload, 6);
}

static void test_endpoint_names(void)
{
    struct net_host v4 = {.addr = {10, 0, 0, 1}};
    struct net_host v6 = {.v6 = true, .addr = {0xfd, 0, [15] = 0x65}};
    char s[64];
    net_format_endpoint(&v4, 40001, s, sizeof s);
    g_assert_cmpstr(s, ==, "10.0.0.1:40001");
    net_format_endpoint(&v6, 23130, s, sizeof s);
    g_assert_cmpstr(s, ==, "[fd00::65]:23130");
}

/* The header blocks, byte for byte as the pcapng specification lays them out (little-endian host).
 */
static void test_pcapng_header_bytes(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    g_assert_true(pcapng_write_header(f, 252, 262144, true));
    g_assert_true(pcapng_write_packet(f, 0x0000000100000002ULL, (const uint8_t *)"abcde", 5));
    fclose(f);
    const uint8_t want[] = {
        /* SHB: type, length 28, byte-order magic, version 1.0, section length -1, length */
        0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
        /* IDB: type 1, length 32, linktype 252, reserved, snaplen, if_tsresol=9, end, length */
        1, 0, 0, 0, 32, 0, 0, 0, 252, 0, 0, 0, 0x00, 0x00, 0x04, 0x00, 9, 0, 1, 0, 9, 0, 0, 0, 0, 0,
        0, 0, 32, 0, 0, 0,
        /* EPB: type 6, length 40, interface 0, ts high 1, ts low 2, caplen 5, len 5, data+pad */
        6, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 'a',
        'b', 'c', 'd', 'e', 0, 0, 0, 40, 0, 0, 0};
    g_assert_cmpmem(buf, len, want, sizeof want);
    free(buf);
}

/* §2: the status a device must give. */
static uint8_t answer_status(uint8_t cmd, const uint8_t *req, size_t len)
{
    struct gen_options opt;
    memset(&opt, 0, sizeof opt); /* busy 0: only the request decides */
    struct rng rng;
    rng_seed(&rng, 1);
    uint8_t rsp_cmd, out[MCP_MAX_PAYLOAD];
    size_t n = behaviour_answer(&opt, &rng, cmd, req, len, 9, 3, &rsp_cmd, out);
    g_assert_cmphex(rsp_cmd, ==, cmd | 0x80);
    g_assert_cmpuint(n, >=, 2);
    g_assert_cmpuint(out[0], ==, 9); /* req_seq */
    return out[1];
}

static void test_device_statuses(void)
{
    const uint8_t read_ok[] = {3, 0x00, 0x10, 0x00, 0x04};
    const uint8_t read_zero[] = {3, 0x00, 0x10, 0x00, 0x00};
    const uint8_t read_126[] = {3, 0x00, 0x10, 0x00, 126};
    const uint8_t read_past_end[] = {3, 0xff, 0xff, 0x00, 0x02};
    const uint8_t read_other_dev[] = {4, 0x00, 0x10, 0x00, 0x01};
    const uint8_t write_ok[] = {3, 0x00, 0x20, 0x00, 0x01, 0xab, 0xcd};
    g_assert_cmpuint(answer_status(MCP_CMD_HEARTBEAT, NULL, 0), ==, MCP_STATUS_OK);
    g_assert_cmpuint(answer_status(MCP_CMD_READ, read_ok, 5), ==, MCP_STATUS_OK);
    g_assert_cmpuint(answer_status(MCP_CMD_READ, read_zero, 5), ==, MCP_STATUS_ILLEGAL_VALUE);
    g_assert_cmpuint(answer_status(MCP_CMD_READ, read_126, 5), ==, MCP_STATUS_ILLEGAL_VALUE);
    g_assert_cmpuint(answer_status(MCP_CMD_READ, read_past_end, 5), ==, MCP_STATUS_ILLEGAL_ADDRESS);
    g_assert_cmpuint(answer_status(MCP_CMD_READ, read_other_dev, 5), ==, MCP_STATUS_UNKNOWN_DEVICE);
    g_assert_cmpuint(answer_status(MCP_CMD_WRITE, write_ok, 7), ==, MCP_STATUS_OK);
    g_assert_cmpuint(answer_status(0x42, NULL, 0), ==, MCP_STATUS_UNSUPPORTED_COMMAND);
}

/* A serial line answers for every id of --devices 1-2,7 (served 0), and for no other. */
static void test_serial_device_list(void)
{
    struct gen_options opt;
    memset(&opt, 0, sizeof opt);
    opt.device_present[1] = opt.device_present[2] = opt.device_present[7] = true;
    struct rng rng;
    rng_seed(&rng, 1);
    static const uint8_t want[256] = {[0] = MCP_STATUS_UNKNOWN_DEVICE,
                                      [1] = MCP_STATUS_OK,
                                      [2] = MCP_STATUS_OK,
                                      [3] = MCP_STATUS_UNKNOWN_DEVICE,
                                      [6] = MCP_STATUS_UNKNOWN_DEVICE,
                                      [7] = MCP_STATUS_OK,
                                      [8] = MCP_STATUS_UNKNOWN_DEVICE};
    const uint8_t ids[] = {0, 1, 2, 3, 6, 7, 8};
    for (size_t i = 0; i < sizeof ids; i++) {
        const uint8_t req[] = {ids[i], 0x00, 0x10, 0x00, 0x01};
        uint8_t rsp_cmd, out[64];
        size_t n = behaviour_answer(&opt, &rng, MCP_CMD_READ, req, 5, 1, 0, &rsp_cmd, out);
        g_assert_cmpuint(n, >=, 2);
        g_assert_cmpuint(out[1], ==, want[ids[i]]);
    }
}

/* The READ answer carries device, addr, count and count values. */
static void test_read_answer_layout(void)
{
    struct gen_options opt;
    memset(&opt, 0, sizeof opt);
    struct rng rng;
    rng_seed(&rng, 1);
    const uint8_t req[] = {3, 0x00, 0x10, 0x00, 0x02};
    uint8_t rsp_cmd, out[64];
    size_t n = behaviour_answer(&opt, &rng, MCP_CMD_READ, req, 5, 1, 3, &rsp_cmd, out);
    g_assert_cmpuint(n, ==, 2 + 5 + 4);
    struct mcp_pdu pdu;
    g_assert_true(mcp_pdu_parse(MCP_CMD_READ_RSP, out, n, &pdu));
    g_assert_cmpuint(pdu.device, ==, 3);
    g_assert_cmpuint(pdu.addr, ==, 0x10);
    g_assert_cmpuint(pdu.count, ==, 2);
    g_assert_cmpuint(pdu.value_count, ==, 2);
}

static void test_rng(void)
{
    struct rng a, b, c;
    rng_seed(&a, 5);
    rng_seed(&b, 5);
    rng_seed(&c, 6);
    bool differs = false;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a);
        g_assert_cmpuint(x, ==, rng_next(&b));
        differs = differs || x != rng_next(&c);
    }
    g_assert_true(differs);
    unsigned seen[256] = {0};
    for (int i = 0; i < 100000; i++)
        seen[rng_byte_not_magic(&a)]++;
    g_assert_cmpuint(seen[0x5A], ==, 0);
    for (int v = 0; v < 256; v++)
        if (v != 0x5A)
            g_assert_cmpuint(seen[v], >, 0);
    for (int i = 0; i < 1000; i++) {
        uint32_t r = rng_range(&a, 3, 5);
        g_assert_cmpuint(r, >=, 3);
        g_assert_cmpuint(r, <=, 5);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mcpgen/net/ipv4-header-checksum", test_ipv4_header_checksum);
    g_test_add_func("/mcpgen/net/udp-packet-layout", test_udp_packet_layout);
    g_test_add_func("/mcpgen/net/endpoint-names", test_endpoint_names);
    g_test_add_func("/mcpgen/pcapng/header-bytes", test_pcapng_header_bytes);
    g_test_add_func("/mcpgen/device/statuses", test_device_statuses);
    g_test_add_func("/mcpgen/device/serial_device_list", test_serial_device_list);
    g_test_add_func("/mcpgen/device/read-answer", test_read_answer_layout);
    g_test_add_func("/mcpgen/rng", test_rng);
    return g_test_run();
}

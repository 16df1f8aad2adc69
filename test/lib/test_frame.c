/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The frame codec of docs/PROTOCOL.md §1: test vectors, both length orders, every outcome. */
#include <glib.h>
#include <string.h>

#include "mcp/frame.h"
#include "testutil.h"

static const struct mcp_codec codec_be = {.crc = MCP_CRC8_SMBUS, .length_le = false};
static const struct mcp_codec codec_le = {.crc = MCP_CRC8_SMBUS, .length_le = true};

static void test_codec_default(void)
{
    struct mcp_codec c = mcp_codec_default();
    g_assert_cmpint(c.crc, ==, MCP_CRC8_SMBUS);
    g_assert_false(c.length_le);
}

static void test_decode_vector_heartbeat(void)
{
    uint8_t buf[16];
    size_t n = hex_bytes(VECTOR_HEARTBEAT, buf, sizeof buf);
    struct mcp_frame f;
    g_assert_cmpint(mcp_frame_decode(&codec_be, buf, n, &f, NULL), ==, MCP_DECODE_OK);
    g_assert_cmpuint(f.seq, ==, 0);
    g_assert_cmpuint(f.cmd, ==, 0x01);
    g_assert_cmpuint(f.length, ==, 0);
    g_assert_cmpuint(f.frame_len, ==, 6);
    g_assert_cmphex(f.crc, ==, 0x20);
    g_assert_cmphex(f.crc_computed, ==, 0x20);
}

static void test_decode_vector_read(void)
{
    uint8_t buf[16];
    size_t n = hex_bytes(VECTOR_READ, buf, sizeof buf);
    struct mcp_frame f;
    g_assert_cmpint(mcp_frame_decode(&codec_be, buf, n, &f, NULL), ==, MCP_DECODE_OK);
    g_assert_cmpuint(f.seq, ==, 1);
    g_assert_cmpuint(f.cmd, ==, 0x02);
    g_assert_cmpuint(f.length, ==, 5);
    g_assert_cmpuint(f.frame_len, ==, 11);
    g_assert_true(f.payload == buf + 5);
    static const uint8_t payload[] = {0x03, 0x00, 0x10, 0x00, 0x04};
    g_assert_cmpmem(f.payload, f.length, payload, sizeof payload);
    g_assert_cmphex(f.crc, ==, 0xd4);
}

static void test_decode_vector_read_response(void)
{
    uint8_t buf[32];
    size_t n = hex_bytes(VECTOR_READ_RSP, buf, sizeof buf);
    struct mcp_frame f;
    g_assert_cmpint(mcp_frame_decode(&codec_be, buf, n, &f, NULL), ==, MCP_DECODE_OK);
    g_assert_cmpuint(f.seq, ==, 255);
    g_assert_cmphex(f.cmd, ==, 0x82);
    g_assert_true(mcp_cmd_is_response(f.cmd));
    g_assert_cmpuint(f.length, ==, 11);
    g_assert_cmpuint(f.frame_len, ==, 17);
    g_assert_cmphex(f.crc, ==, 0xb3);
}

/* Encoding each vector's fields reproduces its bytes exactly. */
static void test_encode_reproduces_vectors(void)
{
    const char *vectors[] = {VECTOR_HEARTBEAT, VECTOR_READ, VECTOR_READ_RSP};
    for (size_t i = 0; i < G_N_ELEMENTS(vectors); i++) {
        uint8_t want[32] = {0}, out[64];
        size_t n = hex_bytes(vectors[i], want, sizeof want);
        g_assert_cmpuint(n, >=, 6);
        size_t got =
            mcp_frame_encode(&codec_be, want[1], want[4], want + 5, n - 6, out, sizeof out);
        g_assert_cmpmem(out, got, want, n);
    }
}

/* The same READ with a little-endian length: only bytes 2, 3 and the check differ. */
static void test_little_endian_length(void)
{
    uint8_t be[16], le[16];
    size_t n = hex_bytes(VECTOR_READ, be, sizeof be);
    size_t m = mcp_frame_encode(&codec_le, 1, 0x02, be + 5, 5, le, sizeof le);
    g_assert_cmpuint(m, ==, n);
    g_assert_cmphex(le[2], ==, 0x05);
    g_assert_cmphex(le[3], ==, 0x00);
    g_assert_cmpmem(le + 4, 6, be + 4, 6);
    g_assert_cmphex(le[10], ==, mcp_crc(MCP_CRC8_SMBUS, le, 10));
    g_assert_cmpuint(mcp_frame_length_field(&codec_le, le), ==, 5);
    g_assert_cmpuint(mcp_frame_length_field(&codec_be, le), ==, 0x0500);

    struct mcp_frame f;
    g_assert_cmpint(mcp_frame_decode(&codec_le, le, m, &f, NULL), ==, MCP_DECODE_OK);
    g_assert_cmpuint(f.length, ==, 5);
    g_assert_cmpuint(f.seq, ==, 1);
    /* Read big-endian, 05 00 is 1280 bytes: a plausible start that needs more. */
    size_t need = 0;
    g_assert_cmpint(mcp_frame_decode(&codec_be, le, m, &f, &need), ==, MCP_DECODE_NEED_MORE);
    g_assert_cmpuint(need, ==, 6 + 1280 - m);
    /* And the big-endian vector read little-endian: 00 05 is 1280 too. */
    g_assert_cmpint(mcp_frame_decode(&codec_le, be, n, &f, &need), ==, MCP_DECODE_NEED_MORE);
    g_assert_cmpuint(need, ==, 6 + 1280 - n);
}

/*
 * Every prefix of a frame needs more: until the length field has arrived, the
 * rest of the 5-byte header; from then on, the rest of the frame.
 */
static void test_need_more_for_every_prefix(void)
{
    const struct mcp_codec *codecs[] = {&codec_be, &codec_le};
    for (size_t c = 0; c < 2; c++) {
        uint8_t payload[300], frame[320];
        for (size_t i = 0; i < sizeof payload; i++)
            payload[i] = (uint8_t)i;
        size_t n =
            mcp_frame_encode(codecs[c], 9, 0x03, payload, sizeof payload, frame, sizeof frame);
        g_assert_cmpuint(n, ==, 306);
        for (size_t p = 0; p < n; p++) {
            struct mcp_frame f;
            size_t need = 12345;
            g_assert_cmpint(mcp_frame_decode(codecs[c], frame, p, &f, &need), ==,
                            MCP_DECODE_NEED_MORE);
            g_assert_cmpuint(need, ==, p < 4 ? 5 - p : n - p);
            /* need may be NULL */
            g_assert_cmpint(mcp_frame_decode(codecs[c], frame, p, &f, NULL), ==,
                            MCP_DECODE_NEED_MORE);
        }
        struct mcp_frame f;
        g_assert_cmpint(mcp_frame_decode(codecs[c], frame, n, &f, NULL), ==, MCP_DECODE_OK);
    }
}

static void test_bad_magic(void)
{
    uint8_t buf[16];
    size_t n = hex_bytes(VECTOR_HEARTBEAT, buf, sizeof buf);
    for (unsigned b = 0; b < 256; b++) {
        if (b == 0x5A)
            continue;
        buf[0] = (uint8_t)b;
        struct mcp_frame f;
        size_t need = 77;
        g_assert_cmpint(mcp_frame_decode(&codec_be, buf, n, &f, &need), ==, MCP_DECODE_BAD_MAGIC);
        /* A single byte is enough to tell. */
        g_assert_cmpint(mcp_frame_decode(&codec_be, buf, 1, &f, &need), ==, MCP_DECODE_BAD_MAGIC);
    }
}

/* length > 4096 is rejected as soon as the length field is there (§1). */
static void test_bad_length(void)
{
    struct mcp_frame f;
    size_t need;
    const uint8_t over_be[] = {0x5a, 0x00, 0x10, 0x01}; /* 4097 */
    const uint8_t max_be[] = {0x5a, 0x00, 0xff, 0xff};  /* 65535 */
    const uint8_t over_le[] = {0x5a, 0x00, 0x01, 0x10}; /* 4097 little-endian */
    const uint8_t ok_be[] = {0x5a, 0x00, 0x10, 0x00};   /* 4096 */
    g_assert_cmpint(mcp_frame_decode(&codec_be, over_be, 4, &f, &need), ==, MCP_DECODE_BAD_LENGTH);
    g_assert_cmpint(mcp_frame_decode(&codec_be, max_be, 4, &f, &need), ==, MCP_DECODE_BAD_LENGTH);
    g_assert_cmpint(mcp_frame_decode(&codec_le, max_be, 4, &f, &need), ==, MCP_DECODE_BAD_LENGTH);
    g_assert_cmpint(mcp_frame_decode(&codec_le, over_le, 4, &f, &need), ==, MCP_DECODE_BAD_LENGTH);
    /* 01 10 big-endian is 272: fine. */
    g_assert_cmpint(mcp_frame_decode(&codec_be, over_le, 4, &f, &need), ==, MCP_DECODE_NEED_MORE);
    g_assert_cmpuint(need, ==, 6 + 272 - 4);
    g_assert_cmpint(mcp_frame_decode(&codec_be, ok_be, 4, &f, &need), ==, MCP_DECODE_NEED_MORE);
    g_assert_cmpuint(need, ==, 4102 - 4);
}

/* The largest frame (4096 bytes of payload, 4102 in all) round-trips; 4097 cannot be encoded. */
static void test_max_payload(void)
{
    static uint8_t payload[4097], frame[4200];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i ^ 0x5a);
    g_assert_cmpuint(mcp_frame_encode(&codec_be, 1, 0x04, payload, 4097, frame, sizeof frame), ==,
                     0);
    size_t n = mcp_frame_encode(&codec_be, 1, 0x04, payload, 4096, frame, sizeof frame);
    g_assert_cmpuint(n, ==, 4102);
    g_assert_cmphex(frame[2], ==, 0x10);
    g_assert_cmphex(frame[3], ==, 0x00);
    struct mcp_frame f;
    g_assert_cmpint(mcp_frame_decode(&codec_be, frame, n, &f, NULL), ==, MCP_DECODE_OK);
    g_assert_cmpuint(f.length, ==, 4096);
    g_assert_cmpmem(f.payload, 4096, payload, 4096);
}

static void test_encode_capacity(void)
{
    uint8_t out[11];
    const uint8_t payload[5] = {3, 0, 0x10, 0, 4};
    g_assert_cmpuint(mcp_frame_encode(&codec_be, 1, 2, payload, 5, out, 10), ==, 0);
    g_assert_cmpuint(mcp_frame_encode(&codec_be, 1, 2, payload, 5, out, 11), ==, 11);
    g_assert_cmpuint(mcp_frame_encode(&codec_be, 0, 1, NULL, 0, out, 5), ==, 0);
    g_assert_cmpuint(mcp_frame_encode(&codec_be, 0, 1, NULL, 0, out, 6), ==, 6);
}

/* A bad check: the frame is filled in, with the sent and the computed value. */
static void test_bad_crc(void)
{
    uint8_t buf[32];
    size_t n = hex_bytes(VECTOR_HEARTBEAT, buf, sizeof buf);
    buf[5] = 0x21;
    struct mcp_frame f;
    g_assert_cmpint(mcp_frame_decode(&codec_be, buf, n, &f, NULL), ==, MCP_DECODE_BAD_CRC);
    g_assert_cmphex(f.crc, ==, 0x21);
    g_assert_cmphex(f.crc_computed, ==, 0x20);
    g_assert_cmpuint(f.frame_len, ==, 6);
    g_assert_cmpuint(f.cmd, ==, 1);

    /* A changed payload byte: the vector's trailer b3 no longer matches. */
    n = hex_bytes(VECTOR_READ_RSP, buf, sizeof buf);
    buf[13] = 0x35;
    g_assert_cmpint(mcp_frame_decode(&codec_be, buf, n, &f, NULL), ==, MCP_DECODE_BAD_CRC);
    g_assert_cmphex(f.crc, ==, 0xb3);
    g_assert_cmphex(f.crc_computed, ==, mcp_crc(MCP_CRC8_SMBUS, buf, 16));
    g_assert_cmphex(f.crc_computed, !=, 0xb3);
    g_assert_cmpuint(f.seq, ==, 255);
    g_assert_cmpuint(f.length, ==, 11);
}

/* The vectors are crc8-smbus: under the other variants their trailers are wrong. */
static void test_other_variant_rejects_vector(void)
{
    uint8_t buf[32];
    size_t n = hex_bytes(VECTOR_READ, buf, sizeof buf);
    for (unsigned v = MCP_CRC8_MAXIM; v < MCP_CRC_VARIANT_COUNT; v++) {
        struct mcp_codec c = {.crc = (enum mcp_crc_variant)v, .length_le = false};
        struct mcp_frame f;
        enum mcp_decode_status st = mcp_frame_decode(&c, buf, n, &f, NULL);
        uint8_t expect = mcp_crc(c.crc, buf, n - 1);
        g_assert_cmpint(st, ==, expect == 0xd4 ? MCP_DECODE_OK : MCP_DECODE_BAD_CRC);
        g_assert_cmphex(f.crc_computed, ==, expect);
    }
}

static void test_round_trip_every_variant_and_order(void)
{
    const uint8_t payload[] = {0x01, 0x07, 0x00, 0x00, 0x30, 0x39, 0xde, 0xad};
    for (unsigned v = 0; v < MCP_CRC_VARIANT_COUNT; v++) {
        for (int le = 0; le < 2; le++) {
            struct mcp_codec c = {.crc = (enum mcp_crc_variant)v, .length_le = le};
            uint8_t frame[32];
            size_t n =
                mcp_frame_encode(&c, 200, 0x04, payload, sizeof payload, frame, sizeof frame);
            g_assert_cmpuint(n, ==, 14);
            g_assert_cmphex(frame[13], ==, mcp_crc(c.crc, frame, 13));
            struct mcp_frame f;
            g_assert_cmpint(mcp_frame_decode(&c, frame, n, &f, NULL), ==, MCP_DECODE_OK);
            g_assert_cmpuint(f.seq, ==, 200);
            g_assert_cmpuint(f.cmd, ==, 0x04);
            g_assert_cmpmem(f.payload, f.length, payload, sizeof payload);
        }
    }
}

/* Bytes after the frame are not part of it. */
static void test_decode_ignores_trailing_bytes(void)
{
    uint8_t buf[32];
    size_t n = hex_bytes(VECTOR_HEARTBEAT " 5a 01 00", buf, sizeof buf);
    struct mcp_frame f;
    g_assert_cmpint(mcp_frame_decode(&codec_be, buf, n, &f, NULL), ==, MCP_DECODE_OK);
    g_assert_cmpuint(f.frame_len, ==, 6);
}

static void test_fix_crc(void)
{
    uint8_t buf[32];
    size_t n = hex_bytes(VECTOR_READ, buf, sizeof buf);
    buf[1] = 0x42; /* rewritten seq */
    mcp_frame_fix_crc(&codec_be, buf, n);
    g_assert_cmphex(buf[n - 1], ==, mcp_crc(MCP_CRC8_SMBUS, buf, n - 1));
    struct mcp_frame f;
    g_assert_cmpint(mcp_frame_decode(&codec_be, buf, n, &f, NULL), ==, MCP_DECODE_OK);
    g_assert_cmpuint(f.seq, ==, 0x42);
    /* back to seq 1: the vector's own trailer */
    buf[1] = 0x01;
    mcp_frame_fix_crc(&codec_be, buf, n);
    g_assert_cmphex(buf[n - 1], ==, 0xd4);
    /* shorter than a frame: left alone */
    uint8_t tiny[5] = {0x5a, 0, 0, 0, 1};
    mcp_frame_fix_crc(&codec_be, tiny, sizeof tiny);
    g_assert_cmphex(tiny[4], ==, 1);
}

/* §2/§4: requests are bit 7 clear except EVENT, NAK, SYNC (unknown ones included). */
static void test_cmd_is_request(void)
{
    for (unsigned c = 0; c < 256; c++) {
        gboolean expect = c < 0x80 && c != 0x04 && c != 0x05 && c != 0x06;
        g_assert_cmpint(mcp_cmd_is_request((uint8_t)c), ==, expect);
        g_assert_cmpint(mcp_cmd_is_response((uint8_t)c), ==, c >= 0x80);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/frame/codec-default", test_codec_default);
    g_test_add_func("/frame/decode-vector-heartbeat", test_decode_vector_heartbeat);
    g_test_add_func("/frame/decode-vector-read", test_decode_vector_read);
    g_test_add_func("/frame/decode-vector-read-response", test_decode_vector_read_response);
    g_test_add_func("/frame/encode-reproduces-vectors", test_encode_reproduces_vectors);
    g_test_add_func("/frame/little-endian-length", test_little_endian_length);
    g_test_add_func("/frame/need-more-for-every-prefix", test_need_more_for_every_prefix);
    g_test_add_func("/frame/bad-magic", test_bad_magic);
    g_test_add_func("/frame/bad-length", test_bad_length);
    g_test_add_func("/frame/max-payload", test_max_payload);
    g_test_add_func("/frame/encode-capacity", test_encode_capacity);
    g_test_add_func("/frame/bad-crc", test_bad_crc);
    g_test_add_func("/frame/other-variant-rejects-vector", test_other_variant_rejects_vector);
    g_test_add_func("/frame/round-trip-every-variant-and-order",
                    test_round_trip_every_variant_and_order);
    g_test_add_func("/frame/decode-ignores-trailing-bytes", test_decode_ignores_trailing_bytes);
    g_test_add_func("/frame/fix-crc", test_fix_crc);
    g_test_add_func("/frame/cmd-is-request", test_cmd_is_request);
    return g_test_run();
}

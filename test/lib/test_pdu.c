/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Payload layouts of docs/PROTOCOL.md §2: builders, parser, malformed lengths, unknown commands. */
#include <glib.h>
#include <string.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"
#include "testutil.h"

struct want_field {
    enum mcp_field field;
    uint16_t offset;
    uint16_t size;
    uint32_t value;
};

static void assert_fields(const struct mcp_pdu *pdu, const struct want_field *want, size_t n)
{
    g_assert_cmpuint(pdu->field_count, ==, n);
    for (size_t i = 0; i < n; i++) {
        const struct mcp_field_span *f = &pdu->fields[i];
        if (f->field != want[i].field || f->offset != want[i].offset || f->size != want[i].size ||
            f->value != want[i].value)
            g_error("field %zu: got %d @%u+%u = %u, want %d @%u+%u = %u", i, f->field, f->offset,
                    f->size, f->value, want[i].field, want[i].offset, want[i].size, want[i].value);
    }
}

/* Parses, checking the return value agrees with the malformed flag. */
static bool parse(uint8_t cmd, const uint8_t *payload, size_t len, struct mcp_pdu *pdu)
{
    bool ok = mcp_pdu_parse(cmd, payload, len, pdu);
    g_assert_cmpint(ok, ==, !pdu->malformed);
    g_assert_cmpuint(pdu->cmd, ==, cmd);
    return ok;
}

/* ---- the spec vectors' payloads ---- */

static void test_parse_vector_read(void)
{
    uint8_t buf[32];
    size_t n = hex_bytes(VECTOR_READ, buf, sizeof buf);
    struct mcp_pdu pdu;
    g_assert_true(parse(0x02, buf + 5, n - 6, &pdu));
    g_assert_true(pdu.known);
    g_assert_true(pdu.has_register_block);
    g_assert_cmpuint(pdu.device, ==, 3);
    g_assert_cmphex(pdu.addr, ==, 0x0010);
    g_assert_cmpuint(pdu.count, ==, 4);
    const struct want_field want[] = {
        {MCP_FIELD_DEVICE, 0, 1, 3}, {MCP_FIELD_ADDR, 1, 2, 0x10}, {MCP_FIELD_COUNT, 3, 2, 4}};
    assert_fields(&pdu, want, 3);
}

static void test_parse_vector_read_response(void)
{
    uint8_t buf[32];
    size_t n = hex_bytes(VECTOR_READ_RSP, buf, sizeof buf);
    const uint8_t *payload = buf + 5;
    struct mcp_pdu pdu;
    g_assert_true(parse(0x82, payload, n - 6, &pdu));
    g_assert_true(pdu.has_req_seq);
    g_assert_cmpuint(pdu.req_seq, ==, 1);
    g_assert_cmpuint(pdu.status, ==, MCP_STATUS_OK);
    g_assert_cmpuint(pdu.device, ==, 3);
    g_assert_cmphex(pdu.addr, ==, 0x10);
    g_assert_cmpuint(pdu.count, ==, 2);
    g_assert_cmpuint(pdu.value_count, ==, 2);
    g_assert_cmpuint(pdu.values_offset, ==, 7);
    g_assert_cmphex(mcp_pdu_value(payload, &pdu, 0), ==, 0x1234);
    g_assert_cmphex(mcp_pdu_value(payload, &pdu, 1), ==, 0xabcd);
    const struct want_field want[] = {
        {MCP_FIELD_REQ_SEQ, 0, 1, 1},   {MCP_FIELD_STATUS, 1, 1, 0},
        {MCP_FIELD_DEVICE, 2, 1, 3},    {MCP_FIELD_ADDR, 3, 2, 0x10},
        {MCP_FIELD_COUNT, 5, 2, 2},     {MCP_FIELD_VALUE, 7, 2, 0x1234},
        {MCP_FIELD_VALUE, 9, 2, 0xabcd}};
    assert_fields(&pdu, want, 7);
}

/* ---- builders: bytes per §2's layouts, then parsed back ---- */

static void test_heartbeat(void)
{
    uint8_t out[8];
    struct mcp_pdu pdu;
    g_assert_cmpuint(mcp_build_heartbeat(false, 0, out, sizeof out), ==, 0);
    g_assert_true(parse(0x01, NULL, 0, &pdu));
    g_assert_false(pdu.has_uptime);
    g_assert_cmpuint(pdu.field_count, ==, 0);

    g_assert_cmpuint(mcp_build_heartbeat(true, 0x01020304, out, sizeof out), ==, 4);
    static const uint8_t bytes[] = {1, 2, 3, 4};
    g_assert_cmpmem(out, 4, bytes, 4);
    g_assert_true(parse(0x01, out, 4, &pdu));
    g_assert_true(pdu.has_uptime);
    g_assert_cmphex(pdu.uptime_ms, ==, 0x01020304);
    const struct want_field want[] = {{MCP_FIELD_UPTIME, 0, 4, 0x01020304}};
    assert_fields(&pdu, want, 1);
    g_assert_cmpuint(mcp_build_heartbeat(true, 1, out, 3), ==, 0);
}

static void test_heartbeat_malformed(void)
{
    const uint8_t p[] = {0, 0, 0x27, 0x10, 0xee};
    struct mcp_pdu pdu;
    /* 1..3 bytes: too short for uptime, nothing listed */
    for (size_t len = 1; len <= 3; len++) {
        g_assert_false(parse(0x01, p, len, &pdu));
        g_assert_cmpuint(pdu.field_count, ==, 0);
    }
    /* 5 bytes: uptime fits and is shown */
    g_assert_false(parse(0x01, p, 5, &pdu));
    const struct want_field want[] = {{MCP_FIELD_UPTIME, 0, 4, 10000}};
    assert_fields(&pdu, want, 1);
}

static void test_read(void)
{
    uint8_t out[8];
    g_assert_cmpuint(mcp_build_read(0x11, 0xfff0, 125, out, sizeof out), ==, 5);
    static const uint8_t bytes[] = {0x11, 0xff, 0xf0, 0x00, 0x7d};
    g_assert_cmpmem(out, 5, bytes, 5);
    struct mcp_pdu pdu;
    g_assert_true(parse(0x02, out, 5, &pdu));
    g_assert_cmpuint(pdu.device, ==, 0x11);
    g_assert_cmphex(pdu.addr, ==, 0xfff0);
    g_assert_cmpuint(pdu.count, ==, 125);
    g_assert_cmpuint(mcp_build_read(1, 2, 3, out, 4), ==, 0);
}

static void test_read_malformed(void)
{
    const uint8_t p[] = {0x03, 0x00, 0x10, 0x00, 0x04, 0x99};
    struct mcp_pdu pdu;
    g_assert_false(parse(0x02, p, 4, &pdu)); /* one byte too few */
    g_assert_false(pdu.has_register_block);
    const struct want_field want[] = {
        {MCP_FIELD_DEVICE, 0, 1, 3}, {MCP_FIELD_ADDR, 1, 2, 0x10}, {MCP_FIELD_COUNT, 3, 2, 4}};
    assert_fields(&pdu, want, 2);
    g_assert_false(parse(0x02, p, 6, &pdu)); /* one byte too many */
    assert_fields(&pdu, want, 3);
    g_assert_false(parse(0x02, NULL, 0, &pdu));
    g_assert_cmpuint(pdu.field_count, ==, 0);
}

/* count 0 or over 125 fits the layout: a device answers ILLEGAL_VALUE, it is not malformed. */
static void test_count_out_of_range_is_not_malformed(void)
{
    uint8_t out[8];
    struct mcp_pdu pdu;
    mcp_build_read(1, 0, 0, out, sizeof out);
    g_assert_true(parse(0x02, out, 5, &pdu));
    g_assert_cmpuint(pdu.count, ==, 0);
    mcp_build_read(1, 0, 126, out, sizeof out);
    g_assert_true(parse(0x02, out, 5, &pdu));
    g_assert_cmpuint(pdu.count, ==, 126);
    g_assert_cmpuint(mcp_build_write(1, 0, 0, NULL, out, sizeof out), ==, 5);
    g_assert_true(parse(0x03, out, 5, &pdu));
    g_assert_cmpuint(pdu.value_count, ==, 0);
}

static void test_write(void)
{
    const uint16_t values[] = {0x0102, 0xfffe, 0x5a5a};
    uint8_t out[16];
    g_assert_cmpuint(mcp_build_write(0x07, 0x0100, 3, values, out, sizeof out), ==, 11);
    static const uint8_t bytes[] = {0x07, 0x01, 0x00, 0x00, 0x03, 0x01,
                                    0x02, 0xff, 0xfe, 0x5a, 0x5a};
    g_assert_cmpmem(out, 11, bytes, 11);
    struct mcp_pdu pdu;
    g_assert_true(parse(0x03, out, 11, &pdu));
    g_assert_cmpuint(pdu.value_count, ==, 3);
    g_assert_cmpuint(pdu.values_offset, ==, 5);
    for (size_t i = 0; i < 3; i++)
        g_assert_cmphex(mcp_pdu_value(out, &pdu, i), ==, values[i]);
    const struct want_field want[] = {
        {MCP_FIELD_DEVICE, 0, 1, 7},     {MCP_FIELD_ADDR, 1, 2, 0x100},
        {MCP_FIELD_COUNT, 3, 2, 3},      {MCP_FIELD_VALUE, 5, 2, 0x0102},
        {MCP_FIELD_VALUE, 7, 2, 0xfffe}, {MCP_FIELD_VALUE, 9, 2, 0x5a5a}};
    assert_fields(&pdu, want, 6);
    g_assert_cmpuint(mcp_build_write(1, 0, 3, values, out, 10), ==, 0);
}

static void test_write_malformed(void)
{
    static const uint8_t p[] = {0x07, 0x01, 0x00, 0x00, 0x03, 0x01,
                                0x02, 0xff, 0xfe, 0x5a, 0x5a, 0x00};
    const struct want_field want[] = {
        {MCP_FIELD_DEVICE, 0, 1, 7},     {MCP_FIELD_ADDR, 1, 2, 0x100},
        {MCP_FIELD_COUNT, 3, 2, 3},      {MCP_FIELD_VALUE, 5, 2, 0x0102},
        {MCP_FIELD_VALUE, 7, 2, 0xfffe}, {MCP_FIELD_VALUE, 9, 2, 0x5a5a}};
    struct mcp_pdu pdu;
    /* one byte too few: the last value is cut, the two whole ones are shown */
    g_assert_false(parse(0x03, p, 10, &pdu));
    assert_fields(&pdu, want, 5);
    g_assert_cmpuint(pdu.value_count, ==, 2);
    g_assert_true(pdu.has_register_block);
    /* one byte too many */
    g_assert_false(parse(0x03, p, 12, &pdu));
    assert_fields(&pdu, want, 6);
    g_assert_cmpuint(pdu.value_count, ==, 3);
    /* a count the payload cannot hold */
    const uint8_t big[] = {0x07, 0x00, 0x00, 0xff, 0xff, 0x00, 0x01};
    g_assert_false(parse(0x03, big, sizeof big, &pdu));
    g_assert_cmpuint(pdu.value_count, ==, 1);
}

/* 125 values is the most a builder writes. */
static void test_write_max_registers(void)
{
    uint16_t values[126];
    for (size_t i = 0; i < 126; i++)
        values[i] = (uint16_t)(i * 521);
    uint8_t out[300];
    g_assert_cmpuint(mcp_build_write(1, 0, 126, values, out, sizeof out), ==, 0);
    g_assert_cmpuint(mcp_build_write(1, 0, 125, values, out, sizeof out), ==, 255);
    struct mcp_pdu pdu;
    g_assert_true(parse(0x03, out, 255, &pdu));
    g_assert_cmpuint(pdu.value_count, ==, 125);
    g_assert_cmpuint(pdu.field_count, ==, 128);
    g_assert_cmpuint(pdu.fields[127].offset, ==, 5 + 2 * 124);
    g_assert_cmpuint(pdu.fields[127].value, ==, values[124]);
}

/* A huge count with a payload to match stays within the field list. */
static void test_write_huge_count_bounded(void)
{
    static uint8_t p[4095];
    memset(p, 0, sizeof p);
    p[3] = 0x07;
    p[4] = 0xfd; /* count 2045: 5 + 4090 bytes */
    struct mcp_pdu pdu;
    g_assert_true(parse(0x03, p, 4095, &pdu));
    g_assert_cmpuint(pdu.value_count, ==, 2045);
    g_assert_cmpuint(pdu.field_count, ==, MCP_MAX_FIELD_SPANS);
}

static void test_event(void)
{
    const uint8_t data[] = {0xde, 0xad, 0xbe};
    uint8_t out[16];
    g_assert_cmpuint(mcp_build_event(9, MCP_EVENT_THRESHOLD, 0x00abcdef, data, 3, out, sizeof out),
                     ==, 9);
    static const uint8_t bytes[] = {0x09, 0x03, 0x00, 0xab, 0xcd, 0xef, 0xde, 0xad, 0xbe};
    g_assert_cmpmem(out, 9, bytes, 9);
    struct mcp_pdu pdu;
    g_assert_true(parse(0x04, out, 9, &pdu));
    g_assert_true(pdu.has_event);
    g_assert_cmpuint(pdu.device, ==, 9);
    g_assert_cmpuint(pdu.event_code, ==, 3);
    g_assert_cmphex(pdu.event_timestamp_ms, ==, 0xabcdef);
    g_assert_cmpuint(pdu.event_data_offset, ==, 6);
    g_assert_cmpuint(pdu.event_data_len, ==, 3);
    const struct want_field want[] = {{MCP_FIELD_DEVICE, 0, 1, 9},
                                      {MCP_FIELD_EVENT_CODE, 1, 1, 3},
                                      {MCP_FIELD_EVENT_TIMESTAMP, 2, 4, 0xabcdef},
                                      {MCP_FIELD_EVENT_DATA, 6, 3, 0}};
    assert_fields(&pdu, want, 4);

    /* without data */
    g_assert_cmpuint(mcp_build_event(9, MCP_EVENT_THRESHOLD, 0xabcdef, NULL, 0, out, sizeof out),
                     ==, 6);
    g_assert_true(parse(0x04, out, 6, &pdu));
    g_assert_cmpuint(pdu.event_data_len, ==, 0);
    assert_fields(&pdu, want, 3);
    g_assert_cmpuint(mcp_build_event(1, 1, 5, NULL, 0, out, 5), ==, 0);
}

static void test_event_limits(void)
{
    static uint8_t data[4091], out[4200];
    g_assert_cmpuint(mcp_build_event(1, 1, 0, data, 4090, out, sizeof out), ==, 4096);
    g_assert_cmpuint(mcp_build_event(1, 1, 0, data, 4091, out, sizeof out), ==, 0);
    /* one byte too few for the fixed part: malformed, device and code shown */
    const uint8_t p[] = {0x01, 0x04, 0x00, 0x00, 0x00};
    struct mcp_pdu pdu;
    g_assert_false(parse(0x04, p, 5, &pdu));
    g_assert_false(pdu.has_event);
    const struct want_field want[] = {{MCP_FIELD_DEVICE, 0, 1, 1}, {MCP_FIELD_EVENT_CODE, 1, 1, 4}};
    assert_fields(&pdu, want, 2);
}

static void test_nak(void)
{
    uint8_t out[4];
    g_assert_cmpuint(mcp_build_nak(0xfe, MCP_NAK_SEQ_GAP, out, sizeof out), ==, 2);
    g_assert_cmphex(out[0], ==, 0xfe);
    g_assert_cmphex(out[1], ==, 2);
    struct mcp_pdu pdu;
    g_assert_true(parse(0x05, out, 2, &pdu));
    g_assert_true(pdu.has_nak);
    g_assert_cmpuint(pdu.nak_seq, ==, 0xfe);
    g_assert_cmpuint(pdu.nak_reason, ==, 2);
    const struct want_field want[] = {{MCP_FIELD_NAK_SEQ, 0, 1, 0xfe},
                                      {MCP_FIELD_NAK_REASON, 1, 1, 2}};
    assert_fields(&pdu, want, 2);
    const uint8_t p[] = {0xfe, 0x02, 0x00};
    g_assert_false(parse(0x05, p, 1, &pdu));
    assert_fields(&pdu, want, 1);
    g_assert_false(pdu.has_nak);
    g_assert_false(parse(0x05, p, 3, &pdu));
    assert_fields(&pdu, want, 2);
    g_assert_cmpuint(mcp_build_nak(1, 1, out, 1), ==, 0);
}

static void test_sync(void)
{
    uint8_t out[4];
    struct mcp_pdu pdu;
    g_assert_cmpuint(mcp_build_sync(false, 0, out, sizeof out), ==, 0);
    g_assert_true(parse(0x06, NULL, 0, &pdu));
    g_assert_false(pdu.has_sync_reason);
    g_assert_cmpuint(mcp_build_sync(true, 7, out, sizeof out), ==, 1);
    g_assert_cmphex(out[0], ==, 7);
    g_assert_true(parse(0x06, out, 1, &pdu));
    g_assert_true(pdu.has_sync_reason);
    g_assert_cmpuint(pdu.sync_reason, ==, 7);
    const struct want_field want[] = {{MCP_FIELD_SYNC_REASON, 0, 1, 7}};
    assert_fields(&pdu, want, 1);
    const uint8_t p[] = {7, 8};
    g_assert_false(parse(0x06, p, 2, &pdu));
    assert_fields(&pdu, want, 1);
}

static void test_status_responses(void)
{
    uint8_t out[4];
    g_assert_cmpuint(mcp_build_status_response(0x33, MCP_STATUS_DEVICE_BUSY, out, sizeof out), ==,
                     2);
    g_assert_cmphex(out[0], ==, 0x33);
    g_assert_cmphex(out[1], ==, 3);
    const struct want_field want[] = {{MCP_FIELD_REQ_SEQ, 0, 1, 0x33}, {MCP_FIELD_STATUS, 1, 1, 3}};
    /* A non-zero status carries nothing more, for every response */
    const uint8_t cmds[] = {0x81, 0x82, 0x83};
    for (size_t i = 0; i < 3; i++) {
        struct mcp_pdu pdu;
        g_assert_true(parse(cmds[i], out, 2, &pdu));
        g_assert_true(pdu.known);
        g_assert_true(pdu.has_req_seq);
        g_assert_cmpuint(pdu.req_seq, ==, 0x33);
        g_assert_cmpuint(pdu.status, ==, 3);
        g_assert_false(pdu.has_register_block);
        assert_fields(&pdu, want, 2);
        const uint8_t longer[] = {0x33, 0x03, 0x00};
        g_assert_false(parse(cmds[i], longer, 3, &pdu)); /* one too many */
        assert_fields(&pdu, want, 2);
        g_assert_false(parse(cmds[i], longer, 1, &pdu)); /* one too few */
        assert_fields(&pdu, want, 1);
        g_assert_false(pdu.has_req_seq);
        g_assert_false(parse(cmds[i], NULL, 0, &pdu));
    }
    /* HEARTBEAT response with status OK is 2 bytes too */
    out[1] = 0;
    struct mcp_pdu pdu;
    g_assert_true(parse(0x81, out, 2, &pdu));
    g_assert_cmpuint(mcp_build_status_response(1, 0, out, 1), ==, 0);
}

static void test_read_response_ok(void)
{
    const uint16_t values[] = {0x1234, 0xabcd};
    uint8_t out[16], want_bytes[32];
    g_assert_cmpuint(mcp_build_read_response_ok(1, 3, 0x10, 2, values, out, sizeof out), ==, 11);
    size_t n = hex_bytes(VECTOR_READ_RSP, want_bytes, sizeof want_bytes);
    g_assert_cmpmem(out, 11, want_bytes + 5, n - 6); /* the spec vector's payload */
    g_assert_cmpuint(mcp_build_read_response_ok(1, 3, 0x10, 2, values, out, 10), ==, 0);
    uint16_t many[126] = {0};
    static uint8_t big[300];
    g_assert_cmpuint(mcp_build_read_response_ok(1, 3, 0, 126, many, big, sizeof big), ==, 0);
    g_assert_cmpuint(mcp_build_read_response_ok(1, 3, 0, 125, many, big, sizeof big), ==, 257);

    /* one byte too few / too many */
    struct mcp_pdu pdu;
    g_assert_false(parse(0x82, out, 10, &pdu));
    g_assert_cmpuint(pdu.field_count, ==, 6);
    g_assert_cmpuint(pdu.value_count, ==, 1);
    out[11] = 0;
    g_assert_false(parse(0x82, out, 12, &pdu));
    g_assert_cmpuint(pdu.field_count, ==, 7);
    /* status OK but the register block cut short */
    g_assert_false(parse(0x82, out, 4, &pdu));
    g_assert_cmpuint(pdu.field_count, ==, 3);
    g_assert_true(pdu.has_req_seq);
    g_assert_false(pdu.has_register_block);
}

static void test_write_response_ok(void)
{
    uint8_t out[16];
    g_assert_cmpuint(mcp_build_write_response_ok(0x80, 7, 0x0100, 3, out, sizeof out), ==, 7);
    static const uint8_t bytes[] = {0x80, 0x00, 0x07, 0x01, 0x00, 0x00, 0x03};
    g_assert_cmpmem(out, 7, bytes, 7);
    struct mcp_pdu pdu;
    g_assert_true(parse(0x83, out, 7, &pdu));
    g_assert_cmpuint(pdu.req_seq, ==, 0x80);
    g_assert_cmpuint(pdu.device, ==, 7);
    g_assert_cmphex(pdu.addr, ==, 0x100);
    g_assert_cmpuint(pdu.count, ==, 3);
    g_assert_cmpuint(pdu.value_count, ==, 0);
    const struct want_field want[] = {{MCP_FIELD_REQ_SEQ, 0, 1, 0x80},
                                      {MCP_FIELD_STATUS, 1, 1, 0},
                                      {MCP_FIELD_DEVICE, 2, 1, 7},
                                      {MCP_FIELD_ADDR, 3, 2, 0x100},
                                      {MCP_FIELD_COUNT, 5, 2, 3}};
    assert_fields(&pdu, want, 5);
    g_assert_false(parse(0x83, out, 6, &pdu));
    assert_fields(&pdu, want, 4);
    out[7] = 0;
    g_assert_false(parse(0x83, out, 8, &pdu));
    assert_fields(&pdu, want, 5);
    g_assert_cmpuint(mcp_build_write_response_ok(1, 1, 1, 1, out, 6), ==, 0);
}

/* Unknown commands: raw bytes, never malformed; a response of 2+ bytes names its request. */
static void test_unknown_commands(void)
{
    const uint8_t p[] = {0x42, 0x06, 0x01, 0x02};
    struct mcp_pdu pdu;
    const uint8_t requests[] = {0x00, 0x07, 0x7f};
    for (size_t i = 0; i < 3; i++) {
        for (size_t len = 0; len <= 4; len++) {
            g_assert_true(parse(requests[i], p, len, &pdu));
            g_assert_false(pdu.known);
            g_assert_false(pdu.has_req_seq);
            g_assert_cmpuint(pdu.field_count, ==, 0);
        }
    }
    const uint8_t responses[] = {0x80, 0x84, 0x85, 0x86, 0x87, 0xff};
    const struct want_field want[] = {{MCP_FIELD_REQ_SEQ, 0, 1, 0x42}, {MCP_FIELD_STATUS, 1, 1, 6}};
    for (size_t i = 0; i < G_N_ELEMENTS(responses); i++) {
        for (size_t len = 2; len <= 4; len++) {
            g_assert_true(parse(responses[i], p, len, &pdu));
            g_assert_false(pdu.known);
            g_assert_true(pdu.has_req_seq);
            g_assert_cmpuint(pdu.req_seq, ==, 0x42);
            g_assert_cmpuint(pdu.status, ==, MCP_STATUS_UNSUPPORTED_COMMAND);
            assert_fields(&pdu, want, 2);
        }
        g_assert_true(parse(responses[i], p, 1, &pdu));
        g_assert_false(pdu.has_req_seq);
        g_assert_true(parse(responses[i], NULL, 0, &pdu));
        g_assert_false(pdu.has_req_seq);
    }
}

/* A parse leaves nothing behind from the previous one. */
static void test_parse_resets_previous(void)
{
    uint8_t buf[32];
    size_t n = hex_bytes(VECTOR_READ_RSP, buf, sizeof buf);
    struct mcp_pdu pdu;
    g_assert_true(parse(0x82, buf + 5, n - 6, &pdu));
    g_assert_true(parse(0x06, NULL, 0, &pdu));
    g_assert_cmpuint(pdu.field_count, ==, 0);
    g_assert_false(pdu.has_req_seq);
    g_assert_false(pdu.has_register_block);
    g_assert_cmpuint(pdu.value_count, ==, 0);
}

/* Every known command: exactly one payload length set per layout parses clean. */
static void test_fixed_layout_lengths(void)
{
    uint8_t p[16] = {0};
    struct {
        uint8_t cmd;
        size_t ok_a, ok_b; /* the lengths that fit (ok_b == ok_a when only one) */
    } cases[] = {{0x01, 0, 4}, {0x02, 5, 5}, {0x05, 2, 2}, {0x06, 0, 1}, {0x81, 2, 2}};
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        for (size_t len = 0; len <= 8; len++) {
            struct mcp_pdu pdu;
            bool fits = len == cases[i].ok_a || len == cases[i].ok_b;
            if (parse(cases[i].cmd, p, len, &pdu) != fits)
                g_error("cmd 0x%02x len %zu: expected %s", cases[i].cmd, len,
                        fits ? "fit" : "malformed");
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pdu/parse-vector-read", test_parse_vector_read);
    g_test_add_func("/pdu/parse-vector-read-response", test_parse_vector_read_response);
    g_test_add_func("/pdu/heartbeat", test_heartbeat);
    g_test_add_func("/pdu/heartbeat-malformed", test_heartbeat_malformed);
    g_test_add_func("/pdu/read", test_read);
    g_test_add_func("/pdu/read-malformed", test_read_malformed);
    g_test_add_func("/pdu/count-out-of-range-is-not-malformed",
                    test_count_out_of_range_is_not_malformed);
    g_test_add_func("/pdu/write", test_write);
    g_test_add_func("/pdu/write-malformed", test_write_malformed);
    g_test_add_func("/pdu/write-max-registers", test_write_max_registers);
    g_test_add_func("/pdu/write-huge-count-bounded", test_write_huge_count_bounded);
    g_test_add_func("/pdu/event", test_event);
    g_test_add_func("/pdu/event-limits", test_event_limits);
    g_test_add_func("/pdu/nak", test_nak);
    g_test_add_func("/pdu/sync", test_sync);
    g_test_add_func("/pdu/status-responses", test_status_responses);
    g_test_add_func("/pdu/read-response-ok", test_read_response_ok);
    g_test_add_func("/pdu/write-response-ok", test_write_response_ok);
    g_test_add_func("/pdu/unknown-commands", test_unknown_commands);
    g_test_add_func("/pdu/parse-resets-previous", test_parse_resets_previous);
    g_test_add_func("/pdu/fixed-layout-lengths", test_fixed_layout_lengths);
    return g_test_run();
}

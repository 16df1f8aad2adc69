/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The five frame checks of docs/PROTOCOL.md §1 against their definitions. */
#include <glib.h>
#include <string.h>

#include "mcp/crc.h"

/* A check as the spec's table defines it (the usual Rocksoft model parameters). */
struct crc_definition {
    enum mcp_crc_variant variant;
    const char *name;
    uint8_t poly;
    uint8_t init;
    gboolean reflected; /* refin = refout */
    uint8_t xorout;
    uint8_t check; /* over ASCII "123456789" */
};

static const struct crc_definition crc_definitions[] = {
    {MCP_CRC8_SMBUS, "crc8-smbus", 0x07, 0x00, FALSE, 0x00, 0xF4},
    {MCP_CRC8_MAXIM, "crc8-maxim", 0x31, 0x00, TRUE, 0x00, 0xA1},
    {MCP_CRC8_AUTOSAR, "crc8-autosar", 0x2F, 0xFF, FALSE, 0xFF, 0xDF},
};

static uint8_t reflect8(uint8_t v)
{
    uint8_t r = 0;
    for (int i = 0; i < 8; i++)
        if (v & (1u << i))
            r |= (uint8_t)(0x80u >> i);
    return r;
}

/* Bit by bit, straight from the definition: no tables. */
static uint8_t crc_bitwise(const struct crc_definition *def, const uint8_t *data, size_t len)
{
    uint8_t crc = def->init;
    for (size_t i = 0; i < len; i++) {
        crc ^= def->reflected ? reflect8(data[i]) : data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 0x80) ? (uint8_t)((crc << 1) ^ def->poly) : (uint8_t)(crc << 1);
    }
    if (def->reflected)
        crc = reflect8(crc);
    return crc ^ def->xorout;
}

static const uint8_t check_input[] = "123456789";
#define CHECK_LEN 9

static void test_check_values(void)
{
    g_assert_cmphex(mcp_crc(MCP_CRC8_SMBUS, check_input, CHECK_LEN), ==, 0xF4);
    g_assert_cmphex(mcp_crc(MCP_CRC8_MAXIM, check_input, CHECK_LEN), ==, 0xA1);
    g_assert_cmphex(mcp_crc(MCP_CRC8_AUTOSAR, check_input, CHECK_LEN), ==, 0xDF);
    g_assert_cmphex(mcp_crc(MCP_XOR8, check_input, CHECK_LEN), ==, 0x31);
    g_assert_cmphex(mcp_crc(MCP_SUM8, check_input, CHECK_LEN), ==, 0xDD);
}

/* The reference model itself must reproduce the published check values. */
static void test_reference_model_check_values(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(crc_definitions); i++)
        g_assert_cmphex(crc_bitwise(&crc_definitions[i], check_input, CHECK_LEN), ==,
                        crc_definitions[i].check);
}

/*
 * Every table entry: the CRC of a single byte b is table[init ^ b] (then
 * xorout), so running all 256 single bytes through mcp_crc covers each entry
 * once; all 65536 two-byte inputs also cover the chaining of the register.
 */
static void test_tables_match_bitwise_definition(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(crc_definitions); i++) {
        const struct crc_definition *def = &crc_definitions[i];
        for (unsigned b = 0; b < 256; b++) {
            uint8_t byte = (uint8_t)b;
            g_assert_cmphex(mcp_crc(def->variant, &byte, 1), ==, crc_bitwise(def, &byte, 1));
        }
        for (unsigned w = 0; w < 65536; w++) {
            uint8_t two[2] = {(uint8_t)(w >> 8), (uint8_t)w};
            if (mcp_crc(def->variant, two, 2) != crc_bitwise(def, two, 2))
                g_error("%s differs on %02x %02x", def->name, two[0], two[1]);
        }
    }
}

static void test_long_input_matches_definition(void)
{
    uint8_t data[4101];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + (i >> 3));
    for (size_t i = 0; i < G_N_ELEMENTS(crc_definitions); i++)
        g_assert_cmphex(mcp_crc(crc_definitions[i].variant, data, sizeof data), ==,
                        crc_bitwise(&crc_definitions[i], data, sizeof data));
}

/*
 * The tables of four bytes at a time (crc.c slices the input by four): every
 * entry of each is reached by one byte value at one position of a 4-byte input
 * (the others zero or not), and every length up to 64 matches the definition.
 */
static void test_sliced_tables_match_definition(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(crc_definitions); i++) {
        const struct crc_definition *def = &crc_definitions[i];
        for (unsigned pos = 0; pos < 4; pos++)
            for (unsigned b = 0; b < 256; b++)
                for (unsigned fill = 0; fill < 2; fill++) {
                    uint8_t four[4] = {0};
                    if (fill)
                        memcpy(four, "\x5a\xa7\x13\xe2", 4);
                    four[pos] = (uint8_t)b;
                    if (mcp_crc(def->variant, four, 4) != crc_bitwise(def, four, 4))
                        g_error("%s differs on %02x %02x %02x %02x", def->name, four[0], four[1],
                                four[2], four[3]);
                }
        uint8_t data[64];
        for (size_t k = 0; k < sizeof data; k++)
            data[k] = (uint8_t)(k * 151 + 29 + (k >> 2));
        for (size_t len = 0; len <= sizeof data; len++)
            for (size_t off = 0; off + len <= sizeof data && off < 4; off++)
                g_assert_cmphex(mcp_crc(def->variant, data + off, len), ==,
                                crc_bitwise(def, data + off, len));
    }
}

static void test_xor8_and_sum8_definitions(void)
{
    uint8_t data[300];
    uint8_t x = 0;
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 31 + 5);
        x ^= data[i];
        sum += data[i];
    }
    g_assert_cmphex(mcp_crc(MCP_XOR8, data, sizeof data), ==, x);
    g_assert_cmphex(mcp_crc(MCP_SUM8, data, sizeof data), ==, sum % 256);
}

/* Over no bytes each check is init ^ xorout: 0 for all five. */
static void test_empty_input(void)
{
    for (unsigned v = 0; v < MCP_CRC_VARIANT_COUNT; v++)
        g_assert_cmphex(mcp_crc((enum mcp_crc_variant)v, NULL, 0), ==, 0);
}

static void test_variant_names(void)
{
    static const char *const expected[MCP_CRC_VARIANT_COUNT] = {
        [MCP_CRC8_SMBUS] = "crc8-smbus",
        [MCP_CRC8_MAXIM] = "crc8-maxim",
        [MCP_CRC8_AUTOSAR] = "crc8-autosar",
        [MCP_XOR8] = "xor8",
        [MCP_SUM8] = "sum8",
    };
    for (unsigned v = 0; v < MCP_CRC_VARIANT_COUNT; v++) {
        g_assert_cmpstr(mcp_crc_variant_name((enum mcp_crc_variant)v), ==, expected[v]);
        enum mcp_crc_variant parsed = MCP_CRC_VARIANT_COUNT;
        g_assert_true(mcp_crc_variant_from_name(expected[v], &parsed));
        g_assert_cmpint(parsed, ==, v);
        g_assert_nonnull(strstr(mcp_crc_variant_list(), expected[v]));
    }
    g_assert_null(mcp_crc_variant_name(MCP_CRC_VARIANT_COUNT));
    g_assert_null(mcp_crc_variant_name((enum mcp_crc_variant)200));
}

static void test_variant_from_name_rejects_unknown(void)
{
    enum mcp_crc_variant v = MCP_SUM8;
    g_assert_true(mcp_crc_variant_from_name("CRC8-Maxim", &v)); /* case-insensitive */
    g_assert_cmpint(v, ==, MCP_CRC8_MAXIM);
    v = MCP_SUM8;
    g_assert_false(mcp_crc_variant_from_name("crc16", &v));
    g_assert_false(mcp_crc_variant_from_name("", &v));
    g_assert_false(mcp_crc_variant_from_name("crc8-smbus ", &v));
    g_assert_false(mcp_crc_variant_from_name(NULL, &v));
    g_assert_cmpint(v, ==, MCP_SUM8); /* left alone */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/crc/check-values", test_check_values);
    g_test_add_func("/crc/reference-model-check-values", test_reference_model_check_values);
    g_test_add_func("/crc/tables-match-bitwise-definition", test_tables_match_bitwise_definition);
    g_test_add_func("/crc/long-input-matches-definition", test_long_input_matches_definition);
    g_test_add_func("/crc/sliced-tables-match-definition", test_sliced_tables_match_definition);
    g_test_add_func("/crc/xor8-and-sum8-definitions", test_xor8_and_sum8_definitions);
    g_test_add_func("/crc/empty-input", test_empty_input);
    g_test_add_func("/crc/variant-names", test_variant_names);
    g_test_add_func("/crc/variant-from-name-rejects-unknown",
                    test_variant_from_name_rejects_unknown);
    return g_test_run();
}

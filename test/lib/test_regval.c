/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The typed codec of docs/REGISTER-MAP.md: §2 (orders, write direction and
 * range refusal), §3 (engineering values, labels, shown text), §4 (simulated
 * values) and §5 (comparison). Expected values come from regval_vectors.h
 * (written by regval_vectors.py with Python's struct and decimal) or are
 * worked out by hand in the comments; never from the code under test.
 */
#include <glib.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mcp/regmap.h"
#include "mcp/regval.h"
#include "regval_vectors.h"

/* A map of one item from the cells after "device,addr,name": e.g. "t,i16,ABCD,0.1". */
static struct mcp_regmap *parse_ok(const char *text)
{
    struct mcp_regmap *map = NULL;
    char err[MCP_REGMAP_ERR_MAX];
    int rc = mcp_regmap_parse(text, strlen(text), "t.csv", &map, err, sizeof err);
    if (rc != 0)
        g_test_message("%s\n%s", text, err);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(map);
    return map;
}

static struct mcp_regmap *one_item(const char *header, const char *row)
{
    char text[1024];
    snprintf(text, sizeof text, "%s\n%s\n", header, row);
    return parse_ok(text);
}

static const struct mcp_reg_item *first(const struct mcp_regmap *map)
{
    g_assert_cmpuint(mcp_regmap_item_count(map), >=, 1);
    return mcp_regmap_item(map, 0);
}

static uint64_t bits_of_double(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static double double_of_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static void assert_regs(const uint16_t *got, const uint16_t *want, unsigned n, const char *what)
{
    for (unsigned i = 0; i < n; i++) {
        if (got[i] != want[i])
            g_test_message("%s: register %u is 0x%04x, not 0x%04x", what, i, got[i], want[i]);
        g_assert_cmphex(got[i], ==, want[i]);
    }
}

static unsigned width(const char *type)
{
    if (strcmp(type, "u32") == 0 || strcmp(type, "i32") == 0 || strcmp(type, "f32") == 0)
        return 2;
    if (strcmp(type, "u64") == 0 || strcmp(type, "i64") == 0 || strcmp(type, "f64") == 0)
        return 4;
    return 1;
}

/* §2's table, checked directly on mcp_reg_order_get/put with A B C D E F G H = 0x11..0x88. */
static void test_order_table(void)
{
    const uint16_t r32[2] = {0x1122, 0x3344}; /* r0 = A B, r1 = C D */
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_ABCD, r32, 2), ==, 0x11223344);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_CDAB, r32, 2), ==, 0x33441122);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_BADC, r32, 2), ==, 0x22114433);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_DCBA, r32, 2), ==, 0x44332211);
    const uint16_t r64[4] = {0x1122, 0x3344, 0x5566, 0x7788};
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_ABCD, r64, 4), ==, 0x1122334455667788);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_CDAB, r64, 4), ==, 0x7788556633441122);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_BADC, r64, 4), ==, 0x2211443366558877);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_DCBA, r64, 4), ==, 0x8877665544332211);
    const uint16_t r16[1] = {0x1122};
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_ABCD, r16, 1), ==, 0x1122);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_CDAB, r16, 1), ==, 0x1122);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_BADC, r16, 1), ==, 0x2211);
    g_assert_cmphex(mcp_reg_order_get(MCP_ORDER_DCBA, r16, 1), ==, 0x2211);
    for (int o = MCP_ORDER_ABCD; o <= MCP_ORDER_DCBA; o++) {
        uint16_t out[4];
        mcp_reg_order_put((enum mcp_reg_order)o, mcp_reg_order_get(o, r64, 4), out, 4);
        assert_regs(out, r64, 4, "put(get) 64");
        mcp_reg_order_put((enum mcp_reg_order)o, mcp_reg_order_get(o, r32, 2), out, 2);
        assert_regs(out, r32, 2, "put(get) 32");
    }
}

/* Every type x every order: registers -> value, value -> registers (text and number). */
static void test_vectors(void)
{
    size_t n = sizeof rv_vectors / sizeof rv_vectors[0];
    g_assert_cmpuint(n, >, 200);
    for (size_t i = 0; i < n; i++) {
        const struct rv_vector *v = &rv_vectors[i];
        char row[128];
        snprintf(row, sizeof row, "1,0,v,%s,%s", v->type, v->order);
        struct mcp_regmap *map = one_item("device,addr,name,type,order", row);
        const struct mcp_reg_item *it = first(map);
        unsigned nr = width(v->type);
        g_assert_cmpuint(it->nregs, ==, nr);
        g_test_message("vector %zu: %s %s %s", i, v->type, v->order, v->text);

        struct mcp_reg_value val;
        mcp_reg_decode(it, v->regs, &val);
        g_assert_cmphex(val.raw, ==, v->raw);
        g_assert_cmpint(val.sraw, ==, v->sraw);
        if (v->nan)
            g_assert_true(isnan(val.eng));
        else
            g_assert_cmphex(bits_of_double(val.eng), ==, v->eng);
        g_assert_null(val.label);
        g_assert_cmpstr(val.text, ==, "");
        char num[64];
        int len = mcp_reg_format_number(it, &val, num, sizeof num);
        g_assert_cmpstr(num, ==, v->number);
        g_assert_cmpint(len, ==, (int)strlen(v->number));

        /* Back from the text, exactly (64-bit integers do not pass through a double). */
        uint16_t regs[4] = {0xdead, 0xdead, 0xdead, 0xdead};
        char err[256] = "";
        int rc = mcp_reg_encode_text(it, v->text, regs, err, sizeof err);
        if (rc != 0)
            g_test_message("%s", err);
        g_assert_cmpint(rc, ==, 0);
        if (v->nan) {
            struct mcp_reg_value back;
            mcp_reg_decode(it, regs, &back);
            g_assert_true(isnan(back.eng));
        } else {
            assert_regs(regs, v->regs, nr, v->text);
        }
        for (unsigned k = nr; k < 4; k++)
            g_assert_cmphex(regs[k], ==, 0xdead); /* nothing past the item */

        /* Back from the number, where the double is the value exactly. */
        double eng = double_of_bits(v->eng);
        bool exact = v->nan || strcmp(v->type, "f32") == 0 || strcmp(v->type, "f64") == 0 ||
                     (fabs(eng) < 9007199254740992.0);
        if (strcmp(v->type, "i64") == 0 && v->sraw == INT64_MIN)
            exact = true; /* -2^63 is a double */
        if (exact) {
            memset(regs, 0xde, sizeof regs);
            rc = mcp_reg_encode_value(it, v->nan ? NAN : eng, regs, err, sizeof err);
            if (rc != 0)
                g_test_message("%s", err);
            g_assert_cmpint(rc, ==, 0);
            if (v->nan) {
                struct mcp_reg_value back;
                mcp_reg_decode(it, regs, &back);
                g_assert_true(isnan(back.eng));
            } else {
                assert_regs(regs, v->regs, nr, "encode_value");
            }
        }
        mcp_regmap_free(map);
    }
}

/* §2 integers with a scale and offset: raw -> the nearest double of raw * scale + offset. */
static void test_scaled_decode(void)
{
    for (size_t i = 0; i < sizeof rv_scaled / sizeof rv_scaled[0]; i++) {
        const struct rv_scaled *v = &rv_scaled[i];
        char row[128];
        snprintf(row, sizeof row, "1,0,v,%s,%s,%s", v->type, v->scale, v->offset);
        struct mcp_regmap *map = one_item("device,addr,name,type,scale,offset", row);
        const struct mcp_reg_item *it = first(map);
        g_test_message("%s", row);
        g_assert_true(it->scaled);
        struct mcp_reg_value val;
        mcp_reg_decode(it, v->regs, &val);
        g_assert_cmphex(bits_of_double(val.eng), ==, v->eng);
        char num[64];
        mcp_reg_format_number(it, &val, num, sizeof num);
        g_assert_cmpstr(num, ==, v->number);
        /* ...and the shown number writes back to the same registers. */
        uint16_t regs[4];
        char err[256];
        g_assert_cmpint(mcp_reg_encode_text(it, num, regs, err, sizeof err), ==, 0);
        assert_regs(regs, v->regs, it->nregs, num);
        mcp_regmap_free(map);
    }
}

/* The brief's examples, spelt out: i16 scale 0.1. */
static void test_scaled_examples(void)
{
    struct mcp_regmap *map = one_item("device,addr,name,type,scale,unit", "1,0,t,i16,0.1,°C");
    const struct mcp_reg_item *it = first(map);
    uint16_t r = 234;
    struct mcp_reg_value v;
    mcp_reg_decode(it, &r, &v);
    g_assert_true(v.eng == 23.4); /* exactly the double 23.4 */
    char buf[64];
    mcp_reg_format(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "23.4 °C");
    char err[128];
    g_assert_cmpint(mcp_reg_encode_text(it, "25.5", &r, err, sizeof err), ==, 0);
    g_assert_cmpuint(r, ==, 255);
    g_assert_cmpint(mcp_reg_encode_value(it, 25.5, &r, err, sizeof err), ==, 0);
    g_assert_cmpuint(r, ==, 255);
    g_assert_cmpint(mcp_reg_encode_text(it, "0.15", &r, err, sizeof err), ==, 0);
    g_assert_cmpuint(r, ==, 2);
    g_assert_cmpint(mcp_reg_encode_value(it, 0.15, &r, err, sizeof err), ==, 0);
    g_assert_cmpuint(r, ==, 2);
    mcp_regmap_free(map);
}

static void test_scaled_writes(void)
{
    for (size_t i = 0; i < sizeof rv_writes / sizeof rv_writes[0]; i++) {
        const struct rv_write *w = &rv_writes[i];
        char row[128];
        snprintf(row, sizeof row, "1,0,v,%s,%s,%s", w->type, w->scale, w->offset);
        struct mcp_regmap *map = one_item("device,addr,name,type,scale,offset", row);
        const struct mcp_reg_item *it = first(map);
        g_test_message("%s <- %s", row, w->text);
        uint16_t regs[4];
        char err[256] = "";
        int rc = mcp_reg_encode_text(it, w->text, regs, err, sizeof err);
        if (rc != 0)
            g_test_message("%s", err);
        g_assert_cmpint(rc, ==, 0);
        assert_regs(regs, w->regs, it->nregs, w->text);
        mcp_regmap_free(map);
    }
}

/* A refused write names the item and the range in engineering units. */
static void expect_refused(const char *type_cells, const char *text, const char *range)
{
    struct mcp_regmap *map = one_item("device,addr,name,type,scale,offset,unit", type_cells);
    const struct mcp_reg_item *it = first(map);
    uint16_t regs[4] = {0x1111, 0x1111, 0x1111, 0x1111};
    char err[256] = "";
    g_test_message("%s <- %s", type_cells, text);
    g_assert_cmpint(mcp_reg_encode_text(it, text, regs, err, sizeof err), ==, -1);
    g_test_message("%s", err);
    g_assert_true(g_str_has_prefix(err, "tank_temp: "));
    g_assert_nonnull(strstr(err, range));
    if (strstr(range, "..") != NULL)
        g_assert_nonnull(strstr(err, "range"));
    for (int i = 0; i < 4; i++)
        g_assert_cmphex(regs[i], ==, 0x1111); /* nothing written */
    mcp_regmap_free(map);
}

static void test_out_of_range(void)
{
    expect_refused("1,0,tank_temp,i16,0.1,,°C", "4000", "-3276.8..3276.7 °C");
    expect_refused("1,0,tank_temp,i16,0.1,,°C", "3276.75", "-3276.8..3276.7 °C");
    expect_refused("1,0,tank_temp,i16,0.1,,°C", "-3276.86", "-3276.8..3276.7 °C");
    expect_refused("1,0,tank_temp,u16,,,", "65536", "0..65535");
    expect_refused("1,0,tank_temp,u16,,,", "-1", "0..65535");
    expect_refused("1,0,tank_temp,i16,,,", "32768", "-32768..32767");
    expect_refused("1,0,tank_temp,i16,,,", "-32769", "-32768..32767");
    expect_refused("1,0,tank_temp,u32,,,", "4294967296", "0..4294967295");
    expect_refused("1,0,tank_temp,i32,,,", "-2147483649", "-2147483648..2147483647");
    expect_refused("1,0,tank_temp,u64,,,", "18446744073709551616", "0..18446744073709551615");
    expect_refused("1,0,tank_temp,u64,,,", "-1", "0..18446744073709551615");
    expect_refused("1,0,tank_temp,i64,,,", "9223372036854775808",
                   "-9223372036854775808..9223372036854775807");
    expect_refused("1,0,tank_temp,i64,,,", "-9223372036854775809",
                   "-9223372036854775808..9223372036854775807");
    expect_refused("1,0,tank_temp,u16,0.01,-273.15,°C", "382.21", "-273.15..382.2 °C");
    expect_refused("1,0,tank_temp,u16,0.01,-273.15,°C", "-273.16", "-273.15..382.2 °C");
    expect_refused("1,0,tank_temp,bits,,,", "0x10000", "0..65535");
    expect_refused("1,0,tank_temp,f32,,,", "1e39", "..");
    expect_refused("1,0,tank_temp,i16,,,", "abc", "number");
    expect_refused("1,0,tank_temp,i16,,,", "nan", "tank_temp");
    expect_refused("1,0,tank_temp,u32,,,", "inf", "tank_temp");
    expect_refused("1,0,tank_temp,u16,,,", "", "tank_temp");
    expect_refused("1,0,tank_temp,u16,,,", "1.5x", "tank_temp");

    /* By number too; 2^64 and 2^63 are just outside. */
    struct mcp_regmap *map = one_item("device,addr,name,type", "1,0,tank_temp,u64");
    uint16_t regs[4];
    char err[256];
    g_assert_cmpint(mcp_reg_encode_value(first(map), 18446744073709551616.0, regs, err, sizeof err),
                    ==, -1);
    g_assert_true(g_str_has_prefix(err, "tank_temp: "));
    mcp_regmap_free(map);
    map = one_item("device,addr,name,type", "1,0,tank_temp,i64");
    g_assert_cmpint(mcp_reg_encode_value(first(map), 9223372036854775808.0, regs, err, sizeof err),
                    ==, -1);
    g_assert_cmpint(mcp_reg_encode_value(first(map), -9223372036854775808.0, regs, err, sizeof err),
                    ==, 0);
    uint16_t want[4] = {0x8000, 0, 0, 0};
    assert_regs(regs, want, 4, "i64 min");
    mcp_regmap_free(map);
    /* A str item takes text, not a number. */
    map = one_item("device,addr,name,type", "1,0,tank_temp,str:2");
    g_assert_cmpint(mcp_reg_encode_value(first(map), 1.0, regs, err, sizeof err), ==, -1);
    g_assert_true(g_str_has_prefix(err, "tank_temp: "));
    mcp_regmap_free(map);
}

/* Written integers: decimal, 0x hex, a sign, spaces around. */
static void test_integer_text(void)
{
    struct mcp_regmap *map = one_item("device,addr,name,type", "1,0,x,u16");
    const struct mcp_reg_item *it = first(map);
    uint16_t r;
    char err[128];
    g_assert_cmpint(mcp_reg_encode_text(it, "0x1234", &r, err, sizeof err), ==, 0);
    g_assert_cmphex(r, ==, 0x1234);
    g_assert_cmpint(mcp_reg_encode_text(it, "0XfFfF", &r, err, sizeof err), ==, 0);
    g_assert_cmphex(r, ==, 0xffff);
    g_assert_cmpint(mcp_reg_encode_text(it, "+7", &r, err, sizeof err), ==, 0);
    g_assert_cmphex(r, ==, 7);
    g_assert_cmpint(mcp_reg_encode_text(it, " 12 ", &r, err, sizeof err), ==, 0);
    g_assert_cmphex(r, ==, 12);
    g_assert_cmpint(mcp_reg_encode_text(it, "1e3", &r, err, sizeof err), ==, 0);
    g_assert_cmphex(r, ==, 1000);
    g_assert_cmpint(mcp_reg_encode_text(it, "-0", &r, err, sizeof err), ==, 0); /* 0 */
    g_assert_cmphex(r, ==, 0);
    mcp_regmap_free(map);
    map = one_item("device,addr,name,type,order", "1,0,x,i16,DCBA");
    it = first(map);
    g_assert_cmpint(mcp_reg_encode_text(it, "-2", &r, err, sizeof err), ==, 0);
    g_assert_cmphex(r, ==, 0xfeff); /* 0xfffe, bytes swapped */
    mcp_regmap_free(map);
}

/* §1/§2 str:N: trailing NULs and spaces dropped, other bytes as \xNN, BADC. */
static void test_str(void)
{
    for (size_t i = 0; i < sizeof rv_strs / sizeof rv_strs[0]; i++) {
        const struct rv_str *s = &rv_strs[i];
        char row[128];
        snprintf(row, sizeof row, "1,0,s,str:%u,%s", s->n, s->order);
        struct mcp_regmap *map = one_item("device,addr,name,type,order", row);
        const struct mcp_reg_item *it = first(map);
        g_assert_cmpint(it->type, ==, MCP_REG_STR);
        g_assert_cmpuint(it->nregs, ==, s->n);
        struct mcp_reg_value v;
        mcp_reg_decode(it, s->regs, &v);
        g_assert_cmpstr(v.text, ==, s->shown);
        g_assert_cmphex(v.raw, ==, 0);
        char buf[600], want[600];
        mcp_reg_format_number(it, &v, buf, sizeof buf);
        g_assert_cmpstr(buf, ==, s->shown);
        mcp_reg_format(it, &v, buf, sizeof buf);
        snprintf(want, sizeof want, "\"%s\"", s->shown);
        g_assert_cmpstr(buf, ==, want);
        /* Written: the bytes up to the first NUL, padded with NULs. */
        size_t len = strnlen(s->bytes, 2 * s->n);
        char text[130];
        memcpy(text, s->bytes, len);
        text[len] = '\0';
        uint16_t regs[4];
        char err[128];
        g_assert_cmpint(mcp_reg_encode_text(it, text, regs, err, sizeof err), ==, 0);
        bool rest_nul = true;
        for (size_t k = len; k < 2 * s->n; k++)
            rest_nul &= s->bytes[k] == '\0';
        if (rest_nul)
            assert_regs(regs, s->regs, s->n, text);
        mcp_regmap_free(map);
    }
    /* Too long for str:2 (4 bytes): refused with the item's name. */
    struct mcp_regmap *map = one_item("device,addr,name,type", "1,0,serial,str:2");
    uint16_t regs[2];
    char err[128];
    g_assert_cmpint(mcp_reg_encode_text(first(map), "abcde", regs, err, sizeof err), ==, -1);
    g_assert_true(g_str_has_prefix(err, "serial: "));
    g_assert_cmpint(mcp_reg_encode_text(first(map), "abcd", regs, err, sizeof err), ==, 0);
    g_assert_cmphex(regs[0], ==, 0x6162);
    g_assert_cmphex(regs[1], ==, 0x6364);
    g_assert_cmpint(mcp_reg_encode_text(first(map), "", regs, err, sizeof err), ==, 0);
    g_assert_cmphex(regs[0], ==, 0);
    g_assert_cmphex(regs[1], ==, 0);
    mcp_regmap_free(map);
    /* str:64 of every byte escaped fills MCP_REG_TEXT_MAX exactly. */
    map = one_item("device,addr,name,type", "1,0,serial,str:64");
    uint16_t big[64];
    for (int i = 0; i < 64; i++)
        big[i] = 0x0101;
    struct mcp_reg_value v;
    mcp_reg_decode(first(map), big, &v);
    g_assert_cmpuint(strlen(v.text), ==, 4 * 128);
    g_assert_cmpuint(strlen(v.text) + 1, ==, MCP_REG_TEXT_MAX);
    char small[8];
    int want = mcp_reg_format(first(map), &v, small, sizeof small);
    g_assert_cmpint(want, ==, 4 * 128 + 2);
    g_assert_cmpstr(small, ==, "\"\\x01\\x");
    mcp_regmap_free(map);
}

/* §1 labels and §3's shown values. */
static void test_labels_and_format(void)
{
    const char *hdr = "device,addr,name,type,unit,labels";
    struct mcp_regmap *map = one_item(hdr, "1,0,pump,u16,,0=off;1=on;2=fault");
    const struct mcp_reg_item *it = first(map);
    g_assert_cmpuint(it->label_count, ==, 3);
    uint16_t r = 1;
    struct mcp_reg_value v;
    char buf[128];
    mcp_reg_decode(it, &r, &v);
    g_assert_cmpstr(v.label, ==, "on");
    g_assert_cmpint(mcp_reg_format(it, &v, buf, sizeof buf), ==, 6);
    g_assert_cmpstr(buf, ==, "1 (on)");
    r = 3;
    mcp_reg_decode(it, &r, &v);
    g_assert_null(v.label);
    mcp_reg_format(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "3");
    char err[128];
    g_assert_cmpint(mcp_reg_encode_text(it, "fault", &r, err, sizeof err), ==, 0);
    g_assert_cmpuint(r, ==, 2);
    g_assert_cmpint(mcp_reg_encode_text(it, "off", &r, err, sizeof err), ==, 0);
    g_assert_cmpuint(r, ==, 0);
    g_assert_cmpint(mcp_reg_encode_text(it, "broken", &r, err, sizeof err), ==, -1);
    g_assert_true(g_str_has_prefix(err, "pump: "));
    g_assert_nonnull(strstr(err, "broken"));
    mcp_regmap_free(map);

    /* A label with a unit; a negative label on a signed type; labels sorted. */
    map = one_item(hdr, "1,0,mode,i16,bar,\"2=high; -1=err;0=low\"");
    it = first(map);
    g_assert_cmpint(it->labels[0].value, ==, -1);
    g_assert_cmpint(it->labels[2].value, ==, 2);
    r = 0xffff;
    mcp_reg_decode(it, &r, &v);
    mcp_reg_format(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "-1 bar (err)");
    g_assert_cmpint(mcp_reg_encode_text(it, "err", &r, err, sizeof err), ==, 0);
    g_assert_cmphex(r, ==, 0xffff);
    mcp_regmap_free(map);

    /* A 64-bit label. */
    map = one_item(hdr, "1,0,big,u64,,9223372036854775807=top");
    it = first(map);
    uint16_t r4[4] = {0x7fff, 0xffff, 0xffff, 0xffff};
    mcp_reg_decode(it, r4, &v);
    g_assert_cmpstr(v.label, ==, "top");
    uint16_t r4b[4] = {0xffff, 0xffff, 0xffff, 0xffff};
    mcp_reg_decode(it, r4b, &v);
    g_assert_null(v.label);
    mcp_regmap_free(map);

    /* bits: names for bits, bit 0 the least significant. */
    map = one_item(hdr, "1,0,status,bits,,0=alarm;3=door_open;15=fault");
    it = first(map);
    r = 0x0009;
    mcp_reg_decode(it, &r, &v);
    g_assert_null(v.label);
    mcp_reg_format(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "0x0009 (alarm, door_open)");
    mcp_reg_format_number(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "9");
    r = 0x8000;
    mcp_reg_decode(it, &r, &v);
    mcp_reg_format(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "0x8000 (fault)");
    r = 0x0006; /* unlabelled bits only */
    mcp_reg_decode(it, &r, &v);
    mcp_reg_format(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "0x0006");
    g_assert_cmpint(mcp_reg_encode_text(it, "0x0009", &r, err, sizeof err), ==, 0);
    g_assert_cmphex(r, ==, 9);
    mcp_regmap_free(map);

    /* A unit after a scaled number; a unit on a str is not shown by format. */
    map = one_item(hdr, "1,0,speed,u32,rpm,");
    it = first(map);
    uint16_t r2[2] = {0x0001, 0x0000};
    mcp_reg_decode(it, r2, &v);
    mcp_reg_format(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "65536 rpm");
    /* format returns the length it wanted, and cuts safely. */
    char tiny[4];
    g_assert_cmpint(mcp_reg_format(it, &v, tiny, sizeof tiny), ==, 9);
    g_assert_cmpstr(tiny, ==, "655");
    g_assert_cmpint(mcp_reg_format(it, &v, NULL, 0), ==, 9);
    mcp_regmap_free(map);
}

/* Numbers in the C locale whatever the program's (a decimal comma locale if installed). */
static void test_c_locale(void)
{
    const char *locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE.utf8", "C.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(locales) && set == NULL; i++)
        set = setlocale(LC_NUMERIC, locales[i]);
    struct mcp_regmap *map = one_item("device,addr,name,type,scale,offset", "1,0,t,i16,0.1,0.5");
    const struct mcp_reg_item *it = first(map);
    g_assert_true(it->scale == 0.1 && it->offset == 0.5);
    uint16_t r = 234;
    struct mcp_reg_value v;
    mcp_reg_decode(it, &r, &v);
    g_assert_true(v.eng == 23.9);
    char buf[32];
    mcp_reg_format_number(it, &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "23.9");
    char err[128];
    g_assert_cmpint(mcp_reg_encode_text(it, "25.5", &r, err, sizeof err), ==, 0);
    g_assert_cmpuint(r, ==, 250);
    mcp_regmap_free(map);
    map = one_item("device,addr,name,type", "1,0,f,f32");
    uint16_t r2[2] = {0x41bb, 0x3333};
    mcp_reg_decode(first(map), r2, &v);
    g_assert_true(v.eng == 23.4);
    mcp_reg_format_number(first(map), &v, buf, sizeof buf);
    g_assert_cmpstr(buf, ==, "23.4");
    mcp_regmap_free(map);
    setlocale(LC_NUMERIC, "C");
}

/* f32/f64 with a scale and offset: raw * scale + offset, and back. */
static void test_float_scaled(void)
{
    struct mcp_regmap *map = one_item("device,addr,name,type,scale,offset", "1,0,f,f64,2,1");
    const struct mcp_reg_item *it = first(map);
    uint16_t r[4] = {0x4008, 0, 0, 0}; /* 3.0 */
    struct mcp_reg_value v;
    mcp_reg_decode(it, r, &v);
    g_assert_true(v.eng == 7.0);
    char err[128];
    uint16_t w[4];
    g_assert_cmpint(mcp_reg_encode_text(it, "7", w, err, sizeof err), ==, 0);
    assert_regs(w, r, 4, "f64 scaled");
    mcp_regmap_free(map);
    map = one_item("device,addr,name,type,scale", "1,0,f,f32,2");
    it = first(map);
    /* FLT_MAX * 2 still fits; FLT_MAX * 2 * 1.01 does not. */
    g_assert_cmpint(mcp_reg_encode_value(it, 3.4028234663852886e38 * 2, w, err, sizeof err), ==, 0);
    g_assert_cmphex(w[0], ==, 0x7f7f);
    g_assert_cmphex(w[1], ==, 0xffff);
    g_assert_cmpint(mcp_reg_encode_value(it, 3.4028234663852886e38 * 2.02, w, err, sizeof err), ==,
                    -1);
    g_assert_true(g_str_has_prefix(err, "f: "));
    mcp_regmap_free(map);
}

/* §5: within the tolerance, NaN and infinities. */
static void test_same(void)
{
    struct mcp_regmap *map = one_item("device,addr,name,type,scale,tolerance", "1,0,t,i16,0.1,0.5");
    const struct mcp_reg_item *it = first(map);
    struct mcp_reg_value a, b;
    uint16_t ra = 234, rb = 229; /* 23.4 and 22.9: 0.5 apart, as decimals */
    mcp_reg_decode(it, &ra, &a);
    mcp_reg_decode(it, &rb, &b);
    g_assert_true(mcp_reg_same(it, &a, &b));
    g_assert_true(mcp_reg_same(it, &b, &a));
    rb = 228; /* 0.6 */
    mcp_reg_decode(it, &rb, &b);
    g_assert_false(mcp_reg_same(it, &a, &b));
    rb = 239; /* +0.5 */
    mcp_reg_decode(it, &rb, &b);
    g_assert_true(mcp_reg_same(it, &a, &b));
    mcp_regmap_free(map);

    /* Tolerance 0: integers exactly, whatever their size. */
    map = one_item("device,addr,name,type", "1,0,n,u64");
    it = first(map);
    uint16_t x[4] = {0x0020, 0, 0, 0x0001}, y[4] = {0x0020, 0, 0, 0x0002}; /* 2^53 + 1, + 2 */
    mcp_reg_decode(it, x, &a);
    mcp_reg_decode(it, y, &b);
    g_assert_false(mcp_reg_same(it, &a, &b));
    g_assert_true(mcp_reg_same(it, &a, &a));
    mcp_regmap_free(map);

    /* Floats: NaN is NaN, infinities only themselves, the tolerance in between. */
    map = one_item("device,addr,name,type,tolerance", "1,0,f,f64,0.25");
    it = first(map);
    uint16_t nan1[4] = {0x7ff8, 0, 0, 0}, nan2[4] = {0xfff8, 0, 0, 1};
    uint16_t pinf[4] = {0x7ff0, 0, 0, 0}, ninf[4] = {0xfff0, 0, 0, 0};
    uint16_t one[4] = {0x3ff0, 0, 0, 0}, onequarter[4] = {0x3ff4, 0, 0, 0}; /* 1, 1.25 */
    uint16_t big[4] = {0x7fef, 0xffff, 0xffff, 0xffff};                     /* DBL_MAX */
    struct mcp_reg_value n1, n2, pi, ni, o, oq, bg;
    mcp_reg_decode(it, nan1, &n1);
    mcp_reg_decode(it, nan2, &n2);
    mcp_reg_decode(it, pinf, &pi);
    mcp_reg_decode(it, ninf, &ni);
    mcp_reg_decode(it, one, &o);
    mcp_reg_decode(it, onequarter, &oq);
    mcp_reg_decode(it, big, &bg);
    g_assert_true(mcp_reg_same(it, &n1, &n2));
    g_assert_false(mcp_reg_same(it, &n1, &o));
    g_assert_false(mcp_reg_same(it, &o, &n1));
    g_assert_true(mcp_reg_same(it, &pi, &pi));
    g_assert_false(mcp_reg_same(it, &pi, &ni));
    g_assert_false(mcp_reg_same(it, &pi, &bg));
    g_assert_true(mcp_reg_same(it, &o, &oq));
    mcp_regmap_free(map);

    /* Tolerance 0 on a double: equal values (with a 1e-9 relative slack). */
    map = one_item("device,addr,name,type", "1,0,f,f64");
    it = first(map);
    g_assert_false(mcp_reg_same(it, &o, &oq));
    g_assert_true(mcp_reg_same(it, &o, &o));
    a = o;
    a.eng = 1.0 + 1e-12;
    g_assert_true(mcp_reg_same(it, &o, &a));
    a.eng = 1.0 + 1e-6;
    g_assert_false(mcp_reg_same(it, &o, &a));
    mcp_regmap_free(map);

    /* str: equal texts. */
    map = one_item("device,addr,name,type,tolerance", "1,0,s,str:2,5");
    it = first(map);
    uint16_t s1[2] = {0x4142, 0x0000}, s2[2] = {0x4142, 0x2020}, s3[2] = {0x4143, 0};
    mcp_reg_decode(it, s1, &a);
    mcp_reg_decode(it, s2, &b);
    g_assert_true(mcp_reg_same(it, &a, &b)); /* "AB" both: trailing spaces not shown */
    mcp_reg_decode(it, s3, &b);
    g_assert_false(mcp_reg_same(it, &a, &b));
    mcp_regmap_free(map);
}

static double sim_at(const struct mcp_reg_item *it, double t)
{
    return mcp_reg_sim_value(it, t, 0);
}

/* §4 at chosen t, by hand. */
static void test_sim(void)
{
    const char *hdr = "device,addr,name,type,scale,sim";
    struct mcp_regmap *map = one_item(hdr, "1,0,c,i16,0.1,const -12.5");
    const struct mcp_reg_item *it = first(map);
    g_assert_true(sim_at(it, 0) == -12.5 && sim_at(it, 1e6) == -12.5);
    uint16_t r;
    mcp_reg_sim_registers(it, 3, 0, &r);
    g_assert_cmphex(r, ==, 0xff83); /* -125 */
    mcp_regmap_free(map);

    /* Default: const 0. */
    map = one_item("device,addr,name,type", "1,0,d,u16");
    g_assert_true(sim_at(first(map), 17) == 0);
    mcp_regmap_free(map);

    /* ramp 10 20 4: 10 + 10 * (t mod 4) / 4. */
    map = one_item(hdr, "1,0,r,f64,,ramp 10 20 4");
    it = first(map);
    g_assert_true(sim_at(it, 0) == 10);
    g_assert_true(sim_at(it, 1) == 12.5);
    g_assert_true(sim_at(it, 3) == 17.5);
    g_assert_true(sim_at(it, 4) == 10);
    g_assert_true(sim_at(it, 9) == 12.5);
    mcp_regmap_free(map);

    /* sine 5 2 8: 5 + 2 sin(2 pi t / 8). */
    map = one_item(hdr, "1,0,s,f64,,sine 5 2 8");
    it = first(map);
    g_assert_cmpfloat_with_epsilon(sim_at(it, 0), 5, 1e-12);
    g_assert_cmpfloat_with_epsilon(sim_at(it, 2), 7, 1e-12);
    g_assert_cmpfloat_with_epsilon(sim_at(it, 4), 5, 1e-12);
    g_assert_cmpfloat_with_epsilon(sim_at(it, 6), 3, 1e-12);
    g_assert_cmpfloat_with_epsilon(sim_at(it, 1), 5 + 2 * sqrt(0.5), 1e-12);
    mcp_regmap_free(map);

    /* toggle 1 0 3 on bits: A for [0,3), B for [3,6), A again. */
    map = one_item("device,addr,name,type,sim", "1,0,b,bits,toggle 0x0009 0 3");
    it = first(map);
    g_assert_true(sim_at(it, 0) == 9);
    g_assert_true(sim_at(it, 2.99) == 9);
    g_assert_true(sim_at(it, 3) == 0);
    g_assert_true(sim_at(it, 5.5) == 0);
    g_assert_true(sim_at(it, 6) == 9);
    mcp_reg_sim_registers(it, 1, 0, &r);
    g_assert_cmphex(r, ==, 0x0009);
    mcp_regmap_free(map);

    /* counter 1000 on u16: 1000 t, wrapping at 65536. */
    map = one_item(hdr, "1,0,n,u16,,counter 1000");
    it = first(map);
    g_assert_true(sim_at(it, 2) == 2000);
    g_assert_true(sim_at(it, 65.536) == 0);
    g_assert_true(sim_at(it, 70) == 70000 - 65536);
    mcp_reg_sim_registers(it, 70, 0, &r);
    g_assert_cmpuint(r, ==, 4464);
    mcp_regmap_free(map);
    /* ... on i16 it wraps into the negatives: 40000 is -25536. */
    map = one_item(hdr, "1,0,n,i16,,counter 1000");
    it = first(map);
    g_assert_true(sim_at(it, 40) == -25536);
    mcp_reg_sim_registers(it, 40, 0, &r);
    g_assert_cmphex(r, ==, 40000);
    mcp_regmap_free(map);
    /* ... scaled: 0.5/s at scale 0.1 is 5 raw/s; 65536 raw wraps after 13107.2 s. */
    map = one_item(hdr, "1,0,n,u16,0.1,counter 0.5");
    it = first(map);
    g_assert_true(sim_at(it, 10) == 5);
    g_assert_true(sim_at(it, 13108) == 0.4); /* 65540 raw -> 4 raw */
    mcp_regmap_free(map);

    /* random 10 20: within the bounds, the same for the same bits. */
    map = one_item(hdr, "1,0,x,f64,,random 10 20");
    it = first(map);
    uint64_t bits = 0x123456789abcdef0;
    for (int i = 0; i < 1000; i++) {
        bits = bits * 6364136223846793005u + 1442695040888963407u;
        double v = mcp_reg_sim_value(it, i, bits);
        g_assert_true(v >= 10 && v <= 20);
        g_assert_true(v == mcp_reg_sim_value(it, i + 5, bits));
    }
    g_assert_true(mcp_reg_sim_value(it, 0, 0) == 10);
    g_assert_true(mcp_reg_sim_value(it, 0, UINT64_MAX) <= 20);
    g_assert_true(mcp_reg_sim_value(it, 0, UINT64_MAX) > 19.999);
    g_assert_true(mcp_reg_sim_value(it, 0, UINT64_C(1) << 63) == 15);
    mcp_regmap_free(map);

    /* A sine whose peak lies past the type is clamped, not an error. */
    map = one_item(hdr, "1,0,x,i16,,sine 0 32767.5 4");
    it = first(map);
    mcp_reg_sim_registers(it, 1, 0, &r);
    g_assert_cmphex(r, ==, 0x7fff);
    mcp_reg_sim_registers(it, 3, 0, &r); /* -32767.5 rounds to -32768: fits */
    g_assert_cmphex(r, ==, 0x8000);
    mcp_regmap_free(map);

    /* str: its const text; default empty. */
    map = one_item("device,addr,name,type,sim", "1,0,s,str:3,const SN 42");
    it = first(map);
    uint16_t rs[3];
    mcp_reg_sim_registers(it, 5, 0, rs);
    g_assert_cmphex(rs[0], ==, 0x534e);
    g_assert_cmphex(rs[1], ==, 0x2034);
    g_assert_cmphex(rs[2], ==, 0x3200);
    mcp_regmap_free(map);
    map = one_item("device,addr,name,type,order", "1,0,s,str:1,BADC");
    it = first(map);
    g_assert_cmpstr(it->sim.text, ==, "");
    mcp_reg_sim_registers(it, 5, 0, rs);
    g_assert_cmphex(rs[0], ==, 0);
    mcp_regmap_free(map);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/regval/order-table", test_order_table);
    g_test_add_func("/regval/vectors", test_vectors);
    g_test_add_func("/regval/scaled-decode", test_scaled_decode);
    g_test_add_func("/regval/scaled-examples", test_scaled_examples);
    g_test_add_func("/regval/scaled-writes", test_scaled_writes);
    g_test_add_func("/regval/out-of-range", test_out_of_range);
    g_test_add_func("/regval/integer-text", test_integer_text);
    g_test_add_func("/regval/str", test_str);
    g_test_add_func("/regval/labels-format", test_labels_and_format);
    g_test_add_func("/regval/c-locale", test_c_locale);
    g_test_add_func("/regval/float-scaled", test_float_scaled);
    g_test_add_func("/regval/same", test_same);
    g_test_add_func("/regval/sim", test_sim);
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of mcppoll's command line (replay/mcppoll/options.h): numbers in
 * decimal or 0x hex with their ranges, device lists, and the commands'
 * arguments against docs/PROTOCOL.md §2 (count 1..125, device 255 broadcast).
 */
#include <glib.h>
#include <string.h>

#include "options.h"

static void test_numbers(void)
{
    long v = -1;
    g_assert_true(mp_parse_number("16", 0, 65535, &v) && v == 16);
    g_assert_true(mp_parse_number("0x10", 0, 65535, &v) && v == 16);
    g_assert_true(mp_parse_number("0XfFfF", 0, 65535, &v) && v == 65535);
    g_assert_true(mp_parse_number("010", 0, 65535, &v) && v == 10); /* decimal, not octal */
    g_assert_true(mp_parse_number("-32768", -32768, 65535, &v) && v == -32768);
    const char *bad[] = {"",    "0x",  "x10",  "1.5",   "16 ", " 16",
                         "+1",  "1e3", "0x1G", "65536", "-1",  "99999999999999999999999",
                         "--1", "-0x"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(mp_parse_number(bad[i], 0, 65535, &v));
}

static void test_devices(void)
{
    uint8_t ids[255];
    size_t n = 0;
    GError *e = NULL;
    g_assert_true(mp_parse_devices("20,1-3,2", ids, &n, &e));
    g_assert_cmpuint(n, ==, 4);
    g_assert_cmpuint(ids[0], ==, 1);
    g_assert_cmpuint(ids[3], ==, 20);
    g_assert_true(mp_parse_devices("0x00-0xFE", ids, &n, &e) && n == 255);
    const char *bad[] = {"", ",", "1,", "5-3", "255", "1-255", "a", "1--2", "-3", "1-"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(mp_parse_devices(bad[i], ids, &n, &e));
        g_assert_cmpint(e->code, ==, MP_EXIT_USAGE);
        g_clear_error(&e);
    }
}

/* Parses "mcppoll ARGS..."; returns the result, and the options in *o. */
static bool parse(struct mp_options *o, GError **e, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "mcppoll");
    va_list ap;
    va_start(ap, e);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    bool ok = mp_options_parse((int)argv->len - 1, (char **)argv->pdata, o, e);
    g_ptr_array_free(argv, TRUE);
    return ok;
}

static void test_commands(void)
{
    struct mp_options o;
    GError *e = NULL;
    g_assert_true(parse(&o, &e, "udp://127.0.0.1:1", "read", "3", "0x10", "125", NULL));
    g_assert_true(o.command == MP_CMD_READ && o.device == 3 && o.addr == 16 && o.count == 125);
    g_assert_cmpint(o.timeout_ms, ==, 1000);
    mp_options_clear(&o);
    g_assert_true(parse(&o, &e, "udp://h:1", "--", "write", "255", "0", "-1", "0xffff", NULL));
    g_assert_true(o.command == MP_CMD_WRITE && o.device == 255 && o.count == 2 &&
                  o.values[0] == 0xFFFF && o.values[1] == 0xFFFF);
    mp_options_clear(&o);
    g_assert_true(parse(&o, &e, "udp://h:1", "raw", "5a:01-00 00", "01", NULL));
    g_assert_true(o.raw_len == 5 && o.raw[1] == 1 && o.raw[4] == 1);
    mp_options_clear(&o);
    g_assert_true(parse(&o, &e, "udp://h:1", "scan", NULL));
    g_assert_true(o.scan_count == 254 && o.scan_ids[0] == 1 && o.timeout_ms == 100);
    mp_options_clear(&o);
    g_assert_true(parse(&o, &e, "udp://h:1", "sync", "7", NULL));
    g_assert_true(o.sync_has_reason && o.sync_reason == 7);
    mp_options_clear(&o);
    const char *const bad[][6] = {
        {"udp://h:1", "read", "3", "0", "0"},
        {"udp://h:1", "read", "3", "0", "126"},
        {"udp://h:1", "read", "255", "0", "1"},
        {"udp://h:1", "write", "1", "0"},
        {"udp://h:1", "raw", "5a0"},
        {"udp://h:1", "nope"},
        {"udp://h:1"},
        {"--timeout", "0", "udp://h:1", "heartbeat"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *const *b = bad[i];
        g_assert_false(parse(&o, &e, b[0], b[1], b[2], b[3], b[4], b[5], NULL));
        g_assert_cmpint(e->code, ==, MP_EXIT_USAGE);
        g_clear_error(&e);
        mp_options_clear(&o);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mcppoll/numbers", test_numbers);
    g_test_add_func("/mcppoll/devices", test_devices);
    g_test_add_func("/mcppoll/commands", test_commands);
    return g_test_run();
}

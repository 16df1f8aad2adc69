/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the device model: register store, status decisions, serving (§2). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "device.h"
#include "mcp/pdu.h"

static void init_devices(struct sim_devices *d, const char *list)
{
    bool present[256] = {false};
    gchar **ids = g_strsplit(list, ",", -1);
    for (gchar **p = ids; *p; p++)
        present[atoi(*p)] = true;
    g_strfreev(ids);
    sim_devices_init(d, present);
}

static void test_store(void)
{
    struct sim_devices d;
    init_devices(&d, "1,7,255");
    g_assert_true(sim_device_exists(&d, 1));
    g_assert_true(sim_device_exists(&d, 7));
    g_assert_false(sim_device_exists(&d, 2));
    g_assert_false(sim_device_exists(&d, 255)); /* broadcast is never a device */
    for (size_t i = 0; i < SIM_REGISTER_COUNT; i++)
        g_assert_cmpuint(d.regs[7][i], ==, 0);
    sim_devices_free(&d);
}

static void test_seed(void)
{
    struct sim_devices a, b, c;
    init_devices(&a, "1,2");
    init_devices(&b, "1,2");
    init_devices(&c, "1,2");
    sim_devices_seed(&a, 42);
    sim_devices_seed(&b, 42);
    sim_devices_seed(&c, 43);
    g_assert_cmpmem(a.regs[1], SIM_REGISTER_COUNT * 2, b.regs[1], SIM_REGISTER_COUNT * 2);
    g_assert_true(memcmp(a.regs[1], c.regs[1], SIM_REGISTER_COUNT * 2) != 0);
    g_assert_true(memcmp(a.regs[1], a.regs[2], SIM_REGISTER_COUNT * 2) != 0);
    size_t nonzero = 0;
    for (size_t i = 0; i < SIM_REGISTER_COUNT; i++)
        nonzero += a.regs[1][i] != 0;
    g_assert_cmpuint(nonzero, >, SIM_REGISTER_COUNT / 2);
    sim_devices_free(&a);
    sim_devices_free(&b);
    sim_devices_free(&c);
}

static char *temp_file(const char *contents)
{
    GError *err = NULL;
    gchar *path = NULL;
    int fd = g_file_open_tmp("mcpsim-regs-XXXXXX", &path, &err);
    g_assert_no_error(err);
    close(fd);
    g_file_set_contents(path, contents, -1, &err);
    g_assert_no_error(err);
    return path;
}

static void test_load(void)
{
    struct sim_devices d;
    init_devices(&d, "1,2");
    char *path = temp_file("# comment\n\n1 0x10 0x1234 43981 # two values\n2 65535 7\n");
    char err[256];
    g_assert_true(sim_devices_load(&d, path, err, sizeof err));
    g_assert_cmpuint(d.regs[1][0x10], ==, 0x1234);
    g_assert_cmpuint(d.regs[1][0x11], ==, 0xABCD);
    g_assert_cmpuint(d.regs[2][0xFFFF], ==, 7);
    g_unlink(path);
    g_free(path);

    const struct {
        const char *text;
        const char *why;
    } bad[] = {
        {"3 0 1\n", ":1: device is not simulated"},
        {"1 0x10000 1\n", ":1: address"},
        {"1 0 0x10000\n", ":1: value"},
        {"1 0xffff 1 2\n", ":1: values run past"},
        {"1 0\n", ":1: expected DEVICE ADDR VALUE"},
        {"\n1 0 -1\n", ":2: value"},
        {"x 0 1\n", ":1: device must be"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        path = temp_file(bad[i].text);
        g_assert_false(sim_devices_load(&d, path, err, sizeof err));
        if (strstr(err, bad[i].why) == NULL)
            g_error("case %zu: '%s' lacks '%s'", i, err, bad[i].why);
        g_unlink(path);
        g_free(path);
    }
    g_assert_false(sim_devices_load(&d, "/nonexistent/regs", err, sizeof err));
    g_assert_nonnull(strstr(err, "cannot open"));
    sim_devices_free(&d);
}

static void test_status_decisions(void)
{
    struct sim_devices d;
    init_devices(&d, "1");
    g_assert_cmpint(sim_register_status(&d, 1, 0, 1), ==, MCP_STATUS_OK);
    g_assert_cmpint(sim_register_status(&d, 1, 0, 125), ==, MCP_STATUS_OK);
    g_assert_cmpint(sim_register_status(&d, 1, 0, 0), ==, MCP_STATUS_ILLEGAL_VALUE);
    g_assert_cmpint(sim_register_status(&d, 1, 0, 126), ==, MCP_STATUS_ILLEGAL_VALUE);
    g_assert_cmpint(sim_register_status(&d, 1, 0xFFFF, 1), ==, MCP_STATUS_OK);
    g_assert_cmpint(sim_register_status(&d, 1, 0xFFFF, 2), ==, MCP_STATUS_ILLEGAL_ADDRESS);
    g_assert_cmpint(sim_register_status(&d, 1, 0xFF83, 125), ==, MCP_STATUS_OK);
    g_assert_cmpint(sim_register_status(&d, 1, 0xFF84, 125), ==, MCP_STATUS_ILLEGAL_ADDRESS);
    g_assert_cmpint(sim_register_status(&d, 2, 0, 1), ==, MCP_STATUS_UNKNOWN_DEVICE);
    g_assert_cmpint(sim_register_status(&d, 0xFF, 0, 1), ==, MCP_STATUS_UNKNOWN_DEVICE);
    sim_devices_free(&d);
}

/* Serves a request given as payload hex; returns the answer. */
static void serve(struct sim_devices *d, uint8_t cmd, const uint8_t *payload, size_t len,
                  enum mcp_status fault, struct sim_answer *ans)
{
    struct mcp_pdu pdu;
    g_assert_true(mcp_pdu_parse(cmd, payload, len, &pdu));
    sim_devices_serve(d, 0x21, &pdu, payload, fault, ans);
}

static void test_serve(void)
{
    struct sim_devices d;
    init_devices(&d, "1,2");
    struct sim_answer ans;

    const uint8_t write[] = {0x01, 0x00, 0x10, 0x00, 0x02, 0x12, 0x34, 0xab, 0xcd};
    serve(&d, MCP_CMD_WRITE, write, sizeof write, MCP_STATUS_OK, &ans);
    const uint8_t write_ok[] = {0x21, 0x00, 0x01, 0x00, 0x10, 0x00, 0x02};
    g_assert_true(ans.answer);
    g_assert_cmpuint(ans.cmd, ==, 0x83);
    g_assert_cmpmem(ans.payload, ans.len, write_ok, sizeof write_ok);
    g_assert_cmpuint(d.regs[1][0x10], ==, 0x1234);
    g_assert_cmpuint(d.regs[1][0x11], ==, 0xabcd);

    const uint8_t read[] = {0x01, 0x00, 0x10, 0x00, 0x02};
    serve(&d, MCP_CMD_READ, read, sizeof read, MCP_STATUS_OK, &ans);
    const uint8_t read_ok[] = {0x21, 0x00, 0x01, 0x00, 0x10, 0x00, 0x02, 0x12, 0x34, 0xab, 0xcd};
    g_assert_cmpuint(ans.cmd, ==, 0x82);
    g_assert_cmpmem(ans.payload, ans.len, read_ok, sizeof read_ok);

    /* busy: status 3, nothing written */
    const uint8_t write2[] = {0x01, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00};
    serve(&d, MCP_CMD_WRITE, write2, sizeof write2, MCP_STATUS_DEVICE_BUSY, &ans);
    const uint8_t busy[] = {0x21, 0x03};
    g_assert_cmpmem(ans.payload, ans.len, busy, sizeof busy);
    g_assert_cmpuint(d.regs[1][0x10], ==, 0x1234);

    /* failure: status 4, nothing written */
    serve(&d, MCP_CMD_WRITE, write2, sizeof write2, MCP_STATUS_DEVICE_FAILURE, &ans);
    const uint8_t failure[] = {0x21, 0x04};
    g_assert_cmpmem(ans.payload, ans.len, failure, sizeof failure);
    g_assert_cmpuint(d.regs[1][0x10], ==, 0x1234);
    /* a fault never hides UNKNOWN_DEVICE or a bad count */
    const uint8_t nodev[] = {0x05, 0x00, 0x10, 0x00, 0x01};
    serve(&d, MCP_CMD_READ, nodev, sizeof nodev, MCP_STATUS_DEVICE_BUSY, &ans);
    const uint8_t unknown[] = {0x21, 0x05};
    g_assert_cmpmem(ans.payload, ans.len, unknown, sizeof unknown);

    serve(&d, MCP_CMD_HEARTBEAT, NULL, 0, MCP_STATUS_OK, &ans);
    const uint8_t hb[] = {0x21, 0x00};
    g_assert_cmpuint(ans.cmd, ==, 0x81);
    g_assert_cmpmem(ans.payload, ans.len, hb, sizeof hb);

    /* broadcast WRITE: every device, no answer */
    const uint8_t bcast[] = {0xff, 0x00, 0x20, 0x00, 0x01, 0x55, 0xaa};
    serve(&d, MCP_CMD_WRITE, bcast, sizeof bcast, MCP_STATUS_OK, &ans);
    g_assert_false(ans.answer);
    g_assert_cmpuint(d.regs[1][0x20], ==, 0x55aa);
    g_assert_cmpuint(d.regs[2][0x20], ==, 0x55aa);
    /* broadcast while busy has no effect */
    const uint8_t bcast2[] = {0xff, 0x00, 0x21, 0x00, 0x01, 0x55, 0xaa};
    serve(&d, MCP_CMD_WRITE, bcast2, sizeof bcast2, MCP_STATUS_DEVICE_BUSY, &ans);
    g_assert_false(ans.answer);
    g_assert_cmpuint(d.regs[1][0x21], ==, 0);
    const uint8_t bread[] = {0xff, 0x00, 0x20, 0x00, 0x01};
    serve(&d, MCP_CMD_READ, bread, sizeof bread, MCP_STATUS_OK, &ans);
    g_assert_false(ans.answer);

    /* unknown request */
    const uint8_t raw[] = {0x01, 0x02};
    serve(&d, 0x42, raw, sizeof raw, MCP_STATUS_OK, &ans);
    const uint8_t unsupported[] = {0x21, 0x06};
    g_assert_cmpuint(ans.cmd, ==, 0xc2);
    g_assert_cmpmem(ans.payload, ans.len, unsupported, sizeof unsupported);

    /* notifications are never answered */
    const uint8_t event[] = {0x01, 0x01, 0, 0, 0, 0};
    serve(&d, MCP_CMD_EVENT, event, sizeof event, MCP_STATUS_OK, &ans);
    g_assert_false(ans.answer);
    serve(&d, MCP_CMD_SYNC, NULL, 0, MCP_STATUS_OK, &ans);
    g_assert_false(ans.answer);
    sim_devices_free(&d);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mcpsim/device/store", test_store);
    g_test_add_func("/mcpsim/device/seed", test_seed);
    g_test_add_func("/mcpsim/device/load", test_load);
    g_test_add_func("/mcpsim/device/status-decisions", test_status_decisions);
    g_test_add_func("/mcpsim/device/serve", test_serve);
    return g_test_run();
}

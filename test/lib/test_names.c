/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name tables of docs/PROTOCOL.md §2. */
#include <glib.h>

#include "mcp/names.h"

static size_t table_len(const struct mcp_name *table)
{
    size_t n = 0;
    while (table[n].name != NULL)
        n++;
    return n;
}

static void test_cmd_names(void)
{
    const struct mcp_name want[] = {{0x01, "HEARTBEAT"},
                                    {0x02, "READ"},
                                    {0x03, "WRITE"},
                                    {0x04, "EVENT"},
                                    {0x05, "NAK"},
                                    {0x06, "SYNC"},
                                    {0x81, "HEARTBEAT response"},
                                    {0x82, "READ response"},
                                    {0x83, "WRITE response"}};
    g_assert_cmpuint(table_len(mcp_cmd_names), ==, G_N_ELEMENTS(want));
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_cmpstr(mcp_name_of(mcp_cmd_names, want[i].value), ==, want[i].name);
        g_assert_cmpstr(mcp_cmd_name((uint8_t)want[i].value), ==, want[i].name);
    }
}

static void test_cmd_name_unknown(void)
{
    g_assert_cmpstr(mcp_cmd_name(0x00), ==, "UNKNOWN");
    g_assert_cmpstr(mcp_cmd_name(0x07), ==, "UNKNOWN");
    g_assert_cmpstr(mcp_cmd_name(0x7f), ==, "UNKNOWN");
    g_assert_cmpstr(mcp_cmd_name(0x80), ==, "UNKNOWN response");
    g_assert_cmpstr(mcp_cmd_name(0x84), ==, "UNKNOWN response"); /* EVENT is never answered */
    g_assert_cmpstr(mcp_cmd_name(0x87), ==, "UNKNOWN response");
    g_assert_null(mcp_name_of(mcp_cmd_names, 0x84));
}

static void test_status_names(void)
{
    const char *want[] = {"OK",
                          "ILLEGAL_ADDRESS",
                          "ILLEGAL_VALUE",
                          "DEVICE_BUSY",
                          "DEVICE_FAILURE",
                          "UNKNOWN_DEVICE",
                          "UNSUPPORTED_COMMAND"};
    g_assert_cmpuint(table_len(mcp_status_names), ==, 7);
    for (uint32_t v = 0; v < 7; v++)
        g_assert_cmpstr(mcp_name_of(mcp_status_names, v), ==, want[v]);
    g_assert_null(mcp_name_of(mcp_status_names, 7));
}

static void test_nak_reason_names(void)
{
    const char *want[] = {NULL, "BAD_CRC", "SEQ_GAP", "BAD_LENGTH", "UNEXPECTED_RESPONSE", "BUSY"};
    g_assert_cmpuint(table_len(mcp_nak_reason_names), ==, 5);
    for (uint32_t v = 0; v < 6; v++)
        g_assert_cmpstr(mcp_name_of(mcp_nak_reason_names, v), ==, want[v]);
    g_assert_null(mcp_name_of(mcp_nak_reason_names, 6));
}

static void test_event_code_names(void)
{
    const char *want[] = {NULL, "ALARM", "ALARM_CLEARED", "THRESHOLD", "RESTART"};
    g_assert_cmpuint(table_len(mcp_event_code_names), ==, 4);
    for (uint32_t v = 0; v < 5; v++)
        g_assert_cmpstr(mcp_name_of(mcp_event_code_names, v), ==, want[v]);
    g_assert_null(mcp_name_of(mcp_event_code_names, 5)); /* vendor codes */
}

static void test_value_of(void)
{
    uint32_t v = 99;
    g_assert_true(mcp_value_of(mcp_status_names, "device_busy", &v));
    g_assert_cmpuint(v, ==, 3);
    g_assert_true(mcp_value_of(mcp_cmd_names, "READ response", &v));
    g_assert_cmpuint(v, ==, 0x82);
    g_assert_true(mcp_value_of(mcp_nak_reason_names, "Seq_Gap", &v));
    g_assert_cmpuint(v, ==, 2);
    v = 99;
    g_assert_false(mcp_value_of(mcp_event_code_names, "ALARM ", &v));
    g_assert_false(mcp_value_of(mcp_event_code_names, "", &v));
    g_assert_false(mcp_value_of(mcp_event_code_names, NULL, &v));
    g_assert_cmpuint(v, ==, 99);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/names/cmd-names", test_cmd_names);
    g_test_add_func("/names/cmd-name-unknown", test_cmd_name_unknown);
    g_test_add_func("/names/status-names", test_status_names);
    g_test_add_func("/names/nak-reason-names", test_nak_reason_names);
    g_test_add_func("/names/event-code-names", test_event_code_names);
    g_test_add_func("/names/value-of", test_value_of);
    return g_test_run();
}

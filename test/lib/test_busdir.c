/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Directions on an undirected line, from the text of docs/PROTOCOL.md §5
 * ("Direction unknown: a half-duplex bus"): each accepted frame takes its
 * direction from its command: bit 7 set, or EVENT -> device -> master (1);
 * NAK -> the opposite of the direction of the frame before it on that line
 * (master -> device if none); every other frame (requests, SYNC) -> master ->
 * device (0).
 */
#include <glib.h>

#include "mcp/busdir.h"
#include "mcp/pdu.h"

/* "bit 7 set ... -> device -> master (1)": every response, known or not. */
static void test_responses_from_device(void)
{
    for (int prev = -1; prev <= 1; prev++) {
        g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_HEARTBEAT_RSP, prev), ==, 1);
        g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_READ_RSP, prev), ==, 1);
        g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_WRITE_RSP, prev), ==, 1);
        for (int cmd = 0x80; cmd <= 0xFF; cmd++)
            g_assert_cmpint(mcp_bus_frame_direction((uint8_t)cmd, prev), ==, 1);
    }
}

/* "or EVENT -> device -> master (1)" whatever came before. */
static void test_event_from_device(void)
{
    g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_EVENT, -1), ==, 1);
    g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_EVENT, 0), ==, 1);
    g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_EVENT, 1), ==, 1);
}

/* "every other frame (requests, SYNC) -> master -> device (0)", unknown requests too. */
static void test_requests_and_sync_from_master(void)
{
    for (int prev = -1; prev <= 1; prev++) {
        for (int cmd = 0x00; cmd <= 0x7F; cmd++) {
            if (cmd == MCP_CMD_EVENT || cmd == MCP_CMD_NAK)
                continue;
            g_assert_cmpint(mcp_bus_frame_direction((uint8_t)cmd, prev), ==, 0);
        }
    }
    /* "A device's SYNC on such a bus is attributed to the master." */
    g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_SYNC, 1), ==, 0);
}

/* "NAK -> the opposite of the direction of the frame before it ... (master -> device if none)" */
static void test_nak_opposite_of_previous(void)
{
    g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_NAK, -1), ==, 0);
    g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_NAK, 0), ==, 1);
    g_assert_cmpint(mcp_bus_frame_direction(MCP_CMD_NAK, 1), ==, 0);
}

/* A line remembers the previous frame's direction, NAKs included. */
static void test_line_sequence(void)
{
    struct mcp_bus_line line;
    mcp_bus_line_init(&line);
    /* The line's first frame is a NAK: master -> device. */
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_NAK), ==, 0);
    /* A NAK after that NAK: the opposite of it. */
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_NAK), ==, 1);
    /* Master READ (0); the device NAKs it (bad CRC): 1. */
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_READ), ==, 0);
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_NAK), ==, 1);
    /* Device answers (1); the master NAKs the answer: 0. */
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_READ_RSP), ==, 1);
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_NAK), ==, 0);
    /* A device EVENT, then a NAK of it from the master. */
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_EVENT), ==, 1);
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_NAK), ==, 0);
    /* SYNC is the master's. */
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_SYNC), ==, 0);
    g_assert_cmpint(mcp_bus_line_next(&line, MCP_CMD_NAK), ==, 1);
}

/* Two lines are independent: one line's last frame is no other line's "frame before". */
static void test_lines_independent(void)
{
    struct mcp_bus_line a, b;
    mcp_bus_line_init(&a);
    mcp_bus_line_init(&b);
    g_assert_cmpint(mcp_bus_line_next(&a, MCP_CMD_READ), ==, 0);
    g_assert_cmpint(mcp_bus_line_next(&b, MCP_CMD_NAK), ==, 0); /* b has no frame before */
    g_assert_cmpint(mcp_bus_line_next(&a, MCP_CMD_NAK), ==, 1);
}

/* A line whose records carry directions: responses (bit 7 set) and EVENT come
 * from a device, requests (bit 7 clear but EVENT, NAK, SYNC; unknown ones
 * too, §2) from the master; NAK and SYNC from either end. */
static void test_sender_direction(void)
{
    for (int cmd = 0x00; cmd <= 0xFF; cmd++) {
        int want;
        if (cmd == MCP_CMD_NAK || cmd == MCP_CMD_SYNC)
            want = -1;
        else if (cmd >= 0x80 || cmd == MCP_CMD_EVENT)
            want = 1;
        else
            want = 0;
        g_assert_cmpint(mcp_bus_sender_direction((uint8_t)cmd), ==, want);
    }
    g_assert_cmpint(mcp_bus_sender_direction(MCP_CMD_READ), ==, MCP_DIR_MASTER_TO_DEVICE);
    g_assert_cmpint(mcp_bus_sender_direction(MCP_CMD_READ_RSP), ==, MCP_DIR_DEVICE_TO_MASTER);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/busdir/responses-from-device", test_responses_from_device);
    g_test_add_func("/busdir/event-from-device", test_event_from_device);
    g_test_add_func("/busdir/requests-and-sync-from-master", test_requests_and_sync_from_master);
    g_test_add_func("/busdir/nak-opposite-of-previous", test_nak_opposite_of_previous);
    g_test_add_func("/busdir/line-sequence", test_line_sequence);
    g_test_add_func("/busdir/lines-independent", test_lines_independent);
    g_test_add_func("/busdir/sender-direction", test_sender_direction);
    return g_test_run();
}

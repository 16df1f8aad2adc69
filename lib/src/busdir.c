/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Directions on an undirected (half-duplex bus) line: docs/PROTOCOL.md §5. */
#include "mcp/busdir.h"

#include "mcp/frame.h"
#include "mcp/pdu.h"

int mcp_bus_frame_direction(uint8_t cmd, int prev_dir)
{
    /* §5: "bit 7 set, or EVENT -> device -> master (1)" */
    if ((cmd & MCP_RESPONSE_FLAG) != 0 || cmd == MCP_CMD_EVENT)
        return MCP_DIR_DEVICE_TO_MASTER;
    /* §5: "NAK -> the opposite of the direction of the frame before it on that
     * line (master -> device if none)" */
    if (cmd == MCP_CMD_NAK)
        return prev_dir == MCP_DIR_MASTER_TO_DEVICE ? MCP_DIR_DEVICE_TO_MASTER
                                                    : MCP_DIR_MASTER_TO_DEVICE;
    /* §5: "every other frame (requests, SYNC) -> master -> device (0)" */
    return MCP_DIR_MASTER_TO_DEVICE;
}

int mcp_bus_sender_direction(uint8_t cmd)
{
    /* A NAK answers a frame of either end; a device may SYNC too (§3). */
    if (cmd == MCP_CMD_NAK || cmd == MCP_CMD_SYNC)
        return -1;
    return mcp_bus_frame_direction(cmd, -1);
}

void mcp_bus_line_init(struct mcp_bus_line *line)
{
    line->has_prev = false;
    line->prev_dir = 0;
}

int mcp_bus_line_next(struct mcp_bus_line *line, uint8_t cmd)
{
    int dir = mcp_bus_frame_direction(cmd, line->has_prev ? line->prev_dir : -1);
    line->has_prev = true;
    line->prev_dir = (uint8_t)dir;
    return dir;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Directions on a line whose records carry none: a sniffer on a half-duplex
 * (two-wire RS-485) bus hears master and devices on one wire
 * (docs/PROTOCOL.md §5, "Direction unknown: a half-duplex bus").
 */
#ifndef MCP_BUSDIR_H
#define MCP_BUSDIR_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* §5 directions, as in EXP_PDU_TAG_P2P_DIRECTION. */
#define MCP_DIR_MASTER_TO_DEVICE 0
#define MCP_DIR_DEVICE_TO_MASTER 1
/* The tag value that means "no direction" (as if the tag were absent). */
#define MCP_DIR_TAG_UNKNOWN 0xFFFFFFFFu

/*
 * §5: the direction of an accepted frame on an undirected line, from its
 * command alone.
 *   cmd: the frame's command byte (any value 0..255).
 *   prev_dir: the direction given to the frame before it on the same line
 *             (0 or 1), or -1 when it is the line's first frame.
 * Returns 1 (device -> master) for a response (bit 7 set) or an EVENT;
 * for a NAK, the opposite of prev_dir (0 when prev_dir is -1); 0 (master ->
 * device) for every other frame: requests, SYNC, unknown requests. A device's
 * SYNC is thus attributed to the master: the documented limit of §5.
 */
int mcp_bus_frame_direction(uint8_t cmd, int prev_dir);

/*
 * The direction a frame of this command must travel on a line whose records
 * carry directions (a full-duplex tap, a relay), by the same §5 command rule:
 * 1 (device -> master) for a response (bit 7 set) or an EVENT, 0 (master ->
 * device) for a request (bit 7 clear, unknown requests too); -1 for a NAK or
 * a SYNC, which either end sends (§3). A frame recorded the other way round
 * means the line's ports were given swapped.
 */
int mcp_bus_sender_direction(uint8_t cmd);

/* One undirected line: the direction given to its last frame. */
struct mcp_bus_line {
    bool has_prev;
    uint8_t prev_dir;
};

void mcp_bus_line_init(struct mcp_bus_line *line);

/*
 * Gives the line's next accepted frame (command cmd) its §5 direction and
 * remembers it for the frame after. Feed every frame the line's stream
 * decoder accepts, in stream order. Returns 0 or 1.
 */
int mcp_bus_line_next(struct mcp_bus_line *line, uint8_t cmd);

#ifdef __cplusplus
}
#endif
#endif

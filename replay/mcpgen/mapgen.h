/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcpgen --map FILE (docs/REGISTER-MAP.md): traffic aimed at a register map's
 * items. The devices are the map's (an item of every device, `*`, stands for
 * the ids of --devices); a READ asks for one item or a run of adjacent
 * readable items (at most 125 registers, as masters poll), a WRITE sets one
 * writable item (or a run of adjacent ones) to a value in its range; an
 * answer carries every item's §4 value at the moment it is sent, and an item
 * written keeps its written value from then on (§4). Registers no item
 * covers are never asked for.
 */
#ifndef MCPGEN_MAPGEN_H
#define MCPGEN_MAPGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "rng.h"

struct mcp_regmap;

/*
 * Loads opt->map_path into opt->map and makes the map's devices mcpgen's
 * devices (ids 1..150; `*` items: those of --devices). False, with one line
 * "mcpgen: FILE:LINE: what is wrong" (a bad map) or "mcpgen: --map FILE: ..."
 * on stderr, when the map is bad or names a device mcpgen cannot be.
 */
bool mapgen_configure(struct gen_options *opt);

struct mapgen;

/* The run's state: what each device's written items hold. opt->map must be set. */
struct mapgen *mapgen_new(const struct gen_options *opt);
void mapgen_free(struct mapgen *g);

/*
 * A master's request of kind (MIX_READ, MIX_WRITE or MIX_WRITE_ALL; others:
 * behaviour_request) for device unit, at the map's items. A device with no
 * item the kind can use, and MIX_WRITE_ALL (a WRITE to device 255 sets items
 * of no one device of the map), send a HEARTBEAT instead. --bad-request
 * draws a request to an unknown device or with count 0 (never one past the
 * map's registers). Returns the payload length; *cmd receives the command.
 */
size_t mapgen_request(struct mapgen *g, struct rng *rng, enum gen_mix kind, uint8_t unit,
                      int max_unit, uint8_t *cmd, uint8_t *out);

/*
 * The device took in the WRITE request req (len bytes) and answered rsp
 * (rsp_len bytes, command rsp_cmd): when that answer is OK, the written items
 * keep their registers from now on (§4).
 */
void mapgen_written(struct mapgen *g, const uint8_t *req, size_t len, uint8_t rsp_cmd,
                    const uint8_t *rsp, size_t rsp_len);

/*
 * A READ response (cmd, payload of len bytes) about to be sent at t_s seconds
 * since the capture's first frame: an OK one gets its register values, each
 * item's written registers or mcp_reg_sim_registers(item, t_s, random).
 */
void mapgen_fill_answer(struct mapgen *g, uint8_t cmd, uint8_t *payload, size_t len, double t_s);

#endif

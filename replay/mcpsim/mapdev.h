/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcpsim --map: the devices a register map describes (docs/REGISTER-MAP.md
 * §4). Each device has exactly the registers its items cover; an item's
 * registers are its §4 behaviour at the time of each READ until a WRITE
 * touches it, which freezes it at what was written. Pure logic, no I/O.
 */
#ifndef MCPSIM_MAPDEV_H
#define MCPSIM_MAPDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "mcp/pdu.h"
#include "mcp/regmap.h"

struct sim_mapdev;

/*
 * The devices of map: every device an item names, and the ids of devices
 * (--devices), which are also the devices of the `*` items (an item naming
 * every id 1..254 counts as `*`). seed feeds `random` (the same seed, the same
 * values for the same requests). map must outlive the result.
 */
struct sim_mapdev *sim_mapdev_new(const struct mcp_regmap *map, const bool devices[256],
                                  uint64_t seed);
void sim_mapdev_free(struct sim_mapdev *m);

/* How many devices are simulated, and how many (device, item) pairs they hold. */
size_t sim_mapdev_device_count(const struct sim_mapdev *m);
size_t sim_mapdev_item_count(const struct sim_mapdev *m);

/*
 * sim_devices_serve with a map, t the seconds since the start (§4). The
 * status checks: UNKNOWN_DEVICE, ILLEGAL_VALUE (count 0 or over 125),
 * ILLEGAL_ADDRESS (past 0xFFFF; a register no item of the device covers; a
 * WRITE touching an `r` item; a READ touching a `w` item), then fault.
 */
void sim_mapdev_serve(struct sim_mapdev *m, double t, uint8_t seq, const struct mcp_pdu *pdu,
                      const uint8_t *payload, enum mcp_status fault, struct sim_answer *ans);

#endif

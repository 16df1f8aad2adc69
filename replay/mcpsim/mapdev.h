/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcpsim --map: the devices a register map describes (docs/REGISTER-MAP.md
 * §4). Each device has exactly the registers its items cover; an item's
 * registers are its §4 behaviour at the time of each READ until a WRITE
 * touches it, which freezes it at what was written. Pure logic, no I/O.
 *
 * What never changes (a device's items sorted by address, the register slot
 * table, the const registers) is a layout, built once per distinct item set
 * and shared by every device that has that set, on every listener; a device
 * instance holds only what it changes: its written registers, which items are
 * frozen, its own `random` generator.
 */
#ifndef MCPSIM_MAPDEV_H
#define MCPSIM_MAPDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "mcp/pdu.h"
#include "mcp/regmap.h"

/* The layouts of one map, shared by every device set built from it. */
struct sim_maplayouts;

/* map must outlive the result. */
struct sim_maplayouts *sim_maplayouts_new(const struct mcp_regmap *map);
void sim_maplayouts_free(struct sim_maplayouts *l);

/* Distinct item sets (layouts) built so far. */
size_t sim_maplayouts_count(const struct sim_maplayouts *l);

/* The devices of one device set (one listener's, or the shared --devices one). */
struct sim_mapdev;

/*
 * The devices of a device set: the ids in devices, which are also the devices
 * of the `*` items (an item naming every id 1..254 counts as `*`), and with
 * add_named also every device a non-`*` item names (the shared --devices set;
 * a listener's own devices= set has exactly its ids). Each device gets its own
 * `random` generator, started from seed, set (the set's number: 0 for the
 * shared set, the listener's position among the --listen options for its own)
 * and its id: the same seed, set and requests to that device, the same values.
 * layouts must outlive the result.
 */
struct sim_mapdev *sim_mapdev_new(struct sim_maplayouts *layouts, const bool devices[256],
                                  bool add_named, uint64_t seed, unsigned set);
void sim_mapdev_free(struct sim_mapdev *m);

/* How many devices are simulated, and how many (device, item) pairs they hold. */
size_t sim_mapdev_device_count(const struct sim_mapdev *m);
size_t sim_mapdev_item_count(const struct sim_mapdev *m);

/* Whether device id is one of m's devices. */
bool sim_mapdev_has(const struct sim_mapdev *m, uint8_t id);

/*
 * sim_devices_serve with a map, t the seconds since the start (§4). The
 * status checks: UNKNOWN_DEVICE, ILLEGAL_VALUE (count 0 or over 125),
 * ILLEGAL_ADDRESS (past 0xFFFF; a register no item of the device covers; a
 * WRITE touching an `r` item; a READ touching a `w` item), then fault.
 */
void sim_mapdev_serve(struct sim_mapdev *m, double t, uint8_t seq, const struct mcp_pdu *pdu,
                      const uint8_t *payload, enum mcp_status fault, struct sim_answer *ans);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device sets: the devices one listener reaches. Listeners without devices=
 * (and --pty) share one set, the --devices ids; a listener with its own
 * --listen URL?devices=LIST has its own set, its own device instances: device
 * 7 there and device 7 of another listener are different devices (registers,
 * frozen map items, `random` draws, broadcast WRITEs). Pure logic, no I/O.
 */
#ifndef MCPSIM_DEVSET_H
#define MCPSIM_DEVSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "mapdev.h"

struct sim_devset {
    /* 0: the shared --devices set; k: the own set of the k-th --listen option (from 1) */
    unsigned number;
    bool ids[256];             /* the ids given (--devices or devices=) */
    struct sim_devices plain;  /* without --map: 65,536 registers per id */
    struct sim_mapdev *mapdev; /* --map: the map's devices instead */
};

/*
 * A set of 65,536-register devices for ids, filled from seed when have_seed (the shared set
 * as before per-listener sets; an own set k from seed mixed with k, so two listeners' device
 * 7 hold different values).
 */
struct sim_devset *sim_devset_new_plain(unsigned number, const bool ids[256], bool have_seed,
                                        uint64_t seed);

/*
 * A set of map devices (sim_mapdev_new): ids, and for the shared set (number 0) also every
 * device a non-`*` item names; their item indexes come from (and are shared through) layouts.
 */
struct sim_devset *sim_devset_new_map(unsigned number, const bool ids[256],
                                      struct sim_maplayouts *layouts, uint64_t seed);

void sim_devset_free(struct sim_devset *s);

/* Devices simulated, and (with a map) the (device, item) pairs they hold. */
size_t sim_devset_device_count(const struct sim_devset *s);
size_t sim_devset_item_count(const struct sim_devset *s);

/* sim_devices_serve or sim_mapdev_serve (t: seconds since the start, §4). */
void sim_devset_serve(struct sim_devset *s, double t, uint8_t seq, const struct mcp_pdu *pdu,
                      const uint8_t *payload, enum mcp_status fault, struct sim_answer *ans);

/*
 * Loads a --registers file (sim_devices_load) into every set without a map: a line goes
 * to each set that has its device, and is an error when none has it.
 */
bool sim_devsets_load(struct sim_devset *const *sets, size_t n, const char *path, char *err,
                      size_t err_len);

#endif

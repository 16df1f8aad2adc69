/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated devices: a register store per device and the status
 * decisions of docs/PROTOCOL.md §2. Pure logic, no I/O.
 */
#ifndef MCPSIM_DEVICE_H
#define MCPSIM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"

#define SIM_REGISTER_COUNT 65536

/* regs[id] is NULL for a device id the simulator does not have. */
struct sim_devices {
    uint16_t *regs[256];
};

/* Allocates 65,536 zeroed registers for each id set in present (0xFF is never a device). */
void sim_devices_init(struct sim_devices *devs, const bool present[256]);
void sim_devices_free(struct sim_devices *devs);

static inline bool sim_device_exists(const struct sim_devices *devs, uint8_t id)
{
    return devs->regs[id] != NULL;
}

/* Fills every register of every device with values derived from seed (deterministic). */
void sim_devices_seed(struct sim_devices *devs, uint64_t seed);

/*
 * Loads a register file: lines "DEVICE ADDR VALUE [VALUE...]" (decimal or 0x
 * hex), values going to ADDR, ADDR+1, ...; '#' starts a comment. On error
 * returns false with a one-line reason (file:line: why) in err.
 */
bool sim_devices_load(struct sim_devices *devs, const char *path, char *err, size_t err_len);

/*
 * sim_devices_load into several stores at once: a line goes to every store that has its
 * device, and is an error only when none has it.
 */
bool sim_devices_load_all(struct sim_devices *const *sets, size_t nsets, const char *path,
                          char *err, size_t err_len);

/*
 * The status a READ or WRITE of a single device gets (§2): UNKNOWN_DEVICE,
 * then ILLEGAL_VALUE for count 0 or over 125, then ILLEGAL_ADDRESS for a
 * range past 0xFFFF, else OK.
 */
enum mcp_status sim_register_status(const struct sim_devices *devs, uint8_t device, uint16_t addr,
                                    uint16_t count);

/* The answer to one request: `answer` false means nobody answers (broadcast). */
struct sim_answer {
    bool answer;
    uint8_t cmd;
    size_t len;
    uint8_t payload[5 + 5 + 2 * MCP_MAX_REGISTERS]; /* largest: an OK READ response */
};

/*
 * Serves a well-formed request (pdu parsed from payload, seq its frame seq).
 * fault: MCP_STATUS_OK, or the status a device that cannot serve it now gives
 * (DEVICE_BUSY, DEVICE_FAILURE) instead of acting (a broadcast then has no
 * effect). Broadcast (device 0xFF) applies a WRITE to every device and is
 * never answered. Unknown requests get UNSUPPORTED_COMMAND.
 */
void sim_devices_serve(struct sim_devices *devs, uint8_t seq, const struct mcp_pdu *pdu,
                       const uint8_t *payload, enum mcp_status fault, struct sim_answer *ans);

#endif

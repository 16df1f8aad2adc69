/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What masters ask and how devices answer (docs/PROTOCOL.md §2): request
 * payloads for every command of the mix, and the device's answer with the
 * status §2 names for each situation.
 */
#ifndef MCPGEN_BEHAVIOUR_H
#define MCPGEN_BEHAVIOUR_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "rng.h"

/* Largest payload the model builds (a 4 KiB EVENT). */
#define BEHAVIOUR_MAX_PAYLOAD MCP_MAX_PAYLOAD

/*
 * Builds a master's request of the given kind (HEARTBEAT, READ, WRITE,
 * UNKNOWN or WRITE_ALL) for device `unit`; max_unit is the highest id of
 * --devices (a request a device must refuse as unknown names an id above it).
 * Returns the payload length; *cmd receives the command.
 */
size_t behaviour_request(const struct gen_options *opt, struct rng *rng, enum gen_mix kind,
                         uint8_t unit, int max_unit, uint8_t *cmd, uint8_t *out);

/* An EVENT of device `unit`; big: a 4 KiB frame (4096-byte payload). */
size_t behaviour_event(struct rng *rng, uint8_t unit, bool big, uint64_t t_ns, uint8_t *out);

/*
 * The device's answer to a request it received. served: the one device id this
 * endpoint answers for, or 0 for every id of --devices (a serial line). Returns
 * the payload length; *rsp_cmd receives cmd | 0x80.
 */
size_t behaviour_answer(const struct gen_options *opt, struct rng *rng, uint8_t req_cmd,
                        const uint8_t *req, size_t len, uint8_t req_seq, uint8_t served,
                        uint8_t *rsp_cmd, uint8_t *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Swapped ports: each directed port's bytes are decoded as a §5 stream, and
 * every frame is given its direction by the §5 command rule (lib busdir.h).
 * Requests on the device -> master port and answers on the master -> device
 * port, more than the other way round, mean the ports were given swapped.
 */
#ifndef MCPSERIALDUMP_DIRCHECK_H
#define MCPSERIALDUMP_DIRCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "mcp/stream.h"

struct sd_dircheck {
    struct mcp_stream *stream; /* NULL until the first byte */
    uint64_t requests;         /* frames §5 gives master -> device (SYNC, NAK not counted) */
    uint64_t answers;          /* frames §5 gives device -> master (NAK not counted) */
};

/* Feeds the bytes a port read, in order. */
void sd_dircheck_feed(struct sd_dircheck *d, const uint8_t *bytes, size_t len);

void sd_dircheck_free(struct sd_dircheck *d);

/*
 * For a line whose port to_device carries direction 0 and port to_master
 * direction 1: when requests on to_master plus answers on to_device outnumber
 * the frames in their right direction, writes a warning naming the ports into
 * out and returns 1; otherwise 0.
 */
int sd_dircheck_swapped(const struct sd_dircheck *to_device, const char *to_device_name,
                        const struct sd_dircheck *to_master, const char *to_master_name, char *out,
                        size_t out_len);

#endif

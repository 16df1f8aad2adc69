/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Opening a serial port for capture: raw mode, the line settings, low latency. */
#ifndef MCPSERIALDUMP_SERIAL_H
#define MCPSERIALDUMP_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"

/*
 * Opens path read-only (read_write: for reading and writing, a relay's side), non-blocking, takes
 * an exclusive flock (and honours UUCP lock files), sets raw mode with VMIN=1 VTIME=0 and the line
 * settings, checks that the port kept them, and asks for ASYNC_LOW_LATENCY where the driver
 * supports it. Returns the fd, or -1 with a message in err and the exit code (SD_EXIT_PORT_MISSING,
 * _PORT_BUSY, _PORT_OPEN, _LINE_SETTINGS) in *code. *low_latency tells whether the driver took
 * ASYNC_LOW_LATENCY.
 */
int sd_serial_open(const char *path, bool read_write, const struct sd_line_settings *line,
                   bool *low_latency, char *err, size_t err_len, enum sd_exit *code);

#endif

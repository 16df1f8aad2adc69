/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The serial line: a real tty (--listen serial:/dev/X?baud=N&...) or a pseudo-terminal (--pty). */
#ifndef MCPSIM_SERIAL_H
#define MCPSIM_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core.h"
#include "serialline.h"

/*
 * Opens the line (or, with pty, a new pseudo-terminal) in raw mode with the settings
 * (mcp_serial_apply: termios, checked by reading them back) and registers it; its client
 * reaches the devices of set. On success writes its URL ("serial:/dev/pts/3") into url.
 */
bool sim_serial_open(struct sim_core *core, const char *path,
                     const struct mcp_serial_settings *settings, bool pty, struct sim_devset *set,
                     char *url, size_t url_len, char *err, size_t err_len);

void sim_serial_close(struct sim_core *core);

#endif

/* The serial line: a real tty (--serial, --baud) or a pseudo-terminal (--pty). */
#ifndef MCPSIM_SERIAL_H
#define MCPSIM_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core.h"

/*
 * Opens the line in raw mode and registers it. On success writes its URL
 * ("serial:/dev/pts/3") into url.
 */
bool sim_serial_open(struct sim_core *core, const char *path, unsigned baud, bool pty, char *url,
                     size_t url_len, char *err, size_t err_len);

void sim_serial_close(struct sim_core *core);

/* Maps a baud rate to its termios constant; false for a rate termios lacks. */
bool sim_baud_constant(unsigned baud, unsigned *out);

#endif

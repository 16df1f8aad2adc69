/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The relay's program side (--relay PROGRAM DEVICE): a new pseudo-terminal
 * for the program (pty, pty:PATH), or a port the program's line is wired to.
 */
#ifndef MCPSERIALDUMP_RELAY_H
#define MCPSERIALDUMP_RELAY_H

#include <stddef.h>

#include "options.h"

struct sd_relay_pty {
    int fd;        /* the master: the relay reads and writes the program's bytes here */
    int hold_fd;   /* the slave, held open so the program may close and reopen it */
    char path[64]; /* the slave: /dev/pts/N */
    char *link;    /* pty:PATH: the symlink made, removed at the end; else NULL */
};

/*
 * Opens a new pseudo-terminal in raw mode with the line settings (baud and stop bits:
 * a pty keeps 8 data bits and no parity), and for spec "pty:PATH" makes PATH a symlink
 * to its slave (an existing symlink at PATH is replaced; anything else there is an
 * error). Returns false with a message in err and the exit code in *code.
 */
bool sd_relay_pty_open(const char *spec, const struct sd_line_settings *line,
                       struct sd_relay_pty *pty, char *err, size_t err_len, enum sd_exit *code);

/* Closes both sides and removes the symlink (when it still points at this pty). */
void sd_relay_pty_close(struct sd_relay_pty *pty);

#endif

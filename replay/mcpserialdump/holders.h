/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which other processes hold a serial port open (Linux: /proc/PID/fd links to
 * the same character device). A capture reading a port that a program also
 * reads takes bytes away from that program: mcpserialdump names the holders
 * before capturing and suggests the relay (issue 23).
 */
#ifndef MCPSERIALDUMP_HOLDERS_H
#define MCPSERIALDUMP_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Looks for processes other than this one with path (any link to the same
 * device) open. Returns true and writes "mcppoll (pid 4242), mcpsim (pid 17)"
 * into out when it finds any. A process that also holds the master side of
 * the pty path is (/dev/pts/N) made the pty and is the line's far end (mcpsim
 * --pty, socat): it is not named. Processes whose fds cannot be read (other
 * users, unprivileged) are not seen; *unchecked counts them.
 */
bool sd_port_holders(const char *path, char *out, size_t out_len, unsigned *unchecked);

#endif

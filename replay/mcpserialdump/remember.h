/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ports remembered across runs, so that the extcap keeps listing a port
 * Wireshark captured from while it is unplugged.
 *
 * Wireshark keeps an extcap interface's options in its preferences file as
 * extcap.<interface>.<option> (e.g. extcap.mcpserial_ttyusb0.baud), but
 * registers those preferences only for the interfaces the extcap lists at
 * start-up: the saved options of an interface no longer listed make it warn
 * "No such preference" at every start (4.0, 4.4 and 4.6 alike), until the
 * preferences are saved again, which drops them, and with them the baud rate
 * chosen for that port. So every port captured from as an extcap interface
 * is remembered, and listed as "not connected" while it is gone: its options
 * stay registered (no warning) and are there again when it comes back.
 *
 * The list lives in $XDG_STATE_HOME/mcpserialdump/ports (default
 * ~/.local/state/mcpserialdump/ports): one "ID<TAB>PATH" line per port, the
 * latest capture first, at most SD_REMEMBER_MAX ports (the oldest go).
 * `mcpserialdump --forget PORT|all` takes ports off it.
 */
#ifndef MCPSERIALDUMP_REMEMBER_H
#define MCPSERIALDUMP_REMEMBER_H

#include <glib.h>
#include <stdbool.h>

#define SD_REMEMBER_MAX 16

/* The file (a new string). */
char *sd_remember_file(void);

/* The remembered ports, latest capture first: struct sd_port * (ports.h; target NULL).
 * Free with g_ptr_array_unref. */
GPtrArray *sd_remembered_ports(void);

/* Puts the interface id and its port first in the list. False (err says why) when the
 * file cannot be written; the capture goes on regardless. */
bool sd_remember_port(const char *id, const char *path, char *err, size_t err_len);

/* Takes the port named by its id or path off the list, or every port for "all".
 * Returns how many were taken off, -1 when the file cannot be written (err says why). */
int sd_forget_ports(const char *what, char *err, size_t err_len);

#endif

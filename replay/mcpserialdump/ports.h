/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The serial ports of the system, as extcap interfaces. Discovery lists
 * device nodes and never opens them (Wireshark runs every extcap at each
 * interface refresh).
 */
#ifndef MCPSERIALDUMP_PORTS_H
#define MCPSERIALDUMP_PORTS_H

#include <glib.h>

struct sd_port {
    char *path;   /* "/dev/ttyUSB0", "/dev/serial/by-id/usb-FTDI_..." */
    char *id;     /* the extcap interface: "mcpserial-ttyUSB0", "mcpserial-by-id-usb-FTDI_..." */
    char *target; /* by-id links: the node they point at ("/dev/ttyUSB0"); else NULL */
};

/* The environment variable that replaces the default port patterns (colon-separated globs). */
#define SD_PORTS_ENV "MCPSERIALDUMP_PORTS"

/*
 * Lists the ports: the glob patterns of $MCPSERIALDUMP_PORTS when set, else
 * /dev/ttyS* (those whose UART sysfs reports present), /dev/ttyUSB*,
 * /dev/ttyACM* and the links in /dev/serial/by-id. Sorted by path, no duplicate ids.
 * Returns a GPtrArray of struct sd_port * (free with g_ptr_array_unref).
 */
GPtrArray *sd_ports_list(void);

/*
 * The port an extcap interface id or a path names: a listed port's path for
 * its id; otherwise the text itself when it looks like a path (contains '/').
 * Returns a new string, or NULL for an unknown id.
 */
char *sd_ports_resolve(const char *id_or_path);

/* The interface id for a path (not necessarily a listed one). */
char *sd_ports_id(const char *path);

#endif

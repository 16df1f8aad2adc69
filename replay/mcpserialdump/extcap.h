/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replies of the Wireshark extcap protocol (Wireshark's doc/extcap.adoc):
 * interfaces, link types and the configuration dialog. Every argument type
 * used is one Wireshark 4.0 parses.
 */
#ifndef MCPSERIALDUMP_EXTCAP_H
#define MCPSERIALDUMP_EXTCAP_H

#include <stdio.h>

#include "options.h"

/* `extcap {version}{help}` then one `interface` line per serial port. */
void sd_extcap_interfaces(FILE *out);

/* `dlt` line: 252, exported PDUs. */
void sd_extcap_dlts(FILE *out);

/* The `arg`/`value` lines of the configuration dialog for interface id. */
void sd_extcap_config(FILE *out, const char *id);

/* The values of one reloadable option (--extcap-reload-option NAME). */
void sd_extcap_reload(FILE *out, const char *id, const char *option);

#endif

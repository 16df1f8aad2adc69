/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --version for every tool: one line "TOOL VERSION (MCP v1; built with GLib X.Y.Z[, EXTRA])".
 * VERSION is the top-level CMake project(VERSION), passed in as MCP_TOOLKIT_VERSION.
 */
#ifndef MCP_VERSION_H
#define MCP_VERSION_H

#include <stdio.h>

/* The toolkit's version, e.g. "0.1.0" (CMake project(VERSION)). */
const char *mcp_toolkit_version(void);

/*
 * Prints the --version line to out. tool: the program name ("mcpgen"); extra:
 * NULL or what else the tool was built with, e.g. pcap_lib_version()'s text
 * ("libpcap version 1.10.3") or "Wireshark 4.0.17". Never fails.
 */
void mcp_version_print(FILE *out, const char *tool, const char *extra);

/* The GOption entry every tool adds: {"version", 'V', ..., flag}. 'V' is free in every tool. */
#define MCP_VERSION_OPTION(flag)                                                                   \
    {                                                                                              \
        "version", 'V', 0, G_OPTION_ARG_NONE, (flag), "Print the version and exit", NULL           \
    }

#endif

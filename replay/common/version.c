/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --version for every tool (see version.h). */
#include "version.h"

#include <glib.h>

#ifndef MCP_TOOLKIT_VERSION
#error "MCP_TOOLKIT_VERSION must come from CMake's project(VERSION)"
#endif

const char *mcp_toolkit_version(void)
{
    return MCP_TOOLKIT_VERSION;
}

void mcp_version_print(FILE *out, const char *tool, const char *extra)
{
    fprintf(out, "%s %s (MCP v1; built with GLib %d.%d.%d%s%s)\n", tool, MCP_TOOLKIT_VERSION,
            GLIB_MAJOR_VERSION, GLIB_MINOR_VERSION, GLIB_MICRO_VERSION, extra ? ", " : "",
            extra ? extra : "");
}

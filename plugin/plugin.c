/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plugin entry points: plugin_version, plugin_want_major/minor and
 * plugin_register in every version; plugin_describe where wsutil/plugins.h
 * has it (4.2+), so `tshark -G plugins` lists mcp5a as a dissector.
 */
#include "mcp5a.h"

#include <epan/proto.h>
#ifdef MCP5A_HAVE_PLUGIN_DESCRIBE
#include <wsutil/plugins.h>
#endif

#ifndef MCP5A_VERSION
#define MCP5A_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = MCP5A_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#ifdef MCP5A_HAVE_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void proto_register_mcp5a(void);
void proto_reg_handoff_mcp5a(void);

void plugin_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = proto_register_mcp5a;
    plug.register_handoff = proto_reg_handoff_mcp5a;
    proto_register_plugin(&plug);
    mcp5a_register_stats_tree();
}

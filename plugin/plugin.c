/* Plugin entry points (Wireshark 4.0: plugin_version/want_major/want_minor + plugin_register). */
#include "mcp5a.h"

#include <epan/proto.h>

#ifndef MCP5A_VERSION
#define MCP5A_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = MCP5A_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What differs between the Wireshark versions the plugin builds against
 * (4.0 to 4.6), decided by CMake feature probes (plugin/CMakeLists.txt sets
 * the MCP5A_HAVE_* macros), never by version numbers. The dissector code uses
 * the names below and the newest API names; this header maps them for older
 * releases.
 */
#ifndef MCP5A_COMPAT_H
#define MCP5A_COMPAT_H

#include <wireshark.h>

#include <epan/epan.h>
#include <epan/packet.h>

/* heur_dissector_t returns bool from 4.4 (gboolean before). */
#ifdef MCP5A_HAVE_BOOL_HEURISTIC
typedef bool mcp5a_heur_result;
#else
typedef gboolean mcp5a_heur_result;
#endif

/* prefs_register_bool_preference() takes a bool * from 4.4 (gboolean * before). */
#ifdef MCP5A_HAVE_BOOL_PREFS
typedef bool mcp5a_pref_bool;
#else
typedef gboolean mcp5a_pref_bool;
#endif

/* wmem_strbuf_new_sized(allocator, size) replaced wmem_strbuf_sized_new(allocator, size, max). */
#ifndef MCP5A_HAVE_WMEM_STRBUF_NEW_SIZED
#define wmem_strbuf_new_sized(allocator, size) wmem_strbuf_sized_new((allocator), (size), 0)
#endif

/* What a wmem user callback returns (gboolean in 4.0; bool where wsutil moved
 * to bool): taken from the callback type itself, so either compiles. */
typedef __typeof__(((wmem_user_cb_t)0)(NULL, WMEM_CB_FREE_EVENT, NULL)) mcp5a_wmem_cb_result;

/* tvb_get_uint8() replaced (and deprecated) tvb_get_guint8(). */
#ifndef MCP5A_HAVE_TVB_GET_UINT8
#define tvb_get_uint8 tvb_get_guint8
#endif

/* epan_get_interface_name() takes the record's pcapng section too in 4.4 and 4.6, not in 4.0. */
#ifdef MCP5A_HAVE_INTERFACE_NAME_SECTION
#define mcp5a_interface_name(pinfo, id)                                                            \
    epan_get_interface_name((pinfo)->epan, (id), (pinfo)->rec->section_number)
#else
#define mcp5a_interface_name(pinfo, id) epan_get_interface_name((pinfo)->epan, (id))
#endif

#endif

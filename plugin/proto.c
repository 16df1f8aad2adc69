/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Protocol registration, handoff to TCP/UDP/exported PDUs, per-file state. */
#include "mcp5a.h"

#include "regmap.h"

#include <epan/prefs.h>

#include "analysis.h"

int proto_mcp5a = -1;

static dissector_handle_t tcp_handle;
static dissector_handle_t udp_handle;

/* The port ranges in force, so a changed preference can take them back. */
static range_t *tcp_ports_applied;
static range_t *udp_ports_applied;

/*
 * Wireshark 4.0 adds a changed port range but leaves the old ports in the
 * table (measured: -o mcp5a.udp.port:9999 kept decoding 23130), so the
 * module's apply callback moves the ports itself.
 */
static void apply_ports(const char *table, const char *pref, dissector_handle_t handle,
                        range_t **applied)
{
    range_t *now = prefs_get_range_value(MCP5A_PROTO_FILTER, pref);
    if (now == NULL)
        return;
    if (*applied != NULL) {
        dissector_delete_uint_range(table, *applied, handle);
        wmem_free(wmem_epan_scope(), *applied);
    }
    *applied = range_copy(wmem_epan_scope(), now);
    dissector_add_uint_range(table, *applied, handle);
}

static void apply_prefs(void)
{
    apply_ports("tcp.port", "tcp.port", tcp_handle, &tcp_ports_applied);
    apply_ports("udp.port", "udp.port", udp_handle, &udp_ports_applied);
    mcp5a_regmap_apply(mcp5a_prefs.register_map);
}

/*
 * The packet being dissected: its state lives until its packet pool is freed
 * (every dissection ends with that, in every pass), which a pool callback
 * notes. Cheaper than p_add_proto_data per packet (about 500 instructions).
 * The callback stays registered on each pool it watches (tshark dissects
 * every packet in one pool, freed after each), so a packet costs no
 * registration (a malloc and a free, about 230 instructions); a pool's
 * destruction ends its watch.
 */
static struct {
    wmem_allocator_t *pool; /* NULL: no packet under way */
    struct mcp5a_packet_state st;
} packet;
static GHashTable *watched_pools; /* pools with packet_done registered */

static mcp5a_wmem_cb_result packet_done(wmem_allocator_t *allocator, wmem_cb_event_t event,
                                        void *user_data _U_)
{
    if (packet.pool == allocator)
        packet.pool = NULL;
    if (event == WMEM_CB_DESTROY_EVENT) {
        g_hash_table_remove(watched_pools, allocator);
        return 0; /* the pool is gone */
    }
    return 1; /* true: called again at the pool's next free */
}

struct mcp5a_packet_state *mcp5a_packet_state(packet_info *pinfo)
{
    if (packet.pool != pinfo->pool) {
        memset(&packet.st, 0, sizeof packet.st);
        packet.pool = pinfo->pool;
        if (watched_pools == NULL)
            watched_pools = g_hash_table_new(g_direct_hash, g_direct_equal);
        if (!g_hash_table_contains(watched_pools, pinfo->pool)) {
            g_hash_table_add(watched_pools, pinfo->pool);
            wmem_register_callback(pinfo->pool, packet_done, NULL);
        }
    }
    return &packet.st;
}

static void init_file(void)
{
    mcp5a_analysis_init();
    mcp5a_serial_init();
}

static void cleanup_file(void)
{
    mcp5a_analysis_cleanup();
    mcp5a_serial_cleanup();
}

void proto_register_mcp5a(void);
void proto_reg_handoff_mcp5a(void);

void proto_register_mcp5a(void)
{
    proto_mcp5a = proto_register_protocol(MCP5A_PROTO_NAME, MCP5A_PROTO_SHORT, MCP5A_PROTO_FILTER);
    mcp5a_register_frame();
    mcp5a_register_payload();
    mcp5a_register_junk();
    mcp5a_regmap_register();
    module_t *module = prefs_register_protocol(proto_mcp5a, apply_prefs);
    mcp5a_register_prefs(module);

    tcp_handle = register_dissector("mcp5a.tcp", mcp5a_dissect_tcp, proto_mcp5a);
    udp_handle = register_dissector("mcp5a.udp", mcp5a_dissect_udp, proto_mcp5a);
    /* Exported-PDU records name this dissector (§5, serial captures). */
    register_dissector("mcp5a.serial", mcp5a_dissect_serial, proto_mcp5a);

    register_init_routine(init_file);
    register_cleanup_routine(cleanup_file);
    mcp5a_register_tap();
    mcp5a_register_export_pdu();
    mcp5a_register_srt();
}

void proto_reg_handoff_mcp5a(void)
{
    /* Creates the mcp5a.tcp.port / mcp5a.udp.port preferences and Decode As entries. */
    dissector_add_uint_range_with_preference("tcp.port", "23130", tcp_handle);
    dissector_add_uint_range_with_preference("udp.port", "23130", udp_handle);
    apply_prefs();
    mcp5a_register_heuristics(tcp_handle, udp_handle);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mcp5a Wireshark plugin: declarations shared by its files.
 *
 * The plugin is epan glue. Every protocol rule (check, framing, resync,
 * layouts, sequence verdicts, matching) comes from the protocol library
 * (lib/include/mcp); these files map the library's results to tree items,
 * expert infos, columns and taps.
 */
#ifndef MCP5A_H
#define MCP5A_H

#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/addr_resolv.h>
#include <wsutil/str_util.h>

#include "compat.h"
#include "mcp/mcp.h"

#define MCP5A_PROTO_NAME   "Modular Communication Protocol"
#define MCP5A_PROTO_SHORT  "MCP5A"
#define MCP5A_PROTO_FILTER "mcp5a"
#define MCP5A_COLUMN_NAME  "MCP"

extern int proto_mcp5a;

/*
 * Header fields, subtrees and expert infos (the names of docs/PROTOCOL.md §6):
 * each file registers those it adds, from proto_register_mcp5a.
 */
void mcp5a_register_frame(void);   /* frame_tree.c */
void mcp5a_register_payload(void); /* payload_tree.c */
void mcp5a_register_junk(void);    /* junk.c */

/* A value_string entry from the library's name lists (mcp/names.h):
 * static const value_string x_vals[] = {MCP_CMD_NAME_LIST(MCP5A_VALS_ENTRY){0, NULL}}; */
#define MCP5A_VALS_ENTRY(value, name) {value, name},

/* prefs.c: the §6 preferences. */
struct mcp5a_prefs {
    mcp5a_pref_bool check_crc;
    gint crc_variant; /* enum mcp_crc_variant */
    mcp5a_pref_bool length_le;
    const char *register_map; /* docs/REGISTER-MAP.md §3; "" = none */
    guint serial_silence_ms;  /* §5 line silence ending a partial serial frame; 0 never */
};
extern struct mcp5a_prefs mcp5a_prefs;
void mcp5a_register_prefs(module_t *module);
struct mcp_codec mcp5a_codec(void);

/* Counters of what one packet holds so far (packet scope). */
struct mcp5a_packet_state {
    guint16 pdus;  /* MCP frames shown in this packet: the per-PDU key */
    guint16 items; /* frames and junk runs, for joining Info texts */
};
struct mcp5a_packet_state *mcp5a_packet_state(packet_info *pinfo);

/* How a frame's sender is identified (§3). */
enum mcp5a_link {
    MCP5A_LINK_CONVERSATION, /* TCP/UDP: one direction of the conversation */
    MCP5A_LINK_SERIAL,       /* serial: pinfo->p2p_dir, as the record carried it */
    MCP5A_LINK_SERIAL_BUS    /* serial, a record without a direction (§5, a half-duplex
                                bus): pinfo->p2p_dir as §5's command rule gave it */
};
#define MCP5A_LINK_IS_SERIAL(link) ((link) != MCP5A_LINK_CONVERSATION)

/*
 * frame_tree.c: shows one frame. tvb holds exactly the frame (its reported
 * length is 6 + length; fewer bytes may be captured when the capture's snaplen
 * cut it). Runs the analysis on the first pass. Returns the frame's length.
 */
int mcp5a_dissect_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, enum mcp5a_link link);
/* The same, for a whole frame whose check a stream decoder already computed
 * over it with the codec in force (crc_computed, 0..255). */
int mcp5a_dissect_frame_checked(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                enum mcp5a_link link, guint8 crc_computed);

/* junk.c: shows `shown` bytes of tvb at offset as junk; `total` counts every
 * junk byte this run reveals (serial: some may sit in earlier records). */
void mcp5a_dissect_junk(tvbuff_t *tvb, int offset, int shown, guint total, packet_info *pinfo,
                        proto_tree *tree);

/* info_col.c: joins one item's summary into the Info column. */
void mcp5a_info_add(packet_info *pinfo, const char *text);
/* The same for a text that lives as long as the packet (static, or in
 * pinfo->pool): the column may point to it instead of copying it. */
void mcp5a_info_add_lasting(packet_info *pinfo, const char *text);

/* Transports: transport_tcp.c, transport_udp.c, transport_serial.c, heuristics.c */
int mcp5a_dissect_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
int mcp5a_dissect_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
int mcp5a_dissect_serial(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
void mcp5a_serial_init(void);
/* The serial line of a record: its capture interface (0 without one), §5. */
guint32 mcp5a_serial_line(packet_info *pinfo);
/* A whole frame in a serial record without a direction (§5, a one-wire bus:
 * a DLT_USER record mapped to "mcp5a"): its direction (enum mcp_direction) by
 * the §5 rule over the line's frames, decided on the first pass and kept. */
int mcp5a_serial_bus_direction(packet_info *pinfo, guint8 cmd);
/* The name of one end of the record's line as the Source and Destination
 * columns and the stats tree show it: "master" or "device" (dir: enum
 * mcp_direction), then the line's capture interface name in parentheses when
 * the capture has one ("master (/dev/ttyUSB0)"), else the line's number for
 * every line but the first ("device (line 1)"). Lives as long as the file. */
const char *mcp5a_serial_end_name(packet_info *pinfo, int dir);
/* Sets pinfo->src and pinfo->dst (AT_STRINGZ) to the ends of the record's
 * line for a frame or record going in direction dir (enum mcp_direction). */
void mcp5a_serial_set_addresses(packet_info *pinfo, int dir);
void mcp5a_serial_cleanup(void);
void mcp5a_register_heuristics(dissector_handle_t tcp_handle, dissector_handle_t udp_handle);

/* stats.c: the tap and the stats tree (tshark -z mcp5a,tree). */
struct mcp5a_tap_info {
    gboolean is_junk;
    guint junk_bytes;
    guint8 cmd;
    gboolean has_status;
    guint8 status;
    gboolean crc_bad;
    gint verdict; /* enum mcp5a_verdict */
    enum mcp5a_link link;
    gboolean answered;      /* a response matched to its request (§4) */
    nstime_t response_time; /* answered: time since the request */
    gboolean is_request;    /* §4's requests (valid CRC) */
    gboolean has_nak;       /* a NAK (valid CRC) and its reason */
    guint8 nak_reason;
    gboolean has_device; /* the device id the frame names, or its request's */
    guint8 device;
};
void mcp5a_register_tap(void);
void mcp5a_tap_queue(packet_info *pinfo, const struct mcp5a_tap_info *info);
void mcp5a_register_stats_tree(void);
/* srt.c: -z mcp5a,srt (reads the tap records of stats.c). */
void mcp5a_register_srt(void);

/* export_pdu.c: the export tap "MCP5A" and the "mcp5a" record dissector (§6).
 * mcp5a_export_pdu queues tvb (exactly one frame) when the tap has a listener. */
void mcp5a_register_export_pdu(void);
void mcp5a_export_pdu(tvbuff_t *tvb, packet_info *pinfo, enum mcp5a_link link);

#endif

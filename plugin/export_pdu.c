/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PDU export (docs/PROTOCOL.md §6): the export tap "MCP5A" (tshark -U MCP5A,
 * File › Export PDUs) writes every MCP frame as one exported-PDU record
 * naming the dissector "mcp5a"; "mcp5a" reads such a record back as one
 * whole frame, with the record's addresses and ports (TCP/UDP) or direction
 * (serial) naming the sender, so the sequence analysis and matching are the
 * same as in the original capture.
 *
 * API note (4.0 → 4.6): export_pdu_create_common_tags, export_pdu_create_tags,
 * exp_pdu_data_item_t and register_export_pdu_tap keep their shape; only the
 * spelled types change (guint8/guint32 → uint8_t/uint32_t in the populate
 * callback). Only tags <= 35 are written, so 4.0 reads files from any build.
 */
#include "mcp5a.h"

#include <string.h>

#include <epan/column-utils.h>
#include <epan/exported_pdu.h>
#include <epan/tap.h>
#include <wsutil/exported_pdu_tlvs.h>

#define MCP5A_EXPORT_TAP  "MCP5A"
#define MCP5A_EXPORT_NAME "mcp5a"

static int export_tap = -1;

/* EXP_PDU_TAG_P2P_DIRECTION: 4 bytes, big-endian, P2P_DIR_SENT (0) or RECV (1). */
static int p2p_dir_size(packet_info *pinfo _U_, void *data _U_)
{
    return 4 + 4;
}

static int p2p_dir_populate(packet_info *pinfo, void *data _U_, guint8 *buf, guint32 size)
{
    if (size < 8)
        return 0;
    guint32 dir = pinfo->p2p_dir == P2P_DIR_RECV ? P2P_DIR_RECV : P2P_DIR_SENT;
    /* Big-endian by hand: wsutil's phton16/phton32 are phtonu16/phtonu32 from 4.6. */
    const guint8 tlv[8] = {EXP_PDU_TAG_P2P_DIRECTION >> 8,
                           EXP_PDU_TAG_P2P_DIRECTION & 0xFF,
                           0,
                           4,
                           0,
                           0,
                           0,
                           (guint8)dir};
    memcpy(buf, tlv, sizeof tlv);
    return 8;
}

static exp_pdu_data_item_t p2p_dir_item = {p2p_dir_size, p2p_dir_populate, NULL};

void mcp5a_export_pdu(tvbuff_t *tvb, packet_info *pinfo, enum mcp5a_link link)
{
    if (!have_tap_listener(export_tap) || pinfo->flags.in_error_pkt)
        return;
    exp_pdu_data_t *exp;
    if (MCP5A_LINK_IS_SERIAL(link)) {
        /* Tags in numerical order: name (12), original frame (30), direction (35). */
        const exp_pdu_data_item_t *items[] = {&exp_pdu_data_orig_frame_num, &p2p_dir_item, NULL};
        exp = export_pdu_create_tags(pinfo, MCP5A_EXPORT_NAME, EXP_PDU_TAG_DISSECTOR_NAME, items);
    } else {
        /* Addresses (IPv4/IPv6), port type, ports, original frame number. */
        exp = export_pdu_create_common_tags(pinfo, MCP5A_EXPORT_NAME, EXP_PDU_TAG_DISSECTOR_NAME);
    }
    exp->tvb_captured_length = tvb_captured_length(tvb);
    exp->tvb_reported_length = tvb_reported_length(tvb);
    exp->pdu_tvb = tvb;
    tap_queue_packet(export_tap, pinfo, exp);
}

/*
 * "mcp5a": one exported-PDU record. A record of exactly one frame (as the
 * export writes them) is that frame; anything else is read like a UDP
 * datagram (frames back to back, junk between), so hand-made records are
 * shown too.
 */
static int dissect_export_record(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, MCP5A_COLUMN_NAME);
    enum mcp5a_link link = (pinfo->ptype == PT_TCP || pinfo->ptype == PT_UDP)
                               ? MCP5A_LINK_CONVERSATION
                               : MCP5A_LINK_SERIAL;
    guint captured = tvb_captured_length(tvb);
    guint reported = tvb_reported_length(tvb);
    if (captured >= MCP_HEADER_LEN && tvb_get_uint8(tvb, 0) == MCP_MAGIC) {
        struct mcp_codec codec = mcp5a_codec();
        guint16 length = mcp_frame_length_field(&codec, tvb_get_ptr(tvb, 0, MCP_HEADER_LEN));
        if (length <= MCP_MAX_PAYLOAD && reported == MCP_OVERHEAD + (guint)length) {
            /* A serial record without a direction (a DLT_USER record mapped to
             * "mcp5a"): §5's one-wire-bus rule gives the frame its direction. */
            int saved_dir = pinfo->p2p_dir;
            if (link == MCP5A_LINK_SERIAL && pinfo->p2p_dir != P2P_DIR_SENT &&
                pinfo->p2p_dir != P2P_DIR_RECV) {
                link = MCP5A_LINK_SERIAL_BUS;
                pinfo->p2p_dir = mcp5a_serial_bus_direction(pinfo, tvb_get_uint8(tvb, 4)) ==
                                         MCP_DIR_DEVICE_TO_MASTER
                                     ? P2P_DIR_RECV
                                     : P2P_DIR_SENT;
            }
            if (MCP5A_LINK_IS_SERIAL(link))
                mcp5a_serial_set_addresses(pinfo, pinfo->p2p_dir == P2P_DIR_RECV
                                                      ? MCP_DIR_DEVICE_TO_MASTER
                                                      : MCP_DIR_MASTER_TO_DEVICE);
            mcp5a_dissect_frame(tvb, pinfo, tree, link);
            pinfo->p2p_dir = saved_dir;
            return (int)captured;
        }
    }
    return mcp5a_dissect_udp(tvb, pinfo, tree, data);
}

void mcp5a_register_export_pdu(void)
{
    export_tap = register_export_pdu_tap(MCP5A_EXPORT_TAP);
    register_dissector(MCP5A_EXPORT_NAME, dissect_export_record, proto_mcp5a);
}

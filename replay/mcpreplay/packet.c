/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Link-layer, network and transport decoding of capture records. */
#include "packet.h"

#include <arpa/inet.h>
#include <glib.h>
#include <pcap/dlt.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define ETHERTYPE_IPV4     0x0800
#define ETHERTYPE_IPV6     0x86DD
#define ETHERTYPE_VLAN     0x8100
#define ETHERTYPE_QINQ     0x88A8
#define ETHERTYPE_QINQ_OLD 0x9100

#define LINKTYPE_IPV4      228
#define LINKTYPE_IPV6      229
#define LINKTYPE_UPPER_PDU 252

#define EXP_PDU_TAG_END            0
#define EXP_PDU_TAG_DISSECTOR_NAME 12
#define EXP_PDU_TAG_P2P_DIRECTION  35
#define EXP_PDU_TAG_IPV4_SRC       20
#define EXP_PDU_TAG_IPV4_DST       21
#define EXP_PDU_TAG_IPV6_SRC       22
#define EXP_PDU_TAG_IPV6_DST       23
#define EXP_PDU_TAG_PORT_TYPE      24
#define EXP_PDU_TAG_SRC_PORT       25
#define EXP_PDU_TAG_DST_PORT       26
#define EXP_PDU_PT_TCP             2
#define EXP_PDU_PT_UDP             3

/*
 * Decoding stops at something that might carry MCP: names it (printf-style,
 * kept for the life of the process: the same text is one string) and returns
 * false.
 */
G_GNUC_PRINTF(2, 3) static bool undecoded(struct mr_packet *pkt, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    pkt->undecoded = g_intern_string(text);
    g_free(text);
    return false;
}

/* Headers cut by the record's end: what followed them is unknown. */
static bool cut(struct mr_packet *pkt, const char *layer)
{
    return undecoded(pkt, "%s header cut short by the capture: not decoded", layer);
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#define ETHERTYPE_MPLS       0x8847
#define ETHERTYPE_MPLS_MC    0x8848
#define ETHERTYPE_PPPOE_SESS 0x8864
#define ETHERTYPE_TEB        0x6558 /* transparent Ethernet bridging (GRE, GENEVE) */
#define UDP_PORT_VXLAN       4789
#define UDP_PORT_GENEVE      6081
#define MAX_DEPTH            8 /* nested encapsulations followed */

static bool decode_ethernet(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth);
static bool decode_ethertype(uint16_t type, const uint8_t *p, size_t len, struct mr_packet *pkt,
                             int depth);
static bool decode_ip(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth);

/* VXLAN (RFC 7348): 8-byte header, then an Ethernet frame. */
static bool decode_vxlan(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (len < 8)
        return false;
    return decode_ethernet(p + 8, len - 8, pkt, depth + 1);
}

/* GENEVE (RFC 8926): 8 bytes + options, then the protocol named by its type. */
static bool decode_geneve(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (len < 8 || (p[0] >> 6) != 0)
        return false;
    size_t hlen = 8 + (size_t)(p[0] & 0x3F) * 4;
    if (len < hlen)
        return false;
    return decode_ethertype(be16(p + 2), p + hlen, len - hlen, pkt, depth + 1);
}

/* GRE (RFC 2784/2890), version 0: optional checksum, key, sequence words. */
static bool decode_gre(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (len < 4)
        return false;
    uint16_t flags = be16(p);
    if ((flags & 0x0007) != 0 || (flags & 0x4000) != 0) /* version 1 (PPTP), routing */
        return false;
    size_t hlen = 4;
    hlen += (flags & 0x8000) ? 4 : 0;
    hlen += (flags & 0x2000) ? 4 : 0;
    hlen += (flags & 0x1000) ? 4 : 0;
    if (len < hlen)
        return false;
    return decode_ethertype(be16(p + 2), p + hlen, len - hlen, pkt, depth + 1);
}

static bool transport(uint8_t proto, const uint8_t *p, size_t len, size_t wire_len,
                      struct mr_packet *pkt, int depth)
{
    if (proto == 17) {
        if (len < 8)
            return cut(pkt, "UDP");
        pkt->sport = be16(p);
        pkt->dport = be16(p + 2);
        size_t udp_len = be16(p + 4);
        if (udp_len < 8)
            return false;
        size_t avail = len - 8;
        size_t want = udp_len - 8;
        if (wire_len < udp_len) /* IP says less than UDP does */
            want = wire_len > 8 ? wire_len - 8 : 0;
        size_t have = avail < want ? avail : want;
        if (pkt->dport == UDP_PORT_VXLAN)
            return decode_vxlan(p + 8, have, pkt, depth);
        if (pkt->dport == UDP_PORT_GENEVE)
            return decode_geneve(p + 8, have, pkt, depth);
        pkt->kind = MR_PACKET_UDP;
        pkt->payload = p + 8;
        pkt->payload_len = have;
        pkt->truncated = avail < want;
        return true;
    }
    if (proto == 6) {
        if (len < 20)
            return cut(pkt, "TCP");
        size_t hlen = (size_t)(p[12] >> 4) * 4;
        if (hlen < 20)
            return false; /* malformed: no MCP follows it (Wireshark: bogus header length) */
        if (len < hlen)
            return cut(pkt, "TCP");
        pkt->sport = be16(p);
        pkt->dport = be16(p + 2);
        pkt->tcp_seq = be32(p + 4);
        pkt->tcp_ack = be32(p + 8);
        pkt->tcp_flags = p[13];
        pkt->tcp_window = be16(p + 14);
        pkt->tcp_wscale = -1;
        for (size_t o = 20; (pkt->tcp_flags & MR_TCP_SYN) && o < hlen;) { /* options */
            uint8_t kind = p[o];
            if (kind == 0)
                break;
            if (kind == 1 || o + 1 >= hlen) {
                o++;
                continue;
            }
            uint8_t olen = p[o + 1];
            if (olen < 2 || o + olen > hlen)
                break;
            if (kind == 3 && olen == 3)
                pkt->tcp_wscale = (int8_t)(p[o + 2] > 14 ? 14 : p[o + 2]);
            o += olen;
        }
        size_t want = wire_len > hlen ? wire_len - hlen : 0;
        size_t avail = len - hlen;
        pkt->kind = MR_PACKET_TCP;
        pkt->payload = p + hlen;
        pkt->payload_len = avail < want ? avail : want;
        pkt->tcp_wire_len = want;
        pkt->truncated = avail < want;
        return true;
    }
    if (proto == 47)
        return decode_gre(p, len, pkt, depth);
    if (proto == 4 || proto == 41) /* IPv4 / IPv6 in IP */
        return decode_ip(p, len, pkt, depth + 1);
    if (proto == 51) { /* AH (RFC 4302): its length in 32-bit words, minus 2 */
        if (len < 8)
            return cut(pkt, "AH");
        size_t ah = ((size_t)p[1] + 2) * 4;
        if (len < ah)
            return cut(pkt, "AH");
        if (depth > MAX_DEPTH)
            return undecoded(pkt, "too many nested headers: not decoded");
        return transport(p[0], p + ah, len - ah, wire_len > ah ? wire_len - ah : 0, pkt, depth + 1);
    }
    if (proto == 50)
        return undecoded(pkt, "IP protocol 50 (ESP, encrypted) not decoded");
    switch (proto) { /* protocols that carry no MCP (§6: MCP is on UDP and TCP) */
    case 1:          /* ICMP: a quoted datagram is not traffic */
    case 2:          /* IGMP */
    case 33:         /* DCCP */
    case 46:         /* RSVP */
    case 58:         /* ICMPv6 */
    case 59:         /* no next header */
    case 88:         /* EIGRP */
    case 89:         /* OSPF */
    case 103:        /* PIM */
    case 112:        /* VRRP */
    case 132:        /* SCTP */
    case 135:        /* IPv6 mobility header */
    case 136:        /* UDP-Lite */
        return false;
    default:
        return undecoded(pkt, "IP protocol %u not decoded", proto);
    }
}

bool mr_packet_decode_transport(uint8_t proto, const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    return transport(proto, p, len, len, pkt, 1);
}

static bool decode_ipv4(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (depth > MAX_DEPTH)
        return undecoded(pkt, "too many nested headers: not decoded");
    if (len < 20)
        return cut(pkt, "IPv4");
    if ((p[0] >> 4) != 4)
        return false;
    size_t ihl = (size_t)(p[0] & 0x0F) * 4;
    size_t total = be16(p + 2);
    if (total == 0) /* segmentation offload on the capturing host: the captured bytes count */
        total = len;
    if (len >= 20 && len < ihl && ihl <= total)
        return cut(pkt, "IPv4");
    if (ihl < 20 || len < ihl || total < ihl)
        return false;
    pkt->src.family = pkt->dst.family = 4;
    memcpy(pkt->src.bytes, p + 12, 4);
    memcpy(pkt->dst.bytes, p + 16, 4);
    size_t avail = len < total ? len : total;
    uint16_t frag = be16(p + 6);
    if ((frag & 0x1FFF) != 0 || (frag & 0x2000) != 0) {
        pkt->kind = MR_PACKET_FRAGMENT;
        pkt->frag_proto = p[9];
        pkt->frag_id = be16(p + 4);
        pkt->frag_offset = (uint32_t)(frag & 0x1FFF) * 8;
        pkt->frag_more = (frag & 0x2000) != 0;
        pkt->payload = p + ihl;
        pkt->payload_len = avail - ihl;
        pkt->truncated = avail < total;
        return true;
    }
    return transport(p[9], p + ihl, avail - ihl, total - ihl, pkt, depth);
}

static bool decode_ipv6(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (depth > MAX_DEPTH)
        return undecoded(pkt, "too many nested headers: not decoded");
    if (len < 40)
        return cut(pkt, "IPv6");
    if ((p[0] >> 4) != 6)
        return false;
    size_t payload_len = be16(p + 4);
    uint8_t next = p[6];
    pkt->src.family = pkt->dst.family = 6;
    memcpy(pkt->src.bytes, p + 8, 16);
    memcpy(pkt->dst.bytes, p + 24, 16);
    size_t off = 40;
    size_t end = 40 + payload_len;
    if (payload_len == 0) /* jumbogram or offload: the captured bytes count */
        end = len;
    /* Skip hop-by-hop, routing, destination-options and AH (RFC 4302) headers. */
    while (next == 0 || next == 43 || next == 60 || next == 51) {
        if (len < off + 8)
            return cut(pkt, next == 51 ? "AH" : "IPv6 extension");
        size_t ext = next == 51 ? ((size_t)p[off + 1] + 2) * 4 : ((size_t)p[off + 1] + 1) * 8;
        next = p[off];
        off += ext;
    }
    if (off > len && off <= end)
        return cut(pkt, "IPv6 extension");
    if (off > end)
        return false;
    size_t avail = (len < end ? len : end);
    if (avail < off)
        return false;
    if (next == 44) { /* fragment header */
        if (avail < off + 8)
            return cut(pkt, "IPv6 fragment");
        uint16_t fo = be16(p + off + 2);
        pkt->kind = MR_PACKET_FRAGMENT;
        pkt->frag_proto = p[off];
        pkt->frag_id = be32(p + off + 4);
        pkt->frag_offset = (uint32_t)(fo & 0xFFF8);
        pkt->frag_more = (fo & 1) != 0;
        pkt->payload = p + off + 8;
        pkt->payload_len = avail - off - 8;
        pkt->truncated = avail < end;
        return true;
    }
    return transport(next, p + off, avail - off, end - off, pkt, depth);
}

static bool decode_ip(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (len < 1)
        return false;
    if ((p[0] >> 4) == 4)
        return decode_ipv4(p, len, pkt, depth);
    if ((p[0] >> 4) == 6)
        return decode_ipv6(p, len, pkt, depth);
    return false;
}

/* MPLS label stack, then IPv4/IPv6 by the first nibble, or an Ethernet
 * pseudowire (with its 4-byte control word when the nibble is 0). */
static bool decode_mpls(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    for (;;) {
        if (len < 4)
            return cut(pkt, "MPLS");
        bool bottom = (p[2] & 1) != 0;
        p += 4;
        len -= 4;
        if (bottom)
            break;
    }
    if (len < 1)
        return false;
    switch (p[0] >> 4) {
    case 4:
    case 6:
        return decode_ip(p, len, pkt, depth + 1);
    case 0:
        return len >= 4 && decode_ethernet(p + 4, len - 4, pkt, depth + 1);
    default:
        return decode_ethernet(p, len, pkt, depth + 1);
    }
}

/* What a PPP protocol field (RFC 1661) names: IPv4, IPv6, MPLS followed;
 * control protocols (0x8000 and up: LCP, IPCP, PAP, CHAP, ...) carry no MCP. */
static bool decode_ppp_proto(uint16_t proto, const uint8_t *p, size_t len, struct mr_packet *pkt,
                             int depth)
{
    if (proto == 0x0021 || proto == 0x0057)
        return decode_ip(p, len, pkt, depth + 1);
    if (proto == 0x0281 || proto == 0x0283)
        return decode_mpls(p, len, pkt, depth);
    if (proto >= 0x8000)
        return false;
    return undecoded(pkt, "PPP protocol 0x%04x not decoded", proto);
}

/* PPPoE session (RFC 2516): 6-byte header, PPP protocol, IPv4 or IPv6. */
static bool decode_pppoe(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (len < 8)
        return cut(pkt, "PPPoE");
    if (p[0] != 0x11 || p[1] != 0x00)
        return undecoded(pkt, "PPPoE version/type 0x%02x not decoded", p[0]);
    return decode_ppp_proto(be16(p + 6), p + 8, len - 8, pkt, depth);
}

/*
 * LINKTYPE_PPP (9) and LINKTYPE_PPP_HDLC (50), as Wireshark reads them: an
 * optional HDLC address/control pair FF 03, then the protocol field, one byte
 * when compressed (odd first byte, RFC 1661 §6.5). PPP_HDLC may also hold
 * Cisco HDLC (0x0F/0x8F, 0x00, an ethertype).
 */
static bool decode_ppp(const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    if (len >= 4 && (p[0] == 0x0F || p[0] == 0x8F) && p[1] == 0x00)
        return decode_ethertype(be16(p + 2), p + 4, len - 4, pkt, 0);
    if (len >= 2 && p[0] == 0xFF && p[1] == 0x03) {
        p += 2;
        len -= 2;
    }
    if (len < 1)
        return cut(pkt, "PPP");
    if (p[0] & 1)
        return decode_ppp_proto(p[0], p + 1, len - 1, pkt, 0);
    if (len < 2)
        return cut(pkt, "PPP");
    return decode_ppp_proto(be16(p), p + 2, len - 2, pkt, 0);
}

/*
 * 802.2 LLC (an 802.3 length field, SLL's protocol 4, 802.11): SNAP with OUI 0
 * names an ethertype; SAP 0x06 is IPv4 (RFC 1042 does not use it, some stacks
 * do). Other SAPs (STP, CDP, NetBIOS, ...) carry no MCP.
 */
static bool decode_llc(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (len < 3)
        return cut(pkt, "LLC");
    if (p[0] == 0xAA && p[1] == 0xAA && p[2] == 0x03) {
        if (len < 8)
            return cut(pkt, "SNAP");
        if (p[3] != 0 || p[4] != 0 || p[5] != 0)
            return false; /* an organisation's own protocol (CDP, ...) */
        return decode_ethertype(be16(p + 6), p + 8, len - 8, pkt, depth + 1);
    }
    if (p[0] == 0x06 && p[1] == 0x06 && p[2] == 0x03)
        return decode_ipv4(p + 3, len - 3, pkt, depth + 1);
    return false;
}

/*
 * LINKTYPE_IEEE802_11 (105), no FCS: a data frame's header (24 bytes, +6 with
 * both DS bits, +2 QoS, +4 HT control with QoS and the order bit), then
 * LLC/SNAP. Management and control frames and null data carry no MCP; a
 * protected frame is encrypted.
 */
static bool decode_wlan(const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    if (len < 2)
        return cut(pkt, "802.11");
    uint8_t fc0 = p[0], fc1 = p[1];
    if (((fc0 >> 2) & 3) != 2) /* not a data frame */
        return false;
    if ((fc0 >> 4) & 4) /* null data, CF-Ack, CF-Poll without data */
        return false;
    if (fc1 & 0x40)
        return undecoded(pkt, "802.11 protected (encrypted) frame not decoded");
    size_t hlen = 24;
    if ((fc1 & 3) == 3)
        hlen += 6;
    bool qos = (fc0 >> 4) & 8;
    if (qos)
        hlen += 2;
    if (qos && (fc1 & 0x80))
        hlen += 4;
    if (len < hlen)
        return cut(pkt, "802.11");
    return decode_llc(p + hlen, len - hlen, pkt, 0);
}

static bool decode_ethertype(uint16_t type, const uint8_t *p, size_t len, struct mr_packet *pkt,
                             int depth)
{
    if (depth > MAX_DEPTH)
        return undecoded(pkt, "too many nested headers: not decoded");
    while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
        if (len < 4)
            return cut(pkt, "VLAN tag");
        type = be16(p + 2);
        p += 4;
        len -= 4;
    }
    switch (type) {
    case ETHERTYPE_IPV4:
        return decode_ipv4(p, len, pkt, depth);
    case ETHERTYPE_IPV6:
        return decode_ipv6(p, len, pkt, depth);
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MC:
        return decode_mpls(p, len, pkt, depth);
    case ETHERTYPE_PPPOE_SESS:
        return decode_pppoe(p, len, pkt, depth);
    case ETHERTYPE_TEB:
        return decode_ethernet(p, len, pkt, depth + 1);
    case 0x0806: /* ARP */
    case 0x8035: /* RARP */
    case 0x8808: /* Ethernet flow control */
    case 0x8809: /* slow protocols (LACP) */
    case 0x8863: /* PPPoE discovery */
    case 0x888E: /* EAPOL */
    case 0x8892: /* PROFINET */
    case 0x88A4: /* EtherCAT */
    case 0x88B8: /* GOOSE */
    case 0x88BA: /* sampled values */
    case 0x88CC: /* LLDP */
    case 0x88E3: /* MRP */
    case 0x88F7: /* PTP */
    case 0x8137: /* IPX */
    case 0x9000: /* loopback */
        return false;
    case 0x88E5:
        return undecoded(pkt, "MACsec (encrypted) frame not decoded");
    default:
        if (type <= 1500) /* an 802.3 length: LLC follows */
            return decode_llc(p, len, pkt, depth);
        if (type < 0x0600)
            return false; /* neither a length nor an ethertype */
        return undecoded(pkt, "ethertype 0x%04x not decoded", type);
    }
}

static bool decode_ethernet(const uint8_t *p, size_t len, struct mr_packet *pkt, int depth)
{
    if (len < 14)
        return cut(pkt, "Ethernet");
    return decode_ethertype(be16(p + 12), p + 14, len - 14, pkt, depth);
}

/* BSD loopback: the address family, host order for NULL, network order for LOOP. */
static bool decode_null(const uint8_t *p, size_t len, bool network_order, struct mr_packet *pkt)
{
    if (len < 4)
        return cut(pkt, "BSD loopback");
    uint32_t fam =
        network_order ? be32(p) : (uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
    if (!network_order && (fam & 0xFFFF) == 0) /* written by a big-endian host */
        fam = be32(p);
    if (fam == 2)
        return decode_ipv4(p + 4, len - 4, pkt, 0);
    if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
        return decode_ipv6(p + 4, len - 4, pkt, 0);
    return undecoded(pkt, "BSD loopback address family %u not decoded", fam);
}

/* NUL-padded name tag equal to NAME. */
static bool name_is(const uint8_t *p, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (len < n || memcmp(p, name, n) != 0)
        return false;
    for (size_t i = n; i < len; i++)
        if (p[i] != '\0')
            return false;
    return true;
}

/*
 * Exported PDU: "mcp5a.serial" (§5: a chunk of a serial byte stream, with a
 * direction tag) or "mcp5a" (§6 PDU export: exactly one frame, with the
 * addresses, port type and ports of the TCP/UDP conversation it came from).
 */
static bool decode_upper_pdu(const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    size_t off = 0;
    enum { OTHER, SERIAL, FRAME } what = OTHER;
    int direction = -1; /* no tag: a half-duplex bus (§5) */
    uint32_t port_type = 0;
    for (;;) {
        if (len < off + 4)
            return cut(pkt, "exported PDU");
        uint16_t tag = be16(p + off);
        size_t tag_len = be16(p + off + 2);
        off += 4;
        if (tag == EXP_PDU_TAG_END)
            break;
        if (len < off + tag_len)
            return cut(pkt, "exported PDU");
        const uint8_t *v = p + off;
        if (tag == EXP_PDU_TAG_DISSECTOR_NAME) {
            what = name_is(v, tag_len, "mcp5a.serial") ? SERIAL
                   : name_is(v, tag_len, "mcp5a")      ? FRAME
                                                       : OTHER;
        } else if (tag == EXP_PDU_TAG_P2P_DIRECTION && tag_len == 4) {
            /* §5 defines 0, 1 and 0xFFFFFFFF (unknown, as absent); any other
             * value is direction 0, as the plugin reads it (p2p_dir RECV or not). */
            uint32_t dv = be32(v);
            direction = dv == 0xFFFFFFFFu ? -1 : dv == 1 ? 1 : 0;
        } else if ((tag == EXP_PDU_TAG_IPV4_SRC || tag == EXP_PDU_TAG_IPV4_DST) && tag_len == 4) {
            struct mr_addr *a = tag == EXP_PDU_TAG_IPV4_SRC ? &pkt->src : &pkt->dst;
            a->family = 4;
            memcpy(a->bytes, v, 4);
        } else if ((tag == EXP_PDU_TAG_IPV6_SRC || tag == EXP_PDU_TAG_IPV6_DST) && tag_len == 16) {
            struct mr_addr *a = tag == EXP_PDU_TAG_IPV6_SRC ? &pkt->src : &pkt->dst;
            a->family = 6;
            memcpy(a->bytes, v, 16);
        } else if (tag == EXP_PDU_TAG_PORT_TYPE && tag_len == 4) {
            port_type = be32(v);
        } else if (tag == EXP_PDU_TAG_SRC_PORT && tag_len == 4) {
            pkt->sport = (uint16_t)be32(v);
        } else if (tag == EXP_PDU_TAG_DST_PORT && tag_len == 4) {
            pkt->dport = (uint16_t)be32(v);
        }
        off += tag_len;
    }
    pkt->payload = p + off;
    pkt->payload_len = len - off;
    if (what == SERIAL) {
        pkt->kind = MR_PACKET_SERIAL;
        pkt->serial_direction = direction;
        return true;
    }
    if (what != FRAME)
        return false;
    if (port_type == EXP_PDU_PT_TCP || port_type == EXP_PDU_PT_UDP) {
        if (pkt->src.family == 0 || pkt->src.family != pkt->dst.family)
            return false;
        pkt->kind = port_type == EXP_PDU_PT_TCP ? MR_PACKET_TCP : MR_PACKET_UDP;
        pkt->whole_frames = true;
        return true;
    }
    /* No addresses: a serial frame, direction from its tag. */
    pkt->kind = MR_PACKET_SERIAL;
    pkt->serial_direction = direction;
    pkt->whole_frames = true;
    return true;
}

bool mr_packet_decode(int linktype, const uint8_t *data, size_t caplen, struct mr_packet *pkt)
{
    memset(pkt, 0, sizeof *pkt);
    bool ok = false;
    switch (linktype) {
    case DLT_EN10MB:
        ok = decode_ethernet(data, caplen, pkt, 0);
        break;
    case DLT_LINUX_SLL:
        ok = caplen >= 16 && decode_ethertype(be16(data + 14), data + 16, caplen - 16, pkt, 0);
        break;
    case DLT_LINUX_SLL2:
        ok = caplen >= 20 && decode_ethertype(be16(data), data + 20, caplen - 20, pkt, 0);
        break;
    case DLT_RAW:
    case 14:  /* DLT_RAW on OpenBSD */
    case 101: /* LINKTYPE_RAW */
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
        ok = decode_ip(data, caplen, pkt, 0);
        break;
    case DLT_NULL:
        ok = decode_null(data, caplen, false, pkt);
        break;
    case DLT_LOOP:
        ok = decode_null(data, caplen, true, pkt);
        break;
    case LINKTYPE_UPPER_PDU:
        ok = decode_upper_pdu(data, caplen, pkt);
        break;
    case DLT_PPP:
    case 50: /* LINKTYPE_PPP_HDLC */
        ok = decode_ppp(data, caplen, pkt);
        break;
    case DLT_IEEE802_11:
        ok = decode_wlan(data, caplen, pkt);
        break;
    default: {
        const char *name = pcap_datalink_val_to_name(linktype);
        if (name != NULL)
            undecoded(pkt, "link type %d (%s) not decoded", linktype, name);
        else
            undecoded(pkt, "link type %d not decoded", linktype);
        break;
    }
    }
    if (!ok)
        pkt->kind = MR_PACKET_OTHER;
    else
        pkt->undecoded = NULL; /* a text left by a branch that did not lead to the result */
    return ok;
}

void mr_addr_format(const struct mr_addr *addr, char *out, size_t out_len)
{
    if (inet_ntop(addr->family == 6 ? AF_INET6 : AF_INET, addr->bytes, out, (socklen_t)out_len) ==
        NULL)
        snprintf(out, out_len, "?");
}

void mr_endpoint_format(const struct mr_addr *addr, uint16_t port, char *out, size_t out_len)
{
    char a[INET6_ADDRSTRLEN];
    mr_addr_format(addr, a, sizeof a);
    if (addr->family == 6)
        snprintf(out, out_len, "[%s]:%u", a, port);
    else
        snprintf(out, out_len, "%s:%u", a, port);
}

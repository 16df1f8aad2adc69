/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decodes one capture record down to its MCP-carrying payload: link layer
 * (Ethernet with 802.1Q/802.1ad/0x9100 tags at any depth, MPLS, PPPoE,
 * Linux SLL and SLL2, raw IP, BSD NULL/LOOP, PPP (linktypes 9 and 50),
 * 802.11 data frames with LLC/SNAP (105), 802.3 LLC/SNAP, exported PDU) -> IPv4/IPv6
 * (extension headers and AH skipped)
 * (tunnels: GRE incl. transparent Ethernet bridging, IP-in-IP, VXLAN on UDP
 * 4789, GENEVE on UDP 6081) -> UDP/TCP, or a serial chunk, or an IP fragment
 * for the caller to reassemble. Checksums are never verified.
 */
#ifndef MR_PACKET_H
#define MR_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mr_packet_kind {
    MR_PACKET_OTHER, /* nothing MCP could travel in */
    MR_PACKET_UDP,
    MR_PACKET_TCP,
    MR_PACKET_SERIAL,
    MR_PACKET_FRAGMENT /* an IPv4/IPv6 fragment: see frag_* */
};

#define MR_TCP_FIN 0x01
#define MR_TCP_SYN 0x02
#define MR_TCP_RST 0x04
#define MR_TCP_ACK 0x10

struct mr_addr {
    uint8_t family; /* 4 or 6 */
    uint8_t bytes[16];
};

struct mr_packet {
    enum mr_packet_kind kind;
    struct mr_addr src, dst;
    uint16_t sport, dport;
    uint32_t tcp_seq;
    uint32_t tcp_ack;
    uint8_t tcp_flags;
    uint16_t tcp_window;    /* the window field as sent (unscaled) */
    int8_t tcp_wscale;      /* SYN: its window scale option, -1 without one */
    int serial_direction;   /* 0 master -> device, 1 device -> master, -1 unknown (§5) */
    const uint8_t *payload; /* transport payload as captured */
    size_t payload_len;     /* bytes present in the record */
    size_t tcp_wire_len;    /* TCP: payload bytes on the wire (IP's length) */
    bool truncated;         /* the record holds less than the datagram/segment */
    bool whole_frames;      /* exported PDU "mcp5a": the payload is exactly one frame */
    uint32_t serial_line;   /* reserved for the caller (capture interface) */
    /* MR_PACKET_FRAGMENT: src/dst set, payload = this fragment's bytes */
    uint8_t frag_proto;   /* transport protocol of the datagram */
    uint32_t frag_id;     /* IPv4 identification or IPv6 fragment id */
    uint32_t frag_offset; /* bytes */
    bool frag_more;       /* more fragments follow */
    /* Decoding stopped at a layer this decoder does not read but which might
     * carry MCP (a link type, ethertype or IP protocol not decoded, ESP,
     * headers cut by the snaplen): a static text naming it, for the record's
     * skip. NULL when the record was decoded, or decoded far enough to know it
     * carries no MCP (ARP, ICMP, another exported dissector, ...). */
    const char *undecoded;
};

/*
 * Fills *pkt; returns false (kind OTHER) for anything that is not UDP, TCP or
 * serial MCP, with pkt->undecoded set when the record might still hold MCP.
 */
bool mr_packet_decode(int linktype, const uint8_t *data, size_t caplen, struct mr_packet *pkt);

/*
 * The transport layer of a reassembled datagram: pkt's addresses are kept,
 * proto 17 (UDP, tunnels followed) or 6 (TCP); len bytes at p. false: other.
 */
bool mr_packet_decode_transport(uint8_t proto, const uint8_t *p, size_t len, struct mr_packet *pkt);

/* "10.0.0.1" or "::1" */
void mr_addr_format(const struct mr_addr *addr, char *out, size_t out_len);
/* "10.0.0.1:23130" or "[::1]:23130" */
void mr_endpoint_format(const struct mr_addr *addr, uint16_t port, char *out, size_t out_len);

#endif

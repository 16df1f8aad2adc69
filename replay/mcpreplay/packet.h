/*
 * Decodes one capture record down to its MCP-carrying payload: link layer
 * (Ethernet with 802.1Q/802.1ad tags, Linux SLL and SLL2, raw IP, BSD
 * NULL/LOOP, exported PDU) -> IPv4/IPv6 -> UDP/TCP, or a serial chunk.
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
    MR_PACKET_SERIAL
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
    uint8_t tcp_flags;
    int serial_direction;   /* 0 master -> device, 1 device -> master, -1 unknown (§5) */
    const uint8_t *payload; /* transport payload as captured */
    size_t payload_len;     /* bytes present in the record */
    bool truncated;         /* the record holds less than the datagram/segment */
};

/* Fills *pkt; returns false (kind OTHER) for anything that is not UDP, TCP or serial MCP. */
bool mr_packet_decode(int linktype, const uint8_t *data, size_t caplen, struct mr_packet *pkt);

/* "10.0.0.1" or "::1" */
void mr_addr_format(const struct mr_addr *addr, char *out, size_t out_len);
/* "10.0.0.1:23130" or "[::1]:23130" */
void mr_endpoint_format(const struct mr_addr *addr, uint16_t port, char *out, size_t out_len);

#endif

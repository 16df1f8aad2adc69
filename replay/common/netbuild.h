/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link, IP and transport headers for the packets the tools write into
 * captures (mcpgen's records, mcpreplay -w): Ethernet (optionally
 * 802.1Q tagged), Linux cooked (SLL) or none (raw IP), IPv4 (header checksum)
 * or IPv6, UDP or TCP with correct checksums.
 */
#ifndef MCP_NETBUILD_H
#define MCP_NETBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_host {
    bool v6;
    uint8_t addr[16]; /* IPv4 in the first 4 bytes */
    uint8_t mac[6];
};

enum net_link {
    NET_LINK_ETHERNET,
    NET_LINK_VLAN, /* Ethernet with an 802.1Q tag */
    NET_LINK_SLL,  /* Linux cooked v1 */
    NET_LINK_RAW   /* no link header: the packet starts with IP */
};

struct net_config {
    enum net_link link;
    uint16_t vlan_id;
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

struct tcp_fields {
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;
    bool mss_option; /* SYN and SYN-ACK carry MSS */
    uint16_t mss;
};

/* Room for the largest headers: VLAN Ethernet + IPv6 + TCP with options. */
#define NET_MAX_HEADERS (18 + 40 + 24)

/*
 * Writes one packet into out (at least NET_MAX_HEADERS + len bytes) and
 * returns its length. tcp NULL: UDP. outgoing: SLL packet type "sent by us"
 * (the capture point is the masters' side).
 */
size_t net_build(const struct net_config *cfg, const struct net_host *src,
                 const struct net_host *dst, uint16_t sport, uint16_t dport, uint16_t ip_id,
                 const struct tcp_fields *tcp, bool outgoing, const uint8_t *payload, size_t len,
                 uint8_t *out);

/* "10.0.0.1:40001" or "[fd00::1]:40001". */
void net_format_endpoint(const struct net_host *h, uint16_t port, char *out, size_t cap);

/* The Internet checksum (RFC 1071) of data, continuing from sum. */
uint32_t net_sum(uint32_t sum, const uint8_t *data, size_t len);
uint16_t net_fold(uint32_t sum);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Packet headers with correct checksums (RFC 791, 768, 793, 8200). */
#include "netbuild.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t net_sum(uint32_t sum, const uint8_t *data, size_t len)
{
    size_t i = 0;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (i < len)
        sum += (uint32_t)(data[i] << 8);
    return sum;
}

uint16_t net_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static size_t link_header(const struct net_config *cfg, const struct net_host *src,
                          const struct net_host *dst, bool outgoing, uint8_t *out)
{
    uint16_t ethertype = src->v6 ? 0x86DD : 0x0800;
    if (cfg->link == NET_LINK_RAW)
        return 0;
    if (cfg->link == NET_LINK_SLL) {
        /* Linux cooked v1: packet type, ARPHRD_ETHER, address length, address, protocol. */
        bool bcast = memcmp(dst->mac, "\xff\xff\xff\xff\xff\xff", 6) == 0;
        put16(out, outgoing ? 4 : (bcast ? 1 : 0));
        put16(out + 2, 1);
        put16(out + 4, 6);
        memcpy(out + 6, src->mac, 6);
        out[12] = out[13] = 0;
        put16(out + 14, ethertype);
        return 16;
    }
    memcpy(out, dst->mac, 6);
    memcpy(out + 6, src->mac, 6);
    size_t n = 12;
    if (cfg->link == NET_LINK_VLAN) {
        put16(out + n, 0x8100);
        put16(out + n + 2, cfg->vlan_id & 0x0FFF);
        n += 4;
    }
    put16(out + n, ethertype);
    return n + 2;
}

static uint32_t pseudo_sum(const struct net_host *src, const struct net_host *dst, uint8_t proto,
                           size_t l4_len)
{
    uint32_t sum = 0;
    size_t alen = src->v6 ? 16 : 4;
    sum = net_sum(sum, src->addr, alen);
    sum = net_sum(sum, dst->addr, alen);
    sum += proto;
    sum += (uint32_t)(l4_len & 0xFFFF) + (uint32_t)(l4_len >> 16);
    return sum;
}

size_t net_build(const struct net_config *cfg, const struct net_host *src,
                 const struct net_host *dst, uint16_t sport, uint16_t dport, uint16_t ip_id,
                 const struct tcp_fields *tcp, bool outgoing, const uint8_t *payload, size_t len,
                 uint8_t *out)
{
    size_t n = link_header(cfg, src, dst, outgoing, out);
    uint8_t *ip = out + n;
    size_t ip_hlen = src->v6 ? 40 : 20;
    uint8_t *l4 = ip + ip_hlen;
    uint8_t proto = tcp != NULL ? 6 : 17;
    size_t l4_hlen;

    if (tcp != NULL) {
        l4_hlen = tcp->mss_option ? 24 : 20;
        put16(l4, sport);
        put16(l4 + 2, dport);
        put32(l4 + 4, tcp->seq);
        put32(l4 + 8, tcp->ack);
        l4[12] = (uint8_t)((l4_hlen / 4) << 4);
        l4[13] = tcp->flags;
        put16(l4 + 14, 65535); /* window */
        put16(l4 + 16, 0);     /* checksum, below */
        put16(l4 + 18, 0);     /* urgent pointer */
        if (tcp->mss_option) {
            l4[20] = 2;
            l4[21] = 4;
            put16(l4 + 22, tcp->mss);
        }
    } else {
        l4_hlen = 8;
        put16(l4, sport);
        put16(l4 + 2, dport);
        put16(l4 + 4, (uint16_t)(8 + len));
        put16(l4 + 6, 0);
    }
    if (len > 0)
        memcpy(l4 + l4_hlen, payload, len);
    size_t l4_len = l4_hlen + len;
    uint16_t ck = net_fold(net_sum(pseudo_sum(src, dst, proto, l4_len), l4, l4_len));
    if (tcp == NULL && ck == 0)
        ck = 0xFFFF; /* UDP: 0 means "no checksum" */
    put16(l4 + (tcp != NULL ? 16 : 6), ck);

    if (src->v6) {
        put32(ip, 0x60000000u);
        put16(ip + 4, (uint16_t)l4_len);
        ip[6] = proto;
        ip[7] = 64;
        memcpy(ip + 8, src->addr, 16);
        memcpy(ip + 24, dst->addr, 16);
    } else {
        ip[0] = 0x45;
        ip[1] = 0;
        put16(ip + 2, (uint16_t)(20 + l4_len));
        put16(ip + 4, ip_id);
        put16(ip + 6, tcp != NULL ? 0x4000 : 0); /* DF for TCP */
        ip[8] = 64;
        ip[9] = proto;
        put16(ip + 10, 0);
        memcpy(ip + 12, src->addr, 4);
        memcpy(ip + 16, dst->addr, 4);
        put16(ip + 10, net_fold(net_sum(0, ip, 20)));
    }
    return n + ip_hlen + l4_len;
}

void net_format_endpoint(const struct net_host *h, uint16_t port, char *out, size_t cap)
{
    char text[INET6_ADDRSTRLEN];
    inet_ntop(h->v6 ? AF_INET6 : AF_INET, h->addr, text, sizeof text);
    if (h->v6)
        snprintf(out, cap, "[%s]:%u", text, port);
    else
        snprintf(out, cap, "%s:%u", text, port);
}

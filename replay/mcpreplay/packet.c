/* Link-layer, network and transport decoding of capture records. */
#include "packet.h"

#include <arpa/inet.h>
#include <pcap/dlt.h>
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

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool decode_transport(uint8_t proto, const uint8_t *p, size_t len, size_t wire_len,
                             struct mr_packet *pkt)
{
    if (proto == 17) {
        if (len < 8)
            return false;
        pkt->sport = be16(p);
        pkt->dport = be16(p + 2);
        size_t udp_len = be16(p + 4);
        if (udp_len < 8)
            return false;
        size_t avail = len - 8;
        size_t want = udp_len - 8;
        if (wire_len < udp_len) /* IP says less than UDP does */
            want = wire_len > 8 ? wire_len - 8 : 0;
        pkt->kind = MR_PACKET_UDP;
        pkt->payload = p + 8;
        pkt->payload_len = avail < want ? avail : want;
        pkt->truncated = avail < want;
        return true;
    }
    if (proto == 6) {
        if (len < 20)
            return false;
        size_t hlen = (size_t)(p[12] >> 4) * 4;
        if (hlen < 20 || len < hlen)
            return false;
        pkt->sport = be16(p);
        pkt->dport = be16(p + 2);
        pkt->tcp_seq = be32(p + 4);
        pkt->tcp_flags = p[13];
        size_t want = wire_len > hlen ? wire_len - hlen : 0;
        size_t avail = len - hlen;
        pkt->kind = MR_PACKET_TCP;
        pkt->payload = p + hlen;
        pkt->payload_len = avail < want ? avail : want;
        pkt->truncated = avail < want;
        return true;
    }
    return false;
}

static bool decode_ipv4(const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    if (len < 20 || (p[0] >> 4) != 4)
        return false;
    size_t ihl = (size_t)(p[0] & 0x0F) * 4;
    size_t total = be16(p + 2);
    if (ihl < 20 || len < ihl || total < ihl)
        return false;
    uint16_t frag = be16(p + 6);
    if ((frag & 0x1FFF) != 0 || (frag & 0x2000) != 0)
        return false; /* fragments are not reassembled */
    pkt->src.family = pkt->dst.family = 4;
    memcpy(pkt->src.bytes, p + 12, 4);
    memcpy(pkt->dst.bytes, p + 16, 4);
    size_t avail = len < total ? len : total;
    return decode_transport(p[9], p + ihl, avail - ihl, total - ihl, pkt);
}

static bool decode_ipv6(const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    if (len < 40 || (p[0] >> 4) != 6)
        return false;
    size_t payload_len = be16(p + 4);
    uint8_t next = p[6];
    pkt->src.family = pkt->dst.family = 6;
    memcpy(pkt->src.bytes, p + 8, 16);
    memcpy(pkt->dst.bytes, p + 24, 16);
    size_t off = 40;
    size_t end = 40 + payload_len;
    /* Skip hop-by-hop, routing and destination-options headers. */
    while (next == 0 || next == 43 || next == 60) {
        if (len < off + 8)
            return false;
        size_t ext = ((size_t)p[off + 1] + 1) * 8;
        next = p[off];
        off += ext;
    }
    if (next == 44 || off > end) /* fragments are not reassembled */
        return false;
    size_t avail = (len < end ? len : end);
    if (avail < off)
        return false;
    return decode_transport(next, p + off, avail - off, end - off, pkt);
}

static bool decode_ethertype(uint16_t type, const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
        if (len < 4)
            return false;
        type = be16(p + 2);
        p += 4;
        len -= 4;
    }
    if (type == ETHERTYPE_IPV4)
        return decode_ipv4(p, len, pkt);
    if (type == ETHERTYPE_IPV6)
        return decode_ipv6(p, len, pkt);
    return false;
}

static bool decode_raw_ip(const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    if (len < 1)
        return false;
    if ((p[0] >> 4) == 4)
        return decode_ipv4(p, len, pkt);
    if ((p[0] >> 4) == 6)
        return decode_ipv6(p, len, pkt);
    return false;
}

/* BSD loopback: the address family, host order for NULL, network order for LOOP. */
static bool decode_null(const uint8_t *p, size_t len, bool network_order, struct mr_packet *pkt)
{
    if (len < 4)
        return false;
    uint32_t fam =
        network_order ? be32(p) : (uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
    if (!network_order && (fam & 0xFFFF) == 0) /* written by a big-endian host */
        fam = be32(p);
    if (fam == 2)
        return decode_ipv4(p + 4, len - 4, pkt);
    if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
        return decode_ipv6(p + 4, len - 4, pkt);
    return false;
}

/* Exported PDU (docs/PROTOCOL.md §5): tags, then the serial chunk. */
static bool decode_upper_pdu(const uint8_t *p, size_t len, struct mr_packet *pkt)
{
    size_t off = 0;
    bool is_mcp = false;
    int direction = -1; /* no tag: a half-duplex bus (§5) */
    for (;;) {
        if (len < off + 4)
            return false;
        uint16_t tag = be16(p + off);
        size_t tag_len = be16(p + off + 2);
        off += 4;
        if (tag == EXP_PDU_TAG_END)
            break;
        if (len < off + tag_len)
            return false;
        if (tag == EXP_PDU_TAG_DISSECTOR_NAME) {
            const char *name = "mcp5a.serial";
            size_t n = strlen(name);
            /* The name may be padded with NULs to a multiple of 4. */
            is_mcp = tag_len >= n && memcmp(p + off, name, n) == 0 &&
                     (tag_len == n || p[off + n] == '\0');
        } else if (tag == EXP_PDU_TAG_P2P_DIRECTION && tag_len == 4) {
            direction = (int)be32(p + off); /* 0xFFFFFFFF: -1, unknown (§5) */
        }
        off += tag_len;
    }
    if (!is_mcp)
        return false;
    pkt->kind = MR_PACKET_SERIAL;
    pkt->serial_direction = direction;
    pkt->payload = p + off;
    pkt->payload_len = len - off;
    return true;
}

bool mr_packet_decode(int linktype, const uint8_t *data, size_t caplen, struct mr_packet *pkt)
{
    memset(pkt, 0, sizeof *pkt);
    bool ok = false;
    switch (linktype) {
    case DLT_EN10MB:
        ok = caplen >= 14 && decode_ethertype(be16(data + 12), data + 14, caplen - 14, pkt);
        break;
    case DLT_LINUX_SLL:
        ok = caplen >= 16 && decode_ethertype(be16(data + 14), data + 16, caplen - 16, pkt);
        break;
    case DLT_LINUX_SLL2:
        ok = caplen >= 20 && decode_ethertype(be16(data), data + 20, caplen - 20, pkt);
        break;
    case DLT_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
        ok = decode_raw_ip(data, caplen, pkt);
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
    default:
        break;
    }
    if (!ok)
        pkt->kind = MR_PACKET_OTHER;
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing what was sent and received as a capture. */
#include "recorder.h"

#include <errno.h>

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <string.h>

#include "target.h"
#include "netbuild.h"

#define LINKTYPE_UPPER_PDU 252

/* One socket's conversation with the target. */
struct conversation {
    struct sockaddr_storage local, peer;
    uint32_t seq_out, seq_in; /* TCP: next sequence numbers of each side */
};

struct mcp_recorder {
    enum mcp_record_kind kind;
    pcap_t *dead;
    pcap_dumper_t *dumper;
    GArray *convs; /* struct conversation, one per socket to the target */
    uint16_t ip_id;
    uint8_t *buf;
    char *path;
    int write_errno; /* the first failed write's errno (h19 #4), 0 while all went well */
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* The address of a socket as the packet builder takes it. */
static struct net_host host_of(const struct sockaddr_storage *ss, uint16_t *port)
{
    struct net_host h;
    memset(&h, 0, sizeof h);
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        h.v6 = true;
        memcpy(h.addr, s6->sin6_addr.s6_addr, 16);
        *port = ntohs(s6->sin6_port);
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        memcpy(h.addr, &s4->sin_addr, 4);
        *port = ntohs(s4->sin_port);
    }
    return h;
}

static void dump(struct mcp_recorder *r, int64_t realtime_ns, const uint8_t *data, size_t len)
{
    struct pcap_pkthdr hdr;
    hdr.ts.tv_sec = realtime_ns / 1000000000;
    hdr.ts.tv_usec = realtime_ns % 1000000000; /* nanoseconds: the file is ns-precision */
    hdr.caplen = hdr.len = (bpf_u_int32)len;
    if (r->write_errno != 0)
        return; /* the file is already broken: nothing more is written */
    errno = 0;
    pcap_dump((u_char *)r->dumper, &hdr, data);
    if (ferror(pcap_dump_file(r->dumper)))
        r->write_errno = errno != 0 ? errno : EIO;
}

/* One IP packet carrying a UDP datagram or a TCP segment from `from` to `to`. */
static void write_ip(struct mcp_recorder *r, struct conversation *c, bool to_target,
                     int64_t realtime_ns, uint8_t tcp_flags, const uint8_t *payload, size_t len)
{
    uint16_t sport, dport;
    struct net_host from = host_of(to_target ? &c->local : &c->peer, &sport);
    struct net_host to = host_of(to_target ? &c->peer : &c->local, &dport);
    const struct net_config raw = {.link = NET_LINK_RAW, .vlan_id = 0};
    struct tcp_fields tcp;
    memset(&tcp, 0, sizeof tcp);
    if (r->kind == MCP_RECORD_TCP) {
        uint32_t *mine = to_target ? &c->seq_out : &c->seq_in;
        uint32_t *theirs = to_target ? &c->seq_in : &c->seq_out;
        tcp.seq = *mine;
        tcp.ack = (tcp_flags & TCP_ACK) ? *theirs : 0;
        tcp.flags = tcp_flags;
        *mine += (uint32_t)len + ((tcp_flags & TCP_SYN) ? 1u : 0u);
    }
    size_t n = net_build(&raw, &from, &to, sport, dport, r->ip_id++,
                         r->kind == MCP_RECORD_TCP ? &tcp : NULL, to_target, payload, len, r->buf);
    dump(r, realtime_ns, r->buf, n);
}

static void handshake(struct mcp_recorder *r, struct conversation *c, int64_t realtime_ns)
{
    c->seq_out = 0x10000000;
    c->seq_in = 0x20000000;
    write_ip(r, c, true, realtime_ns, 0x02, NULL, 0);  /* SYN */
    write_ip(r, c, false, realtime_ns, 0x12, NULL, 0); /* SYN, ACK */
    write_ip(r, c, true, realtime_ns, 0x10, NULL, 0);  /* ACK */
}

static struct conversation *conversation(struct mcp_recorder *r, unsigned conv)
{
    if (conv >= r->convs->len)
        return NULL;
    return &g_array_index(r->convs, struct conversation, conv);
}

struct mcp_recorder *mcp_recorder_open(const char *path, enum mcp_record_kind kind, int linktype,
                                       GError **error)
{
    int dlt = kind == MCP_RECORD_SERIAL ? LINKTYPE_UPPER_PDU
              : kind == MCP_RECORD_L2   ? linktype
                                        : DLT_RAW;
    struct mcp_recorder *r = g_new0(struct mcp_recorder, 1);
    r->kind = kind;
    r->buf = g_malloc(NET_MAX_HEADERS + 65536 + 8192);
    r->convs = g_array_new(FALSE, TRUE, sizeof(struct conversation));
    r->dead = pcap_open_dead_with_tstamp_precision(dlt, 262144, PCAP_TSTAMP_PRECISION_NANO);
    r->dumper = r->dead != NULL ? pcap_dump_open(r->dead, path) : NULL;
    if (r->dumper == NULL) {
        g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_OUTPUT, "--write %s: %s", path,
                    r->dead != NULL ? pcap_geterr(r->dead) : "cannot create a capture");
        if (r->dead != NULL)
            pcap_close(r->dead);
        g_array_free(r->convs, TRUE);
        g_free(r->buf);
        g_free(r);
        return NULL;
    }
    r->path = g_strdup(path);
    return r;
}

void mcp_recorder_conversation(struct mcp_recorder *r, unsigned conv,
                               const struct sockaddr_storage *local,
                               const struct sockaddr_storage *peer, int64_t realtime_ns)
{
    if (r == NULL || (r->kind != MCP_RECORD_UDP && r->kind != MCP_RECORD_TCP))
        return;
    if (conv >= r->convs->len)
        g_array_set_size(r->convs, conv + 1);
    struct conversation *c = conversation(r, conv);
    c->local = *local;
    c->peer = *peer;
    if (r->kind == MCP_RECORD_TCP)
        handshake(r, c, realtime_ns);
}

void mcp_recorder_reconnected(struct mcp_recorder *r, unsigned conv,
                              const struct sockaddr_storage *local, int64_t realtime_ns)
{
    struct conversation *c = r != NULL ? conversation(r, conv) : NULL;
    if (c == NULL || r->kind != MCP_RECORD_TCP)
        return;
    c->local = *local;
    handshake(r, c, realtime_ns);
}

static bool failed(const struct mcp_recorder *r, int err, GError **error)
{
    g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_OUTPUT,
                "--write %s: writing the capture failed: %s (the recording is incomplete)",
                strcmp(r->path, "/dev/stdout") == 0 ? "-" : r->path,
                err == EPIPE ? "the reader closed the pipe" : g_strerror(err));
    return false;
}

bool mcp_recorder_ok(const struct mcp_recorder *r, GError **error)
{
    return r == NULL || r->write_errno == 0 || failed(r, r->write_errno, error);
}

bool mcp_recorder_close(struct mcp_recorder *r, GError **error)
{
    if (r == NULL)
        return true;
    bool ok = mcp_recorder_ok(r, error);
    if (ok) {
        errno = 0;
        if (pcap_dump_flush(r->dumper) != 0 || ferror(pcap_dump_file(r->dumper)))
            ok = failed(r, errno != 0 ? errno : EIO, error);
    }
    pcap_dump_close(r->dumper);
    pcap_close(r->dead);
    g_array_free(r->convs, TRUE);
    g_free(r->buf);
    g_free(r->path);
    g_free(r);
    return ok;
}

static void write_serial(struct mcp_recorder *r, bool to_target, int64_t realtime_ns,
                         const uint8_t *bytes, size_t len)
{
    static const char name[] = "mcp5a.serial"; /* 12 bytes: a multiple of 4, no padding */
    uint8_t *p = r->buf;
    size_t off = 0;
    put16(p + off, 12); /* EXP_PDU_TAG_DISSECTOR_NAME */
    put16(p + off + 2, (uint16_t)(sizeof name - 1));
    memcpy(p + off + 4, name, sizeof name - 1);
    off += 4 + sizeof name - 1;
    put16(p + off, 35); /* EXP_PDU_TAG_P2P_DIRECTION */
    put16(p + off + 2, 4);
    put32(p + off + 4, to_target ? 0 : 1);
    off += 8;
    put16(p + off, 0); /* end of tags */
    put16(p + off + 2, 0);
    off += 4;
    memcpy(p + off, bytes, len);
    dump(r, realtime_ns, p, off + len);
}

void mcp_recorder_add(struct mcp_recorder *r, unsigned conv, bool to_target, int64_t realtime_ns,
                      const uint8_t *bytes, size_t len)
{
    if (r == NULL)
        return;
    struct conversation *c = conversation(r, conv);
    switch (r->kind) {
    case MCP_RECORD_UDP:
        if (c != NULL)
            write_ip(r, c, to_target, realtime_ns, 0, bytes, len);
        break;
    case MCP_RECORD_TCP:
        if (c != NULL)
            write_ip(r, c, to_target, realtime_ns, 0x18, bytes, len); /* PSH, ACK */
        break;
    case MCP_RECORD_SERIAL:
        write_serial(r, to_target, realtime_ns, bytes, len);
        break;
    case MCP_RECORD_L2:
        if (to_target)
            dump(r, realtime_ns, bytes, len);
        break;
    }
}

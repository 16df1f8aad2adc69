/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Targets of the tools (mcpreplay, mcppoll): see target.h. */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <termios.h>
#include <unistd.h>

#include "icmperr.h"
#include "mcp/stream.h"

G_DEFINE_QUARK(mcp - target - error - quark, mcp_target_error)

struct mcp_target {
    struct mcp_target_config cfg;
    struct mcp_endpoint ep;
    char url[320];
    int fd;
    pcap_t *pcap;
    struct mcp_stream *rx_stream;
    unsigned reconnects_left;
    uint64_t reconnects;
    mcp_rx_cb cb;
    void *cb_ctx;
    uint64_t junk_bytes;  /* received bytes that are not MCP frames */
    uint64_t junk_chunks; /* datagrams (UDP) or runs of such bytes (TCP, serial) */
};

static void set_lost(struct mcp_target *t, GError **error, const char *what, int err)
{
    g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE, "target %s: %s: %s", t->url, what,
                g_strerror(err));
}

static bool wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    int rc;
    do
        rc = poll(&p, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    return rc > 0;
}

static bool open_udp(struct mcp_target *t, GError **error)
{
    t->fd = socket(t->ep.addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (t->fd < 0) {
        set_lost(t, error, "socket", errno);
        return false;
    }
    int bufsize = 4 << 20;
    setsockopt(t->fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
    setsockopt(t->fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
    /* every ICMP error for our datagrams (a router's net/host unreachable too), not only
     * the "hard" ones: read from the error queue by unreachable() */
    mcp_icmp_errors_enable(t->fd, t->ep.addr.ss_family);
    if (connect(t->fd, (struct sockaddr *)&t->ep.addr, t->ep.addr_len) != 0) {
        set_lost(t, error, "cannot reach", errno);
        return false;
    }
    return true;
}

static bool connect_tcp(struct mcp_target *t, GError **error)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = socket(t->ep.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (t->fd < 0) {
        set_lost(t, error, "socket", errno);
        return false;
    }
    int one = 1;
    setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(t->fd, (struct sockaddr *)&t->ep.addr, t->ep.addr_len) != 0) {
        if (errno != EINPROGRESS) {
            set_lost(t, error, "cannot connect", errno);
            return false;
        }
        if (!wait_fd(t->fd, POLLOUT, t->cfg.stall_ms)) {
            set_lost(t, error, "cannot connect", ETIMEDOUT);
            return false;
        }
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            set_lost(t, error, "cannot connect", err);
            return false;
        }
    }
    if (t->rx_stream != NULL) {
        struct mcp_stream_config cfg = t->rx_stream->config;
        mcp_stream_init(t->rx_stream, &cfg);
    }
    return true;
}

static bool open_serial(struct mcp_target *t, GError **error)
{
    t->fd = open(t->ep.path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (t->fd < 0) {
        set_lost(t, error, "cannot open the serial device", errno);
        return false;
    }
    char why[256];
    if (mcp_serial_apply(t->fd, &t->ep.serial, why, sizeof why) != MCP_SERIAL_OK) {
        /* a line that is no terminal or refuses the URL's settings cannot be replayed to */
        g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE, "target %s: %s", t->url, why);
        return false;
    }
    /* Bytes waiting in the line from before (a previous session's late answer or NAK) are
     * not this session's: counted, they would be junk or answers to nothing (a tester's
     * finding). */
    tcflush(t->fd, TCIFLUSH);
    return true;
}

static bool open_iface(struct mcp_target *t, GError **error)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    t->pcap = pcap_create(t->ep.path, errbuf);
    if (t->pcap == NULL) {
        g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE, "target %s: %s", t->url,
                    errbuf);
        return false;
    }
    int rc = pcap_activate(t->pcap);
    if (rc == PCAP_ERROR_PERM_DENIED) {
        g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE,
                    "target %s: injecting packets needs CAP_NET_RAW (run as root, or "
                    "setcap cap_net_raw+ep on the tool)",
                    t->url);
        return false;
    }
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE || rc < 0) {
        g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE, "target %s: %s", t->url,
                    pcap_geterr(t->pcap));
        return false;
    }
    return true;
}

struct mcp_target *mcp_target_open(const struct mcp_target_config *cfg, GError **error)
{
    struct mcp_target *t = g_new0(struct mcp_target, 1);
    t->cfg = *cfg;
    t->fd = -1;
    t->reconnects_left = cfg->reconnect;
    char err[512];
    if (!mcp_endpoint_parse(cfg->url, &t->ep, err, sizeof err)) {
        g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_USAGE, "%s", err);
        g_free(t);
        return NULL;
    }
    g_strlcpy(t->url, cfg->url, sizeof t->url);
    struct mcp_stream_config scfg = {.codec = cfg->codec, .verify_crc = true};
    bool ok = false;
    switch (t->ep.kind) {
    case MCP_ENDPOINT_UDP:
        ok = open_udp(t, error);
        break;
    case MCP_ENDPOINT_TCP:
        scfg.mode = MCP_STREAM_FRAMED;
        t->rx_stream = g_new(struct mcp_stream, 1);
        mcp_stream_init(t->rx_stream, &scfg);
        ok = connect_tcp(t, error);
        break;
    case MCP_ENDPOINT_SERIAL:
        scfg.mode = MCP_STREAM_SERIAL;
        scfg.silence_ns = (int64_t)cfg->silence_ms * 1000000;
        t->rx_stream = g_new(struct mcp_stream, 1);
        mcp_stream_init(t->rx_stream, &scfg);
        ok = open_serial(t, error);
        break;
    case MCP_ENDPOINT_IFACE:
        ok = open_iface(t, error);
        break;
    }
    if (!ok) {
        mcp_target_close(t);
        return NULL;
    }
    return t;
}

void mcp_target_close(struct mcp_target *t)
{
    if (t == NULL)
        return;
    if (t->fd >= 0)
        close(t->fd);
    if (t->pcap != NULL)
        pcap_close(t->pcap);
    g_free(t->rx_stream);
    g_free(t);
}

enum mcp_endpoint_kind mcp_target_kind(const struct mcp_target *t)
{
    return t->ep.kind;
}

const char *mcp_target_url(const struct mcp_target *t)
{
    return t->url;
}

int mcp_target_fd(const struct mcp_target *t)
{
    return t->fd;
}

int mcp_target_linktype(const struct mcp_target *t)
{
    return t->pcap != NULL ? pcap_datalink(t->pcap) : -1;
}

uint64_t mcp_target_reconnects(const struct mcp_target *t)
{
    return t->reconnects;
}

bool mcp_target_addresses(const struct mcp_target *t, struct sockaddr_storage *local,
                          struct sockaddr_storage *peer)
{
    if (t->ep.kind != MCP_ENDPOINT_UDP && t->ep.kind != MCP_ENDPOINT_TCP)
        return false;
    socklen_t len = sizeof *local;
    if (getsockname(t->fd, (struct sockaddr *)local, &len) != 0)
        return false;
    memcpy(peer, &t->ep.addr, t->ep.addr_len);
    return true;
}

/* A lost TCP connection: reconnect if the policy allows, else fail. */
static bool tcp_lost(struct mcp_target *t, int err, GError **error)
{
    if (t->reconnects_left == 0) {
        set_lost(t, error, "connection lost", err);
        return false;
    }
    t->reconnects_left--;
    t->reconnects++;
    g_printerr("%s: target %s: connection lost (%s); reconnecting\n", g_get_prgname(), t->url,
               g_strerror(err));
    return connect_tcp(t, error);
}

static bool refused(struct mcp_target *t, GError **error)
{
    g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE,
                "target %s: refused (ICMP port unreachable: nothing listens there)", t->url);
    return false;
}

/*
 * UDP: an error err from send/recv/SO_ERROR. An ICMP error queued for the socket (IP_RECVERR)
 * is named with its type, code and sender: "unreachable (ICMP net unreachable (type 3 code 0)
 * from 192.168.77.1)", exit 3. Returns false with *error set, or true when err is none of
 * those (nothing queued and not ECONNREFUSED): the caller goes on.
 */
static bool unreachable(struct mcp_target *t, int err, GError **error)
{
    char what[160];
    bool port = false;
    if (mcp_icmp_error_read(t->fd, what, sizeof what, &port)) {
        if (port)
            g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE,
                        "target %s: refused (%s: nothing listens there)", t->url, what);
        else
            g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE,
                        "target %s: unreachable (%s)", t->url, what);
        return false;
    }
    if (err == ECONNREFUSED)
        return refused(t, error);
    return true;
}

/* Writes all of a buffer to a stream descriptor, waiting at most stall_ms per step. */
static bool write_all(struct mcp_target *t, const uint8_t *bytes, size_t len, GError **error)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = t->ep.kind == MCP_ENDPOINT_TCP
                        ? send(t->fd, bytes + done, len - done, MSG_NOSIGNAL)
                        : write(t->fd, bytes + done, len - done);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_fd(t->fd, POLLOUT, t->cfg.stall_ms)) {
                g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE,
                            "target %s: stopped accepting data for %d ms", t->url, t->cfg.stall_ms);
                return false;
            }
            continue;
        }
        int err = n < 0 ? errno : EPIPE;
        if (t->ep.kind == MCP_ENDPOINT_TCP &&
            (err == EPIPE || err == ECONNRESET || err == ENOTCONN)) {
            if (!tcp_lost(t, err, error))
                return false;
            done = 0; /* the frame goes again, whole, on the new connection */
            continue;
        }
        set_lost(t, error, "write failed", err);
        return false;
    }
    return true;
}

bool mcp_target_send(struct mcp_target *t, const uint8_t *bytes, size_t len, GError **error)
{
    switch (t->ep.kind) {
    case MCP_ENDPOINT_UDP:
        for (;;) {
            if (send(t->fd, bytes, len, 0) >= 0)
                return true;
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                if (!wait_fd(t->fd, POLLOUT, t->cfg.stall_ms)) {
                    set_lost(t, error, "send", ETIMEDOUT);
                    return false;
                }
                continue;
            }
            int err = errno;
            if (!unreachable(t, err, error))
                return false;
            set_lost(t, error, "send failed", err);
            return false;
        }
    case MCP_ENDPOINT_TCP:
    case MCP_ENDPOINT_SERIAL:
        return write_all(t, bytes, len, error);
    case MCP_ENDPOINT_IFACE:
        if (pcap_inject(t->pcap, bytes, len) < 0) {
            g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_UNREACHABLE, "target %s: %s", t->url,
                        pcap_geterr(t->pcap));
            return false;
        }
        return true;
    }
    return false;
}

#define TARGET_BATCH_MAX 64

size_t mcp_target_send_batch(struct mcp_target *t, const uint8_t *const *bytes, const size_t *lens,
                             size_t n, GError **error)
{
    if (t->ep.kind != MCP_ENDPOINT_UDP) {
        for (size_t i = 0; i < n; i++)
            if (!mcp_target_send(t, bytes[i], lens[i], error))
                return i;
        return n;
    }
    struct mmsghdr msgs[TARGET_BATCH_MAX];
    struct iovec iov[TARGET_BATCH_MAX];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < TARGET_BATCH_MAX ? n - done : TARGET_BATCH_MAX;
        memset(msgs, 0, k * sizeof msgs[0]);
        for (size_t i = 0; i < k; i++) {
            iov[i].iov_base = (void *)bytes[done + i];
            iov[i].iov_len = lens[done + i];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int rc = sendmmsg(t->fd, msgs, (unsigned)k, 0);
        if (rc > 0) {
            done += (size_t)rc;
            continue;
        }
        /* Let the single-frame path sort out the error (waits, refusals). */
        if (!mcp_target_send(t, bytes[done], lens[done], error))
            return done;
        done++;
    }
    return n;
}

/*
 * On a serial line a frame whose check fails is junk to the stream decoder
 * (§5); the frames inside such junk are still reported, as failing the
 * check, so a device using another check variant is noticed.
 */
static size_t report_bad_frames(struct mcp_target *t, const uint8_t *p, size_t len)
{
    size_t i = 0, other = 0;
    while (i < len) {
        struct mcp_frame frame;
        if (p[i] == MCP_MAGIC &&
            mcp_frame_decode(&t->cfg.codec, p + i, len - i, &frame, NULL) == MCP_DECODE_BAD_CRC) {
            t->cb(t->cb_ctx, p + i, frame.frame_len, false);
            i += frame.frame_len;
        } else {
            i++;
            other++;
        }
    }
    return other;
}

static void count_junk(struct mcp_target *t, size_t bytes)
{
    if (bytes == 0)
        return;
    t->junk_bytes += bytes;
    t->junk_chunks++;
}

static void on_rx_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct mcp_target *t = ctx;
    if (ev->kind == MCP_STREAM_FRAME)
        t->cb(t->cb_ctx, ev->bytes, ev->len, ev->crc_ok);
    else if (t->ep.kind == MCP_ENDPOINT_SERIAL)
        count_junk(t, report_bad_frames(t, ev->bytes, ev->len));
    else
        count_junk(t, ev->len);
}

static void split_datagram(struct mcp_target *t, const uint8_t *p, size_t left)
{
    while (left > 0) {
        struct mcp_frame frame;
        enum mcp_decode_status st = mcp_frame_decode(&t->cfg.codec, p, left, &frame, NULL);
        if (st != MCP_DECODE_OK && st != MCP_DECODE_BAD_CRC) {
            count_junk(t, left); /* the rest of the datagram: not a frame */
            return;
        }
        t->cb(t->cb_ctx, p, frame.frame_len, st == MCP_DECODE_OK);
        p += frame.frame_len;
        left -= frame.frame_len;
    }
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mcp_target_silence_due(const struct mcp_target *t)
{
    if (t->ep.kind != MCP_ENDPOINT_SERIAL || t->rx_stream == NULL || t->fd < 0)
        return INT64_MAX;
    return mcp_stream_silence_due(t->rx_stream);
}

bool mcp_target_receive(struct mcp_target *t, mcp_rx_cb cb, void *ctx, GError **error)
{
    if (t->fd < 0)
        return true;
    t->cb = cb;
    t->cb_ctx = ctx;
    if (t->ep.kind == MCP_ENDPOINT_SERIAL) /* §5: the line was silent long enough */
        mcp_stream_silence(t->rx_stream, monotonic_ns(), on_rx_event, t);
    uint8_t buf[65536];
    for (int rounds = 0; rounds < 256; rounds++) {
        ssize_t n = t->ep.kind == MCP_ENDPOINT_UDP || t->ep.kind == MCP_ENDPOINT_TCP
                        ? recv(t->fd, buf, sizeof buf, MSG_DONTWAIT)
                        : read(t->fd, buf, sizeof buf);
        if (n > 0) {
            if (t->ep.kind == MCP_ENDPOINT_UDP)
                split_datagram(t, buf, (size_t)n);
            else if (t->ep.kind == MCP_ENDPOINT_SERIAL)
                mcp_stream_feed_at(t->rx_stream, monotonic_ns(), buf, (size_t)n, on_rx_event, t);
            else
                mcp_stream_feed(t->rx_stream, buf, (size_t)n, on_rx_event, t);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (t->ep.kind == MCP_ENDPOINT_UDP)
            return n < 0 ? unreachable(t, errno, error) : true;
        if (t->ep.kind == MCP_ENDPOINT_SERIAL) {
            if (n < 0 && errno == EIO) { /* the pty's other side closed */
                set_lost(t, error, "serial line closed", EIO);
                return false;
            }
            if (n == 0)
                return true;
        }
        int err = n == 0 ? ECONNRESET : errno;
        return tcp_lost(t, err, error);
    }
    return true;
}

bool mcp_target_check_refused(struct mcp_target *t, GError **error)
{
    if (t->ep.kind != MCP_ENDPOINT_UDP)
        return false;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0)
        return !unreachable(t, err, error);
    return false;
}

void mcp_target_junk(const struct mcp_target *t, uint64_t *bytes, uint64_t *chunks)
{
    *bytes = t->junk_bytes;
    *chunks = t->junk_chunks;
}

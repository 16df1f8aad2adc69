/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcp_loadgen: drives an MCP device (or an echo server) over UDP or TCP with
 * many requests in flight and reports answered requests per second and
 * answer latency. Each connection keeps --window requests outstanding,
 * numbered by its own seq; an answer is matched by req_seq (or, from an echo
 * server, by the echoed frame's own seq). Requests unanswered after 200 ms
 * count as lost and free their slot.
 *
 * Open loop (--rate R): request k is due at start + k/R whatever came back,
 * sent on connection k mod N (up to 255 outstanding there; --window is not
 * used), and its latency runs from that due time, not from when it went out:
 * a stalled server is charged for every request it held up (no coordinated
 * omission). Between sends it sleeps in epoll_pwait2 to the next due time
 * (1 ns timer slack), as grpc_loadgen's sender does.
 *
 * Output, one line: transport=udp connections=4 window=16 seconds=3.00
 *   sent=... answered=... lost=... naks=... not_ok=... [rate_target=...] rate=...
 *   p50_us=... p99_us=... p999_us=... max_us=...
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "endpoint.h"
#include "idlist.h"
#include "mcp/frame.h"
#include "mcp/pdu.h"

#define LOST_AFTER_NS 200000000ull
#define MAX_SAMPLES   (32u << 20)
#define BATCH         64

struct conn {
    int fd;
    bool tcp;
    uint64_t k; /* requests built for this connection: its place in the pattern */
    uint8_t next_seq;
    unsigned inflight;
    bool outstanding[256];
    uint64_t sent_ns[256];
    size_t rx_len;
    uint8_t rx[1 << 16];
};

struct totals {
    uint64_t sent, answered, lost, naks;
    uint64_t not_ok;      /* answers with a status other than OK */
    uint32_t *samples_ns; /* latency of every answer, saturated at 4.29 s */
    size_t nsamples;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The requests: HEARTBEAT, or READ of --count registers; each connection walks
 * the pattern on its own (so with several --target each target gets every id):
 * its request k goes to device ids[k % nids] at --addr + --stride * ((k / nids)
 * % --spread). Default: 1 register at 0x10 of device 1.
 */
static struct {
    bool heartbeat;
    uint8_t ids[255];
    unsigned nids, addr, count, spread, stride;
} pattern = {.ids = {1}, .nids = 1, .addr = 0x10, .count = 1, .spread = 1, .stride = 2};

#define REQUEST_MAX 16

static size_t build_request(struct conn *c, uint8_t seq, uint8_t *out)
{
    static const struct mcp_codec *codec;
    static struct mcp_codec def;
    if (codec == NULL) {
        def = mcp_codec_default();
        codec = &def;
    }
    uint8_t payload[8];
    size_t plen = 0;
    if (!pattern.heartbeat) {
        uint64_t k = c->k++;
        uint8_t device = pattern.ids[k % pattern.nids];
        unsigned addr =
            pattern.addr + pattern.stride * (unsigned)((k / pattern.nids) % pattern.spread);
        plen = mcp_build_read(device, (uint16_t)addr, (uint16_t)pattern.count, payload,
                              sizeof payload);
    }
    return mcp_frame_encode(codec, seq, pattern.heartbeat ? 0x01 : 0x02, payload, plen, out,
                            REQUEST_MAX);
}

static void answered(struct conn *c, struct totals *t, uint8_t seq, uint64_t now)
{
    if (!c->outstanding[seq])
        return; /* late, after being counted lost */
    c->outstanding[seq] = false;
    c->inflight--;
    t->answered++;
    uint64_t lat = now - c->sent_ns[seq];
    if (t->nsamples < MAX_SAMPLES)
        t->samples_ns[t->nsamples++] = lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;
}

/* Handles one frame from the target. */
static void on_frame(struct conn *c, struct totals *t, const uint8_t *f, size_t len, uint64_t now)
{
    if (len < MCP_OVERHEAD)
        return;
    uint8_t cmd = f[4];
    if (cmd == MCP_CMD_NAK) {
        t->naks++;
    } else if (cmd & MCP_RESPONSE_FLAG) {
        if (len >= MCP_OVERHEAD + 2) {
            answered(c, t, f[5], now); /* req_seq */
            t->not_ok += f[6] != 0;
        }
    } else if (mcp_cmd_is_request(cmd)) {
        answered(c, t, f[1], now); /* an echo of our own request */
    }
}

/* Walks back-to-back frames in buf; returns the bytes consumed. */
static size_t on_bytes(struct conn *c, struct totals *t, const uint8_t *buf, size_t len,
                       uint64_t now)
{
    size_t off = 0;
    while (len - off >= 4) {
        size_t flen = MCP_OVERHEAD + ((size_t)buf[off + 2] << 8 | buf[off + 3]);
        if (buf[off] != MCP_MAGIC || flen > MCP_MAX_FRAME) {
            off = len; /* lost sync: drop what we have */
            break;
        }
        if (len - off < flen)
            break;
        on_frame(c, t, buf + off, flen, now);
        off += flen;
    }
    return off;
}

static void fill_window(struct conn *c, struct totals *t, unsigned window)
{
    struct mmsghdr msgs[BATCH];
    struct iovec iovs[BATCH];
    uint8_t stream[BATCH * REQUEST_MAX];
    uint8_t reqs[BATCH][REQUEST_MAX];
    size_t stream_len = 0;
    unsigned n = 0;
    uint64_t now = now_ns();
    while (c->inflight < window && n < BATCH) {
        uint8_t s = c->next_seq++;
        if (c->outstanding[s]) {
            c->next_seq--; /* the window wrapped onto an unanswered seq */
            break;
        }
        c->outstanding[s] = true;
        c->sent_ns[s] = now;
        c->inflight++;
        t->sent++;
        size_t len = build_request(c, s, reqs[n]);
        if (c->tcp) {
            memcpy(stream + stream_len, reqs[n], len);
            stream_len += len;
        } else {
            memset(&msgs[n], 0, sizeof msgs[n]);
            iovs[n].iov_base = reqs[n];
            iovs[n].iov_len = len;
            msgs[n].msg_hdr.msg_iov = &iovs[n];
            msgs[n].msg_hdr.msg_iovlen = 1;
        }
        n++;
    }
    if (n == 0)
        return;
    if (c->tcp) {
        size_t off = 0;
        while (off < stream_len) {
            ssize_t w = write(c->fd, stream + off, stream_len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                /* socket full: poll until writable; the window bounds this */
                struct pollfd p = {.fd = c->fd, .events = POLLOUT};
                poll(&p, 1, 100);
                continue;
            }
            off += (size_t)w;
        }
    } else {
        unsigned done = 0;
        while (done < n) {
            int r = sendmmsg(c->fd, msgs + done, n - done, 0);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                break; /* the rest will time out as lost */
            }
            done += (unsigned)r;
        }
    }
}

/*
 * Open loop: sends request k (due at due_ns, its latency origin) on c.
 * Returns false when c has no free seq (255 outstanding): it is sent later,
 * still charged from due_ns.
 */
static bool send_due(struct conn *c, struct totals *t, uint64_t due_ns)
{
    uint8_t s = c->next_seq;
    if (c->outstanding[s])
        return false;
    c->next_seq++;
    c->outstanding[s] = true;
    c->sent_ns[s] = due_ns;
    c->inflight++;
    t->sent++;
    uint8_t req[REQUEST_MAX];
    size_t len = build_request(c, s, req), off = 0;
    while (off < len) {
        ssize_t w = send(c->fd, req + off, len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && c->tcp && errno == EAGAIN) {
            struct pollfd p = {.fd = c->fd, .events = POLLOUT};
            poll(&p, 1, 100);
            continue;
        }
        if (w < 0)
            break; /* it will time out as lost */
        off += (size_t)w;
    }
    return true;
}

static void read_ready(struct conn *c, struct totals *t)
{
    uint64_t now = now_ns();
    if (c->tcp) {
        ssize_t r = read(c->fd, c->rx + c->rx_len, sizeof c->rx - c->rx_len);
        if (r <= 0)
            return;
        c->rx_len += (size_t)r;
        size_t used = on_bytes(c, t, c->rx, c->rx_len, now);
        memmove(c->rx, c->rx + used, c->rx_len - used);
        c->rx_len -= used;
        return;
    }
    static uint8_t bufs[BATCH][2048];
    struct mmsghdr msgs[BATCH];
    struct iovec iovs[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        iovs[i].iov_base = bufs[i];
        iovs[i].iov_len = sizeof bufs[i];
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(c->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    for (int i = 0; i < n; i++)
        on_bytes(c, t, bufs[i], msgs[i].msg_len, now);
}

static void expire(struct conn *c, struct totals *t, uint64_t now)
{
    for (unsigned s = 0; s < 256; s++) {
        if (c->outstanding[s] && now > c->sent_ns[s] + LOST_AFTER_NS) {
            c->outstanding[s] = false;
            c->inflight--;
            t->lost++;
        }
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile_us(const uint32_t *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1));
    return sorted[i] / 1000.0;
}

int main(int argc, char **argv)
{
    gchar **targets = NULL;
    gchar *devices = NULL;
    gint addr = 0x10, count = 1, spread = 1, stride = 2;
    gint connections = 4, window = 16;
    gdouble seconds = 3, warmup = 0.5, rate = 0;
    gboolean heartbeat = FALSE;
    GOptionEntry entries[] = {
        {"target", 't', 0, G_OPTION_ARG_STRING_ARRAY, &targets,
         "udp://HOST:PORT or tcp://HOST:PORT (repeatable: connection i goes to target i mod N; "
         "one transport)",
         "URL"},
        {"devices", 0, 0, G_OPTION_ARG_STRING, &devices,
         "READ these device ids in turn, e.g. 1-250 (default 1); each connection walks them "
         "all, so with N --target each target gets every id",
         "LIST"},
        {"addr", 0, 0, G_OPTION_ARG_INT, &addr, "First register read (default 0x10)", "A"},
        {"count", 0, 0, G_OPTION_ARG_INT, &count, "Registers per READ (default 1)", "N"},
        {"spread", 0, 0, G_OPTION_ARG_INT, &spread,
         "READ at A, A+STRIDE, ... SPREAD addresses in turn (default 1)", "SPREAD"},
        {"stride", 0, 0, G_OPTION_ARG_INT, &stride, "Step between addresses (default 2)", "STRIDE"},
        {"connections", 'c', 0, G_OPTION_ARG_INT, &connections, "Sockets (clients), default 4",
         "N"},
        {"window", 'w', 0, G_OPTION_ARG_INT, &window,
         "Requests in flight per socket (1..128), default 16", "N"},
        {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "Measured duration, default 3", "S"},
        {"warmup", 0, 0, G_OPTION_ARG_DOUBLE, &warmup, "Unmeasured warm-up, default 0.5", "S"},
        {"rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate,
         "Open loop: R requests/s on a fixed schedule, latency from each one's due time "
         "(--window unused)",
         "R"},
        {"heartbeat", 0, 0, G_OPTION_ARG_NONE, &heartbeat, "Send HEARTBEATs instead of READs",
         NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new("- MCP load generator");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *gerr = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "mcp_loadgen: %s\n", gerr->message);
        return 2;
    }
    g_option_context_free(ctx);
    guint ntargets = targets ? g_strv_length(targets) : 0;
    struct mcp_endpoint *eps = g_new0(struct mcp_endpoint, ntargets ? ntargets : 1);
    char err[512];
    for (guint i = 0; i < ntargets; i++) {
        if (!mcp_endpoint_parse(targets[i], &eps[i], err, sizeof err) ||
            (eps[i].kind != MCP_ENDPOINT_UDP && eps[i].kind != MCP_ENDPOINT_TCP) ||
            eps[i].kind != eps[0].kind) {
            fprintf(stderr, "mcp_loadgen: --target must be udp:// or tcp:// (one of them): %s\n",
                    targets[i]);
            return 2;
        }
    }
    if (ntargets == 0) {
        fprintf(stderr, "mcp_loadgen: --target udp://HOST:PORT or tcp://HOST:PORT is required\n");
        return 2;
    }
    bool present[256];
    if (devices != NULL) {
        if (!mcp_parse_id_list(devices, 0, 254, present)) {
            fprintf(stderr, "mcp_loadgen: --devices: bad list '%s'\n", devices);
            return 2;
        }
        pattern.nids = 0;
        for (unsigned id = 0; id < 255; id++)
            if (present[id])
                pattern.ids[pattern.nids++] = (uint8_t)id;
    }
    if (addr < 0 || addr > 0xFFFF || count < 1 || count > 125 || spread < 1 || stride < 0 ||
        addr + (spread - 1) * stride + count > 0x10000) {
        fprintf(stderr, "mcp_loadgen: bad --addr, --count, --spread or --stride\n");
        return 2;
    }
    pattern.heartbeat = heartbeat;
    pattern.addr = (unsigned)addr;
    pattern.count = (unsigned)count;
    pattern.spread = (unsigned)spread;
    pattern.stride = (unsigned)stride;
    if (connections < 1 || connections > 1024 || window < 1 || window > 128 || !(seconds > 0) ||
        warmup < 0 || rate < 0) {
        fprintf(stderr, "mcp_loadgen: bad --connections, --window, --seconds or --rate\n");
        return 2;
    }
    bool tcp = eps[0].kind == MCP_ENDPOINT_TCP;
    prctl(PR_SET_TIMERSLACK, 1UL); /* sleeps end when asked, for the open loop's schedule */
    int epfd = epoll_create1(0);
    struct conn *conns = g_new0(struct conn, (gsize)connections);
    for (int i = 0; i < connections; i++) {
        struct conn *c = &conns[i];
        const struct mcp_endpoint ep = eps[(guint)i % ntargets];
        const char *target = targets[(guint)i % ntargets];
        c->tcp = tcp;
        c->fd = socket(ep.addr.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK, 0);
        if (c->fd < 0 || (connect(c->fd, (struct sockaddr *)&ep.addr, ep.addr_len) < 0 &&
                          errno != EINPROGRESS)) {
            fprintf(stderr, "mcp_loadgen: cannot connect to %s: %s\n", target, strerror(errno));
            return 3;
        }
        if (tcp) {
            struct pollfd p = {.fd = c->fd, .events = POLLOUT};
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (poll(&p, 1, 2000) != 1 ||
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr != 0) {
                fprintf(stderr, "mcp_loadgen: cannot connect to %s: %s\n", target,
                        strerror(soerr ? soerr : ETIMEDOUT));
                return 3;
            }
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
    }

    struct totals t = {0};
    t.samples_ns = g_new(uint32_t, MAX_SAMPLES);
    uint64_t start = now_ns();
    uint64_t measure_from = start + (uint64_t)(warmup * 1e9);
    uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
    bool measuring = false;
    uint64_t next_expire = start + 10000000ull;
    uint64_t k = 0; /* open loop: the next request due, at start + k / rate */
    struct epoll_event events[64];
    for (;;) {
        uint64_t now = now_ns();
        if (!measuring && now >= measure_from) {
            memset(&t, 0, offsetof(struct totals, samples_ns));
            t.nsamples = 0;
            measuring = true;
        }
        if (now >= end)
            break;
        uint64_t wait_ns = 10000000;
        if (rate > 0) {
            uint64_t due;
            while ((due = start + (uint64_t)((double)k * 1e9 / rate)) <= now &&
                   send_due(&conns[k % (uint64_t)connections], &t, due))
                k++;
            /* sleep to the next due time (or until an answer comes) */
            wait_ns = due > now ? due - now : 0;
            if (wait_ns > 10000000)
                wait_ns = 10000000;
        } else {
            for (int i = 0; i < connections; i++)
                fill_window(&conns[i], &t, (unsigned)window);
        }
        struct timespec wait = {.tv_sec = 0, .tv_nsec = (long)wait_ns};
        int n = epoll_pwait2(epfd, events, 64, &wait, NULL);
        for (int i = 0; i < n; i++)
            read_ready(events[i].data.ptr, &t);
        if (now >= next_expire) {
            for (int i = 0; i < connections; i++)
                expire(&conns[i], &t, now);
            next_expire = now + 10000000ull;
        }
    }
    qsort(t.samples_ns, t.nsamples, sizeof t.samples_ns[0], cmp_u32);
    printf("transport=%s connections=%d window=%d seconds=%.2f sent=%llu answered=%llu "
           "lost=%llu naks=%llu not_ok=%llu",
           tcp ? "tcp" : "udp", connections, window, seconds, (unsigned long long)t.sent,
           (unsigned long long)t.answered, (unsigned long long)t.lost, (unsigned long long)t.naks,
           (unsigned long long)t.not_ok);
    if (rate > 0)
        printf(" rate_target=%.0f", rate);
    printf(" rate=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f\n",
           (double)t.answered / seconds, percentile_us(t.samples_ns, t.nsamples, 0.50),
           percentile_us(t.samples_ns, t.nsamples, 0.99),
           percentile_us(t.samples_ns, t.nsamples, 0.999),
           t.nsamples ? t.samples_ns[t.nsamples - 1] / 1000.0 : 0.0);
    for (int i = 0; i < connections; i++)
        close(conns[i].fd);
    g_free(conns);
    g_free(t.samples_ns);
    g_strfreev(targets);
    g_free(devices);
    g_free(eps);
    close(epfd);
    return t.answered > 0 ? 0 : 1;
}

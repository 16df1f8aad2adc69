/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UDP sink for the mcpreplay benchmarks: receives with recvmmsg and keeps the
 * kernel's receive timestamp of every datagram (SO_TIMESTAMPNS), then writes
 * them, one per line in ns, to --out. Prints "listening udp://ADDR:PORT" when
 * ready and "received N" at the end.
 *
 *   mcpreplay_sink --bind 127.0.0.1:0 --out FILE [--count N] [--idle-ms 1000] [--max-s 120]
 *
 * It stops after N datagrams, after --idle-ms without one (once the first
 * came), or after --max-s in all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"

#define BATCH 64

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    gchar *bind_url = NULL, *out = NULL;
    gint64 count = 0;
    gint idle_ms = 1000, max_s = 120;
    GOptionEntry entries[] = {
        {"bind", 0, 0, G_OPTION_ARG_STRING, &bind_url, "ADDR:PORT to listen on", "ADDR:PORT"},
        {"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "timestamps file", "FILE"},
        {"count", 0, 0, G_OPTION_ARG_INT64, &count, "stop after N datagrams", "N"},
        {"idle-ms", 0, 0, G_OPTION_ARG_INT, &idle_ms, "stop after MS of silence", "MS"},
        {"max-s", 0, 0, G_OPTION_ARG_INT, &max_s, "stop after S seconds", "S"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("- UDP sink with kernel timestamps");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err) || bind_url == NULL || out == NULL) {
        fprintf(stderr, "mcpreplay_sink: %s\n",
                err ? err->message : "--bind and --out are required");
        return 2;
    }
    g_option_context_free(ctx);
    gchar *url = g_strdup_printf("udp://%s", bind_url);
    struct mcp_endpoint ep;
    char why[512];
    if (!mcp_endpoint_parse(url, &ep, why, sizeof why)) {
        fprintf(stderr, "mcpreplay_sink: %s\n", why);
        return 2;
    }
    int fd = socket(ep.addr.ss_family, SOCK_DGRAM, 0);
    int one = 1, buf = 64 << 20;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
    if (fd < 0 || bind(fd, (struct sockaddr *)&ep.addr, ep.addr_len) != 0) {
        fprintf(stderr, "mcpreplay_sink: bind %s: %s\n", bind_url, strerror(errno));
        return 3;
    }
    struct sockaddr_storage local;
    socklen_t len = sizeof local;
    getsockname(fd, (struct sockaddr *)&local, &len);
    char name[128];
    mcp_sockaddr_format((struct sockaddr *)&local, name, sizeof name);
    printf("listening udp://%s\n", name);
    fflush(stdout);

    GArray *stamps = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), 1 << 20);
    static uint8_t data[BATCH][2048];
    static char control[BATCH][256];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    int64_t start = now_ns(), last = 0;
    while (count == 0 || (gint64)stamps->len < count) {
        int64_t now = now_ns();
        if (now - start > (int64_t)max_s * 1000000000)
            break;
        if (last != 0 && now - last > (int64_t)idle_ms * 1000000)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        memset(msgs, 0, sizeof msgs);
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = data[i];
            iov[i].iov_len = sizeof data[i];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_control = control[i];
            msgs[i].msg_hdr.msg_controllen = sizeof control[i];
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        for (int i = 0; i < n; i++) {
            int64_t ts = 0;
            for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != NULL;
                 c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                    struct timespec t;
                    memcpy(&t, CMSG_DATA(c), sizeof t);
                    ts = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
                }
            g_array_append_val(stamps, ts);
        }
        if (n > 0)
            last = now_ns();
    }
    FILE *f = fopen(out, "w");
    if (f == NULL) {
        fprintf(stderr, "mcpreplay_sink: %s: %s\n", out, strerror(errno));
        return 2;
    }
    for (guint i = 0; i < stamps->len; i++)
        fprintf(f, "%" G_GINT64_FORMAT "\n", g_array_index(stamps, int64_t, i));
    fclose(f);
    printf("received %u\n", stamps->len);
    return 0;
}

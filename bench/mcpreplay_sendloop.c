/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ceiling for mcpreplay's top speed: a plain send() loop over the same
 * frames (hex lines, as test/mcpreplay's mkcap writes them) to a UDP target,
 * with nothing else in the loop. Prints "sent N in S s: R/s".
 *
 *   mcpreplay_sendloop FRAMES.hex HOST:PORT
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mcpreplay_sendloop FRAMES.hex HOST:PORT\n");
        return 2;
    }
    gchar *text;
    if (!g_file_get_contents(argv[1], &text, NULL, NULL)) {
        fprintf(stderr, "mcpreplay_sendloop: cannot read %s\n", argv[1]);
        return 2;
    }
    gchar **lines = g_strsplit(text, "\n", -1);
    GPtrArray *frames = g_ptr_array_new();
    GArray *lens = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (gchar **l = lines; *l != NULL; l++) {
        size_t n = strlen(*l) / 2;
        if (n == 0)
            continue;
        guint8 *b = g_malloc(n);
        for (size_t i = 0; i < n; i++)
            sscanf(*l + 2 * i, "%2hhx", &b[i]);
        g_ptr_array_add(frames, b);
        g_array_append_val(lens, n);
    }
    gchar *url = g_strdup_printf("udp://%s", argv[2]);
    struct mcp_endpoint ep;
    char why[512];
    if (!mcp_endpoint_parse(url, &ep, why, sizeof why)) {
        fprintf(stderr, "mcpreplay_sendloop: %s\n", why);
        return 2;
    }
    int fd = socket(ep.addr.ss_family, SOCK_DGRAM, 0);
    int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    if (connect(fd, (struct sockaddr *)&ep.addr, ep.addr_len) != 0) {
        fprintf(stderr, "mcpreplay_sendloop: %s\n", strerror(errno));
        return 3;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (guint i = 0; i < frames->len; i++)
        while (send(fd, g_ptr_array_index(frames, i), g_array_index(lens, size_t, i), 0) < 0 &&
               (errno == ENOBUFS || errno == EAGAIN || errno == EINTR))
            ;
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("sent %u in %.6f s: %.0f/s\n", frames->len, s, frames->len / s);
    return 0;
}

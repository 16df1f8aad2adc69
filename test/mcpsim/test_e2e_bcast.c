/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * §2: a request sent to a UDP broadcast address is never answered, but it
 * acts. Runs inside the network namespace that netns_bcast.sh creates, where
 * veth v0 has 10.77.0.1/24 (broadcast 10.77.0.255) and a default route.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

#include "simclient.h"

#define UNICAST "10.77.0.1"

static int port_of(const char *url)
{
    const char *colon = strrchr(url, ':');
    g_assert_nonnull(colon);
    return atoi(colon + 1);
}

static void send_to(int fd, const char *ip, int port, uint8_t seq, uint8_t cmd, const char *hex)
{
    uint8_t frame[512];
    size_t n = build_frame(seq, cmd, hex, frame, sizeof frame);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    g_assert_cmpint(inet_pton(AF_INET, ip, &to.sin_addr), ==, 1);
    g_assert_cmpint(sendto(fd, frame, n, 0, (struct sockaddr *)&to, sizeof to), ==, (ssize_t)n);
}

static void test_broadcast_address(void)
{
    const char *args[] = {"--listen", "udp://0.0.0.0:0", "--devices", "1-2", NULL};
    struct sim_proc p;
    simproc_start(&p, args);
    int port = port_of(p.udp);

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int one = 1;
    g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one), ==, 0);
    const char *bcasts[] = {"10.77.0.255", "255.255.255.255"};
    uint8_t seq = 0;
    for (size_t b = 0; b < G_N_ELEMENTS(bcasts); b++) {
        send_to(fd, bcasts[b], port, seq++, 0x01, "");                     /* HEARTBEAT */
        send_to(fd, bcasts[b], port, seq++, 0x03, "01 00 05 00 01 42 42"); /* WRITE dev 1 */
        send_to(fd, bcasts[b], port, seq++, 0x02, "01 00 05 00");          /* malformed */
        send_to(fd, bcasts[b], port, (uint8_t)(seq + 5), 0x01, "");        /* a gap */
        seq = (uint8_t)(seq + 6);
    }
    send_to(fd, "10.77.0.255", port, seq++, 0x03, "ff 00 06 00 01 11 11"); /* WRITE dev 0xFF */
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    g_assert_cmpint(poll(&pfd, 1, 300), ==, 0); /* no answer, no NAK */

    /* Unicast is another conversation: numbered afresh, and the writes took effect. */
    send_to(fd, UNICAST, port, 0, 0x02, "01 00 05 00 02");
    send_to(fd, UNICAST, port, 1, 0x02, "02 00 05 00 02");
    uint8_t want[2][64], got[512];
    size_t wlen[2];
    wlen[0] = build_frame(0, 0x82, "00 00 01 00 05 00 02 42 42 11 11", want[0], sizeof want[0]);
    wlen[1] = build_frame(1, 0x82, "01 00 02 00 05 00 02 00 00 11 11", want[1], sizeof want[1]);
    for (int i = 0; i < 2; i++) {
        g_assert_cmpint(poll(&pfd, 1, 3000), ==, 1);
        ssize_t n = recv(fd, got, sizeof got, 0);
        g_assert_cmpmem(got, (size_t)n, want[i], wlen[i]);
    }
    close(fd);
    GString *out = g_string_new(NULL);
    g_assert_cmpint(simproc_stop(&p, SIGTERM, out), ==, 0);
    /* one broadcast conversation, one unicast; 7 requests acted on silently, no NAK sent */
    g_assert_nonnull(strstr(out->str, "udp=2 (total 2"));
    g_assert_nonnull(strstr(out->str, "broadcasts=7 "));
    g_assert_nonnull(strstr(out->str, "naks sent: total=0 "));
    g_assert_nonnull(strstr(out->str, "frames out: total=2 "));
    g_string_free(out, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mcpsim/netns/broadcast-address", test_broadcast_address);
    return g_test_run();
}

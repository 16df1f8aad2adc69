/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udp_echo: the loopback ceiling for mcp_loadgen. Sends every UDP datagram
 * back to its sender unchanged (recvmmsg/sendmmsg, like mcpsim) and every TCP
 * byte back on its connection; no protocol work at all. Prints
 * "listening udp://..." and "listening tcp://..." like mcpsim, runs until
 * SIGTERM/SIGINT.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "endpoint.h"

#define BATCH 64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int open_listener(const char *url, int type, char *bound, size_t bound_len)
{
    struct mcp_endpoint ep;
    char err[512];
    if (!mcp_endpoint_parse(url, &ep, err, sizeof err)) {
        fprintf(stderr, "udp_echo: %s\n", err);
        exit(2);
    }
    int fd = socket(ep.addr.ss_family, type | SOCK_NONBLOCK, 0);
    int one = 1, size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (bind(fd, (struct sockaddr *)&ep.addr, ep.addr_len) < 0 ||
        (type == SOCK_STREAM && listen(fd, 128) < 0)) {
        fprintf(stderr, "udp_echo: cannot bind %s: %s\n", url, strerror(errno));
        exit(3);
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    mcp_sockaddr_format((struct sockaddr *)&ss, bound, bound_len);
    return fd;
}

static void echo_udp(int fd)
{
    static uint8_t bufs[BATCH][2048];
    static struct sockaddr_storage addrs[BATCH];
    struct mmsghdr msgs[BATCH];
    struct iovec iovs[BATCH];
    for (int round = 0; round < 8; round++) {
        memset(msgs, 0, sizeof msgs);
        for (int i = 0; i < BATCH; i++) {
            iovs[i].iov_base = bufs[i];
            iovs[i].iov_len = sizeof bufs[i];
            msgs[i].msg_hdr.msg_name = &addrs[i];
            msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0)
            return;
        for (int i = 0; i < n; i++)
            iovs[i].iov_len = msgs[i].msg_len;
        int done = 0;
        while (done < n) {
            int r = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
            if (r <= 0)
                break;
            done += r;
        }
        if (n < BATCH)
            return;
    }
}

static void echo_tcp(int epfd, int fd)
{
    uint8_t buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
        close(fd);
        return;
    }
    for (ssize_t off = 0; n > 0 && off < n;) {
        ssize_t w = write(fd, buf + off, (size_t)(n - off));
        if (w > 0)
            off += w;
        else if (errno != EAGAIN && errno != EINTR)
            break;
    }
}

int main(int argc, char **argv)
{
    const char *udp_url = argc > 1 ? argv[1] : "udp://127.0.0.1:0";
    const char *tcp_url = argc > 2 ? argv[2] : "tcp://127.0.0.1:0";
    if (argc > 3) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(atoi(argv[3]), &set);
        sched_setaffinity(0, sizeof set, &set);
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    char ub[96], tb[96];
    int ufd = open_listener(udp_url, SOCK_DGRAM, ub, sizeof ub);
    int tfd = open_listener(tcp_url, SOCK_STREAM, tb, sizeof tb);
    int epfd = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ufd};
    epoll_ctl(epfd, EPOLL_CTL_ADD, ufd, &ev);
    ev.data.fd = tfd;
    epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev);
    printf("listening udp://%s\nlistening tcp://%s\n", ub, tb);
    fflush(stdout);
    struct epoll_event events[64];
    while (!stop) {
        int n = epoll_wait(epfd, events, 64, 100);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == ufd) {
                echo_udp(fd);
            } else if (fd == tfd) {
                int c = accept4(tfd, NULL, NULL, SOCK_NONBLOCK);
                if (c >= 0) {
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, c, &cev);
                }
            } else {
                echo_tcp(epfd, fd);
            }
        }
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMP errors of a connected UDP socket: see icmperr.h. */
#include "icmperr.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

bool mcp_icmp_errors_enable(int fd, int family)
{
    int one = 1;
    if (family == AF_INET6)
        return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one) == 0;
    return setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one) == 0;
}

/* RFC 792 type 3 codes and RFC 4443 type 1 codes; NULL for codes not named here. */
static const char *icmp_name(bool v6, uint8_t type, uint8_t code, bool *port)
{
    static const char *const v4[] = {"net unreachable",
                                     "host unreachable",
                                     "protocol unreachable",
                                     "port unreachable",
                                     "fragmentation needed",
                                     "source route failed",
                                     "destination network unknown",
                                     "destination host unknown",
                                     "source host isolated",
                                     "network administratively prohibited",
                                     "host administratively prohibited",
                                     "network unreachable for TOS",
                                     "host unreachable for TOS",
                                     "communication administratively prohibited",
                                     "host precedence violation",
                                     "precedence cutoff"};
    static const char *const v6n[] = {"no route to destination",
                                      "communication administratively prohibited",
                                      "beyond scope of source address",
                                      "address unreachable",
                                      "port unreachable",
                                      "source address failed policy",
                                      "reject route to destination"};
    *port = v6 ? (type == 1 && code == 4) : (type == 3 && code == 3);
    if (!v6 && type == 3 && code < sizeof v4 / sizeof v4[0])
        return v4[code];
    if (v6 && type == 1 && code < sizeof v6n / sizeof v6n[0])
        return v6n[code];
    if (!v6 && type == 11)
        return "time exceeded";
    if (v6 && type == 3)
        return "time exceeded";
    return NULL;
}

bool mcp_icmp_error_read(int fd, char *out, size_t out_len, bool *port_unreachable)
{
    uint8_t data[64];
    union {
        char buf[512];
        struct cmsghdr align;
    } ctrl;
    struct sockaddr_storage from;
    struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
    struct msghdr msg = {.msg_name = &from,
                         .msg_namelen = sizeof from,
                         .msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = ctrl.buf,
                         .msg_controllen = sizeof ctrl.buf};
    *port_unreachable = false;
    if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        return false;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
        bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
        if (!v4 && !v6)
            continue;
        struct sock_extended_err ee;
        memcpy(&ee, CMSG_DATA(c), sizeof ee);
        if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6) {
            snprintf(out, out_len, "local error: %s", strerror((int)ee.ee_errno));
            return true;
        }
        char who[96] = "?";
        const struct sockaddr *off = SO_EE_OFFENDER((const struct sock_extended_err *)CMSG_DATA(c));
        if (off->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)off)->sin_addr, who,
                      sizeof who);
        else if (off->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)off)->sin6_addr, who,
                      sizeof who);
        const char *name = icmp_name(v6, ee.ee_type, ee.ee_code, port_unreachable);
        snprintf(out, out_len, "%s %s (type %u code %u) from %s", v6 ? "ICMPv6" : "ICMP",
                 name != NULL ? name : strerror((int)ee.ee_errno), ee.ee_type, ee.ee_code, who);
        return true;
    }
    snprintf(out, out_len, "an error without details");
    return true;
}

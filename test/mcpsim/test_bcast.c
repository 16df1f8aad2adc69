/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the broadcast-destination decision (§2: never answered). */
#include <arpa/inet.h>
#include <string.h>

#include <glib.h>

#include "bcast.h"

static struct in_addr ip(const char *text)
{
    struct in_addr a;
    g_assert_cmpint(inet_pton(AF_INET, text, &a), ==, 1);
    return a;
}

static void test_ipv4(void)
{
    struct sim_bcast_set set = {.count = 1};
    set.addrs[0] = ip("10.77.0.255");
    g_assert_true(sim_bcast_ipv4(&set, ip("255.255.255.255")));
    g_assert_true(sim_bcast_ipv4(&set, ip("10.77.0.255")));
    g_assert_true(sim_bcast_ipv4(&set, ip("224.0.0.1"))); /* multicast */
    g_assert_true(sim_bcast_ipv4(&set, ip("239.255.255.250")));
    g_assert_false(sim_bcast_ipv4(&set, ip("10.77.0.1")));
    g_assert_false(sim_bcast_ipv4(&set, ip("127.0.0.1")));
    g_assert_false(sim_bcast_ipv4(&set, ip("10.77.1.255"))); /* not an interface's */
}

/* A received message whose control data carries the destination address. */
static bool datagram_to(const struct sim_bcast_set *set, const char *dst)
{
    union {
        struct cmsghdr align;
        uint8_t buf[SIM_BCAST_CMSG_SPACE];
    } ctrl;
    memset(&ctrl, 0, sizeof ctrl);
    struct msghdr msg = {.msg_control = ctrl.buf, .msg_controllen = sizeof ctrl.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (strchr(dst, ':') == NULL) {
        struct in_pktinfo info = {.ipi_addr = ip(dst)};
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof info);
        memcpy(CMSG_DATA(c), &info, sizeof info);
        msg.msg_controllen = CMSG_SPACE(sizeof info);
    } else {
        struct in6_pktinfo info;
        memset(&info, 0, sizeof info);
        g_assert_cmpint(inet_pton(AF_INET6, dst, &info.ipi6_addr), ==, 1);
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof info);
        memcpy(CMSG_DATA(c), &info, sizeof info);
        msg.msg_controllen = CMSG_SPACE(sizeof info);
    }
    return sim_bcast_datagram(set, &msg);
}

static void test_control_data(void)
{
    struct sim_bcast_set set = {.count = 1};
    set.addrs[0] = ip("192.168.1.255");
    g_assert_true(datagram_to(&set, "255.255.255.255"));
    g_assert_true(datagram_to(&set, "192.168.1.255"));
    g_assert_false(datagram_to(&set, "192.168.1.7"));
    g_assert_true(datagram_to(&set, "ff02::1"));
    g_assert_false(datagram_to(&set, "::1"));
    g_assert_true(datagram_to(&set, "::ffff:192.168.1.255")); /* v4-mapped on a v6 socket */
    g_assert_false(datagram_to(&set, "::ffff:192.168.1.7"));
    struct msghdr none = {0};
    g_assert_false(sim_bcast_datagram(&set, &none)); /* no control data: unicast */
}

static void test_refresh(void)
{
    struct sim_bcast_set set;
    sim_bcast_refresh(&set); /* whatever the machine has; loopback has no broadcast */
    g_assert_cmpuint(set.count, <=, SIM_BCAST_MAX);
    g_assert_false(sim_bcast_ipv4(&set, ip("127.0.0.1")));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/mcpsim/bcast/ipv4", test_ipv4);
    g_test_add_func("/mcpsim/bcast/control-data", test_control_data);
    g_test_add_func("/mcpsim/bcast/refresh", test_refresh);
    return g_test_run();
}

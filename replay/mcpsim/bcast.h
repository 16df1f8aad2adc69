/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which UDP datagrams were sent to a broadcast address (§2: a request sent to
 * a UDP broadcast address is never answered). The destination comes from
 * IP_PKTINFO / IPV6_PKTINFO; IPv4 broadcast is 255.255.255.255 or the
 * broadcast address of a local interface, IPv6 has multicast instead.
 */
#ifndef MCPSIM_BCAST_H
#define MCPSIM_BCAST_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define SIM_BCAST_MAX 64

struct sim_bcast_set {
    size_t count;
    struct in_addr addrs[SIM_BCAST_MAX]; /* interface broadcast addresses */
};

/* Re-reads the interfaces' broadcast addresses. */
void sim_bcast_refresh(struct sim_bcast_set *set);

/* Asks the kernel for each datagram's destination address on socket fd. */
void sim_bcast_enable_pktinfo(int fd, int family);

/* True when dst is a broadcast address (or multicast). */
bool sim_bcast_ipv4(const struct sim_bcast_set *set, struct in_addr dst);

/* True when the datagram described by msg (with its control data) went to a broadcast address. */
bool sim_bcast_datagram(const struct sim_bcast_set *set, const struct msghdr *msg);

/* Control buffer room for either pktinfo. */
#define SIM_BCAST_CMSG_SPACE 64

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Broadcast destinations of UDP datagrams. */
#include "bcast.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

void sim_bcast_refresh(struct sim_bcast_set *set)
{
    struct ifaddrs *list = NULL;
    set->count = 0;
    if (getifaddrs(&list) != 0)
        return;
    for (struct ifaddrs *i = list; i != NULL && set->count < SIM_BCAST_MAX; i = i->ifa_next) {
        if ((i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr != NULL &&
            i->ifa_broadaddr->sa_family == AF_INET)
            set->addrs[set->count++] = ((const struct sockaddr_in *)i->ifa_broadaddr)->sin_addr;
    }
    freeifaddrs(list);
}

void sim_bcast_enable_pktinfo(int fd, int family)
{
    int one = 1;
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    else
        setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
}

bool sim_bcast_ipv4(const struct sim_bcast_set *set, struct in_addr dst)
{
    if (dst.s_addr == htonl(INADDR_BROADCAST) || IN_MULTICAST(ntohl(dst.s_addr)))
        return true;
    for (size_t i = 0; i < set->count; i++)
        if (set->addrs[i].s_addr == dst.s_addr)
            return true;
    return false;
}

bool sim_bcast_datagram(const struct sim_bcast_set *set, const struct msghdr *msg)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
         c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo info;
            memcpy(&info, CMSG_DATA(c), sizeof info);
            return sim_bcast_ipv4(set, info.ipi_addr);
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo info;
            memcpy(&info, CMSG_DATA(c), sizeof info);
            if (IN6_IS_ADDR_V4MAPPED(&info.ipi6_addr)) {
                struct in_addr v4;
                memcpy(&v4, &info.ipi6_addr.s6_addr[12], sizeof v4);
                return sim_bcast_ipv4(set, v4);
            }
            return IN6_IS_ADDR_MULTICAST(&info.ipi6_addr);
        }
    }
    return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ICMP errors on a connected UDP socket (Linux IP_RECVERR / IPV6_RECVERR, ip(7), ipv6(7)).
 * Without them a connected UDP socket reports only the "hard" ICMP errors, and only as an
 * errno; a router's net/host unreachable went unnoticed. With them every ICMP error for
 * the socket's datagrams is queued with its type, code and the address of the node that
 * sent it (SO_EE_OFFENDER), read here with MSG_ERRQUEUE.
 */
#ifndef MCP_ICMPERR_H
#define MCP_ICMPERR_H

#include <stdbool.h>
#include <stddef.h>

/* Asks the kernel to queue ICMP errors on fd (family AF_INET or AF_INET6); false if it refused. */
bool mcp_icmp_errors_enable(int fd, int family);

/*
 * Reads one queued error from fd (non-blocking). On true, out (capacity out_len) holds a
 * phrase such as "ICMP net unreachable (type 3 code 0) from 192.168.77.1", and
 * *port_unreachable tells whether it was port unreachable (ICMP 3/3, ICMPv6 1/4: nothing
 * listens there). A local error (no route, no ARP answer) reads "no route (local: No route
 * to host)". False when the queue is empty.
 */
bool mcp_icmp_error_read(int fd, char *out, size_t out_len, bool *port_unreachable);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UDP listeners: recvmmsg/sendmmsg batches, a bounded table of clients. */
#ifndef MCPSIM_UDP_H
#define MCPSIM_UDP_H

#include <stdbool.h>
#include <stddef.h>

#include "core.h"
#include "endpoint.h"

struct sim_udp_table *sim_udp_new(unsigned max_clients, uint64_t idle_ns);
void sim_udp_free(struct sim_udp_table *t);

/*
 * Binds a UDP listener and registers it with the core's epoll. On success
 * writes its URL (with the port actually bound) into url.
 */
bool sim_udp_listen(struct sim_core *core, const struct mcp_endpoint *ep, struct sim_devset *set,
                    char *url, size_t url_len, char *err, size_t err_len);

/* Forgets clients idle for longer than the idle time. */
void sim_udp_sweep(struct sim_core *core, uint64_t now_ns);

/* Calls fn for every known UDP client. */
void sim_udp_foreach(struct sim_core *core, void (*fn)(struct sim_core *, struct sim_client *));

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP listeners and connections (one client per connection). */
#ifndef MCPSIM_TCP_H
#define MCPSIM_TCP_H

#include <stdbool.h>
#include <stddef.h>

#include "core.h"
#include "endpoint.h"
#include "link.h"

struct sim_tcp *sim_tcp_new(unsigned max_clients);
/* Closes every connection. */
void sim_tcp_free(struct sim_core *core, struct sim_tcp *tcp);

/* Listens on ep; its connections reach the devices of set. */
bool sim_tcp_listen(struct sim_core *core, const struct mcp_endpoint *ep, struct sim_devset *set,
                    char *url, size_t url_len, char *err, size_t err_len);

/* The open connection with this id, or NULL when it has gone. */
struct sim_link *sim_tcp_find(struct sim_core *core, uint64_t conn_id);

/* The idle rule of link.h for every connection (from the 1 s sweep). */
void sim_tcp_sweep(struct sim_core *core, uint64_t now_ns);

void sim_tcp_foreach(struct sim_core *core, void (*fn)(struct sim_core *, struct sim_client *));

#endif

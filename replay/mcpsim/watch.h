/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epoll registration: every watched descriptor carries a struct sim_watch. */
#ifndef MCPSIM_WATCH_H
#define MCPSIM_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

struct sim_watch {
    void (*on_event)(struct sim_core *core, struct sim_watch *w, uint32_t events);
};

/* A listening socket; the core closes and frees these at exit. */
struct sim_listener {
    struct sim_watch watch;
    int fd;
    struct sim_devset *set; /* the devices its clients reach (NULL: the signalfd) */
};

bool sim_watch_add(struct sim_core *core, int fd, uint32_t events, struct sim_watch *w);
bool sim_watch_mod(struct sim_core *core, int fd, uint32_t events, struct sim_watch *w);
void sim_watch_del(struct sim_core *core, int fd);

/* Registers a listener (epoll and the core's list); false with errno set on failure. */
bool sim_listener_add(struct sim_core *core, struct sim_listener *l);

/*
 * Registers a bound socket as a listener for on_event and writes its URL
 * ("SCHEME://ADDR:PORT" with the bound address, so port 0 shows the port the
 * kernel chose). On failure closes fd, writes a reason into err and returns false.
 */
bool sim_listener_open(struct sim_core *core, int fd, const char *scheme,
                       void (*on_event)(struct sim_core *, struct sim_watch *, uint32_t),
                       struct sim_devset *set, char *url, size_t url_len, char *err,
                       size_t err_len);

#endif

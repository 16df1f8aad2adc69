/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The event loop: epoll over every socket and line, signals, timers. */
#ifndef MCPSIM_LOOP_H
#define MCPSIM_LOOP_H

#include "core.h"

/* Runs until SIGINT or SIGTERM; prints the counters and returns an exit code. */
int sim_run(struct sim_core *core);

/* Blocks SIGINT/SIGTERM (delivered through a signalfd) and ignores SIGPIPE; call first. */
bool sim_signals_block(void);

#endif

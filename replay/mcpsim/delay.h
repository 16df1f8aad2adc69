/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Answers held back by --latency MS[:JITTER_MS], sent when their time comes. */
#ifndef MCPSIM_DELAY_H
#define MCPSIM_DELAY_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* At most this many answers wait at once; beyond it an answer is dropped (counted). */
#define SIM_DELAY_MAX 65536

struct sim_delay_queue *sim_delay_new(void);
void sim_delay_free(struct sim_delay_queue *q);

/* Queues a copy of a frame for peer, due at due_ns. False when the queue is full. */
bool sim_delay_push(struct sim_delay_queue *q, uint64_t due_ns, const struct sim_peer *peer,
                    const uint8_t *bytes, size_t len);

/* The earliest due time, or UINT64_MAX when empty. */
uint64_t sim_delay_next_due(const struct sim_delay_queue *q);

/* Sends every frame due at now_ns or earlier through sim_peer_send. */
void sim_delay_run(struct sim_delay_queue *q, struct sim_core *core, uint64_t now_ns);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The traffic model: masters send requests, devices answer after a latency
 * and send EVENTs, and faults are injected on fresh frames with the
 * receiver's reaction (NAK) and the sender's recovery (retransmission), as
 * docs/PROTOCOL.md §3 describes. Every frame goes to the transport in
 * capture order together with its answer-key entry, whose verdict and links
 * come from what the model did.
 */
#ifndef MCPGEN_MODEL_H
#define MCPGEN_MODEL_H

#include <stdint.h>

#include "options.h"
#include "topology.h"
#include "truth.h"
#include "xport.h"

struct model_stats {
    uint64_t frames; /* frames written (including serial junk frames) */
    uint64_t ticks;
    uint64_t faults[FAULT_COUNT];
    uint64_t syncs;
};

/*
 * Called about every 4096 model steps with the frames written so far (for
 * mcpgen's progress line); NULL (the default) for none.
 */
void model_set_progress(void (*fn)(uint64_t frames));

/* Runs the whole capture through the transport. */
void model_run(const struct gen_options *opt, const struct topology *topo, struct truth *truth,
               struct xport *xport, struct model_stats *stats);

#endif

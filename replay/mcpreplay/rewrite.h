/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rewrites frames on their way out: --renumber (fresh seqs for each sender
 * the target sees, check recomputed), --fix-crc, and the injected
 * faults --corrupt-crc, --drop, --duplicate, --reorder, each with a
 * probability drawn from a generator seeded with --seed.
 */
#ifndef MR_REWRITE_H
#define MR_REWRITE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "extract.h"
#include "mcp/frame.h"

struct mr_rewrite_config {
    struct mcp_codec codec;
    bool renumber;
    bool fix_crc;
    double corrupt_crc, drop, duplicate, reorder; /* probabilities 0..1 */
    uint64_t seed;
    bool raw;        /* whole packets (iface:): only drop, duplicate and reorder apply */
    bool per_sender; /* udp/tcp targets: each captured sender has its own socket and seqs */
};

struct mr_rewrite_stats {
    uint64_t renumbered, fixed, corrupted, dropped, duplicated, reordered;
};

struct mr_rewriter {
    struct mr_rewrite_config cfg;
    GRand *rand;
    GHashTable *next_seqs; /* --renumber: sender -> next seq (see rewrite.c) */
    struct mr_frame *held; /* --reorder: goes out after the next frame */
    struct mr_rewrite_stats stats;
};

void mr_rewriter_init(struct mr_rewriter *rw, const struct mr_rewrite_config *cfg);
void mr_rewriter_clear(struct mr_rewriter *rw);

/*
 * Takes one frame (ownership) and hands back the frames to send now, in
 * order, in out[0..n) (n is 0..3); they are owned by the caller.
 */
size_t mr_rewrite(struct mr_rewriter *rw, struct mr_frame *in, struct mr_frame *out[3]);

/* End of the run: a frame still held back by --reorder, or NULL. */
struct mr_frame *mr_rewrite_flush(struct mr_rewriter *rw);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small seeded PRNG (splitmix64): the same seed gives the same capture on every machine. */
#ifndef MCPGEN_RNG_H
#define MCPGEN_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
    uint64_t state;
};

void rng_seed(struct rng *rng, uint64_t seed);
uint64_t rng_next(struct rng *rng);
/* Uniform in [0, 1). */
double rng_unit(struct rng *rng);
/* Uniform in [0, n); n > 0. */
uint32_t rng_below(struct rng *rng, uint32_t n);
/* Uniform in [lo, hi]. */
uint32_t rng_range(struct rng *rng, uint32_t lo, uint32_t hi);
/* True with probability p. */
bool rng_chance(struct rng *rng, double p);
/* A byte that is never 0x5A (keeps noise and false starts arithmetic exact). */
uint8_t rng_byte_not_magic(struct rng *rng);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* splitmix64: tiny, fast, and well distributed for a traffic model. */
#include "rng.h"

#include "mcp/frame.h"

void rng_seed(struct rng *rng, uint64_t seed)
{
    rng->state = seed ^ 0x6A09E667F3BCC909ULL;
}

uint64_t rng_next(struct rng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double rng_unit(struct rng *rng)
{
    return (double)(rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

uint32_t rng_below(struct rng *rng, uint32_t n)
{
    return (uint32_t)(((rng_next(rng) >> 32) * (uint64_t)n) >> 32);
}

uint32_t rng_range(struct rng *rng, uint32_t lo, uint32_t hi)
{
    return lo + rng_below(rng, hi - lo + 1);
}

bool rng_chance(struct rng *rng, double p)
{
    if (p <= 0.0)
        return false;
    return rng_unit(rng) < p;
}

uint8_t rng_byte_not_magic(struct rng *rng)
{
    uint8_t b = (uint8_t)rng_below(rng, 255);
    return b >= MCP_MAGIC ? (uint8_t)(b + 1) : b;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log-linear histogram. */
#include "histogram.h"

#include <string.h>

void mr_histogram_init(struct mr_histogram *h)
{
    memset(h, 0, sizeof *h);
}

/* Values below MR_HIST_SUB have a bucket each; above, each power of two
 * [2^k, 2^(k+1)) is split into MR_HIST_SUB equal buckets. */
static unsigned bucket_of(uint64_t v)
{
    if (v < MR_HIST_SUB)
        return (unsigned)v;
    unsigned k = 63u - (unsigned)__builtin_clzll(v);               /* 2^k <= v */
    unsigned sub = (unsigned)((v >> (k - 6)) & (MR_HIST_SUB - 1)); /* 6 = log2(MR_HIST_SUB) */
    unsigned b = (k - 5) * MR_HIST_SUB + sub;
    return b < MR_HIST_BUCKETS ? b : MR_HIST_BUCKETS - 1;
}

static uint64_t bucket_upper(unsigned b)
{
    if (b < MR_HIST_SUB)
        return b;
    unsigned k = b / MR_HIST_SUB + 5;
    uint64_t sub = b % MR_HIST_SUB;
    return ((MR_HIST_SUB + sub + 1) << (k - 6)) - 1;
}

void mr_histogram_add(struct mr_histogram *h, int64_t value_ns)
{
    if (value_ns < 0)
        value_ns = 0;
    if (h->count == 0 || value_ns > h->max)
        h->max = value_ns;
    if (h->count == 0 || value_ns < h->min)
        h->min = value_ns;
    h->count++;
    h->sum += (double)value_ns;
    h->buckets[bucket_of((uint64_t)value_ns)]++;
}

int64_t mr_histogram_quantile(const struct mr_histogram *h, double q)
{
    if (h->count == 0)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)h->count + 0.5);
    if (rank < 1)
        rank = 1;
    if (rank > h->count)
        rank = h->count;
    uint64_t seen = 0;
    for (unsigned b = 0; b < MR_HIST_BUCKETS; b++) {
        seen += h->buckets[b];
        if (seen >= rank) {
            int64_t v = (int64_t)bucket_upper(b);
            if (v > h->max)
                v = h->max;
            if (v < h->min)
                v = h->min;
            return v;
        }
    }
    return h->max;
}

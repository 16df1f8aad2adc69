/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fixed-size log-linear histogram of non-negative nanosecond values:
 * memory does not grow with the count, quantiles are within 1/64 (1.6%).
 */
#ifndef MR_HISTOGRAM_H
#define MR_HISTOGRAM_H

#include <stdint.h>

#define MR_HIST_SUB     64 /* buckets per power of two */
#define MR_HIST_BUCKETS (MR_HIST_SUB * 58)

struct mr_histogram {
    uint64_t count;
    int64_t max;
    int64_t min;
    double sum;
    uint64_t buckets[MR_HIST_BUCKETS];
};

void mr_histogram_init(struct mr_histogram *h);
void mr_histogram_add(struct mr_histogram *h, int64_t value_ns); /* negative counts as 0 */
/* The value at quantile q (0..1): the upper edge of its bucket, capped at max. 0 if empty. */
int64_t mr_histogram_quantile(const struct mr_histogram *h, double q);

#endif

/* What mcppoll prints: a readable table (default) or one JSON object per line per answer. */
#ifndef MP_OUTPUT_H
#define MP_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "session.h"

/* One request's outcome; polling adds a timestamp. Returns the exit code it stands for:
 * 0 answered OK (or nothing to wait for), 1 another status or NAKed, 3 no answer. */
int mp_print_result(const struct mp_options *o, const struct mp_result *r, bool polling);

/* scan: one device's outcome (present: it answered; status named). */
void mp_print_scan_row(const struct mp_options *o, unsigned device, const struct mp_result *r);

/* Polling summary: requests, answers, latency min/avg/max. */
struct mp_tally {
    uint64_t requests, answered;
    int64_t min_ns, max_ns, sum_ns;
};
void mp_tally_add(struct mp_tally *t, const struct mp_result *r);
void mp_print_tally(const struct mp_options *o, const struct mp_tally *t);

#endif

/* What a run achieved: the live progress line, the final summary and --json. */
#ifndef MR_REPORT_H
#define MR_REPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "expect.h"
#include "extract.h"
#include "histogram.h"
#include "rewrite.h"

struct mr_run_stats {
    const char *target;
    const char *mode; /* "capture x1", "pps 1000", "topspeed"... */
    uint64_t sent;
    uint64_t bytes;
    int64_t elapsed_ns; /* first send to last send */
    bool timed;         /* lateness is meaningful (not --topspeed) */
    struct mr_histogram lateness;
    uint64_t received; /* frames that came back */
    uint64_t received_bad_crc;
    uint64_t naks[8]; /* NAKs received, by reason (0: other) */
    uint64_t loops;
    uint64_t reconnects;
    const struct mr_extract_stats *extract;
    const struct mr_rewrite_stats *faults;
    const struct mr_expect_stats *expect; /* NULL without --expect */
    const GPtrArray *expect_reports;
    int exit_code;
    const char *error; /* what ended the run early, or NULL */
    /* issue 8: frames not extracted, with their senders' names (NULL: none) */
    const struct mr_extractor *extractor;
};

/* Prints "sent N (R/s) ... ETA" over itself on stderr; call at most every 200 ms. */
void mr_report_progress(uint64_t sent, uint64_t total, int64_t elapsed_ns, int64_t eta_ns);
void mr_report_progress_done(void);

void mr_report_summary(FILE *out, const struct mr_run_stats *s);
/* issue 8: "skipped: N frames" and one line per listed skip (record, sender, seq, reason). */
void mr_report_skips(FILE *out, const struct mr_extractor *ex);
/* False with *error when the file cannot be written. */
bool mr_report_json(const char *path, const struct mr_run_stats *s, GError **error);

#endif

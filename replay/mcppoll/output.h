/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What mcppoll prints: an answer as a readable table or one JSON object per
 * line (--json), polling rows with timestamps, scan rows, and the summary.
 * Answers are decoded with lib's §2 parser and named with lib's §2 names.
 */
#ifndef MP_OUTPUT_H
#define MP_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "session.h"

/* Counts over a run, for the summary and the exit code. */
struct mp_tally {
    uint64_t requests, answered, ok, other_status, malformed, naked, no_answer, sent, lost;
    int64_t lat_min_ns, lat_max_ns, lat_sum_ns;
    int exit_code; /* the worst so far: 0, 1 or 3 */
};

/* The answer's §2 status (0..255), or -1 when the answer is malformed or carries none. */
int mp_answer_status(const struct mp_outcome *oc);

/* Adds an outcome to the tally; returns its exit code (0, 1, 3; 0 for MP_STOPPED). */
int mp_tally_add(struct mp_tally *t, const struct mp_outcome *oc);

/*
 * Prints one outcome of the command in o (read/write: of o->steps[step]):
 * poll is its 1-based number; polling (a --count other than 1) prints one
 * timestamped row instead of a table. Under --json, the READ or WRITE's
 * object lists the typed values it carries ("items").
 */
void mp_output_outcome(const struct mp_options *o, size_t step, uint64_t poll, bool polling,
                       const struct mp_outcome *oc);

/*
 * After the steps of one poll (ocs[k] for step k < done; the rest did not
 * run): the table of typed values (name, value, unit, label), or under
 * polling one row of them; and the --csv row.
 */
void mp_output_poll(const struct mp_options *o, uint64_t poll, bool polling,
                    const struct mp_outcome *ocs, size_t done);

/*
 * --csv FILE: opens it (- is stdout) and writes the header row; false with
 * *error (code 6) when it cannot be created. Close: false when a row could
 * not be written.
 */
bool mp_output_csv_open(const struct mp_options *o, GError **error);
bool mp_output_csv_close(GError **error);

/* Whether what mcppoll prints for people goes to stderr (stdout is --json's or --csv -'s). */
bool mp_output_stdout_taken(const struct mp_options *o);

/* scan: the header, one probe's row (only devices found, unless --json), the closing table. */
void mp_output_scan_header(const struct mp_options *o);
void mp_output_scan_probe(const struct mp_options *o, uint8_t device, const struct mp_outcome *oc);
void mp_output_scan_summary(const struct mp_options *o, const uint8_t *found, size_t n_found,
                            uint64_t unknown_device, uint64_t no_answer, uint64_t naked);

/* The closing summary of a run with several requests (stdout; stderr under --json). */
void mp_output_summary(const struct mp_options *o, const struct mp_tally *t,
                       const struct mcp_master_stats *ms, uint64_t unmatched, uint64_t events);

/* Notes on stderr about frames nobody asked for: stray NAKs, unmatched answers, bad checks. */
void mp_output_notes(const struct mp_options *o, const struct mcp_master_stats *ms,
                     uint64_t unmatched, uint64_t bad_crc, const char *crc_hint);

#endif

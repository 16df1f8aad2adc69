/* SPDX-License-Identifier: GPL-2.0-or-later */
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
#include "master.h"
#include "rewrite.h"

struct mr_run_stats {
    const char *target;
    const char *mode;   /* "capture x1", "pps 1000", "topspeed"... */
    uint64_t sent;      /* the capture's frames sent (a resend not counted: see resent) */
    uint64_t resent;    /* frames sent again after a NAK (§3); on the wire: sent + resent frames */
    uint64_t bytes;     /* of the sent + resent frames */
    int64_t elapsed_ns; /* first send to last send */
    bool timed;         /* lateness is meaningful (not --topspeed) */
    struct mr_histogram lateness;
    uint64_t received; /* frames that came back */
    uint64_t received_bad_crc;
    uint64_t received_junk_bytes;  /* bytes from the target that are not MCP (h19 #12) */
    uint64_t received_junk_chunks; /* ... the datagrams (UDP) or runs (TCP, serial) holding them */
    uint64_t naks[8];              /* NAKs received, by reason (0: other) */
    uint64_t loops;
    uint64_t reconnects;
    uint64_t sockets_closed; /* sender sockets closed (least recently used) under the fd limit */
    const struct mr_extract_stats *extract;
    const struct mr_rewrite_stats *faults;
    const struct mr_expect_stats *expect; /* NULL without --expect */
    const GArray *verdicts;               /* struct mr_verdict, under --expect */
    int timeout_ms;
    const struct mcp_master_stats *master; /* NAKs, resends, late answers; NULL for iface: */
    const char *crc_name;                  /* the configured check */
    const char *crc_hint;                  /* a variant every bad-check frame passes, or NULL */
    int exit_code;
    const char *error; /* what ended the run early, or NULL */
    /* h19 #2: SIGINT/SIGTERM stopped the run; total: the frames it would have sent (the
     * capture's frames x --loop, within --limit), 0 when not counted (captures over 64 MiB) */
    bool interrupted;
    bool unmatched_fail; /* h19 #13: --expect failed on answers matching no request */
    /* --expect: requests held until an earlier one with their seq was answered or expired */
    uint64_t held_for_seq;
    /* --expect compared no request with the capture's answer (none was recorded, or none
     * selected): a run that checked nothing fails rather than passes vacuously */
    bool nothing_compared;
    /* --expect: NAKs UNEXPECTED_RESPONSE for our frames (we sent responses: the capture's
     * directions look swapped, or --from picked the device's side); they fail the run */
    uint64_t sent_responses_naked;
    uint64_t total;
    /* issue 8: frames not extracted, with their senders' names (NULL: none) */
    const struct mr_extractor *extractor;
};

/* What the progress line shows. total 0: unknown; eta_ns < 0: unknown. */
struct mr_progress {
    uint64_t sent, total;
    double fraction; /* 0..1 of the run done, < 0: unknown */
    int64_t elapsed_ns, eta_ns;
    uint64_t answers, mismatches; /* answers so far; verdicts other than as recorded so far */
};

/* On a terminal (tty): one line rewritten in place; otherwise one line per call (CI logs). */
void mr_report_progress(FILE *out, bool tty, const struct mr_progress *p);
void mr_report_progress_done(FILE *out, bool tty);

void mr_report_summary(FILE *out, const struct mr_run_stats *s);
/* Writes the results as one JSON object (schema: docs/mcpreplay-result.schema.json) to out,
 * opened before the run; false with *error when it cannot be written. */
bool mr_report_json(FILE *out, const char *path, const struct mr_run_stats *s, GError **error);
/* issue 8: "skipped: N frames" and one line per listed skip (record, sender, seq, reason). */
void mr_report_skips(FILE *out, const struct mr_extractor *ex);
/* What the capture held beside its frames, for the listing (-n) and the summary: UDP datagrams
 * suspected to be SPAN copies, and "dlt_user:" lines: per LINKTYPE_USER0..15 seen, its mapping,
 * where it came from (--dlt-user or Wireshark's user_dlts file) and its records (MCP, not MCP,
 * unmapped). Nothing without an extractor (ex NULL). */
void mr_report_capture_notes(FILE *out, const struct mr_extractor *ex);

#endif

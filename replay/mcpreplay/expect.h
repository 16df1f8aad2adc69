/*
 * Regression mode (--expect): each request sent is matched with the target's
 * answer (req_seq + command, library match.h) and with the answer recorded in
 * the capture (matched the same way on the capture's own frames); the two are
 * compared field by field (status and payload; --ignore FIELD), and answers
 * that never come (--timeout) are reported.
 */
#ifndef MR_EXPECT_H
#define MR_EXPECT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "extract.h"
#include "histogram.h"
#include "mcp/frame.h"

struct mr_expect_config {
    struct mcp_codec codec;
    int timeout_ms;
    uint32_t ignore_mask; /* bit (1 << enum mcp_field) */
    bool keep_recorded;   /* --preload: the same recorded answers serve every loop */
    FILE *diff_out;       /* where diffs are printed as they happen (NULL: nowhere) */
    unsigned max_printed; /* diffs printed at most */
};

struct mr_expect_stats {
    uint64_t requests;   /* requests sent that expect an answer */
    uint64_t answered;   /* the target answered */
    uint64_t matched;    /* ... the same way as in the capture */
    uint64_t mismatched; /* ... differently */
    uint64_t missing;    /* the capture has an answer, the target gave none in time */
    uint64_t extra;      /* the target answered where the capture has no answer */
    uint64_t unanswered; /* neither the capture nor the target answered */
    uint64_t unexpected; /* answers that match no request sent (or came too late) */
    struct mr_histogram latency;
};

struct mr_expect;

struct mr_expect *mr_expect_new(const struct mr_expect_config *cfg);
void mr_expect_free(struct mr_expect *e);

/* Parses --ignore names (uptime, value, status, ...) into a mask; false with *error. */
bool mr_expect_parse_ignore(const char *const *names, uint32_t *mask, GError **error);
const char *mr_expect_field_names(void);

/* The capture side: every extracted frame, in order (the source's observer); NULL ends a pass. */
void mr_expect_observe(struct mr_expect *e, const struct mr_frame *frame, bool selected,
                       const struct mr_extractor *ex);

/* A frame went out at now_ns (monotonic) on socket conv to the target. Requests and answers
 * are matched per socket (§4: per conversation). */
void mr_expect_sent(struct mr_expect *e, unsigned conv, const struct mr_frame *frame,
                    int64_t now_ns);

/* A frame came back from the target on socket conv. */
void mr_expect_received(struct mr_expect *e, unsigned conv, const uint8_t *bytes, size_t len,
                        bool crc_ok, int64_t now_ns);

/* Declares answers overdue at now_ns missing. */
void mr_expect_tick(struct mr_expect *e, int64_t now_ns);

/* Requests still waiting for the target; 0 when done. */
size_t mr_expect_waiting(const struct mr_expect *e);
/* When the oldest waiting request times out (monotonic), or INT64_MAX. */
int64_t mr_expect_next_timeout(const struct mr_expect *e);

/* End: everything still open is settled. */
void mr_expect_finish(struct mr_expect *e);

const struct mr_expect_stats *mr_expect_stats(const struct mr_expect *e);
/* The diffs (one string each, several lines), for --json. */
const GPtrArray *mr_expect_reports(const struct mr_expect *e);

#endif

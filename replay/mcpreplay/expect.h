/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Regression mode (--expect): each request sent gets a verdict from the
 * master's outcome (answer, late answer, NAKed, none: replay/common/master.h)
 * and the answer recorded in the capture (matched with lib's match.h on the
 * capture's own frames); two answers are compared field by field (status and
 * payload; --ignore FIELD).
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
#include "mcp/regmap.h"

struct mr_verdict;

struct mr_expect_config {
    struct mcp_codec codec;
    int timeout_ms;
    uint32_t ignore_mask; /* bit (1 << enum mcp_field) */
    /* --map (REGISTER-MAP.md §5): READ answers compared item by item; NULL: register by
     * register. Not owned. */
    const struct mcp_regmap *map;
    /* --ignore NAME of --map items (NULL-terminated; NULL: none). Not owned. */
    const char *const *ignore_items;
    bool keep_recorded;   /* --preload: the same recorded answers serve every loop */
    FILE *diff_out;       /* where verdicts are printed as they happen (NULL: nowhere) */
    unsigned max_printed; /* verdicts printed at most */
    /* Every verdict, of every category, as it is settled (--junit); NULL: none. */
    void (*on_verdict)(void *ctx, const struct mr_verdict *v);
    void *verdict_ctx;
};

/* The verdict on one request under --expect. */
enum mr_category {
    MR_CAT_AS_RECORDED, /* answered in time, as in the capture */
    MR_CAT_MISMATCHED,  /* answered in time, differently */
    MR_CAT_LATE,        /* answered after --timeout (latency_ns says when) */
    MR_CAT_NAKED,       /* NAKed (nak_reasons) and never answered, resends exhausted */
    MR_CAT_MISSING,     /* the capture has an answer, the target gave none */
    MR_CAT_EXTRA,       /* the target answered where the capture has no answer */
    MR_CAT_UNANSWERED,  /* neither answered */
    MR_CAT_COUNT
};

/* "as_recorded", "mismatched", "late", "naked", "missing", "extra", "unanswered". */
const char *mr_category_name(enum mr_category c);

/* One field of an answer: absent, a number, or a name (a status). */
struct mr_value {
    enum { MR_VALUE_ABSENT, MR_VALUE_NUMBER, MR_VALUE_TEXT } kind;
    uint32_t number;
    /* MR_VALUE_TEXT: a status name, payload bytes in hex, or an item's shown value
     * ("23.4 °C", "1 (on)"; a longer one is cut and ends in "...") */
    char text[80];
    bool hex; /* MR_VALUE_NUMBER: shown as 0x%04x (addr, value) */
};

#define MR_MAX_FIELD_DIFFS 8

struct mr_field_diff {
    char name[MCP_REG_NAME_MAX + 1]; /* "status", "value[3]", "cmd", "payload", an item's name */
    struct mr_value recorded, received;
    /* A --map item (§5): recorded/received hold its shown values (mcp_reg_format), the
     * numbers below its engineering values (mcp_reg_format_number). */
    bool item;
    bool numeric;     /* not str:N (which has no tolerance) */
    double tolerance; /* the item's, engineering units */
    char unit[32];    /* "" when it has none */
    char recorded_number[80], received_number[80];
};

struct mr_verdict {
    uint64_t record; /* capture record of the request */
    uint8_t seq;     /* seq as sent */
    uint8_t recorded_seq;
    uint8_t cmd;
    int device; /* the request's device id (READ, WRITE...); -1: the command names none */
    enum mr_category category;
    int64_t latency_ns; /* -1: no answer */
    unsigned resends;
    uint32_t nak_reasons;   /* bit (1 << reason) */
    uint64_t answer_record; /* the capture's answer, 0: none */
    size_t field_count;     /* differences kept (at most MR_MAX_FIELD_DIFFS) */
    size_t field_total;     /* differences found */
    struct mr_field_diff fields[MR_MAX_FIELD_DIFFS];
};

struct mr_expect_stats {
    uint64_t requests;        /* requests sent that expect an answer */
    uint64_t answered;        /* the target answered (in time or late) */
    uint64_t matched;         /* as recorded */
    uint64_t mismatched;      /* ... differently */
    uint64_t late;            /* answered after --timeout */
    uint64_t naked;           /* NAKed and never answered */
    uint64_t missing;         /* the capture has an answer, the target gave none */
    uint64_t extra;           /* the target answered where the capture has no answer */
    uint64_t unanswered;      /* neither the capture nor the target answered */
    uint64_t listed_left_off; /* verdicts not kept for --json (over the cap) */
    struct mr_histogram latency;
};

struct mr_expect;

struct mr_expect *mr_expect_new(const struct mr_expect_config *cfg);
void mr_expect_free(struct mr_expect *e);

/* Parses --ignore names (uptime, value, status, ...) into a mask; false with *error. */
bool mr_expect_parse_ignore(const char *const *names, uint32_t *mask, GError **error);
/*
 * The same where names may also be --map items (§5): a name that is no field, or one
 * written mcp5a.reg.NAME / reg.NAME, is appended to items (g_strdup'd) for
 * mr_expect_check_ignore_items once the map is read.
 */
bool mr_expect_parse_ignore_items(const char *const *names, uint32_t *mask, GPtrArray *items,
                                  GError **error);
const char *mr_expect_field_names(void);

/* The capture side: every extracted frame, in order (the source's observer); NULL ends a pass.
 * A selected request's frame gets its expect_ref (what mr_expect_sent finds its recorded side
 * by; copies of the frame carry it). */
void mr_expect_observe(struct mr_expect *e, struct mr_frame *frame, bool selected,
                       const struct mr_extractor *ex);

/*
 * A frame went out to the target (the master, replay/common/master.h, matches
 * the answers per conversation, §4). Returns the id its verdict is kept
 * under, to be passed to the master; 0 when it gets no verdict (not a request
 * expecting an answer, or not one the capture side saw).
 */
uint64_t mr_expect_sent(struct mr_expect *e, const struct mr_frame *frame, int64_t now_ns);

/* The master's outcome for request id: an answer (late: after --timeout) ... */
void mr_expect_answered(struct mr_expect *e, uint64_t id, const uint8_t *bytes, size_t len,
                        int64_t latency_ns, bool late, unsigned resends, uint32_t nak_reasons);
/* ... NAKed past the retries, never answered ... */
void mr_expect_naked(struct mr_expect *e, uint64_t id, unsigned resends, uint32_t nak_reasons);
/* ... or no answer at all. Unknown ids are ignored. */
void mr_expect_unanswered(struct mr_expect *e, uint64_t id, unsigned resends, uint32_t nak_reasons);

/* True while requests sent wait for the capture to show their recorded answer: a run
 * stopped early (--limit, --duration) reads on (sending nothing) until it is false. */
bool mr_expect_needs_capture(const struct mr_expect *e);

/* Requests still waiting for the master's outcome. */
size_t mr_expect_waiting(const struct mr_expect *e);

/* End: everything still open is settled (no answer). */
void mr_expect_finish(struct mr_expect *e);

const struct mr_expect_stats *mr_expect_stats(const struct mr_expect *e);
/* The verdicts other than as_recorded/extra/unanswered, in order, at most a few hundred. */
const GArray *mr_expect_verdicts(const struct mr_expect *e); /* struct mr_verdict */

/* Adds a difference to v (counted always, kept while there is room: else NULL). */
struct mr_field_diff *mr_verdict_add_diff(struct mr_verdict *v, const char *name,
                                          const struct mr_value *recorded,
                                          const struct mr_value *received);

/* The verdict as one line of text (no newline), as printed. */
void mr_verdict_format(const struct mr_verdict *v, int timeout_ms, GString *out);

#endif

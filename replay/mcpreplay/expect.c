/* Regression mode: matching and comparing answers. */
#include "expect.h"

#include <string.h>

#include "mcp/match.h"
#include "mcp/names.h"
#include "mcp/pdu.h"

/* How far capture time may run past a request before its recorded answer is given up. */
#define RECORDED_WINDOW_NS (30LL * 1000000000LL)
#define MAX_KEPT_REPORTS   200

enum recorded_state { REC_UNKNOWN, REC_PRESENT, REC_ABSENT };

/* What the capture says about one selected request. */
struct recorded {
    uint64_t uid;
    uint64_t record;
    int64_t ts_ns;
    uint8_t seq, cmd;
    enum recorded_state state;
    uint8_t *answer;
    size_t answer_len;
    uint64_t answer_record;
    GSList *waiters; /* expectations waiting for the state to settle */
    unsigned refs;
    bool sent; /* the request has gone out at least once */
};

enum live_state { LIVE_WAIT, LIVE_GOT, LIVE_TIMEOUT };

/* One request sent. */
struct expectation {
    uint64_t id;
    struct recorded *rec;
    uint8_t sent_seq, cmd;
    int64_t sent_ns;
    enum live_state live;
    uint8_t *answer;
    size_t answer_len;
    GList *wait_link; /* in e->waiting while LIVE_WAIT */
};

struct mr_expect {
    struct mr_expect_config cfg;
    GHashTable *capture_tables; /* sender index -> struct mcp_match_table * */
    GHashTable *recorded;       /* uid -> struct recorded * */
    GQueue unknown;             /* struct recorded *, capture order */
    GHashTable
        *sent_tables; /* socket to the target -> struct mcp_match_table * (§4: per conversation) */
    GHashTable *open; /* id -> struct expectation * */
    GQueue waiting;   /* struct expectation *, send order */
    uint64_t next_id;
    unsigned printed;
    GPtrArray *reports;
    struct mr_expect_stats stats;
};

static const char *const field_names[] = {
    [MCP_FIELD_UPTIME] = "uptime",
    [MCP_FIELD_DEVICE] = "device",
    [MCP_FIELD_ADDR] = "addr",
    [MCP_FIELD_COUNT] = "count",
    [MCP_FIELD_VALUE] = "value",
    [MCP_FIELD_REQ_SEQ] = "req_seq",
    [MCP_FIELD_STATUS] = "status",
    [MCP_FIELD_EVENT_CODE] = "event.code",
    [MCP_FIELD_EVENT_TIMESTAMP] = "event.timestamp",
    [MCP_FIELD_EVENT_DATA] = "event.data",
    [MCP_FIELD_NAK_SEQ] = "nak.seq",
    [MCP_FIELD_NAK_REASON] = "nak.reason",
    [MCP_FIELD_SYNC_REASON] = "sync.reason",
};

const char *mr_expect_field_names(void)
{
    return "uptime, device, addr, count, value, status, event.code, event.timestamp, "
           "event.data, nak.seq, nak.reason, sync.reason";
}

bool mr_expect_parse_ignore(const char *const *names, uint32_t *mask, GError **error)
{
    for (; names != NULL && *names != NULL; names++) {
        gchar **parts = g_strsplit(*names, ",", -1);
        for (gchar **p = parts; *p != NULL; p++) {
            const char *name = g_strstrip(*p);
            if (g_str_has_prefix(name, "mcp5a.")) /* Wireshark field names work too */
                name += 6;
            bool found = false;
            for (size_t i = 0; i < G_N_ELEMENTS(field_names); i++)
                if (field_names[i] != NULL && g_ascii_strcasecmp(name, field_names[i]) == 0) {
                    *mask |= 1u << i;
                    found = true;
                }
            if (!found) {
                g_set_error(error, MR_ERROR, 2, "--ignore: unknown field '%s' (one of: %s)", name,
                            mr_expect_field_names());
                g_strfreev(parts);
                return false;
            }
        }
        g_strfreev(parts);
    }
    return true;
}

static void recorded_free(gpointer p)
{
    struct recorded *r = p;
    g_slist_free(r->waiters);
    g_free(r->answer);
    g_free(r);
}

static void expectation_free(gpointer p)
{
    struct expectation *x = p;
    g_free(x->answer);
    g_free(x);
}

static void table_free(gpointer p)
{
    mcp_match_clear(p);
    g_free(p);
}

struct mr_expect *mr_expect_new(const struct mr_expect_config *cfg)
{
    struct mr_expect *e = g_new0(struct mr_expect, 1);
    e->cfg = *cfg;
    e->capture_tables = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, table_free);
    e->recorded = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, recorded_free);
    e->open = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, expectation_free);
    g_queue_init(&e->unknown);
    g_queue_init(&e->waiting);
    e->sent_tables = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, table_free);
    e->reports = g_ptr_array_new_with_free_func(g_free);
    mr_histogram_init(&e->stats.latency);
    return e;
}

void mr_expect_free(struct mr_expect *e)
{
    if (e == NULL)
        return;
    g_queue_clear(&e->unknown);
    g_queue_clear(&e->waiting);
    g_hash_table_destroy(e->open);
    g_hash_table_destroy(e->recorded);
    g_hash_table_destroy(e->capture_tables);
    g_hash_table_destroy(e->sent_tables);
    g_ptr_array_free(e->reports, TRUE);
    g_free(e);
}

static struct mcp_match_table *table_in(GHashTable *tables, uint32_t key)
{
    struct mcp_match_table *t = g_hash_table_lookup(tables, GUINT_TO_POINTER(key));
    if (t == NULL) {
        t = g_new(struct mcp_match_table, 1);
        mcp_match_init(t);
        g_hash_table_insert(tables, GUINT_TO_POINTER(key), t);
    }
    return t;
}

static struct mcp_match_table *capture_table(struct mr_expect *e, uint32_t sender)
{
    return table_in(e->capture_tables, sender);
}

/* ---- comparing two answers ---- */

static void format_field(GString *s, enum mcp_field field, uint32_t value)
{
    switch (field) {
    case MCP_FIELD_STATUS: {
        const char *name = mcp_name_of(mcp_status_names, value);
        g_string_append_printf(s, "%s (%u)", name != NULL ? name : "unknown", value);
        break;
    }
    case MCP_FIELD_ADDR:
    case MCP_FIELD_VALUE:
        g_string_append_printf(s, "0x%04x", value);
        break;
    default:
        g_string_append_printf(s, "%u", value);
        break;
    }
}

static void hex(GString *s, const uint8_t *p, size_t n)
{
    if (n == 0)
        g_string_append(s, "(none)");
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%s%02x", i ? " " : "", p[i]);
}

/* Appends one "  field: recorded X, received Y" line per difference; returns their number. */
static unsigned compare_answers(const struct mr_expect *e, const uint8_t *rec, size_t rec_len,
                                const uint8_t *got, size_t got_len, GString *out)
{
    unsigned diffs = 0;
    uint8_t rcmd = rec[4], gcmd = got[4];
    const uint8_t *rp = rec + MCP_HEADER_LEN, *gp = got + MCP_HEADER_LEN;
    size_t rn = rec_len - MCP_OVERHEAD, gn = got_len - MCP_OVERHEAD;
    if (rcmd != gcmd) {
        g_string_append_printf(out, "  cmd: recorded %s (0x%02x), received %s (0x%02x)\n",
                               mcp_cmd_name(rcmd), rcmd, mcp_cmd_name(gcmd), gcmd);
        return 1;
    }
    struct mcp_pdu *a = g_new(struct mcp_pdu, 1), *b = g_new(struct mcp_pdu, 1);
    mcp_pdu_parse(rcmd, rp, rn, a);
    mcp_pdu_parse(gcmd, gp, gn, b);
    size_t n = a->field_count > b->field_count ? a->field_count : b->field_count;
    size_t value_index = 0;
    size_t covered_a = 0, covered_b = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mcp_field_span *fa = i < a->field_count ? &a->fields[i] : NULL;
        const struct mcp_field_span *fb = i < b->field_count ? &b->fields[i] : NULL;
        const struct mcp_field_span *f = fa != NULL ? fa : fb;
        if (fa != NULL)
            covered_a = fa->offset + fa->size;
        if (fb != NULL)
            covered_b = fb->offset + fb->size;
        bool is_value = f->field == MCP_FIELD_VALUE;
        size_t vi = value_index;
        if (is_value)
            value_index++;
        /* req_seq is the matching key and changes under --renumber. */
        if (f->field == MCP_FIELD_REQ_SEQ || (e->cfg.ignore_mask & (1u << f->field)))
            continue;
        char label[48];
        if (is_value)
            g_snprintf(label, sizeof label, "value[%zu]", vi);
        else
            g_snprintf(label, sizeof label, "%s", field_names[f->field]);
        if (fa != NULL && fb != NULL && fa->field == fb->field) {
            bool same = fa->field == MCP_FIELD_EVENT_DATA
                            ? fa->size == fb->size &&
                                  memcmp(rp + fa->offset, gp + fb->offset, fa->size) == 0
                            : fa->value == fb->value;
            if (same)
                continue;
            g_string_append_printf(out, "  %s: recorded ", label);
            if (fa->field == MCP_FIELD_EVENT_DATA)
                hex(out, rp + fa->offset, fa->size);
            else
                format_field(out, fa->field, fa->value);
            g_string_append(out, ", received ");
            if (fb->field == MCP_FIELD_EVENT_DATA)
                hex(out, gp + fb->offset, fb->size);
            else
                format_field(out, fb->field, fb->value);
            g_string_append(out, "\n");
        } else {
            g_string_append_printf(out, "  %s: recorded ", label);
            if (fa != NULL)
                format_field(out, fa->field, fa->value);
            else
                g_string_append(out, "(absent)");
            g_string_append(out, ", received ");
            if (fb != NULL)
                format_field(out, fb->field, fb->value);
            else
                g_string_append(out, "(absent)");
            g_string_append(out, "\n");
        }
        diffs++;
    }
    /* Bytes no field covers (an unknown command's payload, a malformed tail). */
    if (rn - covered_a != gn - covered_b ||
        memcmp(rp + covered_a, gp + covered_b, rn - covered_a) != 0) {
        g_string_append(out, "  payload bytes: recorded ");
        hex(out, rp + covered_a, rn - covered_a);
        g_string_append(out, ", received ");
        hex(out, gp + covered_b, gn - covered_b);
        g_string_append(out, "\n");
        diffs++;
    }
    g_free(a);
    g_free(b);
    return diffs;
}

static void report(struct mr_expect *e, GString *text)
{
    if (e->cfg.diff_out != NULL && e->printed < e->cfg.max_printed) {
        fputs(text->str, e->cfg.diff_out);
        if (++e->printed == e->cfg.max_printed)
            fprintf(e->cfg.diff_out, "mcpreplay: (further differences are counted, not shown)\n");
    }
    if (e->reports->len < MAX_KEPT_REPORTS)
        g_ptr_array_add(e->reports, g_strdup(text->str));
}

static void describe_request(GString *s, const struct expectation *x)
{
    g_string_append_printf(s, "%s seq %u (capture record %" G_GUINT64_FORMAT ", seq %u)",
                           mcp_cmd_name(x->cmd), x->sent_seq, x->rec->record, x->rec->seq);
}

static void recorded_release(struct mr_expect *e, struct recorded *r)
{
    if (--r->refs == 0 && r->sent && r->state != REC_UNKNOWN && !e->cfg.keep_recorded)
        g_hash_table_remove(e->recorded, &r->uid);
}

/* Settles an expectation once both sides are known. */
static void try_finish(struct mr_expect *e, struct expectation *x)
{
    if (x->live == LIVE_WAIT || x->rec->state == REC_UNKNOWN)
        return;
    struct recorded *r = x->rec;
    GString *s = g_string_new(NULL);
    if (r->state == REC_PRESENT && x->live == LIVE_GOT) {
        GString *lines = g_string_new(NULL);
        if (compare_answers(e, r->answer, r->answer_len, x->answer, x->answer_len, lines) == 0) {
            e->stats.matched++;
        } else {
            e->stats.mismatched++;
            g_string_append(s, "mismatch: answer to ");
            describe_request(s, x);
            g_string_append_printf(s, " differs from capture record %" G_GUINT64_FORMAT ":\n",
                                   r->answer_record);
            g_string_append(s, lines->str);
            report(e, s);
        }
        g_string_free(lines, TRUE);
    } else if (r->state == REC_PRESENT) {
        e->stats.missing++;
        g_string_append(s, "missing: no answer to ");
        describe_request(s, x);
        g_string_append_printf(s, " within %d ms; capture record %" G_GUINT64_FORMAT " has %s",
                               e->cfg.timeout_ms, r->answer_record, mcp_cmd_name(r->answer[4]));
        if (r->answer_len >= MCP_OVERHEAD + 2) {
            const char *st = mcp_name_of(mcp_status_names, r->answer[MCP_HEADER_LEN + 1]);
            g_string_append_printf(s, " status %s", st != NULL ? st : "unknown");
        }
        g_string_append(s, "\n");
        report(e, s);
    } else if (x->live == LIVE_GOT) {
        e->stats.extra++;
    } else {
        e->stats.unanswered++;
    }
    g_string_free(s, TRUE);
    r->waiters = g_slist_remove(r->waiters, x);
    recorded_release(e, r);
    g_hash_table_remove(e->open, &x->id);
}

static void settle_recorded(struct mr_expect *e, struct recorded *r, enum recorded_state state)
{
    r->state = state;
    GSList *waiters = g_slist_copy(r->waiters);
    for (GSList *l = waiters; l != NULL; l = l->next)
        try_finish(e, l->data);
    g_slist_free(waiters);
}

/* ---- the capture side ---- */

static void expire_unknown(struct mr_expect *e, const int64_t *now_ts)
{
    while (!g_queue_is_empty(&e->unknown)) {
        struct recorded *r = g_queue_peek_head(&e->unknown);
        if (r->state == REC_UNKNOWN && now_ts != NULL && r->ts_ns + RECORDED_WINDOW_NS >= *now_ts)
            return;
        g_queue_pop_head(&e->unknown);
        if (r->state == REC_UNKNOWN)
            settle_recorded(e, r, REC_ABSENT);
        recorded_release(e, r); /* the queue's reference */
    }
}

void mr_expect_observe(struct mr_expect *e, const struct mr_frame *frame, bool selected,
                       const struct mr_extractor *ex)
{
    if (frame == NULL) { /* end of a pass: every answer the capture holds has been seen */
        expire_unknown(e, NULL);
        GHashTableIter it;
        gpointer value;
        g_hash_table_iter_init(&it, e->capture_tables);
        while (g_hash_table_iter_next(&it, NULL, &value))
            mcp_match_clear(value);
        return;
    }
    expire_unknown(e, &frame->ts_ns);
    if (!frame->crc_ok || frame->len < MCP_OVERHEAD) /* §4: bad frames take no part */
        return;
    const uint8_t *payload = frame->bytes + MCP_HEADER_LEN;
    size_t plen = frame->len - MCP_OVERHEAD;
    if (mcp_expects_answer(frame->cmd, payload, plen)) {
        mcp_match_add_request(capture_table(e, frame->sender), frame->seq, frame->cmd,
                              selected ? frame->uid : 0);
        if (selected && g_hash_table_lookup(e->recorded, &frame->uid) == NULL) {
            struct recorded *r = g_new0(struct recorded, 1);
            r->uid = frame->uid;
            r->record = frame->record;
            r->ts_ns = frame->ts_ns;
            r->seq = frame->seq;
            r->cmd = frame->cmd;
            g_hash_table_insert(e->recorded, &r->uid, r);
            /* The queue holds a reference: the request may be settled and
             * released by an answer before it reaches the head of the queue. */
            r->refs++;
            g_queue_push_tail(&e->unknown, r);
        }
        return;
    }
    if (mcp_cmd_is_response(frame->cmd) && plen >= 2) {
        const struct mr_sender *sender = mr_extractor_sender(ex, frame->sender);
        if (sender == NULL)
            return;
        uint64_t uid;
        if (!mcp_match_response(capture_table(e, sender->reverse), payload[0], frame->cmd, &uid) ||
            uid == 0)
            return;
        struct recorded *r = g_hash_table_lookup(e->recorded, &uid);
        if (r == NULL || r->state != REC_UNKNOWN)
            return;
        r->answer = g_memdup2(frame->bytes, frame->len);
        r->answer_len = frame->len;
        r->answer_record = frame->record;
        r->refs++;
        settle_recorded(e, r, REC_PRESENT);
        recorded_release(e, r);
    }
}

/* ---- the live side ---- */

void mr_expect_sent(struct mr_expect *e, unsigned conv, const struct mr_frame *frame,
                    int64_t now_ns)
{
    if (!frame->crc_ok || frame->corrupted || frame->len < MCP_OVERHEAD)
        return;
    if (!mcp_expects_answer(frame->cmd, frame->bytes + MCP_HEADER_LEN, frame->len - MCP_OVERHEAD))
        return;
    struct recorded *r = g_hash_table_lookup(e->recorded, &frame->uid);
    if (r == NULL) { /* not a request the capture side saw (e.g. not selected): no verdict */
        return;
    }
    struct expectation *x = g_new0(struct expectation, 1);
    x->id = ++e->next_id;
    x->rec = r;
    r->refs++;
    r->sent = true;
    r->waiters = g_slist_prepend(r->waiters, x);
    x->sent_seq = frame->seq;
    x->cmd = frame->cmd;
    x->sent_ns = now_ns;
    x->live = LIVE_WAIT;
    g_queue_push_tail(&e->waiting, x);
    x->wait_link = g_queue_peek_tail_link(&e->waiting);
    g_hash_table_insert(e->open, &x->id, x);
    mcp_match_add_request(table_in(e->sent_tables, conv), x->sent_seq, x->cmd, x->id);
    e->stats.requests++;
}

void mr_expect_received(struct mr_expect *e, unsigned conv, const uint8_t *bytes, size_t len,
                        bool crc_ok, int64_t now_ns)
{
    if (!crc_ok || len < MCP_OVERHEAD + 2 || !mcp_cmd_is_response(bytes[4]))
        return;
    uint64_t id;
    struct expectation *x = NULL;
    if (mcp_match_response(table_in(e->sent_tables, conv), bytes[MCP_HEADER_LEN], bytes[4], &id))
        x = g_hash_table_lookup(e->open, &id);
    if (x == NULL || x->live != LIVE_WAIT) {
        e->stats.unexpected++;
        return;
    }
    x->live = LIVE_GOT;
    x->answer = g_memdup2(bytes, len);
    x->answer_len = len;
    g_queue_delete_link(&e->waiting, x->wait_link);
    x->wait_link = NULL;
    e->stats.answered++;
    mr_histogram_add(&e->stats.latency, now_ns - x->sent_ns);
    try_finish(e, x);
}

void mr_expect_tick(struct mr_expect *e, int64_t now_ns)
{
    int64_t limit = (int64_t)e->cfg.timeout_ms * 1000000;
    while (!g_queue_is_empty(&e->waiting)) {
        struct expectation *x = g_queue_peek_head(&e->waiting);
        if (now_ns - x->sent_ns < limit)
            return;
        g_queue_pop_head(&e->waiting);
        x->wait_link = NULL;
        x->live = LIVE_TIMEOUT;
        try_finish(e, x);
    }
}

size_t mr_expect_waiting(const struct mr_expect *e)
{
    return g_queue_get_length((GQueue *)&e->waiting);
}

int64_t mr_expect_next_timeout(const struct mr_expect *e)
{
    const struct expectation *x = g_queue_peek_head((GQueue *)&e->waiting);
    return x == NULL ? INT64_MAX : x->sent_ns + (int64_t)e->cfg.timeout_ms * 1000000;
}

void mr_expect_finish(struct mr_expect *e)
{
    mr_expect_tick(e, INT64_MAX);
    expire_unknown(e, NULL);
}

const struct mr_expect_stats *mr_expect_stats(const struct mr_expect *e)
{
    return &e->stats;
}

const GPtrArray *mr_expect_reports(const struct mr_expect *e)
{
    return e->reports;
}

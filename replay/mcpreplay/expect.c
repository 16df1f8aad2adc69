/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Regression mode: matching and comparing answers. */
#include "expect.h"

#include <stddef.h>
#include <string.h>

#include "expect_map.h"
#include "slab.h"

#include "mcp/match.h"
#include "mcp/names.h"
#include "mcp/pdu.h"

/* How far capture time may run past a request before its recorded answer is given up. */
#define RECORDED_WINDOW_NS (30LL * 1000000000LL)
#define MAX_KEPT_VERDICTS  500

enum recorded_state { REC_UNKNOWN, REC_PRESENT, REC_ABSENT };

/* What the capture says about one selected request. */
struct recorded {
    uint64_t handle; /* in mr_expect.recorded; the frame's expect_ref */
    uint64_t record;
    int64_t ts_ns;
    uint8_t seq, cmd;
    enum recorded_state state;
    uint8_t *answer;
    size_t answer_len;
    uint64_t answer_record;
    struct expectation *waiters; /* expectations waiting for the state to settle (wnext) */
    unsigned refs;
    bool sent;                      /* the request has gone out at least once */
    struct recorded *unext, *uprev; /* mr_expect's unknown list, while REC_UNKNOWN */
};

enum live_state { LIVE_WAIT, LIVE_GOT, LIVE_NAKED, LIVE_NONE };

/* One request sent. */
struct expectation {
    uint64_t id;    /* its handle in mr_expect.open (what the master names it by) */
    uint64_t order; /* sends so far: open expectations are settled oldest first at the end */
    struct recorded *rec;
    uint8_t sent_seq, cmd;
    int device; /* -1: none */
    enum live_state live;
    uint8_t *answer;
    size_t answer_len;
    int64_t latency_ns;
    bool late;
    unsigned resends;
    uint32_t nak_reasons;
    struct expectation *wnext, *wprev; /* rec's waiters */
};

struct mr_expect {
    struct mr_expect_config cfg;
    GHashTable *capture_tables; /* sender index -> struct mcp_match_table * */
    /* struct recorded, by handle: the capture's match tables and the frames (expect_ref) name
     * them by it, so no request is hashed (issue 24) */
    struct mr_slab recorded;
    /* The recorded requests in REC_UNKNOWN, capture order (for RECORDED_WINDOW_NS); one
     * leaves the list as it is settled, however early. */
    struct recorded *unknown_head, *unknown_tail;
    struct mr_slab open;  /* struct expectation, by handle: no hashing a request (issue 24) */
    uint32_t last_sender; /* capture_table's last answer, valid when last_table != NULL */
    struct mcp_match_table *last_table;
    size_t waiting;      /* open expectations in LIVE_WAIT */
    size_t sent_unknown; /* recorded requests sent whose recorded answer is not known yet */
    uint64_t next_id;
    unsigned printed;
    GArray *verdicts; /* struct mr_verdict */
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
    return mr_expect_parse_ignore_items(names, mask, NULL, error);
}

bool mr_expect_parse_ignore_items(const char *const *names, uint32_t *mask, GPtrArray *items,
                                  GError **error)
{
    for (; names != NULL && *names != NULL; names++) {
        if (**names == '\0') {
            g_set_error(error, MR_ERROR, 2, "--ignore: an empty field name (one of: %s)",
                        mr_expect_field_names());
            return false;
        }
        gchar **parts = g_strsplit(*names, ",", -1);
        for (gchar **p = parts; *p != NULL; p++) {
            const char *name = g_strstrip(*p);
            if (g_str_has_prefix(name, "mcp5a.")) /* Wireshark field names work too */
                name += 6;
            bool found = false;
            if (g_str_has_prefix(name, "reg.") && items != NULL) {
                name += 4; /* mcp5a.reg.NAME: an item, even one called like a field */
            } else {
                for (size_t i = 0; i < G_N_ELEMENTS(field_names); i++)
                    if (field_names[i] != NULL && g_ascii_strcasecmp(name, field_names[i]) == 0) {
                        *mask |= 1u << i;
                        found = true;
                    }
            }
            if (!found && items != NULL && *name != '\0') {
                g_ptr_array_add(items, g_strdup(name)); /* checked against --map later */
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

static void recorded_free(struct mr_expect *e, struct recorded *r)
{
    g_free(r->answer);
    mr_slab_free(&e->recorded, r->handle);
}

static void recorded_answer_free(void *ctx, void *obj, uint64_t handle)
{
    (void)ctx;
    (void)handle;
    g_free(((struct recorded *)obj)->answer);
}
static void expectation_free(struct mr_expect *e, struct expectation *x)
{
    g_free(x->answer);
    mr_slab_free(&e->open, x->id);
}

static void expectation_answer_free(void *ctx, void *obj, uint64_t handle)
{
    (void)ctx;
    (void)handle;
    g_free(((struct expectation *)obj)->answer);
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
    mr_slab_init(&e->recorded, sizeof(struct recorded));
    mr_slab_init(&e->open, sizeof(struct expectation));
    e->verdicts = g_array_new(FALSE, TRUE, sizeof(struct mr_verdict));
    mr_histogram_init(&e->stats.latency);
    return e;
}

void mr_expect_free(struct mr_expect *e)
{
    if (e == NULL)
        return;
    mr_slab_foreach(&e->open, expectation_answer_free, NULL);
    mr_slab_clear(&e->open);
    mr_slab_foreach(&e->recorded, recorded_answer_free, NULL);
    mr_slab_clear(&e->recorded);
    g_hash_table_destroy(e->capture_tables);
    g_array_free(e->verdicts, TRUE);
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
    if (e->last_table == NULL || e->last_sender != sender) { /* tables live until the end */
        e->last_table = table_in(e->capture_tables, sender);
        e->last_sender = sender;
    }
    return e->last_table;
}

/* ---- comparing two answers ---- */

const char *mr_category_name(enum mr_category c)
{
    static const char *const names[MR_CAT_COUNT] = {
        "as_recorded", "mismatched", "late", "naked", "missing", "extra", "unanswered"};
    return c < MR_CAT_COUNT ? names[c] : "unknown";
}

static void value_of(struct mr_value *v, enum mcp_field field, uint32_t value)
{
    memset(v, 0, sizeof *v);
    if (field == MCP_FIELD_STATUS) {
        const char *name = mcp_name_of(mcp_status_names, value);
        v->kind = MR_VALUE_TEXT;
        if (name != NULL)
            g_strlcpy(v->text, name, sizeof v->text);
        else
            g_snprintf(v->text, sizeof v->text, "status %u", value);
        return;
    }
    v->kind = MR_VALUE_NUMBER;
    v->number = value;
    v->hex = field == MCP_FIELD_ADDR || field == MCP_FIELD_VALUE;
}

static void value_bytes(struct mr_value *v, const uint8_t *p, size_t n)
{
    memset(v, 0, sizeof *v);
    v->kind = MR_VALUE_TEXT;
    size_t shown = n < (sizeof v->text - 4) / 2 ? n : (sizeof v->text - 4) / 2;
    for (size_t i = 0; i < shown; i++)
        g_snprintf(v->text + 2 * i, 3, "%02x", p[i]);
    if (shown < n)
        g_strlcat(v->text, "...", sizeof v->text);
}

struct mr_field_diff *mr_verdict_add_diff(struct mr_verdict *v, const char *name,
                                          const struct mr_value *rec, const struct mr_value *got)
{
    v->field_total++;
    if (v->field_count >= MR_MAX_FIELD_DIFFS)
        return NULL;
    struct mr_field_diff *d = &v->fields[v->field_count++];
    memset(d, 0, sizeof *d);
    g_strlcpy(d->name, name, sizeof d->name);
    d->recorded = *rec;
    d->received = *got;
    return d;
}

static void add_diff(struct mr_verdict *v, const char *name, const struct mr_value *rec,
                     const struct mr_value *got)
{
    mr_verdict_add_diff(v, name, rec, got);
}

/* §5: both answers OK READ responses of one device and register range, every value
 * present: their registers are compared item by item (expect_map.c). */
static bool by_item(const struct mr_expect *e, const struct mcp_pdu *a, const struct mcp_pdu *b)
{
    return e->cfg.map != NULL && !(e->cfg.ignore_mask & (1u << MCP_FIELD_VALUE)) &&
           a->cmd == MCP_CMD_READ_RSP && b->cmd == MCP_CMD_READ_RSP && !a->malformed &&
           !b->malformed && a->has_register_block && b->has_register_block &&
           a->device == b->device && a->addr == b->addr && a->count == b->count &&
           a->count <= MCP_MAX_REGISTERS && a->value_count == a->count &&
           b->value_count == b->count;
}

static void registers_of(const uint8_t *payload, const struct mcp_pdu *p, uint16_t *regs)
{
    for (size_t i = 0; i < p->value_count; i++)
        regs[i] = (uint16_t)(payload[p->values_offset + 2 * i] << 8 |
                             payload[p->values_offset + 2 * i + 1]);
}

static uint32_t status_of(const uint8_t *frame, size_t len)
{
    return len >= MCP_OVERHEAD + 2 ? frame[MCP_HEADER_LEN + 1] : 0;
}

/* Fills v's field differences; returns their number. A changed cmd or status is one difference:
 * the rest of the payload follows from it. */
static size_t compare_answers(const struct mr_expect *e, const uint8_t *rec, size_t rec_len,
                              const uint8_t *got, size_t got_len, struct mr_verdict *v)
{
    uint8_t rcmd = rec[4], gcmd = got[4];
    const uint8_t *rp = rec + MCP_HEADER_LEN, *gp = got + MCP_HEADER_LEN;
    size_t rn = rec_len - MCP_OVERHEAD, gn = got_len - MCP_OVERHEAD;
    struct mr_value a, b;
    /* The usual case: the same bytes after req_seq (which --renumber changes). */
    if (rcmd == gcmd && rn == gn && rn >= 1 && memcmp(rp + 1, gp + 1, rn - 1) == 0)
        return 0;
    if (rcmd != gcmd) {
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        a.kind = b.kind = MR_VALUE_TEXT;
        g_strlcpy(a.text, mcp_cmd_name(rcmd), sizeof a.text);
        g_strlcpy(b.text, mcp_cmd_name(gcmd), sizeof b.text);
        add_diff(v, "cmd", &a, &b);
        return v->field_total;
    }
    if (!(e->cfg.ignore_mask & (1u << MCP_FIELD_STATUS)) && rn >= 2 && gn >= 2 &&
        status_of(rec, rec_len) != status_of(got, got_len)) {
        value_of(&a, MCP_FIELD_STATUS, status_of(rec, rec_len));
        value_of(&b, MCP_FIELD_STATUS, status_of(got, got_len));
        add_diff(v, "status", &a, &b);
        return v->field_total;
    }
    struct mcp_pdu *pa = g_new(struct mcp_pdu, 1), *pb = g_new(struct mcp_pdu, 1);
    mcp_pdu_parse(rcmd, rp, rn, pa);
    mcp_pdu_parse(gcmd, gp, gn, pb);
    size_t n = pa->field_count > pb->field_count ? pa->field_count : pb->field_count;
    bool items = by_item(e, pa, pb);
    size_t value_index = 0;
    size_t covered_a = 0, covered_b = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mcp_field_span *fa = i < pa->field_count ? &pa->fields[i] : NULL;
        const struct mcp_field_span *fb = i < pb->field_count ? &pb->fields[i] : NULL;
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
        if (f->field == MCP_FIELD_REQ_SEQ || (e->cfg.ignore_mask & (1u << f->field)) ||
            (items && is_value))
            continue;
        char label[24];
        if (is_value)
            g_snprintf(label, sizeof label, "value[%zu]", vi);
        else
            g_snprintf(label, sizeof label, "%s", field_names[f->field]);
        if (fa != NULL && fb != NULL && fa->field == fb->field) {
            bool data = fa->field == MCP_FIELD_EVENT_DATA;
            bool same = data ? fa->size == fb->size &&
                                   memcmp(rp + fa->offset, gp + fb->offset, fa->size) == 0
                             : fa->value == fb->value;
            if (same)
                continue;
            if (data) {
                value_bytes(&a, rp + fa->offset, fa->size);
                value_bytes(&b, gp + fb->offset, fb->size);
            } else {
                value_of(&a, fa->field, fa->value);
                value_of(&b, fb->field, fb->value);
            }
        } else {
            memset(&a, 0, sizeof a);
            memset(&b, 0, sizeof b);
            if (fa != NULL)
                value_of(&a, fa->field, fa->value);
            if (fb != NULL)
                value_of(&b, fb->field, fb->value);
        }
        add_diff(v, label, &a, &b);
    }
    if (items) {
        uint16_t ra[MCP_MAX_REGISTERS], rb[MCP_MAX_REGISTERS];
        registers_of(rp, pa, ra);
        registers_of(gp, pb, rb);
        mr_expect_map_compare(e->cfg.map, e->cfg.ignore_items, pa->device, pa->addr, pa->count, ra,
                              rb, v);
    }
    /* Bytes no field covers (an unknown command's payload, a malformed tail). */
    if (rn - covered_a != gn - covered_b ||
        memcmp(rp + covered_a, gp + covered_b, rn - covered_a) != 0) {
        value_bytes(&a, rp + covered_a, rn - covered_a);
        value_bytes(&b, gp + covered_b, gn - covered_b);
        add_diff(v, "payload", &a, &b);
    }
    g_free(pa);
    g_free(pb);
    return v->field_total;
}

static void format_value(GString *s, const struct mr_value *v)
{
    switch (v->kind) {
    case MR_VALUE_ABSENT:
        g_string_append(s, "(absent)");
        break;
    case MR_VALUE_NUMBER:
        g_string_append_printf(s, v->hex ? "0x%04x" : "%u", v->number);
        break;
    case MR_VALUE_TEXT:
        g_string_append(s, v->text[0] ? v->text : "(none)");
        break;
    }
}

static void format_reasons(GString *s, uint32_t reasons)
{
    bool first = true;
    for (unsigned r = 0; r < 32; r++) {
        if (!(reasons & (1u << r)))
            continue;
        const char *name = mcp_name_of(mcp_nak_reason_names, r);
        g_string_append_printf(s, "%s%s", first ? "" : ", ", name != NULL ? name : "other");
        first = false;
    }
}

void mr_verdict_format(const struct mr_verdict *v, int timeout_ms, GString *s)
{
    static const char *const label[MR_CAT_COUNT] = {"as recorded", "mismatch", "late",      "NAKed",
                                                    "missing",     "extra",    "unanswered"};
    g_string_append_printf(s, "%s: %s seq %u (capture record %" G_GUINT64_FORMAT ", seq %u)",
                           label[v->category], mcp_cmd_name(v->cmd), v->seq, v->record,
                           v->recorded_seq);
    switch (v->category) {
    case MR_CAT_MISMATCHED:
        g_string_append(s, ":");
        for (size_t i = 0; i < v->field_count; i++) {
            if (v->fields[i].item) {
                g_string_append(s, i ? "; " : " ");
                mr_expect_format_item(s, &v->fields[i]);
                continue;
            }
            g_string_append_printf(s, "%s %s: recorded ", i ? ";" : "", v->fields[i].name);
            format_value(s, &v->fields[i].recorded);
            g_string_append(s, ", received ");
            format_value(s, &v->fields[i].received);
        }
        if (v->field_total > v->field_count)
            g_string_append_printf(s, "; and %zu more", v->field_total - v->field_count);
        break;
    case MR_CAT_LATE:
        g_string_append_printf(s, ": answered after %.3f ms (--timeout %d ms)",
                               (double)v->latency_ns / 1e6, timeout_ms);
        if (v->field_total > 0)
            g_string_append_printf(s, ", and it differs (%s)", v->fields[0].name);
        break;
    case MR_CAT_NAKED:
        g_string_append(s, ": NAKed (");
        format_reasons(s, v->nak_reasons);
        g_string_append_printf(s, ") and never answered, after %u resend%s", v->resends,
                               v->resends == 1 ? "" : "s");
        break;
    case MR_CAT_MISSING:
        g_string_append(s, ": no answer");
        if (v->nak_reasons != 0) {
            g_string_append(s, " (NAKed ");
            format_reasons(s, v->nak_reasons);
            g_string_append_printf(s, ", %u resends)", v->resends);
        }
        g_string_append_printf(s, "; capture record %" G_GUINT64_FORMAT " has an answer",
                               v->answer_record);
        if (v->field_count > 0 && v->fields[0].recorded.kind == MR_VALUE_TEXT)
            g_string_append_printf(s, " with status %s", v->fields[0].recorded.text);
        break;
    default:
        break;
    }
}

/* Drops a reference; a recorded request is let go once nothing needs it: sent, settled, and
 * no expectation (nor a settling in progress) holds it. */
static void recorded_release(struct mr_expect *e, struct recorded *r)
{
    if (--r->refs == 0 && r->sent && r->state != REC_UNKNOWN && !e->cfg.keep_recorded)
        recorded_free(e, r);
}

static void report(struct mr_expect *e, const struct mr_verdict *v)
{
    if (e->cfg.diff_out != NULL && e->printed < e->cfg.max_printed) {
        GString *s = g_string_new(NULL);
        mr_verdict_format(v, e->cfg.timeout_ms, s);
        fprintf(e->cfg.diff_out, "%s\n", s->str);
        g_string_free(s, TRUE);
        if (++e->printed == e->cfg.max_printed)
            fprintf(e->cfg.diff_out, "mcpreplay: (further verdicts are counted, not shown)\n");
    }
    if (e->verdicts->len < MAX_KEPT_VERDICTS)
        g_array_append_val(e->verdicts, *v);
    else
        e->stats.listed_left_off++;
}

/* Settles an expectation once both sides are known. */
static void try_finish(struct mr_expect *e, struct expectation *x)
{
    if (x->live == LIVE_WAIT || x->rec->state == REC_UNKNOWN)
        return;
    struct recorded *r = x->rec;
    /* On the stack, and only its head zeroed: fields[] (3.5 KB) is written up to field_count
     * by mr_verdict_add_diff. Settling a request costs no allocation (issue 24). */
    struct mr_verdict verdict;
    memset(&verdict, 0, offsetof(struct mr_verdict, fields));
    struct mr_verdict *v = &verdict;
    v->record = r->record;
    v->seq = x->sent_seq;
    v->recorded_seq = r->seq;
    v->cmd = x->cmd;
    v->device = x->device;
    v->latency_ns = x->live == LIVE_GOT ? x->latency_ns : -1;
    v->resends = x->resends;
    v->nak_reasons = x->nak_reasons;
    if (r->state == REC_PRESENT) {
        v->answer_record = r->answer_record;
        if (x->live == LIVE_GOT) {
            bool differs =
                compare_answers(e, r->answer, r->answer_len, x->answer, x->answer_len, v) > 0;
            v->category = x->late ? MR_CAT_LATE : differs ? MR_CAT_MISMATCHED : MR_CAT_AS_RECORDED;
        } else {
            v->category = x->live == LIVE_NAKED ? MR_CAT_NAKED : MR_CAT_MISSING;
            if (r->answer_len >= MCP_OVERHEAD + 2) { /* the recorded status, for the text */
                struct mr_value none = {.kind = MR_VALUE_ABSENT};
                struct mr_value st;
                value_of(&st, MCP_FIELD_STATUS, status_of(r->answer, r->answer_len));
                add_diff(v, "status", &st, &none);
            }
        }
    } else {
        v->category = x->live == LIVE_GOT ? MR_CAT_EXTRA : MR_CAT_UNANSWERED;
    }
    switch (v->category) {
    case MR_CAT_AS_RECORDED:
        e->stats.matched++;
        break;
    case MR_CAT_MISMATCHED:
        e->stats.mismatched++;
        break;
    case MR_CAT_LATE:
        e->stats.late++;
        break;
    case MR_CAT_NAKED:
        e->stats.naked++;
        break;
    case MR_CAT_MISSING:
        e->stats.missing++;
        break;
    case MR_CAT_EXTRA:
        e->stats.extra++;
        break;
    default:
        e->stats.unanswered++;
        break;
    }
    if (v->category != MR_CAT_AS_RECORDED && v->category != MR_CAT_EXTRA &&
        v->category != MR_CAT_UNANSWERED)
        report(e, v);
    if (e->cfg.on_verdict != NULL)
        e->cfg.on_verdict(e->cfg.verdict_ctx, v);
    if (x->wprev != NULL)
        x->wprev->wnext = x->wnext;
    else
        r->waiters = x->wnext;
    if (x->wnext != NULL)
        x->wnext->wprev = x->wprev;
    recorded_release(e, r);
    expectation_free(e, x);
}

/* Settles the capture's side of r and every expectation waiting for it; r may be freed:
 * the caller must not use it afterwards. */
static void settle_recorded(struct mr_expect *e, struct recorded *r, enum recorded_state state)
{
    r->refs++; /* r outlives its last waiter's verdict */
    if (r->state == REC_UNKNOWN) {
        if (r->uprev != NULL)
            r->uprev->unext = r->unext;
        else
            e->unknown_head = r->unext;
        if (r->unext != NULL)
            r->unext->uprev = r->uprev;
        else
            e->unknown_tail = r->uprev;
        r->unext = r->uprev = NULL;
        if (r->sent)
            e->sent_unknown--;
    }
    r->state = state;
    /* try_finish unlinks (and frees) only the expectation it settles */
    for (struct expectation *x = r->waiters, *next; x != NULL; x = next) {
        next = x->wnext;
        try_finish(e, x);
    }
    recorded_release(e, r);
}

/* ---- the capture side ---- */

/* Settles the recorded requests older than RECORDED_WINDOW_NS (all of them: now_ts NULL). */
static void expire_unknown(struct mr_expect *e, const int64_t *now_ts)
{
    struct recorded *r;
    while ((r = e->unknown_head) != NULL &&
           (now_ts == NULL || r->ts_ns + RECORDED_WINDOW_NS < *now_ts))
        settle_recorded(e, r, REC_ABSENT); /* unlinks it */
}

/* §4 as lib's table keeps it: a request its table forgot (MCP_MATCH_DEPTH newer ones with its
 * seq unanswered) can no longer be answered in the capture: absent now, not after the window,
 * so a peer that never answers costs bounded memory. */
static void forgotten_by_capture(struct mr_expect *e, uint64_t handle)
{
    struct recorded *r = mr_slab_get(&e->recorded, handle);
    if (r == NULL || r->state != REC_UNKNOWN)
        return;
    settle_recorded(e, r, REC_ABSENT);
}

void mr_expect_observe(struct mr_expect *e, struct mr_frame *frame, bool selected,
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
        uint64_t handle = 0; /* 0: not selected, no verdict to give */
        if (selected && mr_slab_get(&e->recorded, frame->expect_ref) != NULL) {
            handle = frame->expect_ref; /* seen before (the same frame again) */
        } else if (selected) {
            struct recorded *r = mr_slab_new(&e->recorded, &handle);
            r->handle = handle;
            r->record = frame->record;
            r->ts_ns = frame->ts_ns;
            r->seq = frame->seq;
            r->cmd = frame->cmd;
            r->uprev = e->unknown_tail;
            if (e->unknown_tail != NULL)
                e->unknown_tail->unext = r;
            else
                e->unknown_head = r;
            e->unknown_tail = r;
            frame->expect_ref = handle; /* what mr_expect_sent finds it by */
        }
        bool forgot;
        uint64_t forgotten;
        mcp_match_add_request_forget(capture_table(e, frame->sender), frame->seq, frame->cmd,
                                     handle, &forgot, &forgotten);
        if (forgot && forgotten != 0)
            forgotten_by_capture(e, forgotten);
        return;
    }
    if (mcp_cmd_is_response(frame->cmd) && plen >= 2) {
        const struct mr_sender *sender = mr_extractor_sender(ex, frame->sender);
        if (sender == NULL)
            return;
        uint64_t handle;
        if (!mcp_match_response(capture_table(e, sender->reverse), payload[0], frame->cmd,
                                &handle) ||
            handle == 0)
            return;
        struct recorded *r = mr_slab_get(&e->recorded, handle);
        if (r == NULL || r->state != REC_UNKNOWN)
            return;
        r->answer = g_memdup2(frame->bytes, frame->len);
        r->answer_len = frame->len;
        r->answer_record = frame->record;
        settle_recorded(e, r, REC_PRESENT);
    }
}

/* ---- the live side ---- */

uint64_t mr_expect_sent(struct mr_expect *e, const struct mr_frame *frame, int64_t now_ns)
{
    (void)now_ns;
    if (frame->len < MCP_OVERHEAD)
        return 0;
    if (!mcp_expects_answer(frame->cmd, frame->bytes + MCP_HEADER_LEN, frame->len - MCP_OVERHEAD))
        return 0;
    struct recorded *r = mr_slab_get(&e->recorded, frame->expect_ref);
    if (r == NULL) /* not a request the capture side saw (e.g. not selected): no verdict */
        return 0;
    uint64_t id;
    struct expectation *x = mr_slab_new(&e->open, &id);
    x->id = id;
    x->order = ++e->next_id;
    x->rec = r;
    r->refs++;
    if (!r->sent && r->state == REC_UNKNOWN)
        e->sent_unknown++;
    r->sent = true;
    x->wnext = r->waiters;
    if (r->waiters != NULL)
        r->waiters->wprev = x;
    r->waiters = x;
    x->sent_seq = frame->seq;
    x->cmd = frame->cmd;
    /* READ and WRITE requests begin with their register block (device, addr, count: 5
     * bytes; mcp_pdu_parse's has_register_block), the device first. */
    bool block = (frame->cmd == MCP_CMD_READ || frame->cmd == MCP_CMD_WRITE) &&
                 frame->len - MCP_OVERHEAD >= 5;
    x->device = block ? frame->bytes[MCP_HEADER_LEN] : -1;
    x->live = LIVE_WAIT;
    e->waiting++;
    e->stats.requests++;
    return x->id;
}

static struct expectation *waiting(struct mr_expect *e, uint64_t id)
{
    struct expectation *x = mr_slab_get(&e->open, id);
    if (x == NULL || x->live != LIVE_WAIT)
        return NULL;
    e->waiting--;
    return x;
}

void mr_expect_answered(struct mr_expect *e, uint64_t id, const uint8_t *bytes, size_t len,
                        int64_t latency_ns, bool late, unsigned resends, uint32_t nak_reasons)
{
    struct expectation *x = waiting(e, id);
    if (x == NULL || len < MCP_OVERHEAD)
        return;
    x->live = LIVE_GOT;
    x->answer = g_memdup2(bytes, len);
    x->answer_len = len;
    x->latency_ns = latency_ns;
    x->late = late;
    x->resends = resends;
    x->nak_reasons = nak_reasons;
    e->stats.answered++;
    mr_histogram_add(&e->stats.latency, latency_ns);
    try_finish(e, x);
}

void mr_expect_naked(struct mr_expect *e, uint64_t id, unsigned resends, uint32_t nak_reasons)
{
    struct expectation *x = waiting(e, id);
    if (x == NULL)
        return;
    x->live = LIVE_NAKED;
    x->resends = resends;
    x->nak_reasons = nak_reasons;
    try_finish(e, x);
}

void mr_expect_unanswered(struct mr_expect *e, uint64_t id, unsigned resends, uint32_t nak_reasons)
{
    struct expectation *x = waiting(e, id);
    if (x == NULL)
        return;
    x->live = LIVE_NONE;
    x->resends = resends;
    x->nak_reasons = nak_reasons;
    try_finish(e, x);
}

bool mr_expect_needs_capture(const struct mr_expect *e)
{
    return e->sent_unknown > 0;
}

size_t mr_expect_waiting(const struct mr_expect *e)
{
    return e->waiting;
}

static void collect(void *ctx, void *obj, uint64_t handle)
{
    (void)handle;
    g_ptr_array_add(ctx, obj);
}

static gint by_order(gconstpointer a, gconstpointer b)
{
    const struct expectation *x = *(struct expectation *const *)a,
                             *y = *(struct expectation *const *)b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The open expectations, oldest first (a snapshot: settling them changes the map). */
static GPtrArray *open_expectations(const struct mr_expect *e)
{
    GPtrArray *open = g_ptr_array_sized_new((guint)e->open.live);
    mr_slab_foreach(&e->open, collect, open);
    g_ptr_array_sort(open, by_order);
    return open;
}

void mr_expect_finish(struct mr_expect *e)
{
    GPtrArray *open = open_expectations(e);
    for (guint i = 0; i < open->len; i++) {
        struct expectation *x = open->pdata[i];
        if (x->live == LIVE_WAIT) {
            x->live = LIVE_NONE;
            e->waiting--;
        }
    }
    g_ptr_array_free(open, TRUE);
    expire_unknown(e, NULL);
    /* Settles what was waiting only for the recorded side too (each settling frees only
     * its own expectation). */
    open = open_expectations(e);
    for (guint i = 0; i < open->len; i++)
        try_finish(e, open->pdata[i]);
    g_ptr_array_free(open, TRUE);
}

const struct mr_expect_stats *mr_expect_stats(const struct mr_expect *e)
{
    return &e->stats;
}

const GArray *mr_expect_verdicts(const struct mr_expect *e)
{
    return e->verdicts;
}

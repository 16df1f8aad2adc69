/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Summary, progress and JSON output. */
#include "report.h"

#include <errno.h>
#include <math.h>

#include "capture.h"
#include "expect_map.h"
#include "mcp/names.h"

static double rate(uint64_t n, int64_t ns)
{
    return ns > 0 ? (double)n * 1e9 / (double)ns : 0.0;
}

/* Frames per second between the first and the last send: n frames span n - 1 gaps. */
static double frame_rate(uint64_t n, int64_t ns)
{
    return n > 1 ? rate(n - 1, ns) : 0.0;
}

void mr_report_progress(FILE *out, bool tty, const struct mr_progress *p)
{
    GString *line = g_string_new(NULL);
    g_string_append_printf(line, "sent %" G_GUINT64_FORMAT, p->sent);
    if (p->total > 0)
        g_string_append_printf(line, "/%" G_GUINT64_FORMAT, p->total);
    else if (p->fraction >= 0)
        g_string_append(line, "/~");
    if (p->fraction >= 0)
        g_string_append_printf(line, " (%.1f%%)", 100.0 * p->fraction);
    g_string_append_printf(line, "  %.0f frames/s", rate(p->sent, p->elapsed_ns));
    if (p->eta_ns >= 0)
        g_string_append_printf(line, "  ETA %.1f s", (double)p->eta_ns / 1e9);
    else
        g_string_append(line, "  ETA ?");
    g_string_append_printf(line, "  answers %" G_GUINT64_FORMAT, p->answers);
    g_string_append_printf(line, "  mismatches %" G_GUINT64_FORMAT, p->mismatches);
    if (tty)
        fprintf(out, "\r%s\033[K", line->str);
    else
        fprintf(out, "progress: %.1f s %s\n", (double)p->elapsed_ns / 1e9, line->str);
    fflush(out);
    g_string_free(line, TRUE);
}

void mr_report_progress_done(FILE *out, bool tty)
{
    if (!tty)
        return;
    fprintf(out, "\r\033[K");
    fflush(out);
}

static double us(int64_t ns)
{
    return (double)ns / 1000.0;
}

void mr_report_summary(FILE *out, const struct mr_run_stats *s)
{
    fprintf(out, "target:    %s (%s)\n", s->target, s->mode);
    /* frames and bytes count the same frames: the capture's and the master's resends (§3) */
    uint64_t frames = s->sent + s->resent;
    fprintf(out, "sent:      %" G_GUINT64_FORMAT " frames", frames);
    if (s->resent > 0)
        fprintf(out, " (%" G_GUINT64_FORMAT " of them resent after NAKs)", s->resent);
    fprintf(out, ", %" G_GUINT64_FORMAT " bytes in %.6f s: %.1f frames/s, %.3f Mbit/s\n", s->bytes,
            (double)s->elapsed_ns / 1e9, frame_rate(frames, s->elapsed_ns),
            rate(s->bytes, s->elapsed_ns) * 8 / 1e6);
    if (s->timed && s->lateness.count > 0)
        fprintf(out, "lateness:  p50 %.1f us, p99 %.1f us, max %.1f us (against the schedule)\n",
                us(mr_histogram_quantile(&s->lateness, 0.5)),
                us(mr_histogram_quantile(&s->lateness, 0.99)), us(s->lateness.max));
    if (s->loops > 1)
        fprintf(out, "loops:     %" G_GUINT64_FORMAT "\n", s->loops);
    if (s->extract != NULL &&
        (s->extract->tcp_holes || s->extract->junk_bytes || s->extract->truncated))
        fprintf(out,
                "capture:   %" G_GUINT64_FORMAT " TCP holes (%" G_GUINT64_FORMAT
                " bytes), %" G_GUINT64_FORMAT " junk bytes, %" G_GUINT64_FORMAT
                " frames cut by the snaplen\n",
                s->extract->tcp_holes, s->extract->tcp_hole_bytes, s->extract->junk_bytes,
                s->extract->truncated);
    mr_report_capture_notes(out, s->extractor);
    const struct mr_rewrite_stats *f = s->faults;
    if (f != NULL && (f->corrupted || f->dropped || f->duplicated || f->reordered))
        fprintf(out,
                "faults:    %" G_GUINT64_FORMAT " bad CRC, %" G_GUINT64_FORMAT
                " dropped, %" G_GUINT64_FORMAT " duplicated, %" G_GUINT64_FORMAT " reordered\n",
                f->corrupted, f->dropped, f->duplicated, f->reordered);
    if (s->sockets_closed)
        fprintf(out,
                "senders:   %" G_GUINT64_FORMAT
                " sockets closed to stay under the descriptor limit (least recently used first; "
                "a sender that sends again gets a new socket, a new conversation)\n",
                s->sockets_closed);
    if (s->reconnects)
        fprintf(out, "reconnects: %" G_GUINT64_FORMAT "\n", s->reconnects);
    fprintf(out,
            "received:  %" G_GUINT64_FORMAT " frames (%" G_GUINT64_FORMAT " failing the %s check)",
            s->received, s->received_bad_crc, s->crc_name);
    uint64_t naks = 0;
    for (int i = 0; i < 8; i++)
        naks += s->naks[i];
    if (naks > 0) {
        fprintf(out, ", %" G_GUINT64_FORMAT " NAKs:", naks);
        for (int i = 0; i < 8; i++)
            if (s->naks[i] > 0) {
                const char *name = mcp_name_of(mcp_nak_reason_names, (uint32_t)i);
                fprintf(out, " %s %" G_GUINT64_FORMAT, name != NULL ? name : "other", s->naks[i]);
            }
    }
    if (s->received_junk_bytes > 0)
        fprintf(out,
                ", %" G_GUINT64_FORMAT " datagrams or runs, %" G_GUINT64_FORMAT
                " bytes that are not MCP",
                s->received_junk_chunks, s->received_junk_bytes);
    fprintf(out, "\n");
    if (s->received_bad_crc > 0) {
        if (s->crc_hint != NULL)
            fprintf(out, "check:     every frame failing %s passes %s: try --crc %s\n", s->crc_name,
                    s->crc_hint, s->crc_hint);
        else
            fprintf(out,
                    "check:     %" G_GUINT64_FORMAT " frames from the target fail the %s check\n",
                    s->received_bad_crc, s->crc_name);
    }
    const struct mcp_master_stats *m = s->master;
    if (m != NULL &&
        (m->resends || m->naks_unknown || m->gave_up || m->unmatched || m->late || m->forgotten)) {
        fprintf(out,
                "master:    %" G_GUINT64_FORMAT " resends, %" G_GUINT64_FORMAT
                " requests answered only after a resend, %" G_GUINT64_FORMAT
                " NAKed and given up, %" G_GUINT64_FORMAT " late answers, %" G_GUINT64_FORMAT
                " answers matching no request",
                m->resends, m->answered_after_resend, m->gave_up, m->late, m->unmatched);
        if (m->naks_unknown)
            fprintf(out, ", %" G_GUINT64_FORMAT " NAKs for frames never sent", m->naks_unknown);
        if (m->answers_to_copies)
            fprintf(out, ", %" G_GUINT64_FORMAT " answers to our own extra copies of a frame",
                    m->answers_to_copies);
        if (m->forgotten)
            fprintf(out,
                    ", %" G_GUINT64_FORMAT " requests given up unanswered early (over %d awaited "
                    "at once)",
                    m->forgotten, MCP_MASTER_MAX_OPEN);
        fprintf(out, "\n");
    }
    const struct mr_expect_stats *e = s->expect;
    if (e != NULL) {
        fprintf(out,
                "expect:    %" G_GUINT64_FORMAT " requests: %" G_GUINT64_FORMAT
                " as recorded, %" G_GUINT64_FORMAT " mismatched, %" G_GUINT64_FORMAT
                " late, %" G_GUINT64_FORMAT " NAKed and never answered, %" G_GUINT64_FORMAT
                " missing; %" G_GUINT64_FORMAT " extra, %" G_GUINT64_FORMAT " unanswered in both\n",
                e->requests, e->matched, e->mismatched, e->late, e->naked, e->missing, e->extra,
                e->unanswered);
        if (e->latency.count > 0)
            fprintf(out, "latency:   p50 %.1f us, p99 %.1f us, max %.1f us\n",
                    us(mr_histogram_quantile(&e->latency, 0.5)),
                    us(mr_histogram_quantile(&e->latency, 0.99)), us(e->latency.max));
    }
    if (s->held_for_seq > 0)
        fprintf(out,
                "expect:    %" G_GUINT64_FORMAT
                " requests held until an earlier one with their seq was answered or expired "
                "(§4: two answers to one seq cannot be told apart)\n",
                s->held_for_seq);
    if (m != NULL && m->seq_reused > 0 && s->expect != NULL)
        fprintf(out,
                "expect:    %" G_GUINT64_FORMAT
                " requests went out while an earlier one with their seq was still awaited: "
                "§4 cannot tell the two answers apart, so their verdicts may be crossed "
                "(replay slower: --pps, --speed; or the device answers too slowly)\n",
                m->seq_reused);
    if (s->unmatched_fail && m != NULL)
        fprintf(out,
                "expect:    %" G_GUINT64_FORMAT " answers matching no request fail the run "
                "(--allow-unmatched accepts them)\n",
                m->unmatched);
    if (s->nothing_compared)
        fprintf(out, "expect:    nothing compared: none of the requests sent has an answer in the "
                     "capture (a capture of one direction, or --from/--cmd leaving the "
                     "answers out): the run checked nothing, so it fails\n");
    if (s->sent_responses_naked > 0)
        fprintf(out,
                "expect:    the target NAKed %" G_GUINT64_FORMAT
                " of our frames UNEXPECTED_RESPONSE: responses were sent to it (the capture's "
                "directions look swapped, or --from picked the device's side)\n",
                s->sent_responses_naked);
    if (s->error != NULL)
        fprintf(out, "stopped:   %s\n", s->error);
    mr_report_skips(out, s->extractor); /* issue 8 */
    if (s->interrupted && s->total > 0)
        fprintf(out,
                "stopped:   interrupted after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " frames (%" G_GUINT64_FORMAT " not sent)\n",
                s->sent, s->total, s->total > s->sent ? s->total - s->sent : 0);
    else if (s->interrupted)
        fprintf(out,
                "stopped:   interrupted after %" G_GUINT64_FORMAT " frames (the rest not "
                "counted: captures over 64 MiB)\n",
                s->sent);
    fprintf(out, "result:    %s\n",

            s->exit_code == 0   ? "ok"
            : s->exit_code == 1 ? "FAILED (the target's answers differ, or fail the check)"
            : s->exit_code == 3 ? "FAILED (target unreachable or lost)"
            : s->exit_code == 4 ? "FAILED (frames skipped; --allow-skips accepts them)"
            : s->exit_code == 5 ? "FAILED (interrupted by a signal)"
            : s->exit_code == 6 ? "FAILED (an output could not be written)"
                                : "FAILED (invalid input)");
}

/* issue 8 */
static const char *skip_sender(const struct mr_extractor *ex, const struct mr_skip *sk)
{
    const struct mr_sender *snd =
        sk->sender == UINT32_MAX ? NULL : mr_extractor_sender(ex, sk->sender);
    return snd != NULL ? snd->name : "-";
}

void mr_report_skips(FILE *out, const struct mr_extractor *ex)
{
    if (ex == NULL || mr_extractor_stats(ex)->skipped == 0)
        return;
    const GArray *skips = mr_extractor_skips(ex);
    fprintf(out, "skipped:   %" G_GUINT64_FORMAT " (frames or stream stretches not replayed)\n",
            mr_extractor_stats(ex)->skipped);
    for (guint i = 0; i < skips->len; i++) {
        const struct mr_skip *sk = &g_array_index(skips, struct mr_skip, i);
        char seq[8] = "?";
        if (sk->seq >= 0)
            g_snprintf(seq, sizeof seq, "%d", sk->seq);
        fprintf(out, "  record %" G_GUINT64_FORMAT " sender %s seq %s: %s\n", sk->record,
                skip_sender(ex, sk), seq, sk->reason);
    }
    if (mr_extractor_stats(ex)->skipped > skips->len)
        fprintf(out, "  (%" G_GUINT64_FORMAT " more not listed)\n",
                mr_extractor_stats(ex)->skipped - skips->len);
}

static void report_dlt_user(FILE *out, const struct mr_extractor *ex);

void mr_report_capture_notes(FILE *out, const struct mr_extractor *ex)
{
    if (ex == NULL)
        return;
    if (mr_extractor_stats(ex)->udp_suspected_duplicates > 0)
        fprintf(out,
                "capture:   %" G_GUINT64_FORMAT " UDP datagrams equal to their sender's previous "
                "one within 1 ms (suspected SPAN copies; replayed as captured)\n",
                mr_extractor_stats(ex)->udp_suspected_duplicates);
    report_dlt_user(out, ex);
}

static void report_dlt_user(FILE *out, const struct mr_extractor *ex)
{
    const struct mr_dlt_user_table *t = mr_extractor_dlt_user(ex);
    bool any = false;
    for (int dlt = MR_DLT_USER_FIRST; dlt <= MR_DLT_USER_LAST; dlt++) {
        const struct mr_dlt_user_seen *seen = mr_extractor_dlt_user_seen(ex, dlt);
        if (seen->records == 0)
            continue;
        any = true;
        char name[64];
        mr_dlt_user_name(dlt, name, sizeof name);
        const struct mr_dlt_user_entry *e = mr_dlt_user_lookup(t, dlt);
        const char *source = t != NULL && t->source[0] ? t->source : "no table";
        switch (mr_dlt_user_kind(e)) {
        case MR_DLT_USER_UNMAPPED:
            fprintf(out,
                    "dlt_user:  %s: no mapping (%s): %" G_GUINT64_FORMAT
                    " records not read (records %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                    "); --dlt-user %d=mcp5a.serial maps them\n",
                    name, source, seen->records, seen->first_record, seen->last_record, dlt);
            break;
        case MR_DLT_USER_OTHER:
            fprintf(out,
                    "dlt_user:  %s -> %s (%s): %" G_GUINT64_FORMAT
                    " records not MCP, not replayed (records %" G_GUINT64_FORMAT
                    "-%" G_GUINT64_FORMAT ")\n",
                    name, e->payload[0] ? e->payload : "data", source, seen->records,
                    seen->first_record, seen->last_record);
            break;
        default:
            fprintf(out,
                    "dlt_user:  %s -> %s, header %u, trailer %u (%s): %" G_GUINT64_FORMAT
                    " records, %" G_GUINT64_FORMAT " junk bytes\n",
                    name, e->payload, e->header_size, e->trailer_size, source, seen->records,
                    seen->junk_bytes);
        }
    }
    if (any && t != NULL && t->problem[0] != '\0') /* only where the table mattered */
        fprintf(out,
                "dlt_user:  a line of Wireshark's table that Wireshark does not load either: "
                "%s\n",
                t->problem);
}

static void json_string(GString *j, const char *text)
{
    g_string_append_c(j, '"');
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(j, "\\%c", *p);
        else if (*p == '\n')
            g_string_append(j, "\\n");
        else if (*p < 0x20)
            g_string_append_printf(j, "\\u%04x", *p);
        else
            g_string_append_c(j, (char)*p);
    }
    g_string_append_c(j, '"');
}

/* "dlt_user": the table's source and every LINKTYPE_USER0..15 seen, with its mapping. */
static void json_dlt_user(GString *j, const struct mr_extractor *ex)
{
    const struct mr_dlt_user_table *t = mr_extractor_dlt_user(ex);
    bool any = false;
    for (int dlt = MR_DLT_USER_FIRST; dlt <= MR_DLT_USER_LAST; dlt++) {
        const struct mr_dlt_user_seen *seen = mr_extractor_dlt_user_seen(ex, dlt);
        if (seen->records == 0)
            continue;
        if (!any) {
            g_string_append(j, ",\"dlt_user\":{\"table\":");
            json_string(j, t != NULL ? t->source : "");
            if (t != NULL && t->problem[0] != '\0') {
                g_string_append(j, ",\"problem\":");
                json_string(j, t->problem);
            }
            g_string_append(j, ",\"dlts\":[");
        }
        const struct mr_dlt_user_entry *e = mr_dlt_user_lookup(t, dlt);
        enum mr_dlt_user_kind kind = mr_dlt_user_kind(e);
        g_string_append_printf(j, "%s{\"dlt\":%d,\"dissector\":", any ? "," : "", dlt);
        if (kind == MR_DLT_USER_UNMAPPED)
            g_string_append(j, "null");
        else
            json_string(j, e->payload[0] ? e->payload : "data");
        g_string_append_printf(
            j,
            ",\"header\":%u,\"trailer\":%u,\"mcp\":%s,\"records\":%" G_GUINT64_FORMAT
            ",\"first_record\":%" G_GUINT64_FORMAT ",\"last_record\":%" G_GUINT64_FORMAT
            ",\"junk_bytes\":%" G_GUINT64_FORMAT "}",
            kind == MR_DLT_USER_UNMAPPED ? 0 : e->header_size,
            kind == MR_DLT_USER_UNMAPPED ? 0 : e->trailer_size,
            kind == MR_DLT_USER_SERIAL || kind == MR_DLT_USER_FRAMES ? "true" : "false",
            seen->records, seen->first_record, seen->last_record, seen->junk_bytes);
        any = true;
    }
    if (any)
        g_string_append(j, "]}");
}

static void json_hist(GString *j, const char *name, const struct mr_histogram *h)
{
    g_string_append_printf(j,
                           ",\"%s\":{\"count\":%" G_GUINT64_FORMAT ",\"p50_ns\":%" G_GINT64_FORMAT
                           ",\"p99_ns\":%" G_GINT64_FORMAT ",\"max_ns\":%" G_GINT64_FORMAT "}",
                           name, h->count, mr_histogram_quantile(h, 0.5),
                           mr_histogram_quantile(h, 0.99), h->count ? h->max : 0);
}

static void json_naks(GString *j, const uint64_t naks[8])
{
    bool first = true;
    for (int i = 0; i < 8; i++) {
        if (naks[i] == 0)
            continue;
        const char *name = mcp_name_of(mcp_nak_reason_names, (uint32_t)i);
        g_string_append_printf(j, "%s\"%s\":%" G_GUINT64_FORMAT, first ? "" : ",",
                               name != NULL ? name : "other", naks[i]);
        first = false;
    }
}

static void json_value(GString *j, const struct mr_value *v)
{
    switch (v->kind) {
    case MR_VALUE_ABSENT:
        g_string_append(j, "null");
        break;
    case MR_VALUE_NUMBER:
        g_string_append_printf(j, "%u", v->number);
        break;
    case MR_VALUE_TEXT:
        json_string(j, v->text);
        break;
    }
}

/* A number as the lib wrote it (mcp_reg_format_number), or a string when it is no JSON
 * number (nan, inf, -inf, a str:N text). */
static void json_number_text(GString *j, const char *text, bool numeric)
{
    char *end = NULL;
    double d = numeric && *text != '\0' ? g_ascii_strtod(text, &end) : 0;
    if (numeric && end != NULL && *end == '\0' && isfinite(d))
        g_string_append(j, text);
    else
        json_string(j, text);
}

/* issue 19: a --map item (REGISTER-MAP.md §5): "recorded"/"received" are its engineering
 * values; "recorded_text"/"received_text" as shown ("23.4 °C"), unit, tolerance. */
static void json_item(GString *j, const struct mr_field_diff *d)
{
    g_string_append(j, ",\"item\":true,\"recorded\":");
    json_number_text(j, d->recorded_number, d->numeric);
    g_string_append(j, ",\"received\":");
    json_number_text(j, d->received_number, d->numeric);
    g_string_append(j, ",\"recorded_text\":");
    json_string(j, d->recorded.text);
    g_string_append(j, ",\"received_text\":");
    json_string(j, d->received.text);
    g_string_append(j, ",\"unit\":");
    if (d->unit[0] != '\0')
        json_string(j, d->unit);
    else
        g_string_append(j, "null");
    if (d->numeric) {
        char tol[40];
        mr_expect_format_tolerance(d->tolerance, tol, sizeof tol);
        g_string_append_printf(j, ",\"tolerance\":%s", tol);
    } else
        g_string_append(j, ",\"tolerance\":null");
}

/* {record, seq, cmd, category, latency_us, fields: [{name, recorded, received}], ...} */
static void json_verdict(GString *j, const struct mr_verdict *v)
{
    g_string_append_printf(
        j, "{\"record\":%" G_GUINT64_FORMAT ",\"seq\":%u,\"recorded_seq\":%u,\"cmd\":", v->record,
        v->seq, v->recorded_seq);
    json_string(j, mcp_cmd_name(v->cmd));
    g_string_append(j, ",\"category\":");
    json_string(j, mr_category_name(v->category));
    if (v->latency_ns >= 0)
        g_string_append_printf(j, ",\"latency_us\":%.3f", (double)v->latency_ns / 1e3);
    else
        g_string_append(j, ",\"latency_us\":null");
    g_string_append_printf(j, ",\"resends\":%u,\"naks\":[", v->resends);
    bool first = true;
    for (unsigned r = 0; r < 32; r++) {
        if (!(v->nak_reasons & (1u << r)))
            continue;
        const char *name = mcp_name_of(mcp_nak_reason_names, r);
        if (!first)
            g_string_append_c(j, ',');
        json_string(j, name != NULL ? name : "other");
        first = false;
    }
    g_string_append(j, "],\"answer_record\":");
    if (v->answer_record != 0)
        g_string_append_printf(j, "%" G_GUINT64_FORMAT, v->answer_record);
    else
        g_string_append(j, "null");
    g_string_append(j, ",\"fields\":[");
    for (size_t i = 0; i < v->field_count; i++) {
        if (i > 0)
            g_string_append_c(j, ',');
        g_string_append(j, "{\"name\":");
        json_string(j, v->fields[i].name);
        if (v->fields[i].item) {
            json_item(j, &v->fields[i]);
        } else {
            g_string_append(j, ",\"recorded\":");
            json_value(j, &v->fields[i].recorded);
            g_string_append(j, ",\"received\":");
            json_value(j, &v->fields[i].received);
        }
        g_string_append_c(j, '}');
    }
    g_string_append_printf(j, "],\"fields_left_off\":%zu}", v->field_total - v->field_count);
}

bool mr_report_json(FILE *out, const char *path, const struct mr_run_stats *s, GError **error)
{
    GString *j = g_string_new("{\"target\":");
    json_string(j, s->target);
    g_string_append(j, ",\"mode\":");
    json_string(j, s->mode);
    g_string_append_printf(
        j,
        ",\"exit_code\":%d,\"sent\":%" G_GUINT64_FORMAT ",\"resent\":%" G_GUINT64_FORMAT
        ",\"bytes\":%" G_GUINT64_FORMAT ",\"elapsed_s\":%.9f"
        ",\"rate_fps\":%.3f,\"loops\":%" G_GUINT64_FORMAT ",\"sockets_closed\":%" G_GUINT64_FORMAT,
        s->exit_code, s->sent + s->resent, s->resent, s->bytes, (double)s->elapsed_ns / 1e9,
        frame_rate(s->sent + s->resent, s->elapsed_ns), s->loops, s->sockets_closed);
    g_string_append_printf(j, ",\"interrupted\":%s", s->interrupted ? "true" : "false");
    if (s->interrupted && s->total > 0)
        g_string_append_printf(j, ",\"not_sent\":%" G_GUINT64_FORMAT,
                               s->total > s->sent ? s->total - s->sent : 0);
    else if (s->interrupted)
        g_string_append(j, ",\"not_sent\":null");
    if (s->timed)
        json_hist(j, "lateness", &s->lateness);
    g_string_append_printf(
        j,
        ",\"received\":%" G_GUINT64_FORMAT ",\"received_bad_crc\":%" G_GUINT64_FORMAT
        ",\"received_junk_bytes\":%" G_GUINT64_FORMAT ",\"received_junk_chunks\":%" G_GUINT64_FORMAT
        ",\"naks\":{",
        s->received, s->received_bad_crc, s->received_junk_bytes, s->received_junk_chunks);
    json_naks(j, s->naks);
    g_string_append_c(j, '}');
    if (s->faults != NULL)
        g_string_append_printf(
            j,
            ",\"faults\":{\"corrupt_crc\":%" G_GUINT64_FORMAT ",\"drop\":%" G_GUINT64_FORMAT
            ",\"duplicate\":%" G_GUINT64_FORMAT ",\"reorder\":%" G_GUINT64_FORMAT "}",
            s->faults->corrupted, s->faults->dropped, s->faults->duplicated, s->faults->reordered);
    if (s->extract != NULL)
        g_string_append_printf(
            j,
            ",\"capture\":{\"records\":%" G_GUINT64_FORMAT ",\"frames\":%" G_GUINT64_FORMAT
            ",\"tcp_holes\":%" G_GUINT64_FORMAT ",\"junk_bytes\":%" G_GUINT64_FORMAT
            ",\"dlt_user_not_mcp\":%" G_GUINT64_FORMAT ",\"dlt_user_unmapped\":%" G_GUINT64_FORMAT
            ",\"records_not_mcp\":%" G_GUINT64_FORMAT ",\"records_undecoded\":%" G_GUINT64_FORMAT
            ",\"udp_suspected_duplicates\":%" G_GUINT64_FORMAT "}",
            s->extract->records, s->extract->frames, s->extract->tcp_holes, s->extract->junk_bytes,
            s->extract->dlt_user_not_mcp, s->extract->dlt_user_unmapped,
            s->extract->records_other - s->extract->records_undecoded,
            s->extract->records_undecoded, s->extract->udp_suspected_duplicates);
    if (s->extractor != NULL)
        json_dlt_user(j, s->extractor);
    g_string_append(j, ",\"crc\":");
    json_string(j, s->crc_name);
    if (s->crc_hint != NULL) {
        g_string_append(j, ",\"crc_hint\":");
        json_string(j, s->crc_hint);
    }
    if (s->master != NULL) {
        const struct mcp_master_stats *m = s->master;
        g_string_append_printf(
            j,
            ",\"master\":{\"resends\":%" G_GUINT64_FORMAT
            ",\"answered_after_resend\":%" G_GUINT64_FORMAT ",\"gave_up\":%" G_GUINT64_FORMAT
            ",\"late\":%" G_GUINT64_FORMAT ",\"unmatched\":%" G_GUINT64_FORMAT
            ",\"naks_for_unsent\":%" G_GUINT64_FORMAT ",\"answers_to_copies\":%" G_GUINT64_FORMAT
            ",\"forgotten\":%" G_GUINT64_FORMAT ",\"seq_reused\":%" G_GUINT64_FORMAT ",\"naks\":{",
            m->resends, m->answered_after_resend, m->gave_up, m->late, m->unmatched,
            m->naks_unknown, m->answers_to_copies, m->forgotten, m->seq_reused);
        json_naks(j, m->naks);
        g_string_append(j, "}}");
    }
    if (s->extractor != NULL) { /* issue 8: every skipped frame, named */
        const GArray *skips = mr_extractor_skips(s->extractor);
        g_string_append_printf(j, ",\"skipped_count\":%" G_GUINT64_FORMAT ",\"skipped\":[",
                               mr_extractor_stats(s->extractor)->skipped);
        for (guint i = 0; i < skips->len; i++) {
            const struct mr_skip *sk = &g_array_index(skips, struct mr_skip, i);
            g_string_append_printf(
                j, "%s{\"record\":%" G_GUINT64_FORMAT ",\"sender\":", i ? "," : "", sk->record);
            json_string(j, skip_sender(s->extractor, sk));
            if (sk->seq >= 0)
                g_string_append_printf(j, ",\"seq\":%d,\"reason\":", sk->seq);
            else
                g_string_append(j, ",\"seq\":null,\"reason\":");
            json_string(j, sk->reason);
            g_string_append_c(j, '}');
        }
        g_string_append_c(j, ']');
    }
    if (s->expect != NULL) {
        const struct mr_expect_stats *e = s->expect;
        g_string_append_printf(
            j,
            ",\"expect\":{\"requests\":%" G_GUINT64_FORMAT ",\"answered\":%" G_GUINT64_FORMAT
            ",\"matched\":%" G_GUINT64_FORMAT ",\"mismatched\":%" G_GUINT64_FORMAT
            ",\"late\":%" G_GUINT64_FORMAT ",\"naked\":%" G_GUINT64_FORMAT
            ",\"missing\":%" G_GUINT64_FORMAT ",\"extra\":%" G_GUINT64_FORMAT
            ",\"unanswered\":%" G_GUINT64_FORMAT ",\"verdicts_left_off\":%" G_GUINT64_FORMAT
            ",\"nothing_compared\":%s,\"sent_responses_naked\":%" G_GUINT64_FORMAT
            ",\"held_for_seq\":%" G_GUINT64_FORMAT,
            e->requests, e->answered, e->matched, e->mismatched, e->late, e->naked, e->missing,
            e->extra, e->unanswered, e->listed_left_off, s->nothing_compared ? "true" : "false",
            s->sent_responses_naked, s->held_for_seq);
        json_hist(j, "latency", &e->latency);
        g_string_append(j, ",\"verdicts\":[");
        for (guint i = 0; s->verdicts != NULL && i < s->verdicts->len; i++) {
            if (i > 0)
                g_string_append_c(j, ',');
            json_verdict(j, &g_array_index(s->verdicts, struct mr_verdict, i));
        }
        g_string_append(j, "]}");
    }
    if (s->error != NULL) {
        g_string_append(j, ",\"error\":");
        json_string(j, s->error);
    }
    g_string_append(j, "}\n");
    bool ok = fwrite(j->str, 1, j->len, out) == j->len && fflush(out) == 0;
    if (!ok)
        g_set_error(error, MR_ERROR, 2, "--json %s: %s", path, g_strerror(errno));
    g_string_free(j, TRUE);
    return ok;
}

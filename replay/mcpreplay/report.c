/* Summary, progress and JSON output. */
#include "report.h"

#include "capture.h"
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

void mr_report_progress(uint64_t sent, uint64_t total, int64_t elapsed_ns, int64_t eta_ns)
{
    if (total > 0 && eta_ns >= 0)
        fprintf(stderr,
                "\rsent %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " (%.0f/s)  ETA %.1f s   ", sent,
                total, rate(sent, elapsed_ns), (double)eta_ns / 1e9);
    else
        fprintf(stderr, "\rsent %" G_GUINT64_FORMAT " (%.0f/s)   ", sent, rate(sent, elapsed_ns));
    fflush(stderr);
}

void mr_report_progress_done(void)
{
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
}

static double us(int64_t ns)
{
    return (double)ns / 1000.0;
}

void mr_report_summary(FILE *out, const struct mr_run_stats *s)
{
    fprintf(out, "target:    %s (%s)\n", s->target, s->mode);
    fprintf(out,
            "sent:      %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
            " bytes in %.6f s: %.1f frames/s, %.3f Mbit/s\n",
            s->sent, s->bytes, (double)s->elapsed_ns / 1e9, frame_rate(s->sent, s->elapsed_ns),
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
    const struct mr_rewrite_stats *f = s->faults;
    if (f != NULL && (f->corrupted || f->dropped || f->duplicated || f->reordered))
        fprintf(out,
                "faults:    %" G_GUINT64_FORMAT " bad CRC, %" G_GUINT64_FORMAT
                " dropped, %" G_GUINT64_FORMAT " duplicated, %" G_GUINT64_FORMAT " reordered\n",
                f->corrupted, f->dropped, f->duplicated, f->reordered);
    if (s->reconnects)
        fprintf(out, "reconnects: %" G_GUINT64_FORMAT "\n", s->reconnects);
    fprintf(out, "received:  %" G_GUINT64_FORMAT " frames (%" G_GUINT64_FORMAT " bad CRC)",
            s->received, s->received_bad_crc);
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
    fprintf(out, "\n");
    const struct mr_expect_stats *e = s->expect;
    if (e != NULL) {
        fprintf(out,
                "expect:    %" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT
                " answered, %" G_GUINT64_FORMAT " as recorded, %" G_GUINT64_FORMAT
                " mismatched, %" G_GUINT64_FORMAT " missing, %" G_GUINT64_FORMAT
                " extra, %" G_GUINT64_FORMAT " unmatched answers\n",
                e->requests, e->answered, e->matched, e->mismatched, e->missing, e->extra,
                e->unexpected);
        if (e->latency.count > 0)
            fprintf(out, "latency:   p50 %.1f us, p99 %.1f us, max %.1f us\n",
                    us(mr_histogram_quantile(&e->latency, 0.5)),
                    us(mr_histogram_quantile(&e->latency, 0.99)), us(e->latency.max));
    }
    if (s->error != NULL)
        fprintf(out, "stopped:   %s\n", s->error);
    mr_report_skips(out, s->extractor); /* issue 8 */
    fprintf(out, "result:    %s\n",
            s->exit_code == 0   ? "ok"
            : s->exit_code == 1 ? "FAILED (answers missing or mismatched)"
            : s->exit_code == 3 ? "FAILED (target unreachable or lost)"
            : s->exit_code == 4 ? "FAILED (frames skipped; --allow-skips accepts them)"
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

static void json_hist(GString *j, const char *name, const struct mr_histogram *h)
{
    g_string_append_printf(j,
                           ",\"%s\":{\"count\":%" G_GUINT64_FORMAT ",\"p50_ns\":%" G_GINT64_FORMAT
                           ",\"p99_ns\":%" G_GINT64_FORMAT ",\"max_ns\":%" G_GINT64_FORMAT "}",
                           name, h->count, mr_histogram_quantile(h, 0.5),
                           mr_histogram_quantile(h, 0.99), h->count ? h->max : 0);
}

bool mr_report_json(const char *path, const struct mr_run_stats *s, GError **error)
{
    GString *j = g_string_new("{\"target\":");
    json_string(j, s->target);
    g_string_append(j, ",\"mode\":");
    json_string(j, s->mode);
    g_string_append_printf(j,
                           ",\"exit_code\":%d,\"sent\":%" G_GUINT64_FORMAT
                           ",\"bytes\":%" G_GUINT64_FORMAT ",\"elapsed_s\":%.9f"
                           ",\"rate_fps\":%.3f,\"loops\":%" G_GUINT64_FORMAT,
                           s->exit_code, s->sent, s->bytes, (double)s->elapsed_ns / 1e9,
                           frame_rate(s->sent, s->elapsed_ns), s->loops);
    if (s->timed)
        json_hist(j, "lateness", &s->lateness);
    g_string_append_printf(j,
                           ",\"received\":%" G_GUINT64_FORMAT
                           ",\"received_bad_crc\":%" G_GUINT64_FORMAT ",\"naks\":{",
                           s->received, s->received_bad_crc);
    bool first = true;
    for (int i = 0; i < 8; i++) {
        if (s->naks[i] == 0)
            continue;
        const char *name = mcp_name_of(mcp_nak_reason_names, (uint32_t)i);
        g_string_append_printf(j, "%s\"%s\":%" G_GUINT64_FORMAT, first ? "" : ",",
                               name != NULL ? name : "other", s->naks[i]);
        first = false;
    }
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
            ",\"tcp_holes\":%" G_GUINT64_FORMAT ",\"junk_bytes\":%" G_GUINT64_FORMAT "}",
            s->extract->records, s->extract->frames, s->extract->tcp_holes, s->extract->junk_bytes);
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
        g_string_append_printf(j,
                               ",\"expect\":{\"requests\":%" G_GUINT64_FORMAT
                               ",\"answered\":%" G_GUINT64_FORMAT ",\"matched\":%" G_GUINT64_FORMAT
                               ",\"mismatched\":%" G_GUINT64_FORMAT
                               ",\"missing\":%" G_GUINT64_FORMAT ",\"extra\":%" G_GUINT64_FORMAT
                               ",\"unmatched\":%" G_GUINT64_FORMAT,
                               e->requests, e->answered, e->matched, e->mismatched, e->missing,
                               e->extra, e->unexpected);
        json_hist(j, "latency", &e->latency);
        g_string_append(j, ",\"differences\":[");
        for (guint i = 0; s->expect_reports != NULL && i < s->expect_reports->len; i++) {
            if (i > 0)
                g_string_append_c(j, ',');
            json_string(j, g_ptr_array_index(s->expect_reports, i));
        }
        g_string_append(j, "]}");
    }
    if (s->error != NULL) {
        g_string_append(j, ",\"error\":");
        json_string(j, s->error);
    }
    g_string_append(j, "}\n");
    GError *err = NULL;
    bool ok = g_file_set_contents(path, j->str, (gssize)j->len, &err);
    if (!ok) {
        g_set_error(error, MR_ERROR, 2, "--json %s: %s", path, err->message);
        g_error_free(err);
    }
    g_string_free(j, TRUE);
    return ok;
}

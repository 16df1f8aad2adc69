/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --junit FILE: the --expect verdict as JUnit XML (junit.h, issue 21). */
#include "junit.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "mcp/names.h"
#include "options.h"
#include "replay.h"

struct mr_junit {
    FILE *out; /* the document; stdout for "-" */
    bool out_stdout;
    char *path;
    FILE *body; /* testcases so far (an unlinked temporary file) */
    char *suite, *classname;
    int timeout_ms;
    uint64_t tests, failures, skipped, errors;
    bool body_failed;
};

struct mr_junit *mr_junit_open(const char *path, const char *suite, int timeout_ms, GError **error)
{
    struct mr_junit *j = g_new0(struct mr_junit, 1);
    j->out_stdout = strcmp(path, "-") == 0;
    j->out = j->out_stdout ? stdout : fopen(path, "w");
    if (j->out == NULL) {
        g_set_error(error, MR_ERROR, MR_EXIT_OUTPUT, "--junit %s: %s", path, g_strerror(errno));
        g_free(j);
        return NULL;
    }
    j->body = tmpfile();
    if (j->body == NULL) {
        g_set_error(error, MR_ERROR, MR_EXIT_OUTPUT, "--junit %s: no temporary file: %s", path,
                    g_strerror(errno));
        if (!j->out_stdout) {
            fclose(j->out);
            unlink(path);
        }
        g_free(j);
        return NULL;
    }
    j->path = g_strdup(path);
    j->suite = g_markup_escape_text(suite, -1);
    j->classname = g_strdup("mcpreplay.expect");
    j->timeout_ms = timeout_ms;
    return j;
}

/* <testcase name=.. classname=.. time=..> without its end; name is escaped here. */
static void testcase_open(struct mr_junit *j, const char *name, double seconds)
{
    gchar *n = g_markup_escape_text(name, -1);
    if (fprintf(j->body, "    <testcase name=\"%s\" classname=\"%s\" time=\"%.6f\"", n,
                j->classname, seconds) < 0)
        j->body_failed = true;
    g_free(n);
    j->tests++;
}

/* A child element (failure, skipped, error) with message and type, the text as its body. */
static void testcase_child(struct mr_junit *j, const char *elem, const char *type,
                           const char *message, const char *text)
{
    gchar *m = g_markup_escape_text(message, -1);
    gchar *t = g_markup_escape_text(text != NULL ? text : message, -1);
    if (fprintf(j->body, ">\n      <%s message=\"%s\" type=\"%s\">%s</%s>\n    </testcase>\n", elem,
                m, type, t, elem) < 0)
        j->body_failed = true;
    g_free(m);
    g_free(t);
}

static void testcase_pass(struct mr_junit *j)
{
    if (fputs("/>\n", j->body) < 0)
        j->body_failed = true;
}

void mr_junit_verdict(void *ctx, const struct mr_verdict *v)
{
    struct mr_junit *j = ctx;
    const char *cmd = mcp_cmd_name(v->cmd);
    GString *name = g_string_new(NULL);
    g_string_printf(name, "record %" G_GUINT64_FORMAT " seq %u %s", v->record, v->seq,
                    cmd != NULL ? cmd : "?");
    if (v->device >= 0)
        g_string_append_printf(name, " device %d", v->device);
    testcase_open(j, name->str, v->latency_ns >= 0 ? (double)v->latency_ns / 1e9 : 0.0);
    switch (v->category) {
    case MR_CAT_MISMATCHED:
    case MR_CAT_LATE:
    case MR_CAT_NAKED:
    case MR_CAT_MISSING: {
        GString *text = g_string_new(NULL);
        mr_verdict_format(v, j->timeout_ms, text);
        testcase_child(j, "failure", mr_category_name(v->category), text->str, NULL);
        g_string_free(text, TRUE);
        j->failures++;
        break;
    }
    default: /* as recorded; an answer where the capture has none, or none on either side */
        testcase_pass(j);
        break;
    }
    g_string_free(name, TRUE);
}

/* Frames the capture does not hold whole: one skipped case each (the listed ones), and one for
 * those counted but not listed. */
static void write_skips(struct mr_junit *j, const struct mr_run_stats *s)
{
    if (s->extractor == NULL)
        return;
    const GArray *skips = mr_extractor_skips(s->extractor);
    uint64_t total = mr_extractor_stats(s->extractor)->skipped;
    for (guint i = 0; i < skips->len; i++) {
        const struct mr_skip *sk = &g_array_index(skips, struct mr_skip, i);
        const struct mr_sender *snd =
            sk->sender == UINT32_MAX ? NULL : mr_extractor_sender(s->extractor, sk->sender);
        GString *name = g_string_new(NULL);
        g_string_printf(name, "record %" G_GUINT64_FORMAT " sender %s seq ", sk->record,
                        snd != NULL ? snd->name : "-");
        if (sk->seq >= 0)
            g_string_append_printf(name, "%d", sk->seq);
        else
            g_string_append_c(name, '?');
        testcase_open(j, name->str, 0.0);
        testcase_child(j, "skipped", "skipped", sk->reason, NULL);
        j->skipped++;
        g_string_free(name, TRUE);
    }
    if (total > skips->len) {
        gchar *msg = g_strdup_printf("%" G_GUINT64_FORMAT " more frames skipped, not listed",
                                     total - skips->len);
        testcase_open(j, "skipped frames not listed", 0.0);
        testcase_child(j, "skipped", "skipped", msg, NULL);
        j->skipped++;
        g_free(msg);
    }
}

/* The run's own verdict when it fails for a reason no request case shows. */
static void write_run(struct mr_junit *j, const struct mr_run_stats *s)
{
    GString *why = g_string_new(NULL);
    bool failure = true;
    switch (s->exit_code) {
    case MR_EXIT_OK:
        break;
    case MR_EXIT_MISMATCH:
        if (s->unmatched_fail)
            g_string_append(why, "answers matching no request fail the run "
                                 "(--allow-unmatched accepts them); ");
        if (s->nothing_compared)
            g_string_append(why, "nothing compared: no request sent has an answer in the "
                                 "capture; ");
        if (s->sent_responses_naked > 0)
            g_string_append_printf(why,
                                   "the target NAKed %" G_GUINT64_FORMAT
                                   " of our frames UNEXPECTED_RESPONSE (responses sent: the "
                                   "capture's directions look swapped?); ",
                                   s->sent_responses_naked);
        if (s->received_bad_crc > 0)
            g_string_append_printf(why,
                                   "%" G_GUINT64_FORMAT " frames from the target fail the %s "
                                   "check; ",
                                   s->received_bad_crc, s->crc_name);
        if (s->received_junk_bytes > 0)
            g_string_append_printf(why, "%" G_GUINT64_FORMAT " bytes from the target are not MCP; ",
                                   s->received_junk_bytes);
        break;
    case MR_EXIT_SKIPPED:
        g_string_append(why, "frames skipped fail the run (--allow-skips accepts them)");
        break;
    default:
        failure = false;
        g_string_append_printf(why, "exit %d: %s", s->exit_code,
                               s->error != NULL                 ? s->error
                               : s->interrupted                 ? "interrupted by a signal"
                               : s->exit_code == MR_EXIT_OUTPUT ? "an output could not be written"
                                                                : "the run failed");
        break;
    }
    if (why->len > 0) {
        while (why->len > 0 && (why->str[why->len - 1] == ' ' || why->str[why->len - 1] == ';'))
            g_string_truncate(why, why->len - 1);
        testcase_open(j, "run", (double)s->elapsed_ns / 1e9);
        testcase_child(j, failure ? "failure" : "error", failure ? "run" : "error", why->str, NULL);
        if (failure)
            j->failures++;
        else
            j->errors++;
    }
    g_string_free(why, TRUE);
}

static bool copy_body(struct mr_junit *j)
{
    if (fflush(j->body) != 0 || fseek(j->body, 0, SEEK_SET) != 0)
        return false;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, j->body)) > 0)
        if (fwrite(buf, 1, n, j->out) != n)
            return false;
    return !ferror(j->body);
}

bool mr_junit_finish(struct mr_junit *j, const struct mr_run_stats *s, GError **error)
{
    write_skips(j, s);
    write_run(j, s);
    double seconds = (double)s->elapsed_ns / 1e9;
    errno = 0;
    bool ok = !j->body_failed;
    ok = ok && fprintf(j->out,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"mcpreplay\" tests=\"%" G_GUINT64_FORMAT
                       "\" failures=\"%" G_GUINT64_FORMAT "\" errors=\"%" G_GUINT64_FORMAT
                       "\" skipped=\"%" G_GUINT64_FORMAT "\" time=\"%.6f\">\n"
                       "  <testsuite name=\"%s\" tests=\"%" G_GUINT64_FORMAT
                       "\" failures=\"%" G_GUINT64_FORMAT "\" errors=\"%" G_GUINT64_FORMAT
                       "\" skipped=\"%" G_GUINT64_FORMAT "\" time=\"%.6f\">\n",
                       j->tests, j->failures, j->errors, j->skipped, seconds, j->suite, j->tests,
                       j->failures, j->errors, j->skipped, seconds) > 0;
    ok = ok && copy_body(j);
    ok = ok && fputs("  </testsuite>\n</testsuites>\n", j->out) >= 0;
    ok = ok && fflush(j->out) == 0;
    if (!j->out_stdout && fclose(j->out) != 0)
        ok = false;
    if (!ok)
        g_set_error(error, MR_ERROR, MR_EXIT_OUTPUT, "--junit %s: writing failed: %s",
                    j->out_stdout ? "-" : j->path,
                    errno != 0 ? g_strerror(errno) : "an earlier write failed");
    fclose(j->body);
    g_free(j->path);
    g_free(j->suite);
    g_free(j->classname);
    g_free(j);
    return ok;
}

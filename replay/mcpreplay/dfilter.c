/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -Y: frame selection by tshark's display filter and PDU export. */
#include "dfilter.h"

#include <glib/gstdio.h>
#include <string.h>

#include "capread.h"
#include "capture.h"
#include "extract.h"
#include "mcp/crc.h"

struct mr_dfilter {
    char *dir;
    GPtrArray *files; /* char *, NULL-terminated */
};

/* The original captures' skips (struct mr_skip, sender UINT32_MAX), read once
 * by mr_dfilter_run; the source that reads the export has no other way to see
 * the records tshark could not export whole. */
static GArray *original_skips;
static uint64_t original_skips_more; /* counted, beyond the listed ones */

static void drop_frame(void *ctx, struct mr_frame *frame)
{
    (void)ctx;
    mr_frame_free(frame);
}

/* mcpreplay's own extraction of the unfiltered captures, for their skips. */
static void scan_original(char **files, size_t n, const struct mcp_codec *codec, unsigned mcp_port,
                          const struct mr_dlt_user_table *dlt_user)
{
    if (original_skips == NULL)
        original_skips = g_array_new(FALSE, FALSE, sizeof(struct mr_skip));
    g_array_set_size(original_skips, 0);
    original_skips_more = 0;
    GError *err = NULL;
    struct mr_capture *cap = mr_capture_open(files, n, &err);
    if (cap == NULL) {
        g_clear_error(&err); /* the export's reading says what is wrong */
        return;
    }
    struct mr_extractor *ex = mr_extractor_new(codec, (uint16_t)mcp_port);
    mr_extractor_set_dlt_user(ex, dlt_user);
    struct mr_record rec;
    uint64_t last = 0;
    enum mr_read_status st;
    while ((st = mr_capture_next(cap, &rec, &err)) == MR_READ_OK) {
        mr_extractor_record(ex, &rec, drop_frame, NULL);
        last = rec.ordinal;
    }
    mr_extractor_finish(ex, drop_frame, NULL);
    const GArray *skips = mr_extractor_skips(ex);
    for (guint i = 0; i < skips->len; i++) {
        struct mr_skip sk = g_array_index(skips, struct mr_skip, i);
        const struct mr_sender *snd =
            sk.sender == UINT32_MAX ? NULL : mr_extractor_sender(ex, sk.sender);
        char *text = g_strdup_printf("in the capture read without -Y (sender %s): %s",
                                     snd != NULL ? snd->name : "-", sk.reason);
        sk.reason = g_intern_string(text);
        g_free(text);
        sk.sender = UINT32_MAX;
        g_array_append_val(original_skips, sk);
    }
    original_skips_more = mr_extractor_stats(ex)->skipped - skips->len;
    if (st == MR_READ_ERROR) {
        char *text = g_strdup_printf("in the capture read without -Y: not readable past here: %s",
                                     err != NULL ? err->message : "?");
        struct mr_skip sk = {last + 1, UINT32_MAX, -1, g_intern_string(text)};
        g_free(text);
        g_array_append_val(original_skips, sk);
    }
    g_clear_error(&err);
    mr_extractor_free(ex);
    mr_capture_free(cap);
}

void mr_dfilter_add_original_skips(struct mr_extractor *ex)
{
    if (original_skips == NULL)
        return;
    for (guint i = 0; i < original_skips->len; i++) {
        const struct mr_skip *sk = &g_array_index(original_skips, struct mr_skip, i);
        mr_extractor_add_skip(ex, sk->record, sk->seq, sk->reason);
    }
    for (uint64_t i = 0; i < original_skips_more; i++)
        mr_extractor_add_skip(ex, 0, -1, "in the capture read without -Y: not listed");
}

void mr_dfilter_free(struct mr_dfilter *df)
{
    if (df == NULL)
        return;
    for (guint i = 0; i + 1 < df->files->len; i++)
        g_unlink(g_ptr_array_index(df->files, i));
    if (df->dir != NULL)
        g_rmdir(df->dir);
    g_ptr_array_free(df->files, TRUE);
    g_free(df->dir);
    g_free(df);
}

char **mr_dfilter_files(const struct mr_dfilter *df)
{
    return (char **)df->files->pdata;
}

/* tshark's first line that says what went wrong: not its warning about
 * running as root ("Running as user "root" and group "root". This could be
 * dangerous."), which comes first when it does. */
static char *first_line(const char *text)
{
    char **lines = g_strsplit(text != NULL ? text : "", "\n", -1);
    char *found = NULL;
    for (char **l = lines; *l != NULL && found == NULL; l++) {
        char *s = g_strstrip(g_strdup(*l));
        if (*s != '\0' && !g_str_has_prefix(s, "Running as user"))
            found = s;
        else
            g_free(s);
    }
    g_strfreev(lines);
    return found != NULL ? found : g_strdup("");
}

/* Whether tshark's exports hold any record (none: the filter matched nothing). */
static bool any_record(GPtrArray *outputs)
{
    for (guint i = 0; i < outputs->len && g_ptr_array_index(outputs, i) != NULL; i++) {
        struct mcp_capread *cr = mcp_capread_open(g_ptr_array_index(outputs, i), NULL);
        if (cr == NULL)
            return true; /* unreadable: the reader says why */
        struct mcp_caprec rec;
        bool found = mcp_capread_next(cr, &rec, NULL) != MCP_CAPREAD_END;
        mcp_capread_close(cr);
        if (found)
            return true;
    }
    return false;
}

/* A UAT field: quoted, with the quote and the backslash as \x22 and \x5c (as Wireshark saves them).
 */
static void uat_field(GString *s, const char *text)
{
    g_string_append_c(s, '"');
    for (const char *p = text; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(s, "\\x%02x", (unsigned char)*p);
        else
            g_string_append_c(s, *p);
    }
    g_string_append_c(s, '"');
}

/* tshark's -o values for the --dlt-user mappings: "uat:user_dlts:RECORD" each. */
static GPtrArray *dlt_user_prefs(const struct mr_dlt_user_table *t)
{
    GPtrArray *prefs = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; t != NULL && t->from_option && i < MR_DLT_USER_COUNT; i++) {
        const struct mr_dlt_user_entry *e = &t->e[i];
        if (!e->mapped)
            continue;
        GString *s = g_string_new("uat:user_dlts:");
        g_string_append_printf(s, "\"User %d (DLT=%d)\",", i, MR_DLT_USER_FIRST + i);
        uat_field(s, e->payload);
        g_string_append_printf(s, ",\"%u\",\"\",\"%u\",\"\"", e->header_size, e->trailer_size);
        g_ptr_array_add(prefs, g_string_free(s, FALSE));
    }
    return prefs;
}

struct mr_dfilter *mr_dfilter_run(char **files, size_t n, const char *filter,
                                  const struct mcp_codec *codec, unsigned mcp_port,
                                  const struct mr_dlt_user_table *dlt_user, GError **error)
{
    const char *tshark = g_getenv("MCPREPLAY_TSHARK");
    char *found = NULL;
    if (tshark == NULL || *tshark == '\0') {
        found = g_find_program_in_path("tshark");
        if (found == NULL) {
            g_set_error(error, MR_ERROR, 2,
                        "--display-filter (-Y) needs tshark (Wireshark's command-line tool, "
                        "package tshark) with "
                        "the mcp5a plugin; tshark is not in PATH");
            return NULL;
        }
        tshark = found;
    }
    struct mr_dfilter *df = g_new0(struct mr_dfilter, 1);
    df->files = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    df->dir = g_dir_make_tmp("mcpreplay-Y.XXXXXX", &err);
    if (df->dir == NULL) {
        g_set_error(error, MR_ERROR, 2, "--display-filter (-Y): %s", err->message);
        g_error_free(err);
        g_free(found);
        mr_dfilter_free(df);
        return NULL;
    }
    g_chmod(df->dir, 0777); /* tshark may run as another user (a wrapper) */
    char port[32], le[32], crc[64];
    g_snprintf(port, sizeof port, "%u", mcp_port);
    g_snprintf(le, sizeof le, "mcp5a.length_le:%s", codec->length_le ? "TRUE" : "FALSE");
    g_snprintf(crc, sizeof crc, "mcp5a.crc_variant:%s", mcp_crc_variant_name(codec->crc));
    char *tcp_port = g_strconcat("mcp5a.tcp.port:", port, NULL);
    char *udp_port = g_strconcat("mcp5a.udp.port:", port, NULL);
    GPtrArray *uat = dlt_user_prefs(dlt_user);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const char *input = mr_capture_path(files[i], error); /* a pipe: its copy */
        if (input == NULL) {
            ok = false;
            break;
        }
        char *base = g_path_get_basename(files[i]);
        char *name = g_strdup_printf("%zu-%s.pcapng", i, base);
        char *out = g_build_filename(df->dir, name, NULL);
        g_free(base);
        g_free(name);
        const char *fixed[] = {tshark, "-r", input, "-Y", filter,   "-U", "MCP5A",  "-w", out, "-o",
                               le,     "-o", crc,   "-o", tcp_port, "-o", udp_port, "-Q"};
        GPtrArray *args = g_ptr_array_new();
        for (size_t k = 0; k < G_N_ELEMENTS(fixed); k++)
            g_ptr_array_add(args, (gpointer)fixed[k]);
        for (guint k = 0; k < uat->len; k++) {
            g_ptr_array_add(args, "-o");
            g_ptr_array_add(args, g_ptr_array_index(uat, k));
        }
        g_ptr_array_add(args, NULL);
        char **argv = (char **)args->pdata;
        char *out_text = NULL, *err_text = NULL;
        int status = 0;
        bool spawned = g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out_text,
                                    &err_text, &status, &err);
        g_ptr_array_free(args, TRUE);
        if (!spawned) {
            g_set_error(error, MR_ERROR, 2, "--display-filter (-Y): cannot run %s: %s", tshark,
                        err->message);
            g_clear_error(&err);
            ok = false;
        } else if (!g_spawn_check_wait_status(status, NULL) ||
                   !g_file_test(out, G_FILE_TEST_EXISTS)) {
            char *why = first_line(err_text);
            g_set_error(error, MR_ERROR, 2,
                        "--display-filter (-Y): %s -r %s -Y '%s' -U MCP5A failed (is the mcp5a "
                        "plugin with its "
                        "MCP5A export tap installed?): %s",
                        tshark, files[i], filter, *why ? why : "no output");
            g_free(why);
            ok = false;
        }
        g_free(out_text);
        g_free(err_text);
        g_ptr_array_add(df->files, out);
    }
    g_free(tcp_port);
    g_free(udp_port);
    g_ptr_array_free(uat, TRUE);
    g_free(found);
    g_ptr_array_add(df->files, NULL);
    if (ok && !any_record(df->files)) {
        char *names = g_strjoinv(", ", files);
        g_set_error(error, MR_ERROR, 2, "no MCP frames in %s match -Y '%s'", names, filter);
        g_free(names);
        ok = false;
    }
    if (!ok) {
        mr_dfilter_free(df);
        return NULL;
    }
    scan_original(files, n, codec, mcp_port, dlt_user);
    return df;
}

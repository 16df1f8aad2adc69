/* -Y: frame selection by tshark's display filter and PDU export. */
#include "dfilter.h"

#include <glib/gstdio.h>
#include <string.h>

#include "capread.h"
#include "capture.h"
#include "mcp/crc.h"

struct mr_dfilter {
    char *dir;
    GPtrArray *files; /* char *, NULL-terminated */
};

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

static char *first_line(const char *text)
{
    char *s = g_strstrip(g_strdup(text != NULL ? text : ""));
    char *nl = strchr(s, '\n');
    if (nl != NULL)
        *nl = '\0';
    return s;
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
    return df;
}

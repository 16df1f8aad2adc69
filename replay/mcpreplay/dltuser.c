/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DLT_USER table: Wireshark's user_dlts file and --dlt-user values. */
#include "dltuser.h"

#include <stdio.h>
#include <string.h>

#include "capture.h"

/* Wireshark's UAT column names, for its error messages. */
static const char *const COLUMN[6] = {"encap",        "payload_proto", "header_size",
                                      "header_proto", "trailer_size",  "trailer_proto"};

bool mr_dlt_user_is_user(int linktype)
{
    return linktype >= MR_DLT_USER_FIRST && linktype <= MR_DLT_USER_LAST;
}

const struct mr_dlt_user_entry *mr_dlt_user_lookup(const struct mr_dlt_user_table *t, int linktype)
{
    if (t == NULL || !mr_dlt_user_is_user(linktype))
        return NULL;
    return &t->e[linktype - MR_DLT_USER_FIRST];
}

enum mr_dlt_user_kind mr_dlt_user_kind(const struct mr_dlt_user_entry *e)
{
    if (e == NULL || !e->mapped)
        return MR_DLT_USER_UNMAPPED;
    if (g_ascii_strcasecmp(e->payload, "mcp5a.serial") == 0)
        return MR_DLT_USER_SERIAL;
    if (g_ascii_strcasecmp(e->payload, "mcp5a") == 0)
        return MR_DLT_USER_FRAMES;
    return MR_DLT_USER_OTHER;
}

void mr_dlt_user_name(int linktype, char *out, size_t out_len)
{
    snprintf(out, out_len, "DLT %d (LINKTYPE_USER%d)", linktype, linktype - MR_DLT_USER_FIRST);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A byte count: decimal digits only, 0..4294967295 ("" is 0, as in Wireshark). */
static bool parse_size(const char *text, uint32_t *out)
{
    if (*text == '\0') {
        *out = 0;
        return true;
    }
    guint64 v;
    for (const char *p = text; *p; p++)
        if (!g_ascii_isdigit(*p))
            return false;
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32, &v, NULL))
        return false;
    *out = (uint32_t)v;
    return true;
}

/* The text between a quoted field's quotes, escapes resolved (\\, \", \xHH, \NNN, \n...). */
static GString *unquote(const char *s, size_t n)
{
    GString *out = g_string_sized_new(n);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            g_string_append_c(out, s[i]);
            continue;
        }
        char c = s[++i];
        static const char from[] = "abefnrtv", to[] = "\a\b\033\f\n\r\t\v";
        const char *esc = c != '\0' ? strchr(from, c) : NULL;
        if (esc != NULL) {
            g_string_append_c(out, to[esc - from]);
        } else if (c == 'x' && i + 2 < n && g_ascii_isxdigit(s[i + 1]) &&
                   g_ascii_isxdigit(s[i + 2])) {
            g_string_append_c(
                out, (char)(g_ascii_xdigit_value(s[i + 1]) * 16 + g_ascii_xdigit_value(s[i + 2])));
            i += 2;
        } else if (c >= '0' && c <= '7') {
            int v = c - '0';
            for (int k = 0; k < 2 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
                v = v * 8 + (s[++i] - '0');
            g_string_append_c(out, (char)(v > 255 ? 255 : v));
        } else {
            g_string_append_c(out, c); /* \\, \" and any other */
        }
    }
    return out;
}

/*
 * One field at *pos: "quoted" (the lexer takes the longest match: it ends at
 * the first quote not preceded by a backslash), hex digit pairs, or empty.
 */
static GString *next_field(const char *line, size_t *pos, const char *column, char *why,
                           size_t why_len)
{
    size_t i = *pos;
    while (is_blank(line[i]))
        i++;
    if (line[i] == '"') {
        size_t end = 0, last_escaped = 0;
        for (size_t k = i + 1; line[k] != '\0'; k++) {
            if (line[k] != '"')
                continue;
            if (line[k - 1] == '\\' && k - 1 > i) {
                last_escaped = k;
                continue;
            }
            end = k;
            break;
        }
        if (end == 0)
            end = last_escaped;
        if (end == 0) {
            snprintf(why, why_len, "unterminated quoted string in field %s", column);
            return NULL;
        }
        *pos = end + 1;
        return unquote(line + i + 1, end - i - 1);
    }
    if (g_ascii_isalnum(line[i])) {
        size_t k = i;
        while (g_ascii_isalnum(line[k]))
            k++;
        GString *out = g_string_new(NULL);
        for (size_t j = i; j + 1 < k; j += 2) {
            if (!g_ascii_isxdigit(line[j]) || !g_ascii_isxdigit(line[j + 1]))
                break;
            g_string_append_c(out, (char)(g_ascii_xdigit_value(line[j]) * 16 +
                                          g_ascii_xdigit_value(line[j + 1])));
        }
        if ((k - i) % 2 != 0 || out->len * 2 != k - i) {
            g_string_free(out, TRUE);
            snprintf(why, why_len, "uneven hexstring for field %s", column);
            return NULL;
        }
        *pos = k;
        return out;
    }
    *pos = i; /* empty */
    return g_string_new(NULL);
}

int mr_dlt_user_parse_record(const char *line, int *dlt, struct mr_dlt_user_entry *entry, char *why,
                             size_t why_len)
{
    GString *f[6] = {NULL};
    size_t pos = 0;
    int rc = -1;
    for (int col = 0; col < 6; col++) {
        f[col] = next_field(line, &pos, COLUMN[col], why, why_len);
        if (f[col] == NULL)
            goto out;
        while (is_blank(line[pos]))
            pos++;
        if (col < 5) {
            if (line[pos] == '\0' || line[pos] == '\r' || line[pos] == '\n') {
                snprintf(why, why_len, "expecting field %s in previous line", COLUMN[col + 1]);
                goto out;
            }
            if (line[pos] != ',') {
                snprintf(why, why_len, "unexpected char '%c' while looking for field %s", line[pos],
                         COLUMN[col + 1]);
                goto out;
            }
            pos++;
        }
    }
    if (line[pos] == ',') {
        snprintf(why, why_len, "more fields than required");
        goto out;
    }
    if (line[pos] == '\r')
        pos++;
    if (line[pos] == '\n')
        pos++;
    if (line[pos] != '\0') {
        snprintf(why, why_len, "unexpected char while looking for end of line");
        goto out;
    }
    /* The syntax holds; from here on a bad value makes Wireshark skip just this record. */
    rc = 1;
    *dlt = -1;
    for (int n = 0; n < MR_DLT_USER_COUNT; n++) {
        char name[32];
        snprintf(name, sizeof name, "User %d (DLT=%d)", n, MR_DLT_USER_FIRST + n);
        if (strlen(name) == f[0]->len && memcmp(name, f[0]->str, f[0]->len) == 0)
            *dlt = MR_DLT_USER_FIRST + n;
    }
    if (*dlt < 0) {
        snprintf(why, why_len, "invalid value: %s (want \"User N (DLT=M)\", N 0..15, M = 147 + N)",
                 f[0]->str);
        goto out;
    }
    memset(entry, 0, sizeof *entry);
    entry->mapped = true;
    /* Wireshark lower-cases the name and trims leading blanks; a trailing blank
     * names no dissector, and the record is refused. */
    const char *name = f[1]->str;
    while (g_ascii_isspace(*name))
        name++;
    size_t n = strlen(name);
    if (n > 0 && g_ascii_isspace(name[n - 1])) {
        snprintf(why, why_len, "payload_proto: dissector not found: '%s' (a trailing blank)",
                 f[1]->str);
        goto out;
    }
    if (n >= sizeof entry->payload) {
        snprintf(why, why_len, "payload_proto: dissector not found: a name this long");
        goto out;
    }
    for (size_t k = 0; k <= n; k++)
        entry->payload[k] = g_ascii_tolower(name[k]);
    if (!parse_size(f[2]->str, &entry->header_size)) {
        snprintf(why, why_len, "header_size: invalid value '%s' (bytes, 0 or more)", f[2]->str);
        goto out;
    }
    if (!parse_size(f[4]->str, &entry->trailer_size)) {
        snprintf(why, why_len, "trailer_size: invalid value '%s' (bytes, 0 or more)", f[4]->str);
        goto out;
    }
    rc = 0;
out:
    for (int col = 0; col < 6; col++)
        if (f[col] != NULL)
            g_string_free(f[col], TRUE);
    return rc;
}

static bool option_fail(GError **error, const char *value, const char *why)
{
    g_set_error(error, MR_ERROR, 2,
                "--dlt-user '%s': %s (want DLT=DISSECTOR[,header=N][,trailer=M], e.g. "
                "147=mcp5a.serial, a Wireshark user_dlts record, or none)",
                value, why);
    return false;
}

/* 147..162, or user0..user15. */
static int parse_dlt(const char *text)
{
    guint64 v;
    if (g_ascii_strncasecmp(text, "user", 4) == 0) {
        if (text[4] == '\0' || !g_ascii_string_to_unsigned(text + 4, 10, 0, 15, &v, NULL))
            return -1;
        return MR_DLT_USER_FIRST + (int)v;
    }
    if (!g_ascii_string_to_unsigned(text, 10, MR_DLT_USER_FIRST, MR_DLT_USER_LAST, &v, NULL))
        return -1;
    return (int)v;
}

static bool parse_short_form(const char *value, int *dlt, struct mr_dlt_user_entry *e,
                             GError **error)
{
    const char *eq = strchr(value, '=');
    if (eq == NULL)
        return option_fail(error, value, "no '=' between the DLT and the dissector");
    char *dlt_text = g_strndup(value, (size_t)(eq - value));
    *dlt = parse_dlt(dlt_text);
    g_free(dlt_text);
    if (*dlt < 0)
        return option_fail(error, value, "the DLT is 147..162 or user0..user15");
    gchar **parts = g_strsplit(eq + 1, ",", -1);
    bool ok = false, header = false, trailer = false;
    memset(e, 0, sizeof *e);
    e->mapped = true;
    if (parts[0] == NULL || parts[0][0] == '\0' || strpbrk(parts[0], " \t=") != NULL ||
        strlen(parts[0]) >= sizeof e->payload) {
        option_fail(error, value, "a dissector name is needed after '=', e.g. mcp5a.serial");
        goto out;
    }
    g_strlcpy(e->payload, parts[0], sizeof e->payload);
    for (int i = 1; parts[i] != NULL; i++) {
        const char *p = parts[i];
        bool is_header = g_str_has_prefix(p, "header=");
        bool is_trailer = g_str_has_prefix(p, "trailer=");
        if (!is_header && !is_trailer) {
            option_fail(error, value, "after the dissector only header=N and trailer=M");
            goto out;
        }
        if ((is_header && header) || (is_trailer && trailer)) {
            option_fail(error, value, "header= and trailer= at most once each");
            goto out;
        }
        const char *num = strchr(p, '=') + 1;
        if (*num == '\0' || !parse_size(num, is_header ? &e->header_size : &e->trailer_size)) {
            option_fail(error, value, "header= and trailer= take a byte count, 0..4294967295");
            goto out;
        }
        header = header || is_header;
        trailer = trailer || is_trailer;
    }
    ok = true;
out:
    g_strfreev(parts);
    return ok;
}

bool mr_dlt_user_add_option(struct mr_dlt_user_table *t, const char *value, GError **error)
{
    if (strcmp(value, "none") == 0) {
        if (t->from_option && !t->none)
            return option_fail(error, value, "none cannot be combined with mappings");
        t->none = true;
        t->from_option = true;
        g_strlcpy(t->source, "--dlt-user none", sizeof t->source);
        return true;
    }
    if (t->none)
        return option_fail(error, value, "none cannot be combined with mappings");
    int dlt;
    struct mr_dlt_user_entry e;
    if (value[0] == '"') {
        char why[256];
        if (mr_dlt_user_parse_record(value, &dlt, &e, why, sizeof why) != 0)
            return option_fail(error, value, why);
    } else if (!parse_short_form(value, &dlt, &e, error)) {
        return false;
    }
    struct mr_dlt_user_entry *slot = &t->e[dlt - MR_DLT_USER_FIRST];
    if (slot->mapped) {
        char why[64];
        snprintf(why, sizeof why, "DLT %d is mapped twice", dlt);
        return option_fail(error, value, why);
    }
    *slot = e;
    t->from_option = true;
    g_strlcpy(t->source, "--dlt-user", sizeof t->source);
    return true;
}

/* Notes the first problem of the file (later ones are counted only). */
static void note_problem(struct mr_dlt_user_table *t, const char *path, int line, const char *why)
{
    if (t->problem[0] == '\0')
        snprintf(t->problem, sizeof t->problem, "%s:%d: %s", path, line, why);
}

bool mr_dlt_user_load_file(struct mr_dlt_user_table *t, const char *path, GError **error)
{
    gchar *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &text, &len, error))
        return false;
    g_strlcpy(t->source, path, sizeof t->source);
    gchar **lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i] != NULL; i++) {
        const char *l = lines[i];
        while (is_blank(*l))
            l++;
        if (*l == '\0' || *l == '#' || (*l == '\r' && l[1] == '\0'))
            continue;
        if (lines[i + 1] == NULL) { /* Wireshark's lexer adds a record at its newline only */
            note_problem(t, path, i + 1, "the last line has no newline: Wireshark ignores it");
            break;
        }
        int dlt;
        struct mr_dlt_user_entry e;
        char why[256];
        int rc = mr_dlt_user_parse_record(l, &dlt, &e, why, sizeof why);
        if (rc < 0) { /* a syntax error ends Wireshark's reading of the file */
            note_problem(t, path, i + 1, why);
            break;
        }
        if (rc > 0) { /* a bad value: Wireshark skips the record */
            note_problem(t, path, i + 1, why);
            continue;
        }
        if (!t->e[dlt - MR_DLT_USER_FIRST].mapped) /* Wireshark uses the first valid entry */
            t->e[dlt - MR_DLT_USER_FIRST] = e;
    }
    g_strfreev(lines);
    g_free(text);
    return true;
}

char *mr_dlt_user_wireshark_path(void)
{
    char *dir;
    const char *env = g_getenv("WIRESHARK_CONFIG_DIR");
    if (env != NULL && *env != '\0') {
        dir = g_strdup(env);
    } else {
        char *xdg = g_build_filename(g_get_user_config_dir(), "wireshark", NULL);
        const char *home = g_getenv("HOME");
        char *legacy = g_build_filename(home != NULL ? home : g_get_home_dir(), ".wireshark", NULL);
        if (g_file_test(xdg, G_FILE_TEST_IS_DIR) || !g_file_test(legacy, G_FILE_TEST_IS_DIR)) {
            dir = xdg;
            g_free(legacy);
        } else {
            dir = legacy;
            g_free(xdg);
        }
    }
    char *personal = g_build_filename(dir, "user_dlts", NULL);
    g_free(dir);
    if (g_file_test(personal, G_FILE_TEST_EXISTS))
        return personal;
    const char *data = g_getenv("WIRESHARK_DATA_DIR");
    char *global = g_build_filename(data != NULL && *data != '\0' ? data : "/usr/share/wireshark",
                                    "user_dlts", NULL);
    if (g_file_test(global, G_FILE_TEST_EXISTS)) {
        g_free(personal);
        return global;
    }
    g_free(global);
    return personal;
}

void mr_dlt_user_load_wireshark(struct mr_dlt_user_table *t)
{
    char *path = mr_dlt_user_wireshark_path();
    GError *err = NULL;
    if (!mr_dlt_user_load_file(t, path, &err)) {
        g_strlcpy(t->source, path, sizeof t->source);
        if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            t->file_missing = true;
        else
            snprintf(t->problem, sizeof t->problem, "%s", err->message);
        g_error_free(err);
    }
    g_free(path);
}

bool mr_dlt_user_strip(const struct mr_dlt_user_entry *e, const uint8_t *data, size_t caplen,
                       const uint8_t **payload, size_t *payload_len)
{
    uint64_t cut = (uint64_t)e->header_size + e->trailer_size;
    if (caplen >= cut) {
        *payload = data + e->header_size;
        *payload_len = caplen - (size_t)cut;
        return true;
    }
    /* Wireshark computes the payload length as caplen - header - trailer and
     * passes it to tvb_new_subset_length_caplen, where -1 means "to the end":
     * a record one byte short of header + trailer gives its bytes from the
     * header on, trailer included (seen with tshark 4.0). */
    if (caplen + 1 == cut && e->trailer_size > 0) {
        *payload = data + e->header_size;
        *payload_len = caplen - e->header_size;
        return true;
    }
    return false;
}

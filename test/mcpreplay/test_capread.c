/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capread's direct reader of plain pcap files (issue 24) gives what libwiretap
 * gives: for every capture named on the command line, and for damaged or
 * rewritten copies of the first --direct one made here (cut inside a record
 * header, inside a record's bytes, trailing bytes, a record over the standard
 * maximum length, version 2.3, byte-swapped, nanosecond), the records read with
 * MCP_CAPREAD_WIRETAP=1 and without are the same: number, kind, time, link
 * type, interface, lengths and bytes, and the same end (or error text).
 *   test_capread [--direct FILE]... FILE...
 * --direct FILE: FILE is compared too, and must be read by the direct reader.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "capread.h"

struct run {
    char *records; /* every record's fields and bytes, as text */
    char *end;     /* "end", or the error's text */
    bool direct;   /* read directly (at open) */
};

static void run_clear(struct run *r)
{
    g_free(r->records);
    g_free(r->end);
}

static void dump_record(GString *s, const struct mcp_caprec *r)
{
    g_string_append_printf(
        s, "%" G_GUINT64_FORMAT " p%d t%" G_GINT64_FORMAT " l%d i%u c%u w%u:", r->number, r->packet,
        r->ts_ns, r->linktype, r->interface_id, r->caplen, r->wirelen);
    for (uint32_t i = 0; r->packet && i < r->caplen; i++)
        g_string_append_printf(s, "%02x", r->data[i]);
    g_string_append_c(s, '\n');
}

static struct run read_all(const char *path, bool wiretap)
{
    if (wiretap)
        g_setenv("MCP_CAPREAD_WIRETAP", "1", TRUE);
    else
        g_unsetenv("MCP_CAPREAD_WIRETAP");
    struct run run = {0};
    GError *err = NULL;
    struct mcp_capread *cr = mcp_capread_open(path, &err);
    g_unsetenv("MCP_CAPREAD_WIRETAP");
    if (cr == NULL) {
        run.records = g_strdup("");
        run.end = g_strdup_printf("open: %s", err->message);
        g_error_free(err);
        return run;
    }
    run.direct = mcp_capread_direct(cr);
    GString *s = g_string_new(NULL);
    struct mcp_caprec rec;
    enum mcp_capread_status st;
    while ((st = mcp_capread_next(cr, &rec, &err)) == MCP_CAPREAD_OK)
        dump_record(s, &rec);
    run.end = st == MCP_CAPREAD_END ? g_strdup("end") : g_strdup(err->message);
    g_clear_error(&err);
    mcp_capread_close(cr);
    run.records = g_string_free(s, FALSE);
    return run;
}

struct check {
    char *path;
    bool want_direct;
};

static void check_same(gconstpointer data)
{
    const struct check *c = data;
    struct run wt = read_all(c->path, true), fast = read_all(c->path, false);
    g_test_message("%s: %s, %s", c->path, fast.direct ? "direct" : "libwiretap", fast.end);
    g_assert_false(wt.direct);
    if (c->want_direct)
        g_assert_true(fast.direct);
    g_assert_cmpstr(fast.end, ==, wt.end);
    g_assert_cmpuint(strlen(fast.records), ==, strlen(wt.records));
    g_assert_true(strcmp(fast.records, wt.records) == 0);
    run_clear(&wt);
    run_clear(&fast);
}

static GPtrArray *checks;

static void add_check(const char *name, const char *path, bool want_direct)
{
    struct check *c = g_new0(struct check, 1);
    c->path = g_strdup(path);
    c->want_direct = want_direct;
    g_ptr_array_add(checks, c);
    char *test = g_strdup_printf("/capread/same/%s", name);
    g_test_add_data_func(test, c, check_same);
    g_free(test);
}

static uint32_t get32(const uint8_t *p, bool swapped)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return swapped ? GUINT32_SWAP_LE_BE(v) : v;
}

static void put32(uint8_t *p, uint32_t v, bool swapped)
{
    v = swapped ? GUINT32_SWAP_LE_BE(v) : v;
    memcpy(p, &v, 4);
}

static void write_variant(const char *dir, const char *name, const void *bytes, size_t len,
                          bool want_direct)
{
    char *path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, bytes, (gssize)len, NULL));
    add_check(name, path, want_direct);
    g_free(path);
}

/* Damaged and rewritten copies of a plain pcap file (microseconds, at least 3 records). */
static void add_variants(const char *dir, const char *base)
{
    gchar *data;
    gsize len;
    g_assert_true(g_file_get_contents(base, &data, &len, NULL));
    uint8_t *d = (uint8_t *)data;
    g_assert_cmpuint(len, >, 24);
    uint32_t magic = get32(d, false);
    g_assert_true(magic == 0xa1b2c3d4u || magic == 0xd4c3b2a1u);
    bool sw = magic == 0xd4c3b2a1u;
    size_t rec[4]; /* offsets of records 1..3 and of record 4 */
    rec[0] = 24;
    for (int i = 1; i < 4; i++) {
        g_assert_cmpuint(rec[i - 1] + 16, <=, len);
        rec[i] = rec[i - 1] + 16 + get32(d + rec[i - 1] + 8, sw);
    }
    g_assert_cmpuint(rec[3], <=, len);
    /* Cut inside record 3's header, inside its bytes; bytes after the last record. */
    write_variant(dir, "cut_header.pcap", d, rec[2] + 7, true);
    write_variant(dir, "cut_bytes.pcap", d, rec[2] + 16 + 1, true);
    uint8_t *more = g_malloc(len + 5);
    memcpy(more, d, len);
    memcpy(more + len, "\x01\x02\x03\x04\x05", 5);
    write_variant(dir, "trailing.pcap", more, len + 5, true);
    g_free(more);
    /* Record 3 claims more than the standard maximum, then 65,536 bytes more than it has. */
    uint8_t *c = g_memdup2(d, len);
    put32(c + rec[2] + 8, 300000, sw);
    write_variant(dir, "over_max.pcap", c, len, true);
    memcpy(c, d, len);
    put32(c + rec[2] + 8, get32(d + rec[2] + 8, sw) + 65536, sw);
    write_variant(dir, "past_end.pcap", c, len, true);
    /* Version 2.3 (lengths maybe swapped): libwiretap's. A captured length over the wire length. */
    memcpy(c, d, len);
    c[sw ? 7 : 6] = 3;
    write_variant(dir, "version_2_3.pcap", c, len, false);
    memcpy(c, d, len);
    put32(c + rec[1] + 12, get32(d + rec[1] + 8, sw) - 1, sw);
    write_variant(dir, "caplen_over_len.pcap", c, len, true);
    /* The other byte order; nanoseconds (odd fractions); a fraction over a second. */
    for (size_t o = 0; o < 24; o += 4)
        if (o != 4)
            put32(c + o, get32(d + o, sw), !sw);
    c[4] = d[5];
    c[5] = d[4];
    c[6] = d[7];
    c[7] = d[6];
    for (size_t r = 24; r + 16 <= len;) {
        for (size_t o = 0; o < 16; o += 4)
            put32(c + r + o, get32(d + r + o, sw), !sw);
        memcpy(c + r + 16, d + r + 16,
               len - r - 16 < get32(d + r + 8, sw) ? len - r - 16 : get32(d + r + 8, sw));
        r += 16 + get32(d + r + 8, sw);
    }
    write_variant(dir, "swapped.pcap", c, len, true);
    memcpy(c, d, len);
    put32(c, 0xa1b23c4du, sw);
    for (size_t r = 24, i = 0; r + 16 <= len; i++) {
        put32(c + r + 4, get32(d + r + 4, sw) * 1000 + (uint32_t)i % 1000, sw);
        r += 16 + get32(d + r + 8, sw);
    }
    write_variant(dir, "nsec.pcap", c, len, true);
    memcpy(c, d, len);
    put32(c + rec[2] + 4, 4294967u, sw); /* usec * 1000 wraps in 32 bits */
    write_variant(dir, "usec_over.pcap", c, len, true);
    g_free(c);
    g_free(data);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    checks = g_ptr_array_new();
    const char *first_direct = NULL;
    GHashTable *want = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--direct") == 0) {
            g_hash_table_add(want, argv[++i]);
            if (first_direct == NULL)
                first_direct = argv[i];
        }
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--direct") == 0 || !g_hash_table_add(seen, argv[i]))
            continue;
        char *name = g_path_get_basename(argv[i]);
        add_check(name, argv[i], g_hash_table_contains(want, argv[i]));
        g_free(name);
    }
    g_hash_table_destroy(seen);
    g_hash_table_destroy(want);
    char *dir = g_dir_make_tmp("test_capread.XXXXXX", NULL);
    g_assert_nonnull(dir);
    if (first_direct != NULL)
        add_variants(dir, first_direct);
    int rc = g_test_run();
    for (guint i = 0; i < checks->len; i++) {
        struct check *c = g_ptr_array_index(checks, i);
        if (g_str_has_prefix(c->path, dir))
            g_unlink(c->path);
    }
    g_rmdir(dir);
    g_free(dir);
    return rc;
}

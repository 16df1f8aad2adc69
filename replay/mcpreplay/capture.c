/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture file reading: the files of one capture in order, through capread. */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capread.h"

G_DEFINE_QUARK(mcpreplay - error - quark, mr_error)

/* Inputs read once and copied (name -> copy's path), and the folder of the copies. */
static GHashTable *spooled;
static char *spool_dir;

static void spool_cleanup(void)
{
    if (spooled != NULL) {
        GHashTableIter it;
        gpointer value;
        g_hash_table_iter_init(&it, spooled);
        while (g_hash_table_iter_next(&it, NULL, &value))
            g_unlink(value);
    }
    if (spool_dir != NULL)
        g_rmdir(spool_dir);
}

/* Copies everything readable from fd to a new file in the spool folder. */
static char *spool(const char *file, int fd, GError **error)
{
    if (spool_dir == NULL) {
        GError *err = NULL;
        spool_dir = g_dir_make_tmp("mcpreplay-in.XXXXXX", &err);
        if (spool_dir == NULL) {
            g_set_error(error, MR_ERROR, 2, "%s: cannot copy a pipe's capture: %s", file,
                        err->message);
            g_error_free(err);
            return NULL;
        }
        /* -Y's tshark may run as another user (a wrapper): it needs to open the copy by name */
        g_chmod(spool_dir, 0711);
        atexit(spool_cleanup);
    }
    char name[32];
    g_snprintf(name, sizeof name, "%u.capture", spooled != NULL ? g_hash_table_size(spooled) : 0);
    char *path = g_build_filename(spool_dir, name, NULL);
    int out = g_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        g_set_error(error, MR_ERROR, 2, "%s: cannot copy a pipe's capture to %s: %s", file, path,
                    g_strerror(errno));
        g_free(path);
        return NULL;
    }
    if (spooled == NULL)
        spooled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_hash_table_insert(spooled, g_strdup(file), path); /* removed at exit, even half written */
    static char buf[1 << 16];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR) { /* SIGINT/SIGTERM: mcpreplay's only handled signals */
            g_set_error(error, MR_ERROR, 2, "%s: interrupted while reading the capture", file);
            close(out);
            return NULL;
        }
        if (n < 0) {
            g_set_error(error, MR_ERROR, 2, "%s: %s", file, g_strerror(errno));
            close(out);
            return NULL;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                g_set_error(error, MR_ERROR, 2, "%s: cannot copy a pipe's capture to %s: %s", file,
                            path, g_strerror(errno));
                close(out);
                return NULL;
            }
            done += w;
        }
    }
    if (close(out) != 0) {
        g_set_error(error, MR_ERROR, 2, "%s: cannot copy a pipe's capture to %s: %s", file, path,
                    g_strerror(errno));
        return NULL;
    }
    return path;
}

const char *mr_capture_path(const char *file, GError **error)
{
    if (spooled != NULL) {
        const char *copy = g_hash_table_lookup(spooled, file);
        if (copy != NULL)
            return copy;
    }
    bool is_stdin = strcmp(file, "-") == 0;
    struct stat st;
    if (!is_stdin && (g_stat(file, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
        return file; /* the reader names what is wrong with it */
    int fd = is_stdin ? 0 : g_open(file, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) {
        g_set_error(error, MR_ERROR, 2, "%s: %s", file, g_strerror(errno));
        return NULL;
    }
    char *copy = spool(file, fd, error);
    if (!is_stdin)
        close(fd);
    return copy;
}

/* err, with the copy's path (a pipe's spooled copy) replaced by the name the user gave. */
static void propagate_named(GError **error, GError *err, const char *path, const char *file)
{
    if (err == NULL)
        return;
    if (path == NULL || path == file || strstr(err->message, path) == NULL) {
        g_propagate_error(error, err);
        return;
    }
    char **parts = g_strsplit(err->message, path, -1);
    char *msg = g_strjoinv(file, parts);
    g_strfreev(parts);
    g_set_error_literal(error, err->domain, err->code, msg);
    g_free(msg);
    g_error_free(err);
}

/* Opens a capture by its name, reading a pipe's copy; errors name the capture, not the copy. */
static struct mcp_capread *open_capture(const char *file, GError **error)
{
    const char *path = mr_capture_path(file, error);
    if (path == NULL)
        return NULL;
    GError *err = NULL;
    struct mcp_capread *cr = mcp_capread_open(path, &err);
    propagate_named(error, err, path, file);
    return cr;
}

struct mr_capture {
    char **files;
    size_t file_count;
    size_t current;         /* index of the open file */
    struct mcp_capread *cr; /* NULL before the first record and between files */
    uint64_t ordinal;
    uint64_t skipped_empty;
};

struct mr_capture *mr_capture_open(char **files, size_t file_count, GError **error)
{
    for (size_t i = 0; i < file_count; i++) {
        struct mcp_capread *cr = open_capture(files[i], error);
        if (cr == NULL)
            return NULL;
        mcp_capread_close(cr);
    }
    struct mr_capture *cap = g_new0(struct mr_capture, 1);
    cap->files = g_strdupv(files);
    cap->file_count = file_count;
    return cap;
}

void mr_capture_free(struct mr_capture *cap)
{
    if (cap == NULL)
        return;
    mcp_capread_close(cap->cr);
    g_strfreev(cap->files);
    g_free(cap);
}

bool mr_capture_rewind(struct mr_capture *cap, GError **error)
{
    (void)error;
    mcp_capread_close(cap->cr);
    cap->cr = NULL;
    cap->current = 0;
    cap->ordinal = 0;
    return true;
}

uint64_t mr_capture_skipped_empty(const struct mr_capture *cap)
{
    return cap->skipped_empty;
}

enum mr_read_status mr_capture_next(struct mr_capture *cap, struct mr_record *rec, GError **error)
{
    for (;;) {
        if (cap->cr == NULL) {
            if (cap->current >= cap->file_count)
                return MR_READ_END;
            cap->cr = open_capture(cap->files[cap->current], error);
            if (cap->cr == NULL)
                return MR_READ_ERROR;
        }
        const char *file = cap->files[cap->current];
        struct mcp_caprec cr;
        GError *err = NULL;
        enum mcp_capread_status st = mcp_capread_next(cap->cr, &cr, &err);
        if (err != NULL) /* a pipe's copy: the message names "-" (the user's), not the copy */
            propagate_named(error, err, mr_capture_path(file, NULL), file);
        switch (st) {
        case MCP_CAPREAD_END:
            mcp_capread_close(cap->cr);
            cap->cr = NULL;
            cap->current++;
            continue;
        case MCP_CAPREAD_ERROR:
            return MR_READ_ERROR;
        case MCP_CAPREAD_OK:
            break;
        }
        cap->ordinal++;
        if (!cr.packet)
            continue; /* a non-packet record carries no frame; it still has its number */
        if (cr.caplen == 0) {
            if (cap->skipped_empty++ == 0)
                g_printerr("mcpreplay: %s: record %" G_GUINT64_FORMAT
                           ": zero-length record skipped\n",
                           file, cr.number);
            continue;
        }
        rec->file = file;
        rec->file_index = (unsigned)cap->current;
        rec->number = cr.number;
        rec->ordinal = cap->ordinal;
        rec->ts_ns = cr.ts_ns;
        rec->linktype = cr.linktype;
        rec->interface_id = cr.interface_id;
        rec->data = cr.data;
        rec->caplen = cr.caplen;
        rec->wirelen = cr.wirelen;
        return MR_READ_OK;
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether two paths name one file: device and inode, not strings. */
#include "samefile.h"

#include <glib.h>
#include <string.h>
#include <sys/stat.h>

/* The directory holding path (device and inode) and the entry's name. */
static bool entry_of(const char *path, struct stat *dir, char **name)
{
    char *d = g_path_get_dirname(path);
    bool ok = stat(d, dir) == 0;
    g_free(d);
    *name = ok ? g_path_get_basename(path) : NULL;
    return ok;
}

bool mcp_same_file(const char *a, const char *b)
{
    if (a == NULL || b == NULL || strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return false;
    struct stat sa, sb;
    bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea || eb)
        return false;
    char *na = NULL, *nb = NULL;
    bool same;
    if (entry_of(a, &sa, &na) && entry_of(b, &sb, &nb)) {
        same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && strcmp(na, nb) == 0;
    } else { /* a folder missing: the names, with ./ and ../ resolved */
        char *ca = g_canonicalize_filename(a, NULL), *cb = g_canonicalize_filename(b, NULL);
        same = strcmp(ca, cb) == 0;
        g_free(ca);
        g_free(cb);
    }
    g_free(na);
    g_free(nb);
    return same;
}

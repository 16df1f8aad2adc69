/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device id lists: see idlist.h. */
#include "idlist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

static bool parse_id(const char *text, unsigned min_id, unsigned max_id, unsigned long *out)
{
    if (!g_ascii_isdigit(text[0]))
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min_id || v > max_id)
        return false;
    *out = v;
    return true;
}

bool mcp_parse_id_list(const char *text, unsigned min_id, unsigned max_id, bool present[256])
{
    memset(present, 0, 256 * sizeof present[0]);
    gchar **parts = g_strsplit(text, ",", -1);
    bool ok = parts[0] != NULL;
    for (gchar **p = parts; ok && *p != NULL; p++) {
        unsigned long lo, hi;
        gchar *dash = strchr(*p, '-');
        if (dash != NULL) {
            *dash = '\0';
            ok = parse_id(*p, min_id, max_id, &lo) && parse_id(dash + 1, min_id, max_id, &hi) &&
                 lo <= hi;
        } else {
            ok = parse_id(*p, min_id, max_id, &lo);
            hi = lo;
        }
        for (unsigned long id = lo; ok && id <= hi; id++)
            present[id] = true;
    }
    g_strfreev(parts);
    return ok;
}

void mcp_format_id_list(const bool present[256], char *out, size_t out_len)
{
    size_t used = 0;
    out[0] = '\0';
    for (unsigned id = 0; id < 255; id++) {
        if (!present[id])
            continue;
        unsigned last = id;
        while (last + 1 < 255 && present[last + 1])
            last++;
        int n = last == id
                    ? snprintf(out + used, out_len - used, "%s%u", used ? "," : "", id)
                    : snprintf(out + used, out_len - used, "%s%u-%u", used ? "," : "", id, last);
        if (n < 0 || (size_t)n >= out_len - used)
            return; /* cut */
        used += (size_t)n;
        id = last;
    }
}

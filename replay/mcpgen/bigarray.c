/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A spilling append-only array (see bigarray.h). */
#include "bigarray.h"
#include "exitcode.h"

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct chunk {
    char *data;     /* NULL while only on disk (or never written) */
    uint64_t stamp; /* last use, for least-recently-used eviction */
    bool dirty;     /* data differs from the disk copy */
    bool on_disk;
};

struct bigarray {
    size_t elem;
    uint32_t len;
    GArray *chunks; /* struct chunk */
    unsigned resident;
    uint64_t clock;
    int fd; /* -1 until the first spill */
};

static void die(const char *what)
{
    fprintf(stderr, "mcpgen: cannot %s the temporary spill file: %s\n", what, strerror(errno));
    exit(MCP_EXIT_OUTPUT);
}

struct bigarray *bigarray_new(size_t elem)
{
    struct bigarray *a = g_new0(struct bigarray, 1);
    a->elem = elem;
    a->chunks = g_array_new(FALSE, TRUE, sizeof(struct chunk));
    a->fd = -1;
    return a;
}

void bigarray_free(struct bigarray *a)
{
    if (a == NULL)
        return;
    for (guint c = 0; c < a->chunks->len; c++)
        g_free(g_array_index(a->chunks, struct chunk, c).data);
    g_array_free(a->chunks, TRUE);
    if (a->fd >= 0)
        close(a->fd);
    g_free(a);
}

uint32_t bigarray_len(const struct bigarray *a)
{
    return a->len;
}

static void spill(struct bigarray *a, guint c)
{
    struct chunk *ch = &g_array_index(a->chunks, struct chunk, c);
    size_t bytes = a->elem * BIGARRAY_CHUNK;
    if (ch->dirty || !ch->on_disk) {
        if (a->fd < 0) {
            gchar *path = NULL;
            a->fd = g_file_open_tmp("mcpgen-spill-XXXXXX", &path, NULL);
            if (a->fd < 0)
                die("create");
            unlink(path);
            g_free(path);
        }
        off_t off = (off_t)c * (off_t)bytes;
        for (size_t done = 0; done < bytes;) {
            ssize_t n = pwrite(a->fd, ch->data + done, bytes - done, off + (off_t)done);
            if (n <= 0)
                die("write");
            done += (size_t)n;
        }
        ch->on_disk = true;
    }
    g_free(ch->data);
    ch->data = NULL;
    ch->dirty = false;
    a->resident--;
}

/* Makes room for one more resident chunk. */
static void make_room(struct bigarray *a)
{
    while (a->resident >= BIGARRAY_RESIDENT) {
        guint victim = G_MAXUINT;
        uint64_t oldest = UINT64_MAX;
        for (guint c = 0; c < a->chunks->len; c++) {
            const struct chunk *ch = &g_array_index(a->chunks, struct chunk, c);
            if (ch->data != NULL && ch->stamp < oldest)
                oldest = ch->stamp, victim = c;
        }
        spill(a, victim);
    }
}

static struct chunk *touch(struct bigarray *a, guint c)
{
    struct chunk *ch = &g_array_index(a->chunks, struct chunk, c);
    if (ch->data == NULL) {
        make_room(a);
        ch = &g_array_index(a->chunks, struct chunk, c);
        size_t bytes = a->elem * BIGARRAY_CHUNK;
        ch->data = g_malloc0(bytes);
        a->resident++;
        if (ch->on_disk) {
            off_t off = (off_t)c * (off_t)bytes;
            for (size_t done = 0; done < bytes;) {
                ssize_t n = pread(a->fd, ch->data + done, bytes - done, off + (off_t)done);
                if (n <= 0)
                    die("read");
                done += (size_t)n;
            }
        }
    }
    ch->stamp = ++a->clock;
    return ch;
}

uint32_t bigarray_append(struct bigarray *a, const void *elem)
{
    uint32_t i = a->len;
    guint c = i / BIGARRAY_CHUNK;
    if (c == a->chunks->len)
        g_array_set_size(a->chunks, c + 1);
    struct chunk *ch = touch(a, c);
    memcpy(ch->data + (size_t)(i % BIGARRAY_CHUNK) * a->elem, elem, a->elem);
    ch->dirty = true;
    a->len++;
    return i;
}

void *bigarray_at(struct bigarray *a, uint32_t i)
{
    g_assert(i < a->len);
    struct chunk *ch = touch(a, i / BIGARRAY_CHUNK);
    ch->dirty = true;
    return ch->data + (size_t)(i % BIGARRAY_CHUNK) * a->elem;
}

const void *bigarray_get(struct bigarray *a, uint32_t i)
{
    g_assert(i < a->len);
    struct chunk *ch = touch(a, i / BIGARRAY_CHUNK);
    return ch->data + (size_t)(i % BIGARRAY_CHUNK) * a->elem;
}

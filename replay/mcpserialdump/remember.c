/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The remembered ports: see remember.h. */
#include "remember.h"

#include <errno.h>
#include <string.h>

#include "ports.h"

char *sd_remember_file(void)
{
    return g_build_filename(g_get_user_state_dir(), "mcpserialdump", "ports", NULL);
}

static void port_free(gpointer p)
{
    struct sd_port *port = p;
    g_free(port->path);
    g_free(port->id);
    g_free(port->target);
    g_free(port);
}

GPtrArray *sd_remembered_ports(void)
{
    GPtrArray *ports = g_ptr_array_new_with_free_func(port_free);
    char *file = sd_remember_file();
    char *text = NULL;
    if (g_file_get_contents(file, &text, NULL, NULL)) {
        gchar **lines = g_strsplit(text, "\n", -1);
        for (gchar **l = lines; *l != NULL && ports->len < SD_REMEMBER_MAX; l++) {
            gchar **f = g_strsplit(*l, "\t", 3);
            /* An id and an absolute path; anything else (a line edited by hand) is skipped. */
            if (f[0] != NULL && f[1] != NULL && f[2] == NULL && f[0][0] != '\0' && f[1][0] == '/') {
                struct sd_port *p = g_new0(struct sd_port, 1);
                p->id = g_strdup(f[0]);
                p->path = g_strdup(f[1]);
                g_ptr_array_add(ports, p);
            }
            g_strfreev(f);
        }
        g_strfreev(lines);
    }
    g_free(text);
    g_free(file);
    return ports;
}

static bool write_list(GPtrArray *ports, char *err, size_t err_len)
{
    char *file = sd_remember_file();
    char *dir = g_path_get_dirname(file);
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < ports->len && i < SD_REMEMBER_MAX; i++) {
        const struct sd_port *p = g_ptr_array_index(ports, i);
        g_string_append_printf(text, "%s\t%s\n", p->id, p->path);
    }
    GError *e = NULL;
    bool ok = true;
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        g_snprintf(err, err_len, "%s: %s", dir, g_strerror(errno));
        ok = false;
    } else if (!g_file_set_contents(file, text->str, (gssize)text->len, &e)) {
        g_snprintf(err, err_len, "%s", e->message);
        g_clear_error(&e);
        ok = false;
    }
    g_string_free(text, TRUE);
    g_free(dir);
    g_free(file);
    return ok;
}

static bool names(const struct sd_port *p, const char *what)
{
    return strcmp(p->id, what) == 0 || strcmp(p->path, what) == 0;
}

bool sd_remember_port(const char *id, const char *path, char *err, size_t err_len)
{
    GPtrArray *ports = sd_remembered_ports();
    if (ports->len > 0) {
        const struct sd_port *first = g_ptr_array_index(ports, 0);
        if (strcmp(first->id, id) == 0 && strcmp(first->path, path) == 0) {
            g_ptr_array_unref(ports); /* already first: no write */
            return true;
        }
    }
    for (guint i = ports->len; i-- > 0;) {
        const struct sd_port *p = g_ptr_array_index(ports, i);
        if (strcmp(p->id, id) == 0)
            g_ptr_array_remove_index(ports, i);
    }
    struct sd_port *p = g_new0(struct sd_port, 1);
    p->id = g_strdup(id);
    p->path = g_strdup(path);
    g_ptr_array_insert(ports, 0, p);
    bool ok = write_list(ports, err, err_len);
    g_ptr_array_unref(ports);
    return ok;
}

int sd_forget_ports(const char *what, char *err, size_t err_len)
{
    GPtrArray *ports = sd_remembered_ports();
    bool all = strcmp(what, "all") == 0;
    int taken = 0;
    for (guint i = ports->len; i-- > 0;) {
        if (all || names(g_ptr_array_index(ports, i), what)) {
            g_ptr_array_remove_index(ports, i);
            taken++;
        }
    }
    if (taken > 0 && !write_list(ports, err, err_len))
        taken = -1;
    g_ptr_array_unref(ports);
    return taken;
}

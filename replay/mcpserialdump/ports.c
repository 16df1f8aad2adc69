/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Serial port discovery by name only: glob(3) and sysfs, no open(2) of a port. */
#include "ports.h"

#include <glob.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#define SD_ID_PREFIX "mcpserial-"

char *sd_ports_id(const char *path)
{
    const char *byid = "/dev/serial/by-id/";
    char *base = g_path_get_basename(path);
    char *id;
    if (g_str_has_prefix(path, byid))
        id = g_strconcat(SD_ID_PREFIX, "by-id-", base, NULL);
    else
        id = g_strconcat(SD_ID_PREFIX, base, NULL);
    g_free(base);
    return id;
}

static void port_free(gpointer p)
{
    struct sd_port *port = p;
    g_free(port->path);
    g_free(port->id);
    g_free(port->target);
    g_free(port);
}

/* A /dev/ttyS* node with no UART behind it reports type 0 (PORT_UNKNOWN) in sysfs. */
static bool uart_present(const char *path)
{
    char *base = g_path_get_basename(path);
    char *type_file = g_strdup_printf("/sys/class/tty/%s/type", base);
    char *text = NULL;
    bool present = true; /* without sysfs, list it */
    if (g_file_get_contents(type_file, &text, NULL, NULL))
        present = g_ascii_strtoull(text, NULL, 10) != 0;
    g_free(text);
    g_free(type_file);
    g_free(base);
    return present;
}

static gint by_path(gconstpointer a, gconstpointer b)
{
    const struct sd_port *pa = *(struct sd_port *const *)a;
    const struct sd_port *pb = *(struct sd_port *const *)b;
    return strcmp(pa->path, pb->path);
}

static void add_matches(GPtrArray *ports, GHashTable *ids, const char *pattern, bool check_uart)
{
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        if (check_uart && !uart_present(path))
            continue;
        char *id = sd_ports_id(path);
        if (g_hash_table_contains(ids, id)) {
            g_free(id);
            continue;
        }
        struct sd_port *port = g_new0(struct sd_port, 1);
        port->path = g_strdup(path);
        port->id = id;
        g_hash_table_add(ids, g_strdup(id));
        if (g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
            char *real = realpath(path, NULL);
            port->target = real != NULL ? g_strdup(real) : NULL;
            free(real);
        }
        g_ptr_array_add(ports, port);
    }
    globfree(&g);
}

GPtrArray *sd_ports_list(void)
{
    GPtrArray *ports = g_ptr_array_new_with_free_func(port_free);
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *env = g_getenv(SD_PORTS_ENV);
    if (env != NULL && env[0] != '\0') {
        gchar **patterns = g_strsplit(env, ":", -1);
        for (gchar **p = patterns; *p != NULL; p++)
            if ((*p)[0] != '\0')
                add_matches(ports, ids, *p, false);
        g_strfreev(patterns);
    } else {
        add_matches(ports, ids, "/dev/ttyS[0-9]*", true);
        add_matches(ports, ids, "/dev/ttyUSB[0-9]*", false);
        add_matches(ports, ids, "/dev/ttyACM[0-9]*", false);
        add_matches(ports, ids, "/dev/serial/by-id/*", false);
    }
    g_hash_table_destroy(ids);
    g_ptr_array_sort(ports, by_path);
    return ports;
}

char *sd_ports_resolve(const char *id_or_path)
{
    GPtrArray *ports = sd_ports_list();
    char *found = NULL;
    for (guint i = 0; i < ports->len && found == NULL; i++) {
        const struct sd_port *p = g_ptr_array_index(ports, i);
        if (strcmp(p->id, id_or_path) == 0 || strcmp(p->path, id_or_path) == 0)
            found = g_strdup(p->path);
    }
    g_ptr_array_unref(ports);
    if (found == NULL && strchr(id_or_path, '/') != NULL)
        found = g_strdup(id_or_path);
    return found;
}

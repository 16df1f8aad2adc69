/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Other holders of a tty, from /proc/PID/fd (proc(5)). */
#include "holders.h"

#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The process's name (/proc/PID/comm), "?" when gone. */
static char *process_name(const char *pid)
{
    char *file = g_strdup_printf("/proc/%s/comm", pid);
    char *text = NULL;
    if (!g_file_get_contents(file, &text, NULL, NULL))
        text = g_strdup("?");
    g_free(file);
    return g_strchomp(text);
}

/* The pty index of a Unix 98 pty slave (/dev/pts/N: majors 136..143), -1 for another device. */
static long pty_index(dev_t rdev)
{
    unsigned maj = major(rdev);
    return maj >= 136 && maj <= 143 ? (long)(maj - 136) * 256 + (long)minor(rdev) : -1;
}

/* fd_path is a pty master (/dev/ptmx) whose slave is /dev/pts/index (proc(5) fdinfo: tty-index). */
static bool masters_pty(const char *pid, const char *fd, long index)
{
    char *info_path = g_strdup_printf("/proc/%s/fdinfo/%s", pid, fd);
    char *info = NULL;
    bool yes = false;
    if (g_file_get_contents(info_path, &info, NULL, NULL)) {
        const char *t = strstr(info, "tty-index:");
        yes = t != NULL && strtol(t + strlen("tty-index:"), NULL, 10) == index;
    }
    g_free(info);
    g_free(info_path);
    return yes;
}

/*
 * Whether pid has the device open; *owner: it also holds the master side of that pty (it made
 * the pty: mcpsim --pty, socat, a test harness), so it is the line's far end, the device
 * itself, not a second reader of this side.
 */
static bool holds(const char *pid, dev_t rdev, bool *readable, bool *owner)
{
    char *dir_path = g_strdup_printf("/proc/%s/fd", pid);
    DIR *dir = opendir(dir_path);
    bool found = false;
    long index = pty_index(rdev);
    *readable = dir != NULL;
    *owner = false;
    if (dir != NULL) {
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char *fd_path = g_strdup_printf("%s/%s", dir_path, e->d_name);
            struct stat st;
            if (stat(fd_path, &st) == 0 && S_ISCHR(st.st_mode)) {
                if (st.st_rdev == rdev)
                    found = true;
                else if (index >= 0 && major(st.st_rdev) == 5 && minor(st.st_rdev) == 2 &&
                         masters_pty(pid, e->d_name, index))
                    *owner = true;
            }
            g_free(fd_path);
        }
        closedir(dir);
    }
    g_free(dir_path);
    return found;
}

bool sd_port_holders(const char *path, char *out, size_t out_len, unsigned *unchecked)
{
    *unchecked = 0;
    out[0] = '\0';
    struct stat port;
    if (stat(path, &port) != 0 || !S_ISCHR(port.st_mode))
        return false;
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return false;
    GString *names = g_string_new(NULL);
    char self[32];
    g_snprintf(self, sizeof self, "%ld", (long)getpid());
    struct dirent *e;
    while ((e = readdir(proc)) != NULL) {
        if (!g_ascii_isdigit(e->d_name[0]) || strcmp(e->d_name, self) == 0)
            continue;
        bool readable = false, owner = false;
        if (holds(e->d_name, port.st_rdev, &readable, &owner) && !owner) {
            char *name = process_name(e->d_name);
            g_string_append_printf(names, "%s%s (pid %s)", names->len ? ", " : "", name, e->d_name);
            g_free(name);
        } else if (!readable) {
            (*unchecked)++;
        }
    }
    closedir(proc);
    bool any = names->len > 0;
    g_strlcpy(out, names->str, out_len);
    g_string_free(names, TRUE);
    return any;
}

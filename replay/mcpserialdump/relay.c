/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The relay's pseudo-terminal (pty(7), posix_openpt(3)). */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serialline.h"

static bool fail(char *err, size_t err_len, enum sd_exit *code, enum sd_exit value,
                 const char *what, const char *detail)
{
    g_snprintf(err, err_len, "relay: %s (%s)", what, detail);
    *code = value;
    return false;
}

bool sd_relay_pty_open(const char *spec, const struct sd_line_settings *line,
                       struct sd_relay_pty *pty, char *err, size_t err_len, enum sd_exit *code)
{
    memset(pty, 0, sizeof *pty);
    pty->fd = pty->hold_fd = -1;
    pty->fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (pty->fd < 0)
        return fail(err, err_len, code, SD_EXIT_PORT_OPEN, "cannot open a new pseudo-terminal",
                    g_strerror(errno));
    if (grantpt(pty->fd) != 0 || unlockpt(pty->fd) != 0 ||
        ptsname_r(pty->fd, pty->path, sizeof pty->path) != 0) {
        int e = errno;
        sd_relay_pty_close(pty);
        return fail(err, err_len, code, SD_EXIT_PORT_OPEN, "cannot set up the pseudo-terminal",
                    g_strerror(e));
    }
    pty->hold_fd = open(pty->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (pty->hold_fd < 0) {
        int e = errno;
        sd_relay_pty_close(pty);
        return fail(err, err_len, code, SD_EXIT_PORT_OPEN, "cannot open the pseudo-terminal",
                    g_strerror(e));
    }
    /* The settings a pty keeps: raw, baud, stop bits (8 data bits, no parity always). */
    const struct mcp_serial_settings s = {
        .baud = line->baud, .parity = 0, .data_bits = 0, .stop_bits = line->stop_bits};
    char why[256];
    if (mcp_serial_apply(pty->hold_fd, &s, why, sizeof why) != MCP_SERIAL_OK) {
        sd_relay_pty_close(pty);
        return fail(err, err_len, code, SD_EXIT_LINE_SETTINGS,
                    "the pseudo-terminal refuses the line settings", why);
    }
    fcntl(pty->fd, F_SETFL, fcntl(pty->fd, F_GETFL) | O_NONBLOCK);
    if (strncmp(spec, "pty:", 4) == 0) {
        const char *link = spec + 4;
        struct stat st;
        if (lstat(link, &st) == 0 && S_ISLNK(st.st_mode))
            unlink(link);
        if (symlink(pty->path, link) != 0) {
            int e = errno;
            char *what = g_strdup_printf("cannot make %s a link to %s", link, pty->path);
            sd_relay_pty_close(pty);
            fail(err, err_len, code, SD_EXIT_PORT_OPEN, what,
                 e == EEXIST ? "a file that is not a link is there" : g_strerror(e));
            g_free(what);
            return false;
        }
        pty->link = g_strdup(link);
    }
    return true;
}

void sd_relay_pty_close(struct sd_relay_pty *pty)
{
    if (pty->link != NULL) {
        char *target = g_file_read_link(pty->link, NULL);
        if (target != NULL && strcmp(target, pty->path) == 0)
            unlink(pty->link);
        g_free(target);
        g_free(pty->link);
        pty->link = NULL;
    }
    if (pty->hold_fd >= 0)
        close(pty->hold_fd);
    if (pty->fd >= 0)
        close(pty->fd);
    pty->fd = pty->hold_fd = -1;
}

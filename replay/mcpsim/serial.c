/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Serial line and pty: termios raw mode, then a byte-stream link in §5 SERIAL mode. */
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link.h"

struct serial_line {
    struct sim_link link;
    int keep_fd; /* pty: our own handle on the slave side, so the master never sees a hangup */
};

static void line_closed(struct sim_core *core, struct sim_link *link)
{
    struct serial_line *line = (struct serial_line *)link;
    if (line->keep_fd >= 0)
        close(line->keep_fd);
    sim_link_release(link);
    core->serial = NULL;
    core->stats.serial_lines--;
    g_free(line);
}

static int open_pty(char *path, size_t path_len, int *keep_fd, char *err, size_t err_len)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, path, path_len) != 0) {
        snprintf(err, err_len, "cannot create a pty: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *keep_fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*keep_fd < 0) {
        snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    /* On Linux the master's termios calls act on the slave side's settings. */
    const struct mcp_serial_settings raw = {0};
    if (mcp_serial_apply(*keep_fd, &raw, err, err_len) != MCP_SERIAL_OK) {
        close(*keep_fd);
        close(fd);
        return -1;
    }
    return fd;
}

bool sim_serial_open(struct sim_core *core, const char *path,
                     const struct mcp_serial_settings *settings, bool pty, struct sim_devset *set,
                     char *url, size_t url_len, char *err, size_t err_len)
{
    char name[256];
    int keep_fd = -1;
    int fd;
    if (pty) {
        fd = open_pty(name, sizeof name, &keep_fd, err, err_len);
        if (fd < 0)
            return false;
    } else {
        g_strlcpy(name, path, sizeof name);
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, err_len, "cannot open serial line %s: %s", path, strerror(errno));
            return false;
        }
        char why[200];
        if (mcp_serial_apply(fd, settings, why, sizeof why) != MCP_SERIAL_OK) {
            snprintf(err, err_len, "serial line %s: %s", path, why);
            close(fd);
            return false;
        }
    }
    struct serial_line *line = g_new0(struct serial_line, 1);
    line->keep_fd = keep_fd;
    line->link.on_close = line_closed;
    line->link.client.peer.kind = SIM_PEER_SERIAL;
    line->link.client.set = set;
    char label[300];
    snprintf(label, sizeof label, "serial %s", name);
    if (!sim_link_start(core, &line->link, fd, true, label)) {
        snprintf(err, err_len, "epoll: %s", strerror(errno));
        close(fd);
        if (keep_fd >= 0)
            close(keep_fd);
        g_free(line);
        return false;
    }
    core->serial = &line->link;
    core->stats.serial_lines++;
    snprintf(url, url_len, "serial:%s", name);
    return true;
}

void sim_serial_close(struct sim_core *core)
{
    if (core->serial != NULL)
        sim_link_close(core, core->serial);
}

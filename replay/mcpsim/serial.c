/* Serial line and pty: termios raw mode, then a byte-stream link in §5 SERIAL mode. */
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "link.h"

struct serial_line {
    struct sim_link link;
    int keep_fd; /* pty: our own handle on the slave side, so the master never sees a hangup */
};

static const struct {
    unsigned baud;
    speed_t constant;
} bauds[] = {
    {1200, B1200},       {2400, B2400},       {4800, B4800},       {9600, B9600},
    {19200, B19200},     {38400, B38400},     {57600, B57600},     {115200, B115200},
    {230400, B230400},   {460800, B460800},   {500000, B500000},   {921600, B921600},
    {1000000, B1000000}, {2000000, B2000000}, {3000000, B3000000}, {4000000, B4000000},
};

bool sim_baud_constant(unsigned baud, unsigned *out)
{
    for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++) {
        if (bauds[i].baud == baud) {
            *out = bauds[i].constant;
            return true;
        }
    }
    return false;
}

static bool make_raw(int fd, unsigned baud, char *err, size_t err_len)
{
    struct termios tio;
    if (tcgetattr(fd, &tio) < 0) {
        snprintf(err, err_len, "tcgetattr: %s", strerror(errno));
        return false;
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (baud != 0) {
        unsigned speed;
        if (!sim_baud_constant(baud, &speed)) {
            snprintf(err, err_len, "unsupported baud rate %u", baud);
            return false;
        }
        cfsetispeed(&tio, (speed_t)speed);
        cfsetospeed(&tio, (speed_t)speed);
    }
    if (tcsetattr(fd, TCSANOW, &tio) < 0) {
        snprintf(err, err_len, "tcsetattr: %s", strerror(errno));
        return false;
    }
    return true;
}

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
    if (!make_raw(*keep_fd, 0, err, err_len)) {
        close(*keep_fd);
        close(fd);
        return -1;
    }
    return fd;
}

bool sim_serial_open(struct sim_core *core, const char *path, unsigned baud, bool pty, char *url,
                     size_t url_len, char *err, size_t err_len)
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
        if (!make_raw(fd, baud, why, sizeof why)) {
            snprintf(err, err_len, "serial line %s: %s", path, why);
            close(fd);
            return false;
        }
    }
    struct serial_line *line = g_new0(struct serial_line, 1);
    line->keep_fd = keep_fd;
    line->link.on_close = line_closed;
    line->link.client.peer.kind = SIM_PEER_SERIAL;
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

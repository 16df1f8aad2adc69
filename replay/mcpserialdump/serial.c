/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Serial ports in raw mode for capture (termios(3), tty_ioctl(4)). */
#include "serial.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/serial.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "serialline.h"
#include <unistd.h>

/* A UUCP lock file (/run/lock/LCK..ttyUSB0) naming a live process: the port is in use. */
static bool uucp_locked(const char *path, long *pid_out)
{
    char *base = g_path_get_basename(path);
    static const char *const dirs[] = {"/run/lock", "/var/lock"};
    bool locked = false;
    for (size_t i = 0; i < G_N_ELEMENTS(dirs) && !locked; i++) {
        char *lock = g_strdup_printf("%s/LCK..%s", dirs[i], base);
        char *text = NULL;
        gsize len = 0;
        if (g_file_get_contents(lock, &text, &len, NULL)) {
            long pid = 0;
            if (len == 4 && text[0] != ' ' && !g_ascii_isdigit(text[0]))
                memcpy(&pid, text, 4); /* binary (Kermit) form; little-endian host */
            else
                pid = strtol(text, NULL, 10);
            if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
                locked = pid != getpid();
                *pid_out = pid;
            }
        }
        g_free(text);
        g_free(lock);
    }
    g_free(base);
    return locked;
}

static int fail(int fd, char *err, size_t err_len, enum sd_exit *code, enum sd_exit value,
                const char *fmt, const char *path, const char *detail)
{
    if (fd >= 0)
        close(fd);
    char *what = g_strdup_printf(fmt, path, detail);
    g_strlcpy(err, what, err_len);
    g_free(what);
    *code = value;
    return -1;
}

int sd_serial_open(const char *path, bool read_write, const struct sd_line_settings *line,
                   bool *low_latency, char *err, size_t err_len, enum sd_exit *code)
{
    *low_latency = false;
    speed_t speed;
    if (!mcp_serial_speed(line->baud, &speed)) {
        char detail[32];
        g_snprintf(detail, sizeof detail, "%u", line->baud);
        return fail(-1, err, err_len, code, SD_EXIT_LINE_SETTINGS,
                    "%s: baud %s is not a rate serial ports support (50 .. 4000000, the "
                    "standard rates: 9600, 19200, 38400, 57600, 115200, ...)",
                    path, detail);
    }
    long holder = 0;
    if (uucp_locked(path, &holder)) {
        char detail[32];
        g_snprintf(detail, sizeof detail, "%ld", holder);
        return fail(-1, err, err_len, code, SD_EXIT_PORT_BUSY,
                    "%s: port busy: locked by process %s (UUCP lock file)", path, detail);
    }
    int fd = open(path, (read_write ? O_RDWR : O_RDONLY) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENODEV || e == ENXIO || e == ENOTDIR)
            return fail(-1, err, err_len, code, SD_EXIT_PORT_MISSING, "%s: no such port (%s)", path,
                        g_strerror(e));
        if (e == EBUSY)
            return fail(-1, err, err_len, code, SD_EXIT_PORT_BUSY,
                        "%s: port busy: another program opened it exclusively (%s)", path,
                        g_strerror(e));
        return fail(-1, err, err_len, code, SD_EXIT_PORT_OPEN, "%s: cannot open the port (%s)",
                    path, g_strerror(e));
    }
    if (!isatty(fd))
        return fail(fd, err, err_len, code, SD_EXIT_PORT_OPEN,
                    "%s: cannot capture: not a serial port (%s)", path, "not a tty");
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK)
            return fail(fd, err, err_len, code, SD_EXIT_PORT_BUSY,
                        "%s: port busy: another capture or program holds its lock (%s)", path,
                        "flock");
        return fail(fd, err, err_len, code, SD_EXIT_PORT_OPEN, "%s: cannot lock the port (%s)",
                    path, g_strerror(e));
    }

    const struct mcp_serial_settings settings = {.baud = line->baud,
                                                 .parity = "neo"[line->parity],
                                                 .data_bits = line->data_bits,
                                                 .stop_bits = line->stop_bits};
    char why[256];
    switch (mcp_serial_apply(fd, &settings, why, sizeof why)) {
    case MCP_SERIAL_OK:
        break;
    case MCP_SERIAL_NOT_TTY:
        return fail(fd, err, err_len, code, SD_EXIT_PORT_OPEN, "%s: %s", path, why);
    case MCP_SERIAL_REFUSED:
        return fail(fd, err, err_len, code, SD_EXIT_LINE_SETTINGS, "%s: %s", path, why);
    }
    /* Drop what arrived before the settings took (bytes at another rate or framing). */
    tcflush(fd, TCIFLUSH);

    struct serial_struct ss;
    if (ioctl(fd, TIOCGSERIAL, &ss) == 0) {
        ss.flags |= ASYNC_LOW_LATENCY;
        *low_latency = ioctl(fd, TIOCSSERIAL, &ss) == 0;
    }
    return fd;
}

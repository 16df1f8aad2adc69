/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Serial line settings with termios: see serialline.h. */
#include "serialline.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <glib.h>

bool mcp_serial_speed(unsigned baud, speed_t *out)
{
    static const struct {
        unsigned baud;
        speed_t constant;
    } table[] = {
        {50, B50},           {75, B75},           {110, B110},         {134, B134},
        {150, B150},         {200, B200},         {300, B300},         {600, B600},
        {1200, B1200},       {1800, B1800},       {2400, B2400},       {4800, B4800},
        {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
        {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
        {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000},
        {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000},
        {3500000, B3500000}, {4000000, B4000000},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(table); i++) {
        if (table[i].baud == baud) {
            *out = table[i].constant;
            return true;
        }
    }
    return false;
}

/* A Unix98 pseudo-terminal slave (/dev/pts/N: majors 136..143,
 * Documentation/admin-guide/devices.txt). */
static bool is_pty(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 &&
           major(st.st_rdev) <= 143;
}

enum mcp_serial_status mcp_serial_apply(int fd, const struct mcp_serial_settings *s, char *err,
                                        size_t err_len)
{
    speed_t speed = 0;
    if (s->baud != 0 && !mcp_serial_speed(s->baud, &speed)) {
        snprintf(err, err_len, "baud=%u is not a rate serial lines support", s->baud);
        return MCP_SERIAL_REFUSED;
    }
    struct termios tio;
    if (tcgetattr(fd, &tio) != 0) {
        snprintf(err, err_len, "not a serial line (tcgetattr: %s)", strerror(errno));
        return MCP_SERIAL_NOT_TTY;
    }
    cfmakeraw(&tio);
    tio.c_iflag &= ~(tcflag_t)(INPCK | IXON | IXOFF | IXANY);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    static const tcflag_t sizes[] = {CS5, CS6, CS7, CS8};
    tio.c_cflag |= sizes[(s->data_bits != 0 ? s->data_bits : 8) - 5];
    if (s->parity == 'e')
        tio.c_cflag |= PARENB;
    else if (s->parity == 'o')
        tio.c_cflag |= PARENB | PARODD;
    if (s->stop_bits == 2)
        tio.c_cflag |= CSTOPB;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (speed != 0 && (cfsetispeed(&tio, speed) != 0 || cfsetospeed(&tio, speed) != 0)) {
        snprintf(err, err_len, "baud=%u refused (%s)", s->baud, strerror(errno));
        return MCP_SERIAL_REFUSED;
    }
    if (tcsetattr(fd, TCSANOW, &tio) != 0) {
        snprintf(err, err_len, "the line refuses the settings (tcsetattr: %s)", strerror(errno));
        return MCP_SERIAL_REFUSED;
    }
    struct termios got;
    if (tcgetattr(fd, &got) != 0) {
        snprintf(err, err_len, "cannot read the settings back (tcgetattr: %s)", strerror(errno));
        return MCP_SERIAL_NOT_TTY;
    }
    if (speed != 0 && (cfgetispeed(&got) != speed || cfgetospeed(&got) != speed)) {
        snprintf(err, err_len, "the line refuses baud=%u (it kept another rate)", s->baud);
        return MCP_SERIAL_REFUSED;
    }
    /* Linux pseudo-terminals keep CS8 and no parity whatever is asked (pty_set_termios) */
    const char *hint = is_pty(fd) ? "; a pseudo-terminal always has 8 data bits and no parity: "
                                    "leave data-bits and parity out"
                                  : "";
    if ((got.c_cflag & CSIZE) != (tio.c_cflag & CSIZE)) {
        snprintf(err, err_len, "the line refuses data-bits=%u (it kept another size%s)",
                 s->data_bits != 0 ? s->data_bits : 8, hint);
        return MCP_SERIAL_REFUSED;
    }
    if ((got.c_cflag & PARENB) != (tio.c_cflag & PARENB) ||
        ((tio.c_cflag & PARENB) && (got.c_cflag & PARODD) != (tio.c_cflag & PARODD))) {
        snprintf(err, err_len, "the line refuses parity=%s (it kept another%s)",
                 s->parity == 'e'   ? "even"
                 : s->parity == 'o' ? "odd"
                                    : "none",
                 hint);
        return MCP_SERIAL_REFUSED;
    }
    if ((got.c_cflag & CSTOPB) != (tio.c_cflag & CSTOPB)) {
        snprintf(err, err_len, "the line refuses stop-bits=%u (it kept the other)",
                 s->stop_bits == 2 ? 2 : 1);
        return MCP_SERIAL_REFUSED;
    }
    return MCP_SERIAL_OK;
}

bool mcp_silence_check(int ms, char *err, size_t err_len)
{
    if (ms >= 0 && ms <= MCP_SILENCE_MAX_MS)
        return true;
    snprintf(err, err_len, "--silence must be 0 (never) to %d ms, not %d", MCP_SILENCE_MAX_MS, ms);
    return false;
}

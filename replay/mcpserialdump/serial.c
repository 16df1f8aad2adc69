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
#include <unistd.h>

bool sd_baud_constant(unsigned baud, unsigned *out)
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

int sd_serial_open(const char *path, const struct sd_line_settings *line, bool *low_latency,
                   char *err, size_t err_len, enum sd_exit *code)
{
    *low_latency = false;
    unsigned speed;
    if (!sd_baud_constant(line->baud, &speed)) {
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
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
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

    struct termios tio;
    if (tcgetattr(fd, &tio) != 0)
        return fail(fd, err, err_len, code, SD_EXIT_PORT_OPEN,
                    "%s: cannot read the port's settings (%s)", path, g_strerror(errno));
    cfmakeraw(&tio);
    tio.c_iflag &= ~(tcflag_t)(INPCK | IXON | IXOFF | IXANY);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    static const tcflag_t sizes[] = {CS5, CS6, CS7, CS8};
    tio.c_cflag |= sizes[line->data_bits - 5];
    if (line->parity != SD_PARITY_NONE)
        tio.c_cflag |= PARENB | (line->parity == SD_PARITY_ODD ? PARODD : 0);
    if (line->stop_bits == 2)
        tio.c_cflag |= CSTOPB;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (cfsetispeed(&tio, speed) != 0 || cfsetospeed(&tio, speed) != 0 ||
        tcsetattr(fd, TCSANOW, &tio) != 0)
        return fail(fd, err, err_len, code, SD_EXIT_LINE_SETTINGS,
                    "%s: the port refuses the line settings (%s)", path, g_strerror(errno));
    /* tcsetattr succeeds when any one change took: read back what the port kept. */
    struct termios got;
    if (tcgetattr(fd, &got) != 0)
        return fail(fd, err, err_len, code, SD_EXIT_PORT_OPEN,
                    "%s: cannot read the port's settings (%s)", path, g_strerror(errno));
    if (cfgetispeed(&got) != speed)
        return fail(fd, err, err_len, code, SD_EXIT_LINE_SETTINGS, "%s: the port refuses baud %s",
                    path, "(it kept another rate)");
    if ((got.c_cflag & (CSIZE | PARENB | PARODD | CSTOPB)) !=
        (tio.c_cflag & (CSIZE | PARENB | PARODD | CSTOPB)))
        return fail(fd, err, err_len, code, SD_EXIT_LINE_SETTINGS,
                    "%s: the port refuses the data bits, parity or stop bits %s", path,
                    "(it kept others)");
    /* Drop what arrived before the settings took (bytes at another rate or framing). */
    tcflush(fd, TCIFLUSH);

    struct serial_struct ss;
    if (ioctl(fd, TIOCGSERIAL, &ss) == 0) {
        ss.flags |= ASYNC_LOW_LATENCY;
        *low_latency = ioctl(fd, TIOCSSERIAL, &ss) == 0;
    }
    return fd;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Child-process and socket helpers for the mcpsim end-to-end tests. */
#include "simclient.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "endpoint.h"
#include "mcp/frame.h"

#ifndef MCPSIM_PATH
#error "MCPSIM_PATH must name the mcpsim binary"
#endif

/* Reads one line from fd with a deadline; false on EOF or timeout. */
static bool read_line(int fd, char *line, size_t cap, int timeout_ms)
{
    size_t n = 0;
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (n + 1 < cap) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0)
            return false;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, (int)left) <= 0)
            continue;
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r <= 0)
            return false;
        if (ch == '\n')
            break;
        line[n++] = ch;
    }
    line[n] = '\0';
    return true;
}

static gchar **make_argv(const char *const *args)
{
    GPtrArray *a = g_ptr_array_new();
    g_ptr_array_add(a, g_strdup(MCPSIM_PATH));
    for (const char *const *p = args; p && *p; p++)
        g_ptr_array_add(a, g_strdup(*p));
    g_ptr_array_add(a, NULL);
    return (gchar **)g_ptr_array_free(a, FALSE);
}

/* In the child before exec: mcpsim ends with the test. A failed assertion aborts
 * the test without stopping its mcpsim, which would otherwise run on (a pty and
 * sockets held, for ever under ctest). */
static void die_with_parent(gpointer unused)
{
    (void)unused;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void simproc_start(struct sim_proc *p, const char *const *args)
{
    memset(p, 0, sizeof *p);
    gchar **argv = make_argv(args);
    GError *err = NULL;
    size_t expected = 0;
    for (const char *const *a = args; a && *a; a++)
        if (strcmp(*a, "--listen") == 0 || strcmp(*a, "--pty") == 0 || strcmp(*a, "--serial") == 0)
            expected++;
    gboolean ok =
        g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL,
                                 &p->pid, NULL, &p->out_fd, NULL, &err);
    g_strfreev(argv);
    g_assert_no_error(err);
    g_assert_true(ok);
    for (size_t i = 0; i < expected; i++) {
        char line[256];
        g_assert_true(read_line(p->out_fd, line, sizeof line, 5000));
        if (g_str_has_prefix(line, "listening udp://"))
            g_strlcpy(p->udp, line + 10, sizeof p->udp);
        else if (g_str_has_prefix(line, "listening tcp://"))
            g_strlcpy(p->tcp, line + 10, sizeof p->tcp);
        else if (g_str_has_prefix(line, "listening serial:"))
            g_strlcpy(p->serial, line + 17, sizeof p->serial);
        else
            g_error("unexpected line from mcpsim: %s", line);
    }
}

bool simproc_wait_line(struct sim_proc *p, const char *needle, int timeout_ms, GString *seen)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    char line[1024];
    for (;;) {
        int left = (int)((deadline - g_get_monotonic_time()) / 1000);
        if (left <= 0 || !read_line(p->out_fd, line, sizeof line, left))
            return false;
        if (seen)
            g_string_append_printf(seen, "%s\n", line);
        if (strstr(line, needle))
            return true;
    }
}

static int wait_exit(GPid pid, int timeout_ms)
{
    int status = 0;
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        g_usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    g_error("mcpsim did not exit within %d ms", timeout_ms);
    return -1;
}

int simproc_stop(struct sim_proc *p, int sig, GString *rest)
{
    kill(p->pid, sig);
    int rc = wait_exit(p->pid, 10000);
    char buf[4096];
    ssize_t n;
    while ((n = read(p->out_fd, buf, sizeof buf)) > 0)
        if (rest)
            g_string_append_len(rest, buf, n);
    close(p->out_fd);
    g_spawn_close_pid(p->pid);
    return rc;
}

int simproc_run(const char *const *args, GString *err_out)
{
    gchar **argv = make_argv(args);
    GError *err = NULL;
    GPid pid;
    int err_fd;
    gboolean ok = g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           die_with_parent, NULL, &pid, NULL, NULL, &err_fd, &err);
    g_strfreev(argv);
    g_assert_no_error(err);
    g_assert_true(ok);
    int rc = wait_exit(pid, 10000);
    char buf[4096];
    ssize_t n;
    while ((n = read(err_fd, buf, sizeof buf)) > 0)
        g_string_append_len(err_out, buf, n);
    close(err_fd);
    g_spawn_close_pid(pid);
    return rc;
}

const char *tkind_name(enum tkind kind)
{
    return kind == T_UDP ? "udp" : kind == T_TCP ? "tcp" : "pty";
}

static int connect_url(const char *url, int type)
{
    struct mcp_endpoint ep;
    char err[256];
    if (!mcp_endpoint_parse(url, &ep, err, sizeof err))
        g_error("%s", err);
    int fd = socket(ep.addr.ss_family, type | SOCK_CLOEXEC, 0);
    g_assert_cmpint(fd, >=, 0);
    if (connect(fd, (struct sockaddr *)&ep.addr, ep.addr_len) != 0)
        g_error("connect %s: %s", url, strerror(errno));
    return fd;
}

void tconn_open(struct tconn *c, enum tkind kind, const struct sim_proc *p)
{
    c->kind = kind;
    c->len = 0;
    if (kind == T_UDP) {
        c->fd = connect_url(p->udp, SOCK_DGRAM);
    } else if (kind == T_TCP) {
        c->fd = connect_url(p->tcp, SOCK_STREAM);
    } else {
        c->fd = open(p->serial, O_RDWR | O_NOCTTY | O_CLOEXEC);
        g_assert_cmpint(c->fd, >=, 0);
        struct termios tio;
        g_assert_cmpint(tcgetattr(c->fd, &tio), ==, 0);
        cfmakeraw(&tio);
        g_assert_cmpint(tcsetattr(c->fd, TCSANOW, &tio), ==, 0);
    }
}

void tconn_close(struct tconn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void tconn_send(struct tconn *c, const uint8_t *bytes, size_t len)
{
    ssize_t n = write(c->fd, bytes, len);
    g_assert_cmpint(n, ==, (ssize_t)len);
}

size_t hex_to_bytes(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = hex; p && *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        g_assert_true(g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]));
        g_assert_cmpuint(n, <, cap);
        out[n++] = (uint8_t)(g_ascii_xdigit_value(p[0]) * 16 + g_ascii_xdigit_value(p[1]));
        p += 2;
    }
    return n;
}

char *bytes_to_hex(const uint8_t *b, size_t n)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%s%02x", i ? " " : "", b[i]);
    return g_string_free(s, FALSE);
}

size_t build_frame(uint8_t seq, uint8_t cmd, const char *payload_hex, uint8_t *out, size_t cap)
{
    uint8_t payload[4200];
    size_t plen = hex_to_bytes(payload_hex, payload, sizeof payload);
    struct mcp_codec codec = mcp_codec_default();
    size_t n = mcp_frame_encode(&codec, seq, cmd, payload, plen, out, cap);
    g_assert_cmpuint(n, >, 0);
    return n;
}

void tconn_send_frame(struct tconn *c, uint8_t seq, uint8_t cmd, const char *payload_hex)
{
    uint8_t frame[4200];
    size_t n = build_frame(seq, cmd, payload_hex, frame, sizeof frame);
    tconn_send(c, frame, n);
}

/* One read (a datagram for UDP) appended to the buffer; false on timeout. */
static bool fill(struct tconn *c, int timeout_ms)
{
    struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) <= 0)
        return false;
    ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
    if (n <= 0)
        return false;
    c->len += (size_t)n;
    return true;
}

bool tconn_recv_frame(struct tconn *c, uint8_t *out, size_t *len, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    for (;;) {
        if (c->len >= 4) {
            g_assert_cmpuint(c->buf[0], ==, MCP_MAGIC); /* the simulator sends frames only */
            size_t flen = MCP_OVERHEAD + ((size_t)c->buf[2] << 8 | c->buf[3]);
            if (c->len >= flen) {
                memcpy(out, c->buf, flen);
                *len = flen;
                memmove(c->buf, c->buf + flen, c->len - flen);
                c->len -= flen;
                return true;
            }
        }
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0 || !fill(c, (int)left))
            return false;
    }
}

bool tconn_recv_datagram(struct tconn *c, uint8_t *out, size_t *len, int timeout_ms)
{
    g_assert_cmpuint(c->len, ==, 0);
    if (!fill(c, timeout_ms))
        return false;
    memcpy(out, c->buf, c->len);
    *len = c->len;
    c->len = 0;
    return true;
}

void expect_frame(struct tconn *c, uint8_t seq, uint8_t cmd, const char *payload_hex)
{
    uint8_t want[4200], got[4200];
    size_t wlen = build_frame(seq, cmd, payload_hex, want, sizeof want);
    size_t glen = 0;
    if (!tconn_recv_frame(c, got, &glen, 3000))
        g_error("%s: no frame within 3 s; expected %s", tkind_name(c->kind),
                bytes_to_hex(want, wlen));
    if (glen != wlen || memcmp(got, want, wlen) != 0)
        g_error("%s: got %s, expected %s", tkind_name(c->kind), bytes_to_hex(got, glen),
                bytes_to_hex(want, wlen));
}

void expect_silence(struct tconn *c, int ms)
{
    uint8_t got[4200];
    size_t glen = 0;
    if (tconn_recv_frame(c, got, &glen, ms))
        g_error("%s: expected silence, got %s", tkind_name(c->kind), bytes_to_hex(got, glen));
}

char *write_temp_file(const char *name, const char *contents)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("mcpsim-test-XXXXXX", &err);
    g_assert_no_error(err);
    char *path = g_build_filename(dir, name, NULL);
    g_free(dir);
    g_file_set_contents(path, contents, -1, &err);
    g_assert_no_error(err);
    return path;
}

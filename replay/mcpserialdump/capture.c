/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capture loop (ppoll over the ports; every record written and flushed at once). */
#include "capture.h"

#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exppdu.h"
#include "pcapng.h"

#define SD_SNAPLEN  262144
#define SD_READ_MAX 65536

static volatile sig_atomic_t stop_signal;
static sigset_t run_mask; /* the mask ppoll waits with: the stop signals unblocked */

static void on_stop(int sig)
{
    stop_signal = sig;
}

void sd_capture_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: a blocking open of the fifo returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int sd_capture_stop_signal(void)
{
    return stop_signal;
}

/* Blocked except inside ppoll, so a signal cannot slip in between the check and the wait. */
static void block_stop_signals(void)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &run_mask);
    sigdelset(&run_mask, SIGINT);
    sigdelset(&run_mask, SIGTERM);
}

static uint64_t now_real_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double now_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_reason(struct sd_capture_result *res, enum sd_exit code, const char *fmt,
                       const char *a, const char *b)
{
    res->code = code;
    char *text = g_strdup_printf(fmt, a, b);
    g_strlcpy(res->reason, text, sizeof res->reason);
    g_free(text);
}

/* A write error: the reader went away (EPIPE) or the output failed. */
static void output_failed(struct sd_capture_result *res, int err)
{
    if (err == EPIPE)
        set_reason(res, SD_EXIT_OK, "the reader closed the output%s%s", "", "");
    else
        set_reason(res, SD_EXIT_OUTPUT, "cannot write the capture: %s%s", g_strerror(err), "");
}

bool sd_capture_write_header(struct sd_capture *cap)
{
    bool ok = pcapng_write_shb(cap->out);
    for (unsigned i = 0; i < cap->n_lines && ok; i++)
        ok = pcapng_write_idb(cap->out, LINKTYPE_WIRESHARK_UPPER_PDU, SD_SNAPLEN, true,
                              cap->line_names[i]);
    return ok && fflush(cap->out) == 0;
}

/* One record: the tags, then the bytes exactly as read. */
static bool write_record(FILE *out, const struct sd_capture_port *p, uint64_t ts,
                         const uint8_t *bytes, size_t len, uint8_t *buf)
{
    size_t hdr = exppdu_serial_header(buf, p->direction);
    memmove(buf + hdr, bytes, len);
    return pcapng_write_epb(out, p->iface, ts, buf, (uint32_t)(hdr + len)) && fflush(out) == 0;
}

/* Writes what waits for port p (a relay's forwarded bytes); false with errno on a write error
 * other than a full buffer. */
static bool drain(struct sd_capture_port *p)
{
    while (p->pending != NULL && p->pending->len > 0) {
        ssize_t w = write(p->fd, p->pending->data, p->pending->len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN;
        }
        g_byte_array_remove_range(p->pending, 0, (guint)w);
        p->written += (uint64_t)w;
    }
    return true;
}

/* Relay: the bytes read from one side go to the other at once, before they are recorded;
 * what the other side does not take now waits in its pending buffer, in order. */
static bool forward(struct sd_capture_port *to, const uint8_t *data, size_t len)
{
    size_t done = 0;
    if (to->pending->len == 0) {
        while (done < len) {
            ssize_t w = write(to->fd, data + done, len - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0 && errno == EAGAIN)
                break;
            if (w < 0)
                return false;
            done += (size_t)w;
        }
        to->written += done;
    }
    if (done < len)
        g_byte_array_append(to->pending, data + done, (guint)(len - done));
    return true;
}

void sd_capture_run(struct sd_capture *cap, struct sd_capture_result *res)
{
    memset(res, 0, sizeof *res);
    block_stop_signals();
    struct pollfd pfd[SD_MAX_PORTS];
    uint8_t *data = g_malloc(SD_READ_MAX);
    uint8_t *rec = g_malloc(SD_READ_MAX + EXPPDU_SERIAL_HEADER_MAX);
    double deadline = cap->duration_s > 0 ? now_mono_s() + cap->duration_s : 0;
    bool running = true;

    while (running) {
        if (stop_signal != 0) {
            set_reason(res, SD_EXIT_OK, "stopped by %s%s",
                       stop_signal == SIGINT ? "SIGINT" : "SIGTERM", "");
            break;
        }
        struct timespec timeout = {1, 0};
        if (deadline > 0) {
            double left = deadline - now_mono_s();
            if (left <= 0) {
                char text[64];
                g_snprintf(text, sizeof text, "%g", cap->duration_s);
                set_reason(res, SD_EXIT_OK, "duration of %s s reached%s", text, "");
                break;
            }
            if (left < 1) {
                timeout.tv_sec = 0;
                timeout.tv_nsec = (long)(left * 1e9) + 1;
            }
        }
        for (unsigned i = 0; i < cap->n_ports; i++) {
            const struct sd_capture_port *p = &cap->ports[i];
            bool room = p->peer < 0 || cap->ports[p->peer].pending->len < SD_PENDING_MAX;
            pfd[i].fd = p->fd;
            pfd[i].events = (short)((room ? POLLIN : 0) |
                                    (p->pending != NULL && p->pending->len > 0 ? POLLOUT : 0));
            pfd[i].revents = 0;
        }
        int n = ppoll(pfd, cap->n_ports, &timeout, &run_mask);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            set_reason(res, SD_EXIT_OUTPUT, "poll failed: %s%s", g_strerror(errno), "");
            break;
        }
        bool halt = false; /* output failed or -c reached: not one more record */
        for (unsigned i = 0; i < cap->n_ports && !halt; i++) {
            struct sd_capture_port *p = &cap->ports[i];
            if ((pfd[i].revents & POLLOUT) && !drain(p)) {
                if (running)
                    set_reason(res, SD_EXIT_PORT_LOST,
                               "port %s disappeared (cannot write: %s); the capture is complete "
                               "up to its last byte",
                               p->path, g_strerror(errno));
                running = false;
            }
            if (pfd[i].revents == 0 || pfd[i].revents == POLLOUT || !(pfd[i].events & POLLIN))
                continue;
            /* Read even on POLLHUP/POLLERR: bytes still queued come first. */
            ssize_t got = read(p->fd, data, SD_READ_MAX);
            uint64_t ts = now_real_ns();
            if (got > 0) {
                if (p->peer >= 0 && !forward(&cap->ports[p->peer], data, (size_t)got)) {
                    if (running)
                        set_reason(res, SD_EXIT_PORT_LOST,
                                   "port %s disappeared (cannot write: %s); the capture is "
                                   "complete up to its last byte",
                                   cap->ports[p->peer].path, g_strerror(errno));
                    running = false;
                    /* the bytes read are still recorded below: they were sent */
                }
                if (!write_record(cap->out, p, ts, data, (size_t)got, rec)) {
                    output_failed(res, errno);
                    running = false;
                    halt = true;
                    break;
                }
                p->records++;
                p->bytes += (uint64_t)got;
                res->records++;
                res->bytes += (uint64_t)got;
                if (p->direction >= 0)
                    sd_dircheck_feed(&p->check, data, (size_t)got);
                if (cap->debug)
                    fprintf(cap->log, "mcpserialdump: %s: %zd bytes\n", p->path, got);
                if (cap->count > 0 && res->records >= cap->count) {
                    char text[32];
                    g_snprintf(text, sizeof text, "%" G_GUINT64_FORMAT, cap->count);
                    set_reason(res, SD_EXIT_OK, "%s records captured (-c)%s", text, "");
                    running = false;
                    halt = true;
                }
                continue;
            }
            if (got < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            /* read() == 0 on a tty in raw mode with VMIN=1 means a hangup; EIO, ENODEV,
             * ENXIO: the pty's other side closed or the adapter was unplugged. */
            /* The other ports' pending bytes are still read in this round. */
            const char *why = got == 0 ? "hangup" : g_strerror(errno);
            if (running)
                set_reason(res, SD_EXIT_PORT_LOST,
                           "port %s disappeared (%s); the capture is complete up to its last byte",
                           p->path, why);
            running = false;
        }
    }
    /* A relay stopping: what the sides have not taken yet gets one more chance, then is
     * counted (it is in the capture: it was sent, not delivered). */
    for (unsigned i = 0; i < cap->n_ports; i++) {
        struct sd_capture_port *p = &cap->ports[i];
        if (p->pending == NULL)
            continue;
        for (int tries = 0; tries < 50 && p->pending->len > 0; tries++) {
            if (!drain(p))
                break;
            if (p->pending->len > 0) {
                struct pollfd w = {.fd = p->fd, .events = POLLOUT, .revents = 0};
                poll(&w, 1, 20);
            }
        }
        res->undelivered += p->pending->len;
    }
    g_free(data);
    g_free(rec);
}

unsigned sd_capture_warn_swapped(const struct sd_capture *cap, FILE *to)
{
    unsigned warned = 0;
    for (unsigned i = 0; i < cap->n_ports; i++) {
        const struct sd_capture_port *a = &cap->ports[i];
        if (a->direction != 0)
            continue;
        for (unsigned k = 0; k < cap->n_ports; k++) {
            const struct sd_capture_port *b = &cap->ports[k];
            if (b->direction != 1 || b->iface != a->iface)
                continue;
            char text[768];
            if (sd_dircheck_swapped(&a->check, a->path, &b->check, b->path, text, sizeof text)) {
                fprintf(to, "mcpserialdump: warning: %s\n", text);
                warned++;
            }
        }
    }
    /* A line with one directed port only (no second port given) */
    for (unsigned i = 0; i < cap->n_ports; i++) {
        const struct sd_capture_port *a = &cap->ports[i];
        bool paired = false;
        for (unsigned k = 0; k < cap->n_ports; k++)
            paired |= k != i && cap->ports[k].iface == a->iface && cap->ports[k].direction >= 0;
        if (a->direction != 0 || paired)
            continue;
        struct sd_dircheck none = {NULL, 0, 0};
        char text[768];
        if (sd_dircheck_swapped(&a->check, a->path, &none, "(no second port)", text, sizeof text)) {
            fprintf(to, "mcpserialdump: warning: %s\n", text);
            warned++;
        }
    }
    fflush(to);
    return warned;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epoll loop with nanosecond timeouts: delayed answers, EVENTs, stats, idle sweeps. */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "delay.h"
#include "endpoint.h"
#include "link.h"
#include "tcp.h"
#include "udp.h"
#include "watch.h"

#define SWEEP_INTERVAL_NS 1000000000ull

bool sim_watch_add(struct sim_core *core, int fd, uint32_t events, struct sim_watch *w)
{
    struct epoll_event ev = {.events = events, .data.ptr = w};
    return epoll_ctl(core->epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool sim_watch_mod(struct sim_core *core, int fd, uint32_t events, struct sim_watch *w)
{
    struct epoll_event ev = {.events = events, .data.ptr = w};
    return epoll_ctl(core->epfd, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void sim_watch_del(struct sim_core *core, int fd)
{
    epoll_ctl(core->epfd, EPOLL_CTL_DEL, fd, NULL);
}

bool sim_listener_add(struct sim_core *core, struct sim_listener *l)
{
    if (!sim_watch_add(core, l->fd, EPOLLIN, &l->watch))
        return false;
    g_ptr_array_add(core->listeners, l);
    return true;
}

bool sim_listener_open(struct sim_core *core, int fd, const char *scheme,
                       void (*on_event)(struct sim_core *, struct sim_watch *, uint32_t),
                       struct sim_devset *set, char *url, size_t url_len, char *err, size_t err_len)
{
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    char where[96];
    getsockname(fd, (struct sockaddr *)&bound, &blen);
    mcp_sockaddr_format((const struct sockaddr *)&bound, where, sizeof where);
    snprintf(url, url_len, "%s://%s", scheme, where);

    struct sim_listener *l = g_new0(struct sim_listener, 1);
    l->watch.on_event = on_event;
    l->fd = fd;
    l->set = set;
    if (!sim_listener_add(core, l)) {
        snprintf(err, err_len, "epoll: %s", strerror(errno));
        close(fd);
        g_free(l);
        return false;
    }
    return true;
}

void sim_peer_send(struct sim_core *core, const struct sim_peer *peer, const uint8_t *bytes,
                   size_t len)
{
    switch (peer->kind) {
    case SIM_PEER_UDP:
        if (sendto(peer->fd, bytes, len, MSG_DONTWAIT, (const struct sockaddr *)&peer->addr,
                   peer->addr_len) < 0) {
            core->stats.send_errors++;
        } else {
            core->stats.datagrams_out++;
            core->stats.bytes_out += len;
        }
        return;
    case SIM_PEER_TCP: {
        struct sim_link *link = sim_tcp_find(core, peer->conn_id);
        if (link == NULL)
            core->stats.send_errors++; /* the connection has gone */
        else
            sim_link_send(core, link, bytes, len);
        return;
    }
    case SIM_PEER_SERIAL:
        if (core->serial == NULL)
            core->stats.send_errors++;
        else
            sim_link_send(core, core->serial, bytes, len);
        return;
    }
}

/* An out that sends at once: for frames sent outside a handler. */
struct direct_out {
    struct sim_out out; /* first: the struct sim_out * is the struct direct_out * */
    struct sim_core *core;
};

static void direct_emit(struct sim_out *out, struct sim_client *client, const uint8_t *frame,
                        size_t len)
{
    struct direct_out *o = (struct direct_out *)out;
    sim_peer_send(o->core, &client->peer, frame, len);
}

static void send_event(struct sim_core *core, struct sim_client *c)
{
    /* A random device of the client's set (of the ids given) reports a random standard code. */
    uint8_t ids[255];
    size_t n = 0;
    for (unsigned id = 0; id < 255; id++)
        if (c->set->ids[id])
            ids[n++] = (uint8_t)id;
    uint8_t device = n ? ids[g_rand_int_range(core->rand, 0, (gint32)n)] : 0;
    uint8_t code = (uint8_t)g_rand_int_range(core->rand, MCP_EVENT_ALARM, MCP_EVENT_RESTART + 1);
    uint32_t ts = (uint32_t)((sim_now_ns() - core->start_ns) / 1000000u);
    uint8_t payload[6];
    size_t len = mcp_build_event(device, code, ts, NULL, 0, payload, sizeof payload);
    struct direct_out o = {.out = {.emit = direct_emit}, .core = core};
    core->stats.events_sent++;
    sim_send(core, c, &o.out, MCP_CMD_EVENT, payload, len, false);
}

static void send_events(struct sim_core *core)
{
    sim_udp_foreach(core, send_event);
    sim_tcp_foreach(core, send_event);
    if (core->serial != NULL && core->serial->client.seen)
        send_event(core, &core->serial->client);
}

static double uptime_s(const struct sim_core *core)
{
    return (double)(sim_now_ns() - core->start_ns) / 1e9;
}

/* False when --json could not be written (said on stderr). */
static bool report(struct sim_core *core)
{
    sim_stats_print(&core->stats, uptime_s(core), sim_text_out(core->cfg));
    if (core->cfg->stats_json != NULL) {
        char err[512];
        if (!sim_stats_write_json(&core->stats, uptime_s(core), core->cfg->stats_json, err,
                                  sizeof err)) {
            fprintf(stderr, "mcpsim: %s\n", err);
            return false;
        }
    }
    return true;
}

static int signal_fd(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

bool sim_signals_block(void)
{
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return sigprocmask(SIG_BLOCK, &set, NULL) == 0;
}

static void on_signal(struct sim_core *core, struct sim_watch *w, uint32_t events)
{
    (void)events;
    struct sim_listener *l = (struct sim_listener *)w;
    struct signalfd_siginfo si;
    while (read(l->fd, &si, sizeof si) == (ssize_t)sizeof si)
        core->stop = true;
}

static uint64_t interval_ns(double seconds)
{
    return seconds > 0 ? (uint64_t)(seconds * 1e9) : 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/*
 * epoll_pwait2 (nanosecond timeouts); where the kernel lacks it (before Linux
 * 5.11, or under valgrind 3.19), epoll_wait with the timeout rounded up to a
 * millisecond.
 */
static int wait_events(struct sim_core *core, struct epoll_event *events, int max, uint64_t wait_ns)
{
    static bool no_pwait2;
    if (!no_pwait2) {
        struct timespec ts = {.tv_sec = (time_t)(wait_ns / 1000000000u),
                              .tv_nsec = (long)(wait_ns % 1000000000u)};
        int n = epoll_pwait2(core->epfd, events, max, &ts, NULL);
        if (n >= 0 || errno != ENOSYS)
            return n;
        no_pwait2 = true;
    }
    uint64_t ms = (wait_ns + 999999u) / 1000000u;
    return epoll_wait(core->epfd, events, max, ms > INT32_MAX ? INT32_MAX : (int)ms);
}

int sim_run(struct sim_core *core)
{
    const struct sim_config *cfg = core->cfg;
    struct sim_listener *sig = g_new0(struct sim_listener, 1);
    sig->watch.on_event = on_signal;
    sig->fd = signal_fd();
    if (sig->fd < 0 || !sim_listener_add(core, sig)) {
        fprintf(stderr, "mcpsim: signalfd: %s\n", strerror(errno));
        if (sig->fd >= 0)
            close(sig->fd);
        g_free(sig);
        return SIM_EXIT_RUNTIME;
    }

    uint64_t stats_every = interval_ns(cfg->stats_interval);
    uint64_t event_every = cfg->events_rate > 0 ? (uint64_t)(1e9 / cfg->events_rate) : 0;
    if (cfg->events_rate > 0 && event_every == 0)
        event_every = 1;
    uint64_t now = sim_now_ns();
    uint64_t next_stats = stats_every ? now + stats_every : UINT64_MAX;
    uint64_t next_event = event_every ? now + event_every : UINT64_MAX;
    uint64_t next_sweep = now + SWEEP_INTERVAL_NS;

    struct epoll_event events[64];
    while (!core->stop) {
        uint64_t due = min_u64(min_u64(next_stats, next_event), next_sweep);
        due = min_u64(due, sim_delay_next_due(core->delay));
        if (core->serial != NULL)
            due = min_u64(due, sim_link_idle_due(core->serial));
        now = sim_now_ns();
        uint64_t wait = due > now ? due - now : 0;
        int n = wait_events(core, events, 64, wait);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "mcpsim: epoll_wait: %s\n", strerror(errno));
            return SIM_EXIT_RUNTIME;
        }
        for (int i = 0; i < n; i++) {
            struct sim_watch *w = events[i].data.ptr;
            w->on_event(core, w, events[i].events);
        }
        /* A link is freed only inside its own event or by the timer work
         * below, after the batch, so no event of a batch names a freed link. */
        now = sim_now_ns();
        sim_delay_run(core->delay, core, now);
        if (core->serial != NULL)
            sim_link_idle(core, core->serial, now);
        if (now >= next_event) {
            send_events(core);
            next_event += event_every;
            if (next_event < now)
                next_event = now + event_every;
        }
        if (now >= next_sweep) {
            sim_udp_sweep(core, now);
            sim_tcp_sweep(core, now);
            next_sweep = now + SWEEP_INTERVAL_NS;
        }
        if (now >= next_stats) {
            report(core);
            next_stats = now + stats_every;
        }
    }
    /* h19 #4: the last counters lost is a failure (exit 6, an output), not a clean stop */
    if (!report(core) && core->exit_code == SIM_EXIT_OK)
        core->exit_code = SIM_EXIT_OUTPUT;
    return core->exit_code;
}

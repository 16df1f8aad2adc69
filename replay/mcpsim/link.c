/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Byte-stream clients (TCP connections, the serial line). */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

struct link_out {
    struct sim_out out;
    struct sim_core *core;
    struct sim_link *link;
};

static void append(struct sim_core *core, struct sim_link *link, const uint8_t *bytes, size_t len)
{
    if (link->doomed)
        return;
    size_t pending = link->out_len - link->out_off;
    if (pending + len > SIM_LINK_OUT_LIMIT) {
        if (link->serial) {
            /* A line nobody reads: what does not fit is lost, as on a real UART. */
            core->stats.send_errors++;
            return;
        }
        core->stats.tcp_overflows++;
        link->doomed = true;
        return;
    }
    if (link->out_off > 0 && link->out_len + len > link->out_cap) {
        memmove(link->out, link->out + link->out_off, pending);
        link->out_off = 0;
        link->out_len = pending;
    }
    if (link->out_len + len > link->out_cap) {
        size_t cap = link->out_cap ? link->out_cap : 4096;
        while (cap < link->out_len + len)
            cap *= 2;
        link->out = g_realloc(link->out, cap);
        link->out_cap = cap;
    }
    memcpy(link->out + link->out_len, bytes, len);
    link->out_len += len;
}

static void link_emit(struct sim_out *out, struct sim_client *client, const uint8_t *frame,
                      size_t len)
{
    (void)client;
    struct link_out *lo = (struct link_out *)out;
    append(lo->core, lo->link, frame, len);
}

/* Writes what the peer accepts now. */
static void write_pending(struct sim_core *core, struct sim_link *link)
{
    while (link->out_off < link->out_len && !link->doomed) {
        ssize_t n = write(link->fd, link->out + link->out_off, link->out_len - link->out_off);
        if (n > 0) {
            link->out_off += (size_t)n;
            core->stats.bytes_out += (uint64_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (link->serial) {
            /* EIO on a pty whose other end is closed: drop the output. */
            core->stats.send_errors++;
            link->out_off = link->out_len;
            break;
        }
        link->doomed = true; /* EPIPE, ECONNRESET */
    }
    if (link->out_off == link->out_len)
        link->out_off = link->out_len = 0;
}

static void update_events(struct sim_core *core, struct sim_link *link)
{
    size_t pending = link->out_len - link->out_off;
    uint32_t want = 0;
    if (!link->eof && pending < SIM_LINK_OUT_HIGH)
        want |= EPOLLIN;
    if (pending > 0)
        want |= EPOLLOUT;
    if ((link->events & EPOLLIN) && !(want & EPOLLIN) && !link->eof)
        core->stats.read_pauses++;
    if (want != link->events) {
        sim_watch_mod(core, link->fd, want, &link->watch);
        link->events = want;
    }
}

struct feed_ctx {
    struct sim_core *core;
    struct sim_link *link;
    struct link_out *out;
};

static void on_stream_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct feed_ctx *fc = ctx;
    if (ev->kind == MCP_STREAM_FRAME)
        sim_handle_frame(fc->core, &fc->link->client, &ev->frame, ev->crc_ok, &fc->out->out);
    else
        sim_handle_junk(fc->core, &fc->link->client, ev->bytes, ev->len, fc->link->serial,
                        &fc->out->out);
}

static void read_some(struct sim_core *core, struct sim_link *link)
{
    uint8_t buf[SIM_LINK_READ];
    struct link_out lo = {.out = {.emit = link_emit}, .core = core, .link = link};
    struct feed_ctx fc = {.core = core, .link = link, .out = &lo};
    ssize_t n = read(link->fd, buf, sizeof buf);
    if (n > 0) {
        core->stats.bytes_in += (uint64_t)n;
        link->client.seen = true;
        link->client.last_seen_ns = core->now_ns = sim_now_ns();
        if (link->serial) /* §5 line silence is counted from these bytes */
            mcp_stream_feed_at(&link->stream, (int64_t)link->client.last_seen_ns, buf, (size_t)n,
                               on_stream_event, &fc);
        else
            mcp_stream_feed(&link->stream, buf, (size_t)n, on_stream_event, &fc);
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (link->serial) {
        /* The line itself failed (a USB adapter unplugged...): nothing more will
         * come, and epoll would report it for ever. mcpsim keeps a pty's other
         * side open, so a pty never gets here. */
        fprintf(stderr, "mcpsim: %s: %s\n", link->client.name,
                n == 0 ? "hung up" : strerror(errno));
        core->exit_code = SIM_EXIT_LISTEN; /* an endpoint lost: 3, as mcpreplay's target */
        core->stop = true;
        link->eof = true;
        return;
    }
    /* EOF or a reset: a frame cut short is junk. */
    core->now_ns = sim_now_ns();
    mcp_stream_finish(&link->stream, on_stream_event, &fc);
    link->eof = true;
}

uint64_t sim_link_idle_due(const struct sim_link *link)
{
    if (link->serial) {
        int64_t due = mcp_stream_silence_due(&link->stream);
        return due == INT64_MAX ? UINT64_MAX : (uint64_t)due;
    }
    if (mcp_stream_pending(&link->stream) > 0 && !link->stream.in_step)
        return link->client.last_seen_ns + SIM_TCP_IDLE_NS;
    return UINT64_MAX;
}

void sim_link_idle(struct sim_core *core, struct sim_link *link, uint64_t now_ns)
{
    uint64_t due = sim_link_idle_due(link);
    if (due > now_ns)
        return;
    struct link_out lo = {.out = {.emit = link_emit}, .core = core, .link = link};
    struct feed_ctx fc = {.core = core, .link = link, .out = &lo};
    core->now_ns = now_ns;
    /* The partial frame's first byte is junk and the held bytes are decoded
     * again at once (§5 for the serial line; mcpsim's own rule on TCP). */
    link->in_handler = true;
    if (link->serial)
        mcp_stream_silence(&link->stream, (int64_t)now_ns, on_stream_event, &fc);
    else
        mcp_stream_give_up(&link->stream, on_stream_event, &fc);
    link->in_handler = false;
    write_pending(core, link);
    if (link->doomed) {
        sim_link_close(core, link);
        return;
    }
    update_events(core, link);
}

static void on_event(struct sim_core *core, struct sim_watch *w, uint32_t events)
{
    struct sim_link *link = (struct sim_link *)w;
    link->in_handler = true;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        read_some(core, link);
    write_pending(core, link);
    link->in_handler = false;
    bool drained = link->out_off == link->out_len;
    if (link->doomed || (link->eof && drained)) {
        sim_link_close(core, link);
        return;
    }
    update_events(core, link);
}

bool sim_link_start(struct sim_core *core, struct sim_link *link, int fd, bool serial,
                    const char *name)
{
    link->watch.on_event = on_event;
    link->fd = fd;
    link->serial = serial;
    sim_session_init(&link->client.session);
    g_strlcpy(link->client.name, name, sizeof link->client.name);
    struct mcp_stream_config scfg = {
        .codec = core->cfg->codec,
        .mode = serial ? MCP_STREAM_SERIAL : MCP_STREAM_FRAMED,
        .verify_crc = true,
        .silence_ns = serial ? (int64_t)core->cfg->silence_ms * 1000000 : 0,
    };
    mcp_stream_init(&link->stream, &scfg);
    link->events = EPOLLIN;
    return sim_watch_add(core, fd, EPOLLIN, &link->watch);
}

void sim_link_send(struct sim_core *core, struct sim_link *link, const uint8_t *bytes, size_t len)
{
    append(core, link, bytes, len);
    if (link->in_handler)
        return; /* on_event writes and closes when it is done */
    write_pending(core, link);
    if (link->doomed) {
        sim_link_close(core, link);
        return;
    }
    update_events(core, link);
}

void sim_link_close(struct sim_core *core, struct sim_link *link)
{
    sim_watch_del(core, link->fd);
    close(link->fd);
    link->fd = -1;
    if (link->on_close)
        link->on_close(core, link);
}

void sim_link_release(struct sim_link *link)
{
    g_free(link->out);
    link->out = NULL;
    link->out_cap = link->out_len = link->out_off = 0;
}

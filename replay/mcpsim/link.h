/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A byte-stream client: a TCP connection or the serial line. Reads feed the
 * library's stream decoder; answers queue in a bounded output buffer that is
 * written as the peer accepts it. Reading pauses while much output is pending,
 * so a client that sends without reading cannot grow it without bound.
 */
#ifndef MCPSIM_LINK_H
#define MCPSIM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "mcp/stream.h"
#include "watch.h"

#define SIM_LINK_READ     4096       /* bytes per read */
#define SIM_LINK_OUT_HIGH (64 << 10) /* stop reading above this much pending output */
/* A peer this far behind is cut off (serial: output dropped). Reading stops at
 * OUT_HIGH, and one read of 4 KiB can add at most ~150 KiB (a READ answer and
 * 16 gap NAKs per 11-byte request): only a peer that stops reading while
 * EVENTs or delayed answers pile up reaches it. */
#define SIM_LINK_OUT_LIMIT (256 << 10)

struct sim_link {
    struct sim_watch watch;
    int fd;
    bool serial;
    struct sim_client client;
    struct mcp_stream stream;
    uint8_t *out;
    size_t out_off, out_len, out_cap;
    uint32_t events; /* registered with epoll */
    bool in_handler; /* inside on_event: closing waits until it returns */
    bool doomed;     /* close as soon as possible */
    bool eof;        /* the peer closed its side (serial: never) */
    /* Called once the link is finished (TCP: forget and free it). */
    void (*on_close)(struct sim_core *core, struct sim_link *link);
};

/*
 * The idle rule. Serial: §5 line silence (--silence, default 100 ms), applied
 * by the library's decoder (mcp_stream_feed_at / mcp_stream_silence): a noise
 * byte that looks like a frame start with a long length would otherwise hold
 * back every frame behind it until 4 KiB more arrive. TCP (not subject to §5):
 * mcpsim's own rule, the same give-up (mcp_stream_give_up) after this long,
 * only once the stream is out of step (after junk), checked by the 1 s sweep.
 */
#define SIM_TCP_IDLE_NS (1000 * 1000000ull)

/* When the idle rule is due (UINT64_MAX when nothing waits). */
uint64_t sim_link_idle_due(const struct sim_link *link);

/* Applies the idle rule if it is due at now_ns (may close a TCP link whose peer is gone). */
void sim_link_idle(struct sim_core *core, struct sim_link *link, uint64_t now_ns);

/* Sets the link up around an open non-blocking fd and registers it with epoll. */
/* serial: a tty/pty (SERIAL decoder with §5 line silence of silence_ms, 0 never); else TCP. */
bool sim_link_start(struct sim_core *core, struct sim_link *link, int fd, bool serial,
                    const char *name);

/* Queues bytes for the peer and tries to write them. */
void sim_link_send(struct sim_core *core, struct sim_link *link, const uint8_t *bytes, size_t len);

/* Closes the fd and calls on_close. */
void sim_link_close(struct sim_core *core, struct sim_link *link);

/* Releases the buffers of a closed link. */
void sim_link_release(struct sim_link *link);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Targets shared by the tools (mcpreplay, mcppoll). Where frames go: udp://, tcp:// (a real
 * connection, reconnected on reset when allowed),
 * serial:/dev/X?baud=N&parity=P&data-bits=D&stop-bits=S (a tty or a pty; endpoint.h, serialline.h),
 * or iface:NAME (whole captured packets injected at layer 2 with pcap_inject). Answers coming back
 * are decoded into frames (UDP: per datagram; TCP: FRAMED stream decoder; serial: SERIAL stream
 * decoder).
 */
#ifndef MCP_TARGET_H
#define MCP_TARGET_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "exitcode.h"
#include "mcp/frame.h"

/*
 * Errors come in the MCP_TARGET_ERROR domain; GError->code is the exit code
 * the tools turn them into (exitcode.h): 2 a bad URL or setting, 3 the target
 * cannot be reached, refused, or was lost, 6 the -w capture cannot be written.
 */
#define MCP_TARGET_USAGE       MCP_EXIT_USAGE
#define MCP_TARGET_UNREACHABLE MCP_EXIT_UNREACHABLE
#define MCP_TARGET_OUTPUT      MCP_EXIT_OUTPUT
#define MCP_TARGET_ERROR       mcp_target_error_quark()
GQuark mcp_target_error_quark(void);

struct mcp_target_config {
    const char *url;
    struct mcp_codec codec;
    unsigned reconnect; /* TCP: reconnections allowed after a reset */
    int stall_ms;       /* a send that cannot proceed this long means the target is lost */
    int silence_ms;     /* serial: §5 line silence (--silence) ending a partial frame; 0 never */
};

/* A frame that came back from the target; valid during the callback only. */
typedef void (*mcp_rx_cb)(void *ctx, const uint8_t *bytes, size_t len, bool crc_ok);

struct mcp_target;

struct mcp_target *mcp_target_open(const struct mcp_target_config *cfg, GError **error);
void mcp_target_close(struct mcp_target *t);

enum mcp_endpoint_kind mcp_target_kind(const struct mcp_target *t);
const char *mcp_target_url(const struct mcp_target *t);

/* Sends one frame (or, for iface, one packet). False with *error (code 3) when the target is lost.
 */
bool mcp_target_send(struct mcp_target *t, const uint8_t *bytes, size_t len, GError **error);

/* UDP: up to n frames in one sendmmsg; others: one by one. Returns how many went out; fewer than n
 * only with *error set. */
size_t mcp_target_send_batch(struct mcp_target *t, const uint8_t *const *bytes, const size_t *lens,
                             size_t n, GError **error);

/* The descriptor to poll for answers, or -1. */
int mcp_target_fd(const struct mcp_target *t);

/*
 * Reads every answer available now; false with *error (code 3) when the target is lost.
 * Serial: the bytes are fed with the time they are read (CLOCK_MONOTONIC), and a partial frame
 * held through silence_ms of line silence is given up first (§5), so a frame behind a false
 * start is delivered here once mcp_target_silence_due has passed, even if no byte came.
 */
bool mcp_target_receive(struct mcp_target *t, mcp_rx_cb cb, void *ctx, GError **error);

/* Serial: when (CLOCK_MONOTONIC ns) mcp_target_receive gives a held partial frame up if no byte
 * comes first; a waiting loop calls mcp_target_receive then. INT64_MAX: nothing to give up. */
int64_t mcp_target_silence_due(const struct mcp_target *t);

/* UDP: true once an ICMP error came back for our datagrams (port, net or host unreachable,
 * administratively prohibited, ...; read with IP_RECVERR, icmperr.h); sets *error (code 3)
 * naming the ICMP type, code and the node that sent it. */
bool mcp_target_check_refused(struct mcp_target *t, GError **error);

/* The socket's own and the peer's addresses (UDP/TCP), for -w (--write). */
bool mcp_target_addresses(const struct mcp_target *t, struct sockaddr_storage *local,
                          struct sockaddr_storage *peer);

/* iface: the interface's link type (pcap DLT), -1 otherwise. */
int mcp_target_linktype(const struct mcp_target *t);

uint64_t mcp_target_reconnects(const struct mcp_target *t);

/*
 * Bytes received from the target that are not MCP frames (§1/§5: no 0x5A, length over 4096,
 * a frame cut short): *bytes in total, *chunks the datagrams that held them (UDP) or the runs
 * of them (TCP, serial; a frame failing the check is reported as a frame, not counted here).
 */
void mcp_target_junk(const struct mcp_target *t, uint64_t *bytes, uint64_t *chunks);

#endif

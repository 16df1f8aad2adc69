/*
 * Where frames go: udp://, tcp:// (a real connection, reconnected on reset
 * when allowed), serial:/dev/X?baud=N (a tty or a pty), or iface:NAME (whole
 * captured packets injected at layer 2 with pcap_inject). Answers coming back
 * are decoded into frames (UDP: per datagram; TCP: FRAMED stream decoder;
 * serial: SERIAL stream decoder).
 */
#ifndef MR_TARGET_H
#define MR_TARGET_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "endpoint.h"
#include "mcp/frame.h"

/* Error codes carried in GError->code: the process exit code they lead to. */
#define MR_EXIT_OK          0
#define MR_EXIT_MISMATCH    1
#define MR_EXIT_USAGE       2
#define MR_EXIT_UNREACHABLE 3

struct mr_target_config {
    const char *url;
    struct mcp_codec codec;
    unsigned reconnect; /* TCP: reconnections allowed after a reset */
    int stall_ms;       /* a send that cannot proceed this long means the target is lost */
};

/* A frame that came back from the target; valid during the callback only. */
typedef void (*mr_rx_cb)(void *ctx, const uint8_t *bytes, size_t len, bool crc_ok);

struct mr_target;

struct mr_target *mr_target_open(const struct mr_target_config *cfg, GError **error);
void mr_target_close(struct mr_target *t);

enum mcp_endpoint_kind mr_target_kind(const struct mr_target *t);
const char *mr_target_url(const struct mr_target *t);

/* Sends one frame (or, for iface, one packet). False with *error (code 3) when the target is lost.
 */
bool mr_target_send(struct mr_target *t, const uint8_t *bytes, size_t len, GError **error);

/* UDP: up to n frames in one sendmmsg; others: one by one. Returns how many went out; fewer than n
 * only with *error set. */
size_t mr_target_send_batch(struct mr_target *t, const uint8_t *const *bytes, const size_t *lens,
                            size_t n, GError **error);

/* The descriptor to poll for answers, or -1. */
int mr_target_fd(const struct mr_target *t);

/* Reads every answer available now; false with *error (code 3) when the target is lost. */
bool mr_target_receive(struct mr_target *t, mr_rx_cb cb, void *ctx, GError **error);

/* UDP: true once the target is known to refuse (ICMP port unreachable seen); sets *error. */
bool mr_target_check_refused(struct mr_target *t, GError **error);

/* The socket's own and the peer's addresses (UDP/TCP), for --record. */
bool mr_target_addresses(const struct mr_target *t, struct sockaddr_storage *local,
                         struct sockaddr_storage *peer);

/* iface: the interface's link type (pcap DLT), -1 otherwise. */
int mr_target_linktype(const struct mr_target *t);

uint64_t mr_target_reconnects(const struct mr_target *t);

#endif

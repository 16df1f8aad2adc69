/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Endpoint URLs shared by the tools: udp://HOST:PORT, tcp://HOST:PORT,
 * serial:/dev/ttyX[?baud=N][&parity=none|even|odd][&data-bits=5..8][&stop-bits=1|2]
 * (parameters in any order, each at most once), iface:NAME. IPv6 hosts go in brackets:
 * udp://[::1]:23130. mcpsim's listeners also take devices=LIST (udp://HOST:PORT?devices=1-250,
 * serial:/dev/X?baud=N&devices=1-4): parsed only with MCP_ENDPOINT_DEVICES, an unknown
 * parameter elsewhere. Spec: §5 (transports).
 */
#ifndef MCP_ENDPOINT_H
#define MCP_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "serialline.h"

enum mcp_endpoint_kind {
    MCP_ENDPOINT_UDP,
    MCP_ENDPOINT_TCP,
    MCP_ENDPOINT_SERIAL,
    MCP_ENDPOINT_IFACE
};

struct mcp_endpoint {
    enum mcp_endpoint_kind kind;
    char host[256];               /* UDP/TCP: as written, without brackets */
    uint16_t port;                /* UDP/TCP */
    struct sockaddr_storage addr; /* UDP/TCP: resolved */
    socklen_t addr_len;
    char path[256];                    /* SERIAL: device path; IFACE: interface name */
    struct mcp_serial_settings serial; /* SERIAL: the URL's parameters (0: not given) */
    bool has_devices;                  /* devices=LIST given (MCP_ENDPOINT_DEVICES only) */
    bool devices[256];                 /* its ids (0..254), when has_devices */
};

/* Flags of mcp_endpoint_parse_with. */
enum {
    /* Accept devices=LIST (ids 0..254 as mcpsim --devices: 1-4,7) on udp, tcp and serial URLs:
     * the device ids an mcpsim listener serves as its own. */
    MCP_ENDPOINT_DEVICES = 1u << 0,
};

/*
 * Parses and (for UDP/TCP) resolves a URL. Serial parameters are checked here, before any
 * line is opened: baud one of the termios rates (mcp_serial_speed), parity none|even|odd,
 * data-bits 5..8, stop-bits 1|2. On failure returns false and writes a one-line reason
 * naming the bad part ("baud=12345: ...") into err (capacity err_len).
 */
bool mcp_endpoint_parse(const char *url, struct mcp_endpoint *ep, char *err, size_t err_len);

/*
 * mcp_endpoint_parse with flags (MCP_ENDPOINT_DEVICES). A bad devices= is named with the
 * reason: "devices=300: ...".
 */
bool mcp_endpoint_parse_with(const char *url, unsigned flags, struct mcp_endpoint *ep, char *err,
                             size_t err_len);

/* Writes the endpoint back as a URL ("udp://127.0.0.1:40123"); the port is the one given. */
void mcp_endpoint_format(const struct mcp_endpoint *ep, char *out, size_t out_len);

/* Formats a socket address as "HOST:PORT" ("[::1]:23130" for IPv6). */
void mcp_sockaddr_format(const struct sockaddr *sa, char *out, size_t out_len);

#endif

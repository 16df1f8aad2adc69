/*
 * Endpoint URLs shared by the tools: udp://HOST:PORT, tcp://HOST:PORT,
 * serial:/dev/ttyX[?baud=N][&parity=none|even|odd] (options in any order), iface:NAME. IPv6 hosts
 * go in brackets: udp://[::1]:23130.
 */
#ifndef MCP_ENDPOINT_H
#define MCP_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

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
    char path[256]; /* SERIAL: device path; IFACE: interface name */
    unsigned baud;  /* SERIAL: 0 when not given */
    char parity;    /* SERIAL: 'n', 'e', 'o', or 0 when not given (the line is left as it is) */
};

/*
 * Parses and (for UDP/TCP) resolves a URL. On failure returns false and writes
 * a one-line reason into err (capacity err_len).
 */
bool mcp_endpoint_parse(const char *url, struct mcp_endpoint *ep, char *err, size_t err_len);

/* Writes the endpoint back as a URL ("udp://127.0.0.1:40123"); the port is the one given. */
void mcp_endpoint_format(const struct mcp_endpoint *ep, char *out, size_t out_len);

/* Formats a socket address as "HOST:PORT" ("[::1]:23130" for IPv6). */
void mcp_sockaddr_format(const struct sockaddr *sa, char *out, size_t out_len);

#endif

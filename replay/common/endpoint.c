/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Endpoint URL parsing and formatting. */
#include "endpoint.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

static bool fail(char *err, size_t err_len, const char *url, const char *why)
{
    if (err != NULL && err_len > 0)
        snprintf(err, err_len, "invalid endpoint '%s': %s", url, why);
    return false;
}

static bool parse_port(const char *text, uint16_t *port)
{
    if (*text == '\0')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v > 65535 || text[0] == '-' || text[0] == '+')
        return false;
    *port = (uint16_t)v;
    return true;
}

static bool parse_socket(const char *url, const char *rest, struct mcp_endpoint *ep, char *err,
                         size_t err_len)
{
    const char *host_start = rest;
    const char *host_end;
    const char *colon;
    if (*rest == '[') {
        host_start = rest + 1;
        host_end = strchr(host_start, ']');
        if (host_end == NULL)
            return fail(err, err_len, url, "missing ']' after an IPv6 address");
        if (host_end[1] != ':')
            return fail(err, err_len, url, "expected ':PORT' after ']'");
        colon = host_end + 1;
    } else {
        colon = strrchr(rest, ':');
        if (colon == NULL)
            return fail(err, err_len, url, "expected HOST:PORT");
        host_end = colon;
        if (memchr(rest, ':', (size_t)(colon - rest)) != NULL)
            return fail(err, err_len, url, "put an IPv6 address in brackets: [::1]:PORT");
    }
    size_t host_len = (size_t)(host_end - host_start);
    if (host_len == 0)
        return fail(err, err_len, url, "empty host");
    if (host_len >= sizeof ep->host)
        return fail(err, err_len, url, "host name too long");
    memcpy(ep->host, host_start, host_len);
    ep->host[host_len] = '\0';
    if (!parse_port(colon + 1, &ep->port))
        return fail(err, err_len, url, "port must be a number from 0 to 65535");

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = ep->kind == MCP_ENDPOINT_UDP ? SOCK_DGRAM : SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *res = NULL;
    char port_text[8];
    snprintf(port_text, sizeof port_text, "%u", ep->port);
    int rc = getaddrinfo(ep->host, port_text, &hints, &res);
    if (rc != 0 || res == NULL) {
        char why[320];
        snprintf(why, sizeof why, "cannot resolve '%s': %s", ep->host, gai_strerror(rc));
        return fail(err, err_len, url, why);
    }
    memcpy(&ep->addr, res->ai_addr, res->ai_addrlen);
    ep->addr_len = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

static bool parse_unsigned(const char *text, unsigned long max, unsigned *out)
{
    if (!g_ascii_isdigit(text[0]))
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

/* One NAME=VALUE parameter of a serial URL; false with the reason in why. */
static bool serial_param(const char *param, struct mcp_serial_settings *s, char *why,
                         size_t why_len)
{
    const char *eq = strchr(param, '=');
    size_t name_len = eq != NULL ? (size_t)(eq - param) : strlen(param);
    const char *v = eq != NULL ? eq + 1 : "";
    static const char *const names[] = {"baud", "parity", "data-bits", "stop-bits"};
    size_t i = 0;
    while (i < G_N_ELEMENTS(names) &&
           !(strlen(names[i]) == name_len && strncmp(param, names[i], name_len) == 0))
        i++;
    if (i < G_N_ELEMENTS(names) && eq == NULL) {
        snprintf(why, why_len, "%s: needs a value (%s=...)", names[i], names[i]);
        return false;
    }
    if (i == G_N_ELEMENTS(names)) {
        snprintf(why, why_len,
                 "unknown parameter '%s' (serial parameters: baud=N, parity=none|even|odd, "
                 "data-bits=5..8, stop-bits=1|2)",
                 param);
        return false;
    }
    unsigned n = 0;
    speed_t speed;
    switch (i) {
    case 0:
        if (s->baud != 0)
            break;
        if (!parse_unsigned(v, 100000000, &n) || !mcp_serial_speed(n, &speed)) {
            snprintf(why, why_len,
                     "baud=%s: not a rate serial lines support (50 .. 4000000: 9600, 19200, "
                     "38400, 57600, 115200, ...)",
                     v);
            return false;
        }
        s->baud = n;
        return true;
    case 1:
        if (s->parity != 0)
            break;
        s->parity = strcmp(v, "none") == 0   ? 'n'
                    : strcmp(v, "even") == 0 ? 'e'
                    : strcmp(v, "odd") == 0  ? 'o'
                                             : 0;
        if (s->parity == 0) {
            snprintf(why, why_len, "parity=%s: none, even or odd", v);
            return false;
        }
        return true;
    case 2:
        if (s->data_bits != 0)
            break;
        if (!parse_unsigned(v, 8, &n) || n < 5) {
            snprintf(why, why_len, "data-bits=%s: 5, 6, 7 or 8", v);
            return false;
        }
        s->data_bits = n;
        return true;
    default:
        if (s->stop_bits != 0)
            break;
        if (!parse_unsigned(v, 2, &n) || n < 1) {
            snprintf(why, why_len, "stop-bits=%s: 1 or 2", v);
            return false;
        }
        s->stop_bits = n;
        return true;
    }
    snprintf(why, why_len, "%s given twice", names[i]);
    return false;
}

static bool parse_serial(const char *url, const char *rest, struct mcp_endpoint *ep, char *err,
                         size_t err_len)
{
    const char *query = strchr(rest, '?');
    size_t path_len = query ? (size_t)(query - rest) : strlen(rest);
    if (path_len == 0)
        return fail(err, err_len, url, "missing device path (serial:/dev/ttyUSB0)");
    if (path_len >= sizeof ep->path)
        return fail(err, err_len, url, "device path too long");
    memcpy(ep->path, rest, path_len);
    ep->path[path_len] = '\0';
    if (query == NULL)
        return true;
    if (query[1] == '\0')
        return fail(err, err_len, url, "nothing after '?' (serial:/dev/ttyUSB0?baud=115200)");
    bool ok = true;
    char why[200];
    gchar **params = g_strsplit(query + 1, "&", -1);
    for (gchar **p = params; ok && *p != NULL; p++)
        ok = serial_param(*p, &ep->serial, why, sizeof why);
    g_strfreev(params);
    return ok || fail(err, err_len, url, why);
}

bool mcp_endpoint_parse(const char *url, struct mcp_endpoint *ep, char *err, size_t err_len)
{
    memset(ep, 0, sizeof *ep);
    if (url == NULL)
        return fail(err, err_len, "(null)", "missing");
    if (strncmp(url, "udp://", 6) == 0) {
        ep->kind = MCP_ENDPOINT_UDP;
        return parse_socket(url, url + 6, ep, err, err_len);
    }
    if (strncmp(url, "tcp://", 6) == 0) {
        ep->kind = MCP_ENDPOINT_TCP;
        return parse_socket(url, url + 6, ep, err, err_len);
    }
    if (strncmp(url, "serial:", 7) == 0) {
        ep->kind = MCP_ENDPOINT_SERIAL;
        return parse_serial(url, url + 7, ep, err, err_len);
    }
    if (strncmp(url, "iface:", 6) == 0) {
        ep->kind = MCP_ENDPOINT_IFACE;
        size_t n = strlen(url + 6);
        if (n == 0 || n >= sizeof ep->path)
            return fail(err, err_len, url, "expected iface:NAME");
        memcpy(ep->path, url + 6, n + 1);
        return true;
    }
    return fail(err, err_len, url,
                "unknown scheme (use udp://HOST:PORT, tcp://HOST:PORT, serial:/dev/ttyX or "
                "iface:NAME)");
}

void mcp_sockaddr_format(const struct sockaddr *sa, char *out, size_t out_len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        snprintf(out, out_len, "[%s]:%u", host, ntohs(in6->sin6_port));
    } else if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in4->sin_addr, host, sizeof host);
        snprintf(out, out_len, "%s:%u", host, ntohs(in4->sin_port));
    } else {
        snprintf(out, out_len, "(family %d)", sa->sa_family);
    }
}

void mcp_endpoint_format(const struct mcp_endpoint *ep, char *out, size_t out_len)
{
    switch (ep->kind) {
    case MCP_ENDPOINT_UDP:
    case MCP_ENDPOINT_TCP: {
        char addr[80];
        mcp_sockaddr_format((const struct sockaddr *)&ep->addr, addr, sizeof addr);
        snprintf(out, out_len, "%s://%s", ep->kind == MCP_ENDPOINT_UDP ? "udp" : "tcp", addr);
        break;
    }
    case MCP_ENDPOINT_SERIAL:
        snprintf(out, out_len, "serial:%s", ep->path);
        break;
    case MCP_ENDPOINT_IFACE:
        snprintf(out, out_len, "iface:%s", ep->path);
        break;
    }
}

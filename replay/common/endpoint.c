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

#include "idlist.h"

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

static bool parse_query(const char *url, const char *query, struct mcp_endpoint *ep, unsigned flags,
                        char *err, size_t err_len);

static bool parse_socket(const char *url, const char *whole, struct mcp_endpoint *ep,
                         unsigned flags, char *err, size_t err_len)
{
    /* HOST:PORT, then ?PARAMETERS (a host or port never holds a '?') */
    const char *query = strchr(whole, '?');
    char addr_part[sizeof ep->host + 16];
    size_t addr_len = query != NULL ? (size_t)(query - whole) : strlen(whole);
    if (addr_len >= sizeof addr_part)
        return fail(err, err_len, url, "host name too long");
    memcpy(addr_part, whole, addr_len);
    addr_part[addr_len] = '\0';
    if (query != NULL && !parse_query(url, query, ep, flags, err, err_len))
        return false;
    const char *rest = addr_part;
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

/* The parameters a URL may take; devices is mcpsim's (MCP_ENDPOINT_DEVICES). */
enum param { P_BAUD, P_PARITY, P_DATA_BITS, P_STOP_BITS, P_DEVICES, P_COUNT };
static const char *const param_names[P_COUNT] = {"baud", "parity", "data-bits", "stop-bits",
                                                 "devices"};

/* The list of parameters the URL takes, for "unknown parameter" messages. */
static const char *param_help(bool serial, unsigned flags)
{
    if (serial)
        return (flags & MCP_ENDPOINT_DEVICES)
                   ? "serial parameters: baud=N, parity=none|even|odd, data-bits=5..8, "
                     "stop-bits=1|2, devices=LIST"
                   : "serial parameters: baud=N, parity=none|even|odd, data-bits=5..8, "
                     "stop-bits=1|2";
    return (flags & MCP_ENDPOINT_DEVICES) ? "udp and tcp parameters: devices=LIST"
                                          : "udp and tcp URLs take no parameters here";
}

/* devices=LIST: mcpsim --devices' list (ids 0..254). */
static bool devices_param(const char *v, struct mcp_endpoint *ep, char *why, size_t why_len)
{
    if (ep->has_devices) {
        snprintf(why, why_len, "devices given twice");
        return false;
    }
    if (!mcp_parse_id_list(v, 0, 254, ep->devices)) {
        snprintf(why, why_len,
                 "devices=%s: not a list of device ids 0..254 (e.g. devices=1-250 or "
                 "devices=1-4,7; 255 is broadcast)",
                 v);
        return false;
    }
    ep->has_devices = true;
    return true;
}

/* One NAME=VALUE parameter of a URL; false with the reason in why. */
static bool url_param(const char *param, struct mcp_endpoint *ep, unsigned flags, char *why,
                      size_t why_len)
{
    bool serial = ep->kind == MCP_ENDPOINT_SERIAL;
    struct mcp_serial_settings *s = &ep->serial;
    const char *eq = strchr(param, '=');
    size_t name_len = eq != NULL ? (size_t)(eq - param) : strlen(param);
    const char *v = eq != NULL ? eq + 1 : "";
    unsigned i = 0;
    while (i < P_COUNT &&
           !(strlen(param_names[i]) == name_len && strncmp(param, param_names[i], name_len) == 0))
        i++;
    bool allowed = i == P_DEVICES ? (flags & MCP_ENDPOINT_DEVICES) != 0 : serial;
    if (i == P_COUNT || !allowed) {
        snprintf(why, why_len, "unknown parameter '%s' (%s)", param, param_help(serial, flags));
        return false;
    }
    if (eq == NULL) {
        snprintf(why, why_len, "%s: needs a value (%s=...)", param_names[i], param_names[i]);
        return false;
    }
    unsigned n = 0;
    speed_t speed;
    switch (i) {
    case P_DEVICES:
        return devices_param(v, ep, why, why_len);
    case P_BAUD:
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
    case P_PARITY:
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
    case P_DATA_BITS:
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
    snprintf(why, why_len, "%s given twice", param_names[i]);
    return false;
}

/* The parameters after '?' (query points at the '?'), joined with '&'. */
static bool parse_query(const char *url, const char *query, struct mcp_endpoint *ep, unsigned flags,
                        char *err, size_t err_len)
{
    if (query[1] == '\0')
        return fail(err, err_len, url,
                    ep->kind == MCP_ENDPOINT_SERIAL
                        ? "nothing after '?' (serial:/dev/ttyUSB0?baud=115200)"
                        : "nothing after '?'");
    bool ok = true;
    char why[300];
    gchar **params = g_strsplit(query + 1, "&", -1);
    for (gchar **p = params; ok && *p != NULL; p++)
        ok = url_param(*p, ep, flags, why, sizeof why);
    g_strfreev(params);
    return ok || fail(err, err_len, url, why);
}

static bool parse_serial(const char *url, const char *rest, struct mcp_endpoint *ep, unsigned flags,
                         char *err, size_t err_len)
{
    const char *query = strchr(rest, '?');
    size_t path_len = query ? (size_t)(query - rest) : strlen(rest);
    if (path_len == 0)
        return fail(err, err_len, url, "missing device path (serial:/dev/ttyUSB0)");
    if (path_len >= sizeof ep->path)
        return fail(err, err_len, url, "device path too long");
    memcpy(ep->path, rest, path_len);
    ep->path[path_len] = '\0';
    return query == NULL || parse_query(url, query, ep, flags, err, err_len);
}

bool mcp_endpoint_parse(const char *url, struct mcp_endpoint *ep, char *err, size_t err_len)
{
    return mcp_endpoint_parse_with(url, 0, ep, err, err_len);
}

bool mcp_endpoint_parse_with(const char *url, unsigned flags, struct mcp_endpoint *ep, char *err,
                             size_t err_len)
{
    memset(ep, 0, sizeof *ep);
    if (url == NULL)
        return fail(err, err_len, "(null)", "missing");
    if (strncmp(url, "udp://", 6) == 0) {
        ep->kind = MCP_ENDPOINT_UDP;
        return parse_socket(url, url + 6, ep, flags, err, err_len);
    }
    if (strncmp(url, "tcp://", 6) == 0) {
        ep->kind = MCP_ENDPOINT_TCP;
        return parse_socket(url, url + 6, ep, flags, err, err_len);
    }
    if (strncmp(url, "serial:", 7) == 0) {
        ep->kind = MCP_ENDPOINT_SERIAL;
        return parse_serial(url, url + 7, ep, flags, err, err_len);
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

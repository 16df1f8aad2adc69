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
    bool ok = true;
    gchar **opts = g_strsplit(query + 1, "&", -1);
    for (gchar **o = opts; ok && *o != NULL; o++) {
        if (strncmp(*o, "baud=", 5) == 0) {
            char *end;
            errno = 0;
            unsigned long baud = strtoul(*o + 5, &end, 10);
            ok = errno == 0 && *end == '\0' && baud > 0 && baud <= 4000000 && (*o)[5] != '-';
            if (!ok)
                fail(err, err_len, url, "baud must be a positive number");
            ep->baud = (unsigned)baud;
        } else if (strncmp(*o, "parity=", 7) == 0) {
            const char *v = *o + 7;
            ep->parity = strcmp(v, "none") == 0   ? 'n'
                         : strcmp(v, "even") == 0 ? 'e'
                         : strcmp(v, "odd") == 0  ? 'o'
                                                  : 0;
            ok = ep->parity != 0;
            if (!ok)
                fail(err, err_len, url, "parity must be none, even or odd");
        } else {
            ok = fail(err, err_len, url, "serial options are baud=N and parity=none|even|odd");
        }
    }
    g_strfreev(opts);
    return ok;
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

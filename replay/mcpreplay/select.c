/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Frame selection. */
#include "select.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "mcp/names.h"

static bool parse_u64(const char *text, uint64_t *out)
{
    if (*text == '\0' || *text == '-' || *text == '+')
        return false;
    char *end;
    errno = 0;
    guint64 v = g_ascii_strtoull(text, &end, 0);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

bool mr_select_parse_from(struct mr_select *sel, const char *text, GError **error)
{
    if (g_ascii_strcasecmp(text, "master") == 0) {
        sel->from = MR_FROM_MASTER;
        return true;
    }
    if (g_ascii_strcasecmp(text, "device") == 0) {
        sel->from = MR_FROM_DEVICE;
        return true;
    }
    if (g_ascii_strcasecmp(text, "all") == 0) {
        sel->from = MR_FROM_ALL;
        return true;
    }
    /* ADDR, ADDR:PORT, [V6ADDR]:PORT or V6ADDR */
    char host[INET6_ADDRSTRLEN + 1];
    const char *port_text = NULL;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL || (size_t)(close - text - 1) >= sizeof host)
            goto bad;
        memcpy(host, text + 1, (size_t)(close - text - 1));
        host[close - text - 1] = '\0';
        if (close[1] == ':')
            port_text = close + 2;
        else if (close[1] != '\0')
            goto bad;
    } else {
        const char *colon = strchr(text, ':');
        bool v6 = colon != NULL && strchr(colon + 1, ':') != NULL;
        size_t n = (!v6 && colon != NULL) ? (size_t)(colon - text) : strlen(text);
        if (n >= sizeof host)
            goto bad;
        memcpy(host, text, n);
        host[n] = '\0';
        if (!v6 && colon != NULL)
            port_text = colon + 1;
    }
    memset(&sel->addr, 0, sizeof sel->addr);
    if (inet_pton(AF_INET, host, sel->addr.bytes) == 1)
        sel->addr.family = 4;
    else if (inet_pton(AF_INET6, host, sel->addr.bytes) == 1)
        sel->addr.family = 6;
    else
        goto bad;
    sel->port = 0;
    if (port_text != NULL) {
        uint64_t port;
        if (!parse_u64(port_text, &port) || port == 0 || port > 65535)
            goto bad;
        sel->port = (uint16_t)port;
    }
    sel->from = MR_FROM_ADDR;
    return true;
bad:
    g_set_error(error, MR_ERROR, 2,
                "--from '%s': expected all, master, device, ADDR, ADDR:PORT or [ADDR6]:PORT", text);
    return false;
}

bool mr_select_parse_cmds(struct mr_select *sel, const char *text, GError **error)
{
    memset(sel->cmds, 0, sizeof sel->cmds);
    gchar **parts = g_strsplit(text, ",", -1);
    bool ok = parts[0] != NULL;
    for (gchar **p = parts; ok && *p != NULL; p++) {
        gchar *name = g_strstrip(*p);
        uint32_t value;
        uint64_t number;
        if (mcp_value_of(mcp_cmd_names, name, &value)) {
            sel->cmds[value] = true;
        } else if (parse_u64(name, &number) && number <= 255) {
            sel->cmds[number] = true;
        } else {
            g_set_error(error, MR_ERROR, 2,
                        "--cmd: unknown command '%s' (use names such as READ,WRITE,HEARTBEAT "
                        "or numbers such as 0x02)",
                        name);
            ok = false;
        }
    }
    if (parts[0] == NULL)
        g_set_error(error, MR_ERROR, 2, "--cmd: empty list");
    g_strfreev(parts);
    sel->cmd_filter = ok;
    return ok;
}

bool mr_select_parse_frames(struct mr_select *sel, const char *text, GError **error)
{
    if (sel->ranges == NULL)
        sel->ranges = g_array_new(FALSE, FALSE, sizeof(struct mr_range));
    gchar **parts = g_strsplit(text, ",", -1);
    bool ok = parts[0] != NULL;
    for (gchar **p = parts; ok && *p != NULL; p++) {
        gchar *item = g_strstrip(*p);
        struct mr_range r;
        char *dash = strchr(item, '-');
        if (dash == NULL) {
            ok = parse_u64(item, &r.first) && r.first > 0;
            r.last = r.first;
        } else {
            *dash = '\0';
            ok = parse_u64(item, &r.first) && r.first > 0;
            if (ok && dash[1] == '\0')
                r.last = UINT64_MAX;
            else
                ok = ok && parse_u64(dash + 1, &r.last) && r.last >= r.first;
        }
        if (ok)
            g_array_append_val(sel->ranges, r);
    }
    if (!ok)
        g_set_error(error, MR_ERROR, 2,
                    "--frames '%s': expected record numbers and ranges such as 1-100,250,300-",
                    text);
    g_strfreev(parts);
    return ok;
}

void mr_select_clear(struct mr_select *sel)
{
    if (sel->ranges != NULL)
        g_array_free(sel->ranges, TRUE);
    sel->ranges = NULL;
}

bool mr_select_match(const struct mr_select *sel, const struct mr_frame *frame,
                     const struct mr_sender *sender)
{
    switch (sel->from) {
    case MR_FROM_MASTER:
        if (!frame->from_master)
            return false;
        break;
    case MR_FROM_DEVICE:
        if (frame->from_master)
            return false;
        break;
    case MR_FROM_ALL:
        break;
    case MR_FROM_ADDR:
        if (sender == NULL || sender->kind == MR_PACKET_SERIAL ||
            sender->src.family != sel->addr.family ||
            memcmp(sender->src.bytes, sel->addr.bytes, 16) != 0 ||
            (sel->port != 0 && sender->sport != sel->port))
            return false;
        break;
    }
    if (sel->cmd_filter && !sel->cmds[frame->cmd])
        return false;
    if (sel->ranges != NULL) {
        bool in = false;
        for (guint i = 0; i < sel->ranges->len && !in; i++) {
            const struct mr_range *r = &g_array_index(sel->ranges, struct mr_range, i);
            in = frame->record >= r->first && frame->record <= r->last;
        }
        if (!in)
            return false;
    }
    return true;
}

uint64_t mr_select_last_record(const struct mr_select *sel)
{
    if (sel->ranges == NULL)
        return UINT64_MAX;
    uint64_t last = 0;
    for (guint i = 0; i < sel->ranges->len; i++) {
        const struct mr_range *r = &g_array_index(sel->ranges, struct mr_range, i);
        if (r->last > last)
            last = r->last;
    }
    return last;
}

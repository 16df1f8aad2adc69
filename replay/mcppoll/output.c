/* mcppoll output: see output.h. */
#include "output.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "mcp/names.h"
#include "mcp/pdu.h"

static const char *status_name(uint8_t status)
{
    const char *n = mcp_name_of(mcp_status_names, status);
    return n != NULL ? n : "UNKNOWN_STATUS";
}

static void reasons(GString *s, uint32_t mask)
{
    bool first = true;
    for (unsigned r = 0; r < 32; r++)
        if (mask & (1u << r)) {
            const char *n = mcp_name_of(mcp_nak_reason_names, r);
            g_string_append_printf(s, "%s%s", first ? "" : ",", n != NULL ? n : "other");
            first = false;
        }
}

static void json_str(GString *j, const char *s)
{
    g_string_append_c(j, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            g_string_append_c(j, '\\');
        g_string_append_c(j, *s);
    }
    g_string_append_c(j, '"');
}

static void timestamp(GString *s)
{
    GDateTime *now = g_date_time_new_now_utc();
    gchar *t = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    g_string_append_printf(s, "%s.%03dZ", t, g_date_time_get_microsecond(now) / 1000);
    g_free(t);
    g_date_time_unref(now);
}

static int code_of(const struct mp_result *r, const struct mcp_pdu *pdu)
{
    switch (r->outcome) {
    case MP_SENT:
        return 0;
    case MP_NAKED:
        return 1;
    case MP_NO_ANSWER:
        return 3;
    case MP_ANSWERED:
        return pdu->has_req_seq && pdu->status == MCP_STATUS_OK ? 0 : 1;
    }
    return 1;
}

static void print_json(const struct mp_options *o, const struct mp_result *r,
                       const struct mcp_pdu *pdu)
{
    GString *j = g_string_new("{\"time\":\"");
    timestamp(j);
    uint8_t cmd = r->request[4];
    g_string_append(j, "\",\"cmd\":");
    json_str(j, mcp_cmd_name(cmd));
    g_string_append_printf(j, ",\"seq\":%u", r->request[1]);
    if (cmd == MCP_CMD_READ || cmd == MCP_CMD_WRITE)
        g_string_append_printf(j, ",\"device\":%u", o->device);
    else
        g_string_append(j, ",\"device\":null");
    g_string_append(j, ",\"status\":");
    if (r->outcome == MP_ANSWERED && pdu->has_req_seq)
        json_str(j, status_name(pdu->status));
    else
        g_string_append(j, "null");
    g_string_append(j, ",\"outcome\":");
    static const char *const outcomes[] = {"sent", "answered", "naked", "no_answer"};
    json_str(j, outcomes[r->outcome]);
    if (r->outcome == MP_ANSWERED)
        g_string_append_printf(j, ",\"latency_us\":%.3f", (double)r->latency_ns / 1e3);
    else
        g_string_append(j, ",\"latency_us\":null");
    g_string_append_printf(j, ",\"resends\":%u,\"naks\":[", r->resends);
    GString *n = g_string_new(NULL);
    reasons(n, r->nak_reasons);
    gchar **names = g_strsplit(n->str, ",", -1);
    for (gchar **p = names; *p != NULL && **p; p++) {
        if (p != names)
            g_string_append_c(j, ',');
        json_str(j, *p);
    }
    g_strfreev(names);
    g_string_free(n, TRUE);
    g_string_append_c(j, ']');
    if (r->outcome == MP_ANSWERED && pdu->has_register_block) {
        g_string_append_printf(j, ",\"addr\":%u,\"count\":%u", pdu->addr, pdu->count);
        if (cmd == MCP_CMD_READ) {
            g_string_append(j, ",\"values\":[");
            for (size_t i = 0; i < pdu->value_count; i++)
                g_string_append_printf(j, "%s%u", i ? "," : "",
                                       mcp_pdu_value(r->answer + MCP_HEADER_LEN, pdu, i));
            g_string_append_c(j, ']');
        }
    }
    if (r->outcome == MP_ANSWERED && pdu->has_uptime)
        g_string_append_printf(j, ",\"uptime_ms\":%u", pdu->uptime_ms);
    g_string_append(j, "}\n");
    fputs(j->str, stdout);
    fflush(stdout);
    g_string_free(j, TRUE);
}

static void print_values(const struct mp_options *o, const struct mp_result *r,
                         const struct mcp_pdu *pdu)
{
    const uint8_t *payload = r->answer + MCP_HEADER_LEN;
    if (o->format == MP_FORMAT_TABLE)
        printf("  %-8s %-8s %8s %8s\n", "addr", "hex", "unsigned", "signed");
    for (size_t i = 0; i < pdu->value_count; i++) {
        uint16_t v = mcp_pdu_value(payload, pdu, i);
        unsigned addr = (pdu->addr + i) & 0xFFFF;
        switch (o->format) {
        case MP_FORMAT_TABLE:
            printf("  0x%04x   0x%04x   %8u %8d\n", addr, v, v, (int16_t)v);
            break;
        case MP_FORMAT_HEX:
            printf("0x%04x\n", v);
            break;
        case MP_FORMAT_UNSIGNED:
            printf("%u\n", v);
            break;
        case MP_FORMAT_SIGNED:
            printf("%d\n", (int16_t)v);
            break;
        }
    }
}

int mp_print_result(const struct mp_options *o, const struct mp_result *r, bool polling)
{
    struct mcp_pdu *pdu = g_new0(struct mcp_pdu, 1);
    if (r->outcome == MP_ANSWERED)
        mcp_pdu_parse(r->answer[4], r->answer + MCP_HEADER_LEN, r->answer_len - MCP_OVERHEAD, pdu);
    int code = code_of(r, pdu);
    if (o->json) {
        print_json(o, r, pdu);
        g_free(pdu);
        return code;
    }
    GString *line = g_string_new(NULL);
    if (polling) {
        timestamp(line);
        g_string_append_c(line, ' ');
    }
    uint8_t cmd = r->request[4];
    g_string_append_printf(line, "%s seq %u", mcp_cmd_name(cmd), r->request[1]);
    if (cmd == MCP_CMD_READ || cmd == MCP_CMD_WRITE)
        g_string_append_printf(line, " device %u addr 0x%04x count %u", o->device, o->addr,
                               o->count);
    switch (r->outcome) {
    case MP_SENT:
        g_string_append(line, ": sent (no answer expected)");
        break;
    case MP_ANSWERED:
        g_string_append_printf(line, ": %s in %.3f ms",
                               pdu->has_req_seq ? status_name(pdu->status) : "answered",
                               (double)r->latency_ns / 1e6);
        if (pdu->has_uptime)
            g_string_append_printf(line, ", uptime %u ms", pdu->uptime_ms);
        break;
    case MP_NAKED:
        g_string_append(line, ": NAKed (");
        reasons(line, r->nak_reasons);
        g_string_append(line, ") and never answered");
        break;
    case MP_NO_ANSWER:
        g_string_append_printf(line, ": no answer within %d ms", o->timeout_ms);
        break;
    }
    if (r->resends > 0)
        g_string_append_printf(line, " (after %u resend%s)", r->resends,
                               r->resends == 1 ? "" : "s");
    if (o->format == MP_FORMAT_TABLE || cmd != MCP_CMD_READ || r->outcome != MP_ANSWERED)
        printf("%s\n", line->str);
    if (r->outcome == MP_ANSWERED && cmd == MCP_CMD_READ && pdu->has_register_block)
        print_values(o, r, pdu);
    fflush(stdout);
    g_string_free(line, TRUE);
    g_free(pdu);
    return code;
}

void mp_print_scan_row(const struct mp_options *o, unsigned device, const struct mp_result *r)
{
    bool present = r->outcome == MP_ANSWERED && r->answer_len >= MCP_OVERHEAD + 2 &&
                   r->answer[MCP_HEADER_LEN + 1] != MCP_STATUS_UNKNOWN_DEVICE;
    if (!present)
        return;
    uint8_t status = r->answer[MCP_HEADER_LEN + 1];
    if (o->json)
        printf("{\"device\":%u,\"status\":\"%s\",\"latency_us\":%.3f}\n", device,
               status_name(status), (double)r->latency_ns / 1e3);
    else
        printf("  %-6u %-20s %10.3f\n", device, status_name(status), (double)r->latency_ns / 1e6);
    fflush(stdout);
}

void mp_tally_add(struct mp_tally *t, const struct mp_result *r)
{
    t->requests++;
    if (r->outcome != MP_ANSWERED)
        return;
    if (t->answered == 0 || r->latency_ns < t->min_ns)
        t->min_ns = r->latency_ns;
    if (t->answered == 0 || r->latency_ns > t->max_ns)
        t->max_ns = r->latency_ns;
    t->sum_ns += r->latency_ns;
    t->answered++;
}

void mp_print_tally(const struct mp_options *o, const struct mp_tally *t)
{
    FILE *out = o->json ? stderr : stdout;
    fprintf(out, "%" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " answered", t->requests,
            t->answered);
    if (t->answered > 0)
        fprintf(out, ", latency min/avg/max %.3f/%.3f/%.3f ms", (double)t->min_ns / 1e6,
                (double)t->sum_ns / (double)t->answered / 1e6, (double)t->max_ns / 1e6);
    fprintf(out, "\n");
}

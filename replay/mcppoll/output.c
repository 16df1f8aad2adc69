/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What mcppoll prints: see output.h. */
#include "output.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcp/crc.h"
#include "mcp/names.h"
#include "mcp/pdu.h"

static const char *command_name(enum mp_command c)
{
    static const char *const names[] = {"read", "write", "heartbeat", "sync", "raw", "scan"};
    return names[c];
}

/* A decoded answer: lib's §2 parse of the response's payload. */
struct decoded {
    bool ok; /* a response whose payload fits its layout */
    struct mcp_pdu pdu;
    const uint8_t *payload;
};

static void decode(const struct mp_outcome *oc, struct decoded *d)
{
    memset(d, 0, sizeof *d);
    if (oc->kind != MP_ANSWERED || oc->answer_len < MCP_OVERHEAD)
        return;
    size_t len = oc->answer_len - MCP_OVERHEAD;
    d->payload = oc->answer + MCP_HEADER_LEN;
    d->ok = mcp_pdu_parse(oc->answer[4], d->payload, len, &d->pdu) && d->pdu.has_req_seq;
}

int mp_answer_status(const struct mp_outcome *oc)
{
    struct decoded d;
    decode(oc, &d);
    return d.ok ? d.pdu.status : -1;
}

int mp_tally_add(struct mp_tally *t, const struct mp_outcome *oc)
{
    int code = 0;
    switch (oc->kind) {
    case MP_ANSWERED: {
        t->requests++;
        t->answered++;
        int st = mp_answer_status(oc);
        if (st == MCP_STATUS_OK) {
            t->ok++;
        } else {
            code = 1;
            if (st < 0)
                t->malformed++;
            else
                t->other_status++;
        }
        if (t->answered == 1 || oc->latency_ns < t->lat_min_ns)
            t->lat_min_ns = oc->latency_ns;
        if (oc->latency_ns > t->lat_max_ns)
            t->lat_max_ns = oc->latency_ns;
        t->lat_sum_ns += oc->latency_ns;
        break;
    }
    case MP_NAKED:
        t->requests++;
        t->naked++;
        code = 1;
        break;
    case MP_NO_ANSWER:
        t->requests++;
        t->no_answer++;
        code = 3;
        break;
    case MP_LOST:
        t->lost++;
        code = 3;
        break;
    case MP_SENT:
        t->sent++;
        break;
    case MP_STOPPED:
        break;
    }
    if (code > t->exit_code)
        t->exit_code = code;
    return code;
}

static void iso_time(int64_t realtime_ns, char *out, size_t cap)
{
    time_t sec = (time_t)(realtime_ns / 1000000000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, cap, "%s.%06ldZ", base, (long)(realtime_ns % 1000000000 / 1000));
}

static const char *status_name(uint8_t status)
{
    const char *n = mcp_name_of(mcp_status_names, status);
    return n != NULL ? n : "UNKNOWN_STATUS";
}

static const char *nak_name(uint8_t reason)
{
    const char *n = mcp_name_of(mcp_nak_reason_names, reason);
    return n != NULL ? n : "UNKNOWN_REASON";
}

static void format_value(enum mp_format f, uint16_t v, GString *s)
{
    switch (f) {
    case MP_FMT_UNSIGNED:
        g_string_append_printf(s, "%u", v);
        break;
    case MP_FMT_SIGNED:
        g_string_append_printf(s, "%d", (int16_t)v);
        break;
    case MP_FMT_BINARY:
        for (int b = 15; b >= 0; b--) {
            g_string_append_c(s, (v >> b) & 1 ? '1' : '0');
            if (b == 8)
                g_string_append_c(s, '_');
        }
        break;
    default:
        g_string_append_printf(s, "0x%04x", v);
        break;
    }
}

/* What the request was, for the human lines. */
static void describe_request(const struct mp_options *o, GString *s)
{
    switch (o->command) {
    case MP_CMD_READ:
        g_string_append_printf(s, "device %u READ 0x%04x x%u", o->device, o->addr, o->count);
        break;
    case MP_CMD_WRITE:
        g_string_append_printf(s, "device %u WRITE 0x%04x x%u", o->device, o->addr, o->count);
        break;
    case MP_CMD_HEARTBEAT:
        g_string_append(s, "HEARTBEAT");
        break;
    case MP_CMD_SYNC:
        g_string_append(s, "SYNC");
        break;
    case MP_CMD_RAW:
        g_string_append_printf(s, "raw %s", mcp_cmd_name(o->raw[4]));
        break;
    case MP_CMD_SCAN:
        g_string_append(s, "scan");
        break;
    }
}

static void nak_list_json(uint32_t reasons, GString *s)
{
    g_string_append(s, "[");
    bool first = true;
    for (int r = 0; r < 32; r++)
        if (reasons & (1u << r)) {
            g_string_append_printf(s, "%s\"%s\"", first ? "" : ",", nak_name((uint8_t)r));
            first = false;
        }
    g_string_append(s, "]");
}

static const char *result_name(enum mp_outcome_kind k)
{
    static const char *const names[] = {"answer", "naked", "no_answer", "sent", "lost", "stopped"};
    return names[k];
}

static void hex_json(const uint8_t *b, size_t n, GString *s)
{
    g_string_append_c(s, '"');
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%02x", b[i]);
    g_string_append_c(s, '"');
}

static void json_string(const char *text, GString *s)
{
    g_string_append_c(s, '"');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(s, "\\%c", *p);
        else if ((unsigned char)*p < 0x20)
            g_string_append_printf(s, "\\u%04x", (unsigned char)*p);
        else
            g_string_append_c(s, *p);
    }
    g_string_append_c(s, '"');
}

static void print_json(const struct mp_options *o, const char *command, int device, uint64_t poll,
                       const struct mp_outcome *oc)
{
    struct decoded d;
    decode(oc, &d);
    char when[48];
    iso_time(oc->sent_ns, when, sizeof when);
    GString *s = g_string_new("{");
    g_string_append_printf(s, "\"time\":\"%s\",\"poll\":%" G_GUINT64_FORMAT ",\"command\":\"%s\"",
                           when, poll, command);
    if (device >= 0)
        g_string_append_printf(s, ",\"device\":%d", device);
    else
        g_string_append(s, ",\"device\":null");
    g_string_append_printf(s, ",\"seq\":%u,\"result\":\"%s\"", oc->seq, result_name(oc->kind));
    if (oc->kind == MP_ANSWERED && d.ok)
        g_string_append_printf(s, ",\"status\":\"%s\",\"status_code\":%u",
                               status_name(d.pdu.status), d.pdu.status);
    else
        g_string_append(s, ",\"status\":null,\"status_code\":null");
    if (oc->kind == MP_ANSWERED)
        g_string_append_printf(s, ",\"latency_us\":%" G_GINT64_FORMAT, oc->latency_ns / 1000);
    else
        g_string_append(s, ",\"latency_us\":null");
    g_string_append_printf(s, ",\"resends\":%u,\"naks\":", oc->resends);
    nak_list_json(oc->nak_reasons, s);
    if (oc->kind == MP_NAKED)
        g_string_append_printf(s, ",\"nak_reason\":\"%s\"", nak_name(oc->nak_reason));
    if (oc->kind == MP_ANSWERED) {
        g_string_append_printf(s, ",\"malformed\":%s,\"answer\":", d.ok ? "false" : "true");
        hex_json(oc->answer, oc->answer_len, s);
    }
    if (d.ok && d.pdu.has_register_block)
        g_string_append_printf(s, ",\"addr\":%u,\"count\":%u", d.pdu.addr, d.pdu.count);
    if (d.ok && d.pdu.cmd == MCP_CMD_READ_RSP && d.pdu.has_register_block) {
        g_string_append(s, ",\"values\":[");
        for (size_t i = 0; i < d.pdu.value_count; i++)
            g_string_append_printf(s, "%s%u", i ? "," : "", mcp_pdu_value(d.payload, &d.pdu, i));
        g_string_append(s, "]");
    }
    if (oc->kind == MP_LOST) {
        g_string_append(s, ",\"error\":");
        json_string(oc->error, s);
    }
    if (oc->kind == MP_NO_ANSWER)
        g_string_append_printf(s, ",\"timeout_ms\":%d", o->timeout_ms);
    g_string_append(s, "}\n");
    fputs(s->str, stdout);
    fflush(stdout);
    g_string_free(s, TRUE);
}

static void register_table(const struct mp_options *o, const struct decoded *d)
{
    if (o->format == MP_FMT_TABLE)
        printf("%-8s %-8s %8s %8s\n", "addr", "hex", "unsigned", "signed");
    for (size_t i = 0; i < d->pdu.value_count; i++) {
        uint16_t v = mcp_pdu_value(d->payload, &d->pdu, i);
        unsigned addr = (d->pdu.addr + i) & 0xFFFF;
        if (o->format == MP_FMT_TABLE) {
            printf("0x%04x   0x%04x   %8u %8d\n", addr, v, v, (int16_t)v);
        } else {
            GString *s = g_string_new(NULL);
            format_value(o->format, v, s);
            printf("0x%04x %s\n", addr, s->str);
            g_string_free(s, TRUE);
        }
    }
}

/* The human line for an outcome without the register list. */
static void human_line(const struct mp_options *o, const struct mp_outcome *oc,
                       const struct decoded *d, GString *s)
{
    switch (oc->kind) {
    case MP_ANSWERED:
        if (d->ok)
            g_string_append_printf(s, "  %s", status_name(d->pdu.status));
        else
            g_string_append_printf(s, "  malformed %s", mcp_cmd_name(oc->answer[4]));
        g_string_append_printf(s, "  %.3f ms", (double)oc->latency_ns / 1e6);
        break;
    case MP_NAKED:
        g_string_append_printf(s, "  NAKed %s", nak_name(oc->nak_reason));
        break;
    case MP_NO_ANSWER:
        g_string_append_printf(s, "  no answer within %d ms", o->timeout_ms);
        break;
    case MP_SENT:
        g_string_append(s, "  sent (no answer expected)");
        break;
    case MP_LOST:
        g_string_append_printf(s, "  target unreachable: %s", oc->error);
        break;
    case MP_STOPPED:
        g_string_append(s, "  interrupted");
        break;
    }
    if (oc->resends > 0)
        g_string_append_printf(s, "  after %u resend%s", oc->resends, oc->resends == 1 ? "" : "s");
}

void mp_output_outcome(const struct mp_options *o, uint64_t poll, bool polling,
                       const struct mp_outcome *oc)
{
    int device = o->command == MP_CMD_READ || o->command == MP_CMD_WRITE ? o->device : -1;
    if (o->json) {
        print_json(o, command_name(o->command), device, poll, oc);
        return;
    }
    struct decoded d;
    decode(oc, &d);
    GString *s = g_string_new(NULL);
    if (polling) {
        char when[48];
        iso_time(oc->sent_ns, when, sizeof when);
        g_string_append_printf(s, "%s  #%" G_GUINT64_FORMAT "  seq %3u  ", when, poll, oc->seq);
    }
    describe_request(o, s);
    human_line(o, oc, &d, s);
    bool values = d.ok && d.pdu.cmd == MCP_CMD_READ_RSP && d.pdu.has_register_block;
    if (polling && values) {
        g_string_append(s, " ");
        for (size_t i = 0; i < d.pdu.value_count; i++) {
            g_string_append_c(s, ' ');
            format_value(o->format, mcp_pdu_value(d.payload, &d.pdu, i), s);
        }
    }
    if (oc->kind == MP_ANSWERED && o->command == MP_CMD_RAW) {
        g_string_append_printf(s, "\n%s:", mcp_cmd_name(oc->answer[4]));
        for (size_t i = 0; i < oc->answer_len; i++)
            g_string_append_printf(s, " %02x", oc->answer[i]);
    }
    printf("%s\n", s->str);
    g_string_free(s, TRUE);
    if (!polling && values)
        register_table(o, &d);
    fflush(stdout);
}

void mp_output_scan_header(const struct mp_options *o)
{
    if (!o->json)
        printf("%-7s %-20s %s\n", "device", "status", "latency");
}

void mp_output_scan_probe(const struct mp_options *o, uint8_t device, const struct mp_outcome *oc)
{
    if (o->json) {
        print_json(o, "scan", device, device, oc);
        return;
    }
    int st = mp_answer_status(oc);
    if (oc->kind != MP_ANSWERED || st == MCP_STATUS_UNKNOWN_DEVICE)
        return;
    printf("%6u  %-20s %.3f ms\n", device,
           st >= 0 ? status_name((uint8_t)st) : "(malformed answer)", (double)oc->latency_ns / 1e6);
    fflush(stdout);
}

static void id_list(const uint8_t *ids, size_t n, GString *s)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && ids[j + 1] == ids[j] + 1)
            j++;
        g_string_append_printf(s, "%s%u", s->len ? "," : "", ids[i]);
        if (j > i)
            g_string_append_printf(s, "-%u", ids[j]);
        i = j + 1;
    }
}

void mp_output_scan_summary(const struct mp_options *o, const uint8_t *found, size_t n_found,
                            uint64_t unknown_device, uint64_t no_answer, uint64_t naked)
{
    GString *ids = g_string_new(NULL);
    id_list(found, n_found, ids);
    FILE *f = o->json ? stderr : stdout;
    fprintf(f, "found %zu of %zu ids probed: %s\n", n_found, o->scan_count,
            n_found ? ids->str : "none");
    fprintf(f,
            "not found: %" G_GUINT64_FORMAT " answered UNKNOWN_DEVICE, %" G_GUINT64_FORMAT
            " no answer within %d ms, %" G_GUINT64_FORMAT " NAKed\n",
            unknown_device, no_answer, o->timeout_ms, naked);
    g_string_free(ids, TRUE);
}

static void nak_counts(const struct mcp_master_stats *ms, GString *s)
{
    for (int r = 0; r < 8; r++)
        if (ms->naks[r] > 0)
            g_string_append_printf(s, "%s%s %" G_GUINT64_FORMAT, s->len ? ", " : "",
                                   r ? nak_name((uint8_t)r) : "other", ms->naks[r]);
}

void mp_output_summary(const struct mp_options *o, const struct mp_tally *t,
                       const struct mcp_master_stats *ms, uint64_t unmatched, uint64_t events)
{
    FILE *f = o->json ? stderr : stdout;
    fprintf(f,
            "--- %" G_GUINT64_FORMAT " requests: %" G_GUINT64_FORMAT " answered (%" G_GUINT64_FORMAT
            " OK, %" G_GUINT64_FORMAT " other status, %" G_GUINT64_FORMAT
            " malformed), %" G_GUINT64_FORMAT " NAKed, %" G_GUINT64_FORMAT " no answer",
            t->requests, t->answered, t->ok, t->other_status, t->malformed, t->naked, t->no_answer);
    if (t->sent > 0)
        fprintf(f, "; %" G_GUINT64_FORMAT " sent expecting no answer", t->sent);
    fprintf(f, "\n");
    if (t->answered > 0)
        fprintf(f, "latency min/avg/max %.3f/%.3f/%.3f ms\n", (double)t->lat_min_ns / 1e6,
                (double)t->lat_sum_ns / (double)t->answered / 1e6, (double)t->lat_max_ns / 1e6);
    GString *naks = g_string_new(NULL);
    nak_counts(ms, naks);
    fprintf(f,
            "resends %" G_GUINT64_FORMAT ", NAKs: %s; unmatched answers %" G_GUINT64_FORMAT
            ", EVENTs %" G_GUINT64_FORMAT "\n",
            ms->resends, naks->len ? naks->str : "none", unmatched, events);
    g_string_free(naks, TRUE);
}

void mp_output_notes(const struct mp_options *o, const struct mcp_master_stats *ms,
                     uint64_t unmatched, uint64_t bad_crc, const char *crc_hint)
{
    if (ms->naks_unknown > 0)
        fprintf(stderr,
                "mcppoll: note: %" G_GUINT64_FORMAT " NAKs named frames this session did not send "
                "(ignored)%s\n",
                ms->naks_unknown,
                o->no_sync ? "; a device that heard an earlier session NAKs a gap: drop --no-sync"
                           : "");
    if (unmatched > 0)
        fprintf(stderr,
                "mcppoll: note: %" G_GUINT64_FORMAT " answers matched no waiting request (late "
                "answers after --timeout, or not ours)\n",
                unmatched);
    if (bad_crc > 0) {
        fprintf(stderr,
                "mcppoll: note: %" G_GUINT64_FORMAT " frames received failed the %s check%s "
                "(ignored)",
                bad_crc, mcp_crc_variant_name(o->codec.crc),
                o->codec.length_le ? " (length LE)" : "");
        if (crc_hint != NULL)
            fprintf(stderr, "; every one passes %s: try --crc %s\n", crc_hint, crc_hint);
        else
            fprintf(stderr, "; see --crc and --length-le\n");
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What mcppoll prints: see output.h. */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcp/crc.h"
#include "mcp/names.h"
#include "mcp/pdu.h"
#include "mcp/regval.h"

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
static void describe_request(const struct mp_options *o, const struct mp_step *st, GString *s)
{
    switch (o->command) {
    case MP_CMD_READ:
        g_string_append_printf(s, "device %u READ 0x%04x x%u", st->device, st->addr, st->count);
        break;
    case MP_CMD_WRITE:
        g_string_append_printf(s, "device %u WRITE 0x%04x x%u", st->device, st->addr, st->count);
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

/* The registers of item m as its step's outcome delivered them; false when it did not. */
static bool item_regs(const struct mp_options *o, const struct mp_item *m,
                      const struct mp_outcome *oc, uint16_t *regs)
{
    const struct mp_step *st = &o->steps[m->step];
    if (o->command == MP_CMD_WRITE) {
        if (!(oc->kind == MP_SENT ||
              (oc->kind == MP_ANSWERED && mp_answer_status(oc) == MCP_STATUS_OK)))
            return false;
        memcpy(regs, st->values + m->offset, m->item.nregs * sizeof *regs);
        return true;
    }
    struct decoded d;
    decode(oc, &d);
    if (!d.ok || d.pdu.status != MCP_STATUS_OK || d.pdu.cmd != MCP_CMD_READ_RSP ||
        !d.pdu.has_register_block || d.pdu.addr != st->addr || d.pdu.value_count != st->count)
        return false;
    for (unsigned i = 0; i < m->item.nregs; i++)
        regs[i] = mcp_pdu_value(d.payload, &d.pdu, m->offset + i);
    return true;
}

/* A typed value as shown: its name (--type: its address), number, unit and label. */
struct item_text {
    char name[MCP_REG_NAME_MAX + 8];
    char number[MCP_REG_TEXT_MAX + 48]; /* mcp_reg_format_number (bits: 0xNNNN) */
    char shown[MCP_REG_TEXT_MAX + 600]; /* mcp_reg_format: "23.4 °C", "1 (on)" */
    const char *unit;
    char label[512]; /* integers: the value's label; bits: the labelled bits set */
    struct mcp_reg_value v;
};

static void item_text(const struct mp_item *m, const uint16_t *regs, struct item_text *t)
{
    const struct mcp_reg_item *it = &m->item;
    if (m->named)
        g_strlcpy(t->name, it->name, sizeof t->name);
    else
        snprintf(t->name, sizeof t->name, "0x%04x", it->addr);
    t->unit = it->unit != NULL ? it->unit : "";
    t->label[0] = '\0';
    if (regs == NULL) {
        strcpy(t->number, "-");
        strcpy(t->shown, "-");
        return;
    }
    mcp_reg_decode(it, regs, &t->v);
    mcp_reg_format_number(it, &t->v, t->number, sizeof t->number);
    mcp_reg_format(it, &t->v, t->shown, sizeof t->shown);
    if (it->type == MCP_REG_BITS) {
        snprintf(t->number, sizeof t->number, "0x%04llx", (unsigned long long)t->v.raw);
        size_t n = 0;
        for (size_t i = 0; i < it->label_count; i++)
            if (t->v.raw >> it->labels[i].value & 1)
                n += (size_t)snprintf(t->label + n, n < sizeof t->label ? sizeof t->label - n : 0,
                                      "%s%s", n ? "," : "", it->labels[i].name);
    } else if (t->v.label != NULL) {
        g_strlcpy(t->label, t->v.label, sizeof t->label);
    }
}

static bool is_number_text(const char *s)
{
    return strcmp(s, "nan") != 0 && strcmp(s, "inf") != 0 && strcmp(s, "-inf") != 0;
}

/* ,"items":[{"name","addr","value","unit","raw","label"}...] of the values step k delivered. */
static void items_json(const struct mp_options *o, size_t step, const struct mp_outcome *oc,
                       GString *s)
{
    bool first = true;
    for (size_t i = 0; i < o->item_count; i++) {
        const struct mp_item *m = &o->items[i];
        uint16_t regs[MCP_REG_MAX_REGS];
        if (m->step != step || !item_regs(o, m, oc, regs))
            continue;
        struct item_text t;
        item_text(m, regs, &t);
        const struct mcp_reg_item *it = &m->item;
        g_string_append(s, first ? ",\"items\":[{\"name\":" : ",{\"name\":");
        first = false;
        if (m->named)
            json_string(it->name, s);
        else
            g_string_append(s, "null");
        g_string_append_printf(s, ",\"addr\":%u,\"value\":", it->addr);
        char num[64];
        if (it->type == MCP_REG_STR)
            json_string(t.v.text, s);
        else if (mcp_reg_format_number(it, &t.v, num, sizeof num) > 0 && is_number_text(num))
            g_string_append(s, num);
        else
            json_string(num, s);
        g_string_append(s, ",\"unit\":");
        if (it->unit != NULL)
            json_string(it->unit, s);
        else
            g_string_append(s, "null");
        g_string_append(s, ",\"raw\":");
        if (it->type == MCP_REG_STR)
            g_string_append(s, "null");
        else if (it->type == MCP_REG_I16 || it->type == MCP_REG_I32 || it->type == MCP_REG_I64)
            g_string_append_printf(s, "%" G_GINT64_FORMAT, t.v.sraw);
        else
            g_string_append_printf(s, "%" G_GUINT64_FORMAT, t.v.raw);
        g_string_append(s, ",\"label\":");
        if (t.label[0] != '\0')
            json_string(t.label, s);
        else
            g_string_append(s, "null");
        g_string_append(s, "}");
    }
    if (!first)
        g_string_append(s, "]");
}

static void print_json(const struct mp_options *o, const char *command, int device, uint64_t poll,
                       size_t step, const struct mp_outcome *oc)
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
    if (o->item_count > 0 && (o->command == MP_CMD_READ || o->command == MP_CMD_WRITE))
        items_json(o, step, oc, s);
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

bool mp_output_stdout_taken(const struct mp_options *o)
{
    return o->json || (o->csv_path != NULL && strcmp(o->csv_path, "-") == 0);
}

void mp_output_outcome(const struct mp_options *o, size_t step, uint64_t poll, bool polling,
                       const struct mp_outcome *oc)
{
    bool stepped = o->command == MP_CMD_READ || o->command == MP_CMD_WRITE;
    const struct mp_step *st = stepped ? &o->steps[step] : NULL;
    int device = stepped ? st->device : -1;
    if (o->json) {
        print_json(o, command_name(o->command), device, poll, step, oc);
        return;
    }
    if (mp_output_stdout_taken(o)) /* --csv -: the rows are the output */
        return;
    struct decoded d;
    decode(oc, &d);
    bool typed = o->item_count > 0;
    /* Polling typed values: one row per poll (mp_output_poll); a step shows only when not OK. */
    if (typed && polling && oc->kind == MP_ANSWERED && d.ok && d.pdu.status == MCP_STATUS_OK)
        return;
    GString *s = g_string_new(NULL);
    if (polling) {
        char when[48];
        iso_time(oc->sent_ns, when, sizeof when);
        g_string_append_printf(s, "%s  #%" G_GUINT64_FORMAT "  seq %3u  ", when, poll, oc->seq);
    }
    describe_request(o, st, s);
    human_line(o, oc, &d, s);
    bool values = !typed && d.ok && d.pdu.cmd == MCP_CMD_READ_RSP && d.pdu.has_register_block;
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

static FILE *csv_out;

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line end. */
static void csv_field(GString *s, const char *text)
{
    if (s->len > 0 && s->str[s->len - 1] != '\n')
        g_string_append_c(s, ',');
    if (strpbrk(text, ",\"\r\n") == NULL) {
        g_string_append(s, text);
        return;
    }
    g_string_append_c(s, '"');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"')
            g_string_append_c(s, '"');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '"');
}

bool mp_output_csv_open(const struct mp_options *o, GError **error)
{
    if (o->csv_path == NULL)
        return true;
    if (strcmp(o->csv_path, "-") == 0) {
        csv_out = stdout;
    } else if ((csv_out = fopen(o->csv_path, "w")) == NULL) {
        g_set_error(error, MP_ERROR, MP_EXIT_OUTPUT, "--csv: cannot write '%s': %s", o->csv_path,
                    g_strerror(errno));
        return false;
    }
    GString *s = g_string_new(NULL);
    csv_field(s, "time");
    csv_field(s, "latency_ms");
    if (o->item_count > 0) {
        for (size_t i = 0; i < o->item_count; i++) {
            struct item_text t;
            item_text(&o->items[i], NULL, &t);
            csv_field(s, t.name);
        }
    } else {
        for (unsigned i = 0; i < o->steps[0].count; i++) {
            char name[16];
            snprintf(name, sizeof name, "0x%04x", (o->steps[0].addr + i) & 0xFFFF);
            csv_field(s, name);
        }
    }
    g_string_append_c(s, '\n');
    fputs(s->str, csv_out);
    fflush(csv_out);
    g_string_free(s, TRUE);
    return true;
}

bool mp_output_csv_close(GError **error)
{
    if (csv_out == NULL)
        return true;
    bool ok = fflush(csv_out) == 0 && !ferror(csv_out);
    int err = errno;
    if (csv_out != stdout && fclose(csv_out) != 0)
        ok = false;
    csv_out = NULL;
    if (!ok)
        g_set_error(error, MP_ERROR, MP_EXIT_OUTPUT, "--csv: writing failed: %s", g_strerror(err));
    return ok;
}

/* ISO 8601 UTC with milliseconds (GDateTime): 2026-01-02T03:04:05.678Z. */
static void iso_time_ms(int64_t realtime_ns, char *out, size_t cap)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(realtime_ns / 1000000000);
    gchar *base = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
    snprintf(out, cap, "%s.%03dZ", base, (int)(realtime_ns % 1000000000 / 1000000));
    g_free(base);
    g_date_time_unref(dt);
}

static void csv_row(const struct mp_options *o, const struct mp_outcome *ocs, size_t done)
{
    GString *s = g_string_new(NULL);
    char when[48], num[32];
    iso_time_ms(ocs[0].sent_ns, when, sizeof when);
    csv_field(s, when);
    int64_t latency = 0;
    bool all = done == o->step_count;
    for (size_t k = 0; k < done; k++) {
        all = all && ocs[k].kind == MP_ANSWERED;
        latency += ocs[k].latency_ns;
    }
    snprintf(num, sizeof num, "%.3f", (double)latency / 1e6);
    csv_field(s, all ? num : "");
    if (o->item_count > 0) {
        for (size_t i = 0; i < o->item_count; i++) {
            const struct mp_item *m = &o->items[i];
            uint16_t regs[MCP_REG_MAX_REGS];
            bool have = m->step < done && item_regs(o, m, &ocs[m->step], regs);
            struct item_text t;
            item_text(m, have ? regs : NULL, &t);
            if (have && m->item.type == MCP_REG_BITS)
                snprintf(t.number, sizeof t.number, "%llu", (unsigned long long)t.v.raw);
            csv_field(s, have ? (m->item.type == MCP_REG_STR ? t.v.text : t.number) : "");
        }
    } else {
        struct decoded d;
        decode(&ocs[0], &d);
        bool ok = d.ok && d.pdu.status == MCP_STATUS_OK && d.pdu.cmd == MCP_CMD_READ_RSP &&
                  d.pdu.has_register_block && d.pdu.value_count == o->steps[0].count;
        for (unsigned i = 0; i < o->steps[0].count; i++) {
            snprintf(num, sizeof num, "%u", ok ? mcp_pdu_value(d.payload, &d.pdu, i) : 0);
            csv_field(s, ok ? num : "");
        }
    }
    g_string_append_c(s, '\n');
    fputs(s->str, csv_out);
    fflush(csv_out);
    g_string_free(s, TRUE);
}

/* Display width of UTF-8 text (a unit such as °C is 2 wide, not 3 bytes). */
static int width(const char *s)
{
    return (int)g_utf8_strlen(s, -1);
}

static void pad(const char *s, int w)
{
    printf("%s%*s", s, w - width(s), "");
}

void mp_output_poll(const struct mp_options *o, uint64_t poll, bool polling,
                    const struct mp_outcome *ocs, size_t done)
{
    if (done == 0)
        return;
    if (csv_out != NULL)
        csv_row(o, ocs, done);
    if (o->item_count == 0 || mp_output_stdout_taken(o))
        return;
    size_t n = o->item_count;
    struct item_text *t = g_new0(struct item_text, n);
    for (size_t i = 0; i < n; i++) {
        const struct mp_item *m = &o->items[i];
        uint16_t regs[MCP_REG_MAX_REGS];
        bool have = m->step < done && item_regs(o, m, &ocs[m->step], regs);
        item_text(m, have ? regs : NULL, &t[i]);
    }
    if (polling) {
        char when[48];
        iso_time(ocs[0].sent_ns, when, sizeof when);
        printf("%s  #%" G_GUINT64_FORMAT, when, poll);
        for (size_t i = 0; i < n; i++)
            printf("  %s=%s", t[i].name, t[i].shown);
        printf("\n");
    } else {
        /* --type: addr and value; a map's items: name, value, unit, label */
        bool named = o->items[0].named;
        const char *head[4] = {named ? "name" : "addr", "value", "unit", "label"};
        int cols = named ? 4 : 2;
        int w[4] = {width(head[0]), width(head[1]), width(head[2]), 0};
        for (size_t i = 0; i < n; i++) {
            w[0] = MAX(w[0], width(t[i].name));
            w[1] = MAX(w[1], width(t[i].number));
            w[2] = MAX(w[2], width(t[i].unit));
        }
        for (size_t i = 0; i <= n; i++) {
            const char *cell[4] = {head[0], head[1], head[2], head[3]};
            if (i > 0) {
                cell[0] = t[i - 1].name;
                cell[1] = t[i - 1].number;
                cell[2] = t[i - 1].unit;
                cell[3] = t[i - 1].label;
            }
            int last = cols - 1; /* no trailing blanks: the last non-empty cell ends the line */
            while (last > 0 && cell[last][0] == '\0')
                last--;
            for (int c = 0; c <= last; c++) {
                if (c < last)
                    pad(cell[c], w[c] + 2);
                else
                    printf("%s", cell[c]);
            }
            printf("\n");
        }
    }
    fflush(stdout);
    g_free(t);
}

void mp_output_scan_header(const struct mp_options *o)
{
    if (!o->json)
        printf("%-7s %-20s %s\n", "device", "status", "latency");
}

void mp_output_scan_probe(const struct mp_options *o, uint8_t device, const struct mp_outcome *oc)
{
    if (o->json) {
        print_json(o, "scan", device, device, 0, oc);
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
    FILE *f = mp_output_stdout_taken(o) ? stderr : stdout;
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
    FILE *f = mp_output_stdout_taken(o) ? stderr : stdout;
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Counter reports: text and JSON. */
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "mcp/names.h"
#include "mcp/pdu.h"

static const char *const verdict_keys[MCP_SEQ_VERDICT_COUNT] = {
    "none", "in_order", "duplicate", "gap", "out_of_order", "retransmission"};

static uint64_t sum(const uint64_t *v, size_t n)
{
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += v[i];
    return t;
}

/* "HEARTBEAT" or "0x2a" for a command without a name. */
static void cmd_label(unsigned cmd, char *out, size_t out_len)
{
    const char *name = mcp_name_of(mcp_cmd_names, cmd);
    if (name != NULL)
        g_strlcpy(out, name, out_len);
    else
        snprintf(out, out_len, "0x%02x", cmd);
}

static void print_by_cmd(FILE *out, const char *title, const uint64_t *counts)
{
    fprintf(out, "  %s: total=%" PRIu64, title, sum(counts, 256));
    for (unsigned c = 0; c < 256; c++) {
        if (counts[c] == 0)
            continue;
        char label[32];
        cmd_label(c, label, sizeof label);
        fprintf(out, " %s=%" PRIu64, label, counts[c]);
    }
    fputc('\n', out);
}

void sim_stats_print(const struct sim_stats *st, double uptime_s, FILE *out)
{
    fprintf(out, "mcpsim stats after %.3f s\n", uptime_s);
    print_by_cmd(out, "frames in", st->frames_in);
    print_by_cmd(out, "frames out", st->frames_out);
    fprintf(out,
            "  errors: crc_errors=%" PRIu64 " malformed=%" PRIu64 " junk_bytes=%" PRIu64
            " send_errors=%" PRIu64 "\n",
            st->crc_errors, st->malformed, st->junk_bytes, st->send_errors);
    fprintf(out, "  sequence:");
    for (int v = 0; v < MCP_SEQ_VERDICT_COUNT; v++)
        fprintf(out, " %s=%" PRIu64, verdict_keys[v], st->verdicts[v]);
    fputc('\n', out);
    fprintf(out, "  naks sent: total=%" PRIu64, sum(st->naks_sent, 6));
    for (unsigned r = 1; r < 6; r++)
        fprintf(out, " %s=%" PRIu64, mcp_name_of(mcp_nak_reason_names, r), st->naks_sent[r]);
    fprintf(out, "; naks received=%" PRIu64 " resent=%" PRIu64 "\n", st->naks_received, st->resent);
    fprintf(out,
            "  knobs: dropped=%" PRIu64 " busy=%" PRIu64 " failures=%" PRIu64 " broadcasts=%" PRIu64
            " events_sent=%" PRIu64 "\n",
            st->dropped, st->busy, st->failures, st->broadcasts, st->events_sent);
    fprintf(out,
            "  traffic: bytes_in=%" PRIu64 " bytes_out=%" PRIu64 " datagrams_in=%" PRIu64
            " datagrams_out=%" PRIu64 "\n",
            st->bytes_in, st->bytes_out, st->datagrams_in, st->datagrams_out);
    fprintf(out,
            "  clients: udp=%" PRIu64 " (total %" PRIu64 ", evicted %" PRIu64 ") tcp=%" PRIu64
            " (total %" PRIu64 ", refused %" PRIu64 ", overflows %" PRIu64 ") serial=%" PRIu64
            " read_pauses=%" PRIu64 "\n",
            st->udp_clients, st->udp_clients_total, st->udp_evicted, st->tcp_clients,
            st->tcp_clients_total, st->tcp_refused, st->tcp_overflows, st->serial_lines,
            st->read_pauses);
    fflush(out);
}

static void json_by_cmd(GString *j, const char *key, const uint64_t *counts)
{
    g_string_append_printf(j, "  \"%s\": {\"total\": %" PRIu64, key, sum(counts, 256));
    for (unsigned c = 0; c < 256; c++) {
        if (counts[c] == 0)
            continue;
        char label[32];
        cmd_label(c, label, sizeof label);
        g_string_append_printf(j, ", \"%s\": %" PRIu64, label, counts[c]);
    }
    g_string_append(j, "},\n");
}

#define JSON_U64(j, name, v) g_string_append_printf(j, "  \"%s\": %" PRIu64 ",\n", name, v)

bool sim_stats_write_json(const struct sim_stats *st, double uptime_s, const char *path, char *err,
                          size_t err_len)
{
    GString *j = g_string_new("{\n");
    g_string_append_printf(j, "  \"uptime_s\": %.3f,\n", uptime_s);
    JSON_U64(j, "start_monotonic_ns", st->start_ns);
    json_by_cmd(j, "frames_in", st->frames_in);
    json_by_cmd(j, "frames_out", st->frames_out);
    JSON_U64(j, "crc_errors", st->crc_errors);
    JSON_U64(j, "malformed", st->malformed);
    JSON_U64(j, "junk_bytes", st->junk_bytes);
    g_string_append(j, "  \"sequence\": {");
    for (int v = 0; v < MCP_SEQ_VERDICT_COUNT; v++)
        g_string_append_printf(j, "%s\"%s\": %" PRIu64, v ? ", " : "", verdict_keys[v],
                               st->verdicts[v]);
    g_string_append(j, "},\n");
    g_string_append_printf(j, "  \"naks_sent\": {\"total\": %" PRIu64, sum(st->naks_sent, 6));
    for (unsigned r = 1; r < 6; r++)
        g_string_append_printf(j, ", \"%s\": %" PRIu64, mcp_name_of(mcp_nak_reason_names, r),
                               st->naks_sent[r]);
    g_string_append(j, "},\n");
    JSON_U64(j, "naks_received", st->naks_received);
    JSON_U64(j, "resent", st->resent);
    JSON_U64(j, "dropped", st->dropped);
    JSON_U64(j, "busy", st->busy);
    JSON_U64(j, "failures", st->failures);
    JSON_U64(j, "broadcasts", st->broadcasts);
    JSON_U64(j, "events_sent", st->events_sent);
    JSON_U64(j, "bytes_in", st->bytes_in);
    JSON_U64(j, "bytes_out", st->bytes_out);
    JSON_U64(j, "datagrams_in", st->datagrams_in);
    JSON_U64(j, "datagrams_out", st->datagrams_out);
    JSON_U64(j, "send_errors", st->send_errors);
    g_string_append_printf(j,
                           "  \"clients\": {\"udp\": %" PRIu64 ", \"udp_total\": %" PRIu64
                           ", \"udp_evicted\": %" PRIu64 ", \"tcp\": %" PRIu64
                           ", \"tcp_total\": %" PRIu64 ", \"tcp_refused\": %" PRIu64
                           ", \"tcp_overflows\": %" PRIu64 ", \"serial\": %" PRIu64
                           ", \"read_pauses\": %" PRIu64 "}\n}\n",
                           st->udp_clients, st->udp_clients_total, st->udp_evicted, st->tcp_clients,
                           st->tcp_clients_total, st->tcp_refused, st->tcp_overflows,
                           st->serial_lines, st->read_pauses);

    if (strcmp(path, "-") == 0) {
        bool ok = fwrite(j->str, 1, j->len, stdout) == j->len && fflush(stdout) == 0;
        if (!ok)
            snprintf(err, err_len, "cannot write stats to stdout: %s", strerror(errno));
        g_string_free(j, TRUE);
        return ok;
    }
    /* h19 #4: a device, FIFO or other special file is written in place; only a regular file
     * (or a new one) is replaced atomically, never /dev/full by a regular file. */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        FILE *f = fopen(path, "w");
        bool ok = f != NULL && fwrite(j->str, 1, j->len, f) == j->len && fflush(f) == 0;
        int err_no = errno;
        if (f != NULL && fclose(f) != 0 && ok) {
            ok = false;
            err_no = errno;
        }
        if (!ok)
            snprintf(err, err_len, "cannot write stats to '%s': %s", path, strerror(err_no));
        g_string_free(j, TRUE);
        return ok;
    }
    GError *gerr = NULL;
    bool ok = g_file_set_contents(path, j->str, (gssize)j->len, &gerr);
    if (!ok) {
        snprintf(err, err_len, "cannot write stats to '%s': %s", path, gerr->message);
        g_error_free(gerr);
    }
    g_string_free(j, TRUE);
    return ok;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcppoll's command line: see options.h. */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "mcp/crc.h"
#include "serialline.h"
#include "version.h"
#include <pcap/pcap.h>

G_DEFINE_QUARK(mp - error - quark, mp_error)

#define USAGE_LINE "TARGET COMMAND [ARG...]"

static const char description[] =
    "Commands (numbers in decimal or 0x hex):\n"
    "  read DEVICE ADDR COUNT      read COUNT (1..125) registers from ADDR (--type: COUNT values)\n"
    "  read DEVICE NAME...|all     --map: the items named, or all of the device's, in as few\n"
    "                              READs as fit (runs without a gap, at most 125 registers)\n"
    "  write DEVICE ADDR VALUE...  write the values (0..65535 or -32768..-1) from ADDR;\n"
    "                              DEVICE 255 is a broadcast: no answer is expected\n"
    "  write DEVICE NAME=VALUE...  --map: engineering values (or labels), range-checked; an\n"
    "                              item of access r is refused before anything is sent\n"
    "  heartbeat                   ask the device whether it is alive\n"
    "  sync [REASON]               send SYNC (never answered)\n"
    "  raw HEX                     send any frame, 5a SEQ LEN LEN CMD PAYLOAD, with the\n"
    "                              check appended (unless --raw-crc: HEX ends with it)\n"
    "  scan [DEVICES]              which device ids answer, e.g. 1-10,20 (default 1-254)\n"
    "\n"
    "TARGET: udp://HOST:PORT, tcp://HOST:PORT (IPv6 in brackets), or\n"
    "serial:/dev/ttyX?baud=N&parity=none|even|odd&data-bits=5..8&stop-bits=1|2 (each\n"
    "parameter optional; default 8N1 at the line's rate).\n"
    "A session starts with a SYNC (seq --seq, default 0), so a device that heard an earlier\n"
    "session does not answer with gap NAKs; requests follow it. A NAK BAD_CRC, SEQ_GAP or\n"
    "BUSY makes mcppoll resend the frame with its seq (--retries, --busy-backoff).\n"
    "Typed values (--map's items, --type T --order O): docs/REGISTER-MAP.md.\n"
    "\n"
    "Examples:\n"
    "  mcppoll udp://10.0.0.5:23130 read 3 0x10 4\n"
    "  mcppoll tcp://plc:23130 write 3 0x0200 1500\n"
    "  mcppoll 'serial:/dev/ttyUSB0?baud=115200' scan 1-32\n"
    "  mcppoll 'serial:/dev/ttyS1?baud=19200&parity=even' read 3 0 2\n"
    "  mcppoll --count 0 --interval 500 --json udp://10.0.0.5:23130 read 3 0 2\n"
    "  mcppoll -c 10 --json=poll.jsonl --show hex udp://10.0.0.5:23130 read 3 0 2\n"
    "  mcppoll -v -w s.pcapng udp://10.0.0.5:23130 raw '5a 00 00 00 01'\n"
    "  mcppoll udp://10.0.0.5:23130 -- write 3 0x10 -5   (-- before negative values)\n"
    "  mcppoll --map plant.csv udp://10.0.0.5:23130 read 3 all\n"
    "  mcppoll --map plant.csv udp://10.0.0.5:23130 write 3 setpoint=21.5 mode=auto\n"
    "  mcppoll --map plant.csv -c 10 --interval 500 --csv log.csv udp://10.0.0.5:23130 read 3 all\n"
    "  mcppoll --type f32 --order CDAB udp://10.0.0.5:23130 read 3 0x20 4   (4 floats)\n"
    "  mcppoll --type i32 udp://10.0.0.5:23130 -- write 3 0x20 -100000 7\n"
    "\n"
    "Exit status (one table for every tool: docs/options.md):\n"
    "  0  answered with status OK\n"
    "  1  another status, or NAKed after the retries\n"
    "  2  usage or bad input (a bad --map: FILE:LINE: what is wrong)\n"
    "  3  target unreachable, or no answer within --timeout\n"
    "  6  an output (-w, --json=FILE, --csv) cannot be created or written (was 2 before 0.2)\n"
    "See mcppoll(1).";

bool mp_usage_error(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, MP_ERROR, MP_EXIT_USAGE, msg);
    g_free(msg);
    return false;
}

bool mp_parse_number(const char *text, long min, long max, long *out)
{
    if (text == NULL || *text == '\0')
        return false;
    const char *p = text;
    bool neg = false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (!isxdigit((unsigned char)*p) || (base == 10 && !isdigit((unsigned char)*p)))
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(p, &end, base);
    if (errno != 0 || *end != '\0' || v > (unsigned long)LONG_MAX)
        return false;
    long value = neg ? -(long)v : (long)v;
    if (value < min || value > max)
        return false;
    *out = value;
    return true;
}

static int cmp_u8(const void *a, const void *b)
{
    return *(const uint8_t *)a - *(const uint8_t *)b;
}

bool mp_parse_devices(const char *text, uint8_t *ids, size_t *n, GError **error)
{
    bool seen[255] = {false};
    gchar **parts = g_strsplit(text, ",", -1);
    bool ok = parts[0] != NULL;
    for (gchar **p = parts; ok && *p != NULL; p++) {
        long lo, hi;
        gchar *dash = strlen(*p) > 1 ? strchr(*p + 1, '-') : NULL;
        if (dash != NULL) {
            *dash = '\0';
            ok = mp_parse_number(*p, 0, 254, &lo) && mp_parse_number(dash + 1, 0, 254, &hi) &&
                 lo <= hi;
        } else {
            ok = mp_parse_number(*p, 0, 254, &lo);
            hi = lo;
        }
        for (long d = lo; ok && d <= hi; d++)
            seen[d] = true;
    }
    g_strfreev(parts);
    if (!ok)
        return mp_usage_error(
            error,
            "scan: bad device list '%s' (ids 0..254 and ranges LOW-HIGH, comma-separated, "
            "e.g. 1-10,20)",
            text);
    *n = 0;
    for (int d = 0; d < 255; d++)
        if (seen[d])
            ids[(*n)++] = (uint8_t)d;
    qsort(ids, *n, 1, cmp_u8);
    return true;
}

static bool number_arg(const char *what, const char *text, long min, long max, long *out,
                       GError **error)
{
    if (text == NULL)
        return mp_usage_error(error, "missing %s", what);
    if (!mp_parse_number(text, min, max, out))
        return mp_usage_error(error, "%s: '%s' is not a number from %ld to %ld (decimal or 0x hex)",
                              what, text, min, max);
    return true;
}

static bool parse_hex(const char *text, struct mp_options *o, GError **error)
{
    size_t n = 0;
    int half = -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (isspace((unsigned char)*p) || *p == ':' || *p == '-')
            continue;
        if (!isxdigit((unsigned char)*p))
            return mp_usage_error(error, "raw: '%c' is not a hex digit", *p);
        int v = g_ascii_xdigit_value(*p);
        if (half < 0) {
            half = v;
            continue;
        }
        if (n >= sizeof o->raw)
            return mp_usage_error(error, "raw: longer than the largest frame (%d bytes)",
                                  MCP_MAX_FRAME);
        o->raw[n++] = (uint8_t)(half << 4 | v);
        half = -1;
    }
    if (half >= 0)
        return mp_usage_error(error, "raw: an odd number of hex digits");
    size_t header = MCP_HEADER_LEN + (o->raw_crc ? 1 : 0);
    if (n < header)
        return mp_usage_error(
            error, "raw: a frame has at least %zu bytes here (magic, seq, length, cmd%s)", header,
            o->raw_crc ? ", check" : "");
    if (!o->raw_crc && n + 1 > sizeof o->raw)
        return mp_usage_error(error, "raw: longer than the largest frame (%d bytes)",
                              MCP_MAX_FRAME);
    o->raw_len = n;
    return true;
}

/* The COMMAND and its arguments (args[0] is the command's name). */
static bool parse_command(char **args, struct mp_options *o, GError **error)
{
    const char *name = args[0];
    size_t argc = g_strv_length(args) - 1;
    char **a = args + 1;
    long v;
    if (g_ascii_strcasecmp(name, "read") == 0 || g_ascii_strcasecmp(name, "write") == 0) {
        bool rd = g_ascii_strcasecmp(name, "read") == 0;
        o->command = rd ? MP_CMD_READ : MP_CMD_WRITE;
        /* With --map, the word after DEVICE is an item's name (names start with a letter). */
        o->by_name = argc >= 2 && (rd ? g_ascii_isalpha(a[1][0]) : strchr(a[1], '=') != NULL);
        if (argc < 2 || (rd && !o->by_name && argc != 3) || (!rd && !o->by_name && argc < 3))
            return mp_usage_error(error,
                                  rd ? "usage: read DEVICE ADDR COUNT, or with --map: read DEVICE "
                                       "NAME... or read DEVICE all"
                                     : "usage: write DEVICE ADDR VALUE..., or with --map: write "
                                       "DEVICE NAME=VALUE...");
        if (!number_arg("DEVICE", a[0], 0, 255, &v, error))
            return false;
        o->device = (uint8_t)v;
        if (rd && o->device == MCP_BROADCAST_DEVICE)
            return mp_usage_error(error,
                                  "read: device 255 is the broadcast address: nobody answers it");
        if (o->by_name) {
            if (o->map_path == NULL)
                return mp_usage_error(
                    error,
                    rd ? "read: '%s' is not an address; items are read by name with "
                         "--map FILE"
                       : "write: '%s': items are written by name with --map FILE",
                    a[1]);
            if (o->type_name != NULL)
                return mp_usage_error(error,
                                      "--type applies to %s DEVICE ADDR ...: a map's items have "
                                      "their own types",
                                      name);
            for (size_t i = 1; !rd && i < argc; i++)
                if (strchr(a[i], '=') == NULL || a[i][0] == '=')
                    return mp_usage_error(error, "write: '%s' is not NAME=VALUE", a[i]);
            o->args = g_strdupv(a + 1);
            return true;
        }
        if (!number_arg("ADDR", a[1], 0, 0xFFFF, &v, error))
            return false;
        o->addr = (uint16_t)v;
        if (rd) {
            if (!number_arg(o->type_name != NULL ? "COUNT (values)" : "COUNT", a[2], 1,
                            MCP_MAX_REGISTERS, &v, error))
                return false;
            o->count = (uint16_t)v;
            return true;
        }
        if (argc - 2 > MCP_MAX_REGISTERS)
            return mp_usage_error(error, "write: %zu values; at most %d fit in one WRITE", argc - 2,
                                  MCP_MAX_REGISTERS);
        if (o->type_name != NULL) { /* typed values: plan.c encodes them */
            o->args = g_strdupv(a + 1);
            o->count = (uint16_t)(argc - 2);
            return true;
        }
        for (size_t i = 2; i < argc; i++) {
            char what[32];
            g_snprintf(what, sizeof what, "VALUE %zu", i - 1);
            if (!number_arg(what, a[i], -32768, 0xFFFF, &v, error))
                return false;
            o->values[i - 2] = (uint16_t)v;
        }
        o->count = (uint16_t)(argc - 2);
        return true;
    }
    if (g_ascii_strcasecmp(name, "heartbeat") == 0) {
        o->command = MP_CMD_HEARTBEAT;
        if (argc != 0)
            return mp_usage_error(error, "usage: heartbeat (no arguments)");
        return true;
    }
    if (g_ascii_strcasecmp(name, "sync") == 0) {
        o->command = MP_CMD_SYNC;
        if (argc > 1)
            return mp_usage_error(error, "usage: sync [REASON]");
        if (argc == 1) {
            if (!number_arg("REASON", a[0], 0, 255, &v, error))
                return false;
            o->sync_has_reason = true;
            o->sync_reason = (uint8_t)v;
        }
        return true;
    }
    if (g_ascii_strcasecmp(name, "raw") == 0) {
        o->command = MP_CMD_RAW;
        if (argc < 1)
            return mp_usage_error(error, "usage: raw HEX (e.g. raw '5a 00 00 00 01')");
        char *joined = g_strjoinv(" ", a);
        bool ok = parse_hex(joined, o, error);
        g_free(joined);
        return ok;
    }
    if (g_ascii_strcasecmp(name, "scan") == 0) {
        o->command = MP_CMD_SCAN;
        if (argc > 1)
            return mp_usage_error(error, "usage: scan [DEVICES] (e.g. scan 1-10,20)");
        return mp_parse_devices(argc == 1 ? a[0] : "1-254", o->scan_ids, &o->scan_count, error);
    }
    return mp_usage_error(error, "unknown command '%s' (read, write, heartbeat, sync, raw or scan)",
                          name);
}

static bool parse_format(const char *text, enum mp_format *f, GError **error)
{
    static const struct {
        const char *name;
        enum mp_format f;
    } table[] = {{"table", MP_FMT_TABLE},
                 {"hex", MP_FMT_HEX},
                 {"unsigned", MP_FMT_UNSIGNED},
                 {"signed", MP_FMT_SIGNED},
                 {"binary", MP_FMT_BINARY}};
    for (size_t i = 0; i < G_N_ELEMENTS(table); i++)
        if (g_ascii_strcasecmp(text, table[i].name) == 0) {
            *f = table[i].f;
            return true;
        }
    return mp_usage_error(
        error, "--show: unknown format '%s' (table, hex, unsigned, signed or binary)", text);
}

static gchar **json_target; /* where the --json callback stores its FILE */

static gboolean on_json(const gchar *name, const gchar *value, gpointer data, GError **error)
{
    (void)name;
    (void)data;
    if (value != NULL && value[0] == '\0') {
        g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--json: an empty file name (--json alone or --json=- for stdout)");
        return FALSE;
    }
    g_free(*json_target);
    *json_target = g_strdup(value != NULL ? value : "-");
    return TRUE;
}

struct raw_opts {
    gchar *json_path;
    gboolean version;
    gchar *crc, *format, *record, *scan_addr;
    gboolean length_le, no_sync, verbose, raw_crc;
    gint timeout_ms, retries, busy_backoff_ms, stall_ms, seq, interval_ms;
    gint64 count;
    gchar **rest;
    gint silence_ms; /* --silence */
    gchar *map, *type, *order, *csv;
};

static bool convert(struct raw_opts *r, struct mp_options *o, bool timeout_given, GError **error)
{
    o->codec = mcp_codec_default();
    o->codec.length_le = r->length_le;
    if (r->crc != NULL && !mcp_crc_variant_from_name(r->crc, &o->codec.crc))
        return mp_usage_error(error, "--crc: unknown variant '%s' (one of: %s)", r->crc,
                              mcp_crc_variant_list());
    if (r->retries < 0)
        return mp_usage_error(error, "--retries must be 0 or more");
    o->retries = (unsigned)r->retries;
    if (r->busy_backoff_ms < 0)
        return mp_usage_error(error, "--busy-backoff must be 0 ms or more");
    o->busy_backoff_ms = r->busy_backoff_ms;
    if (r->stall_ms < 1)
        return mp_usage_error(error, "--stall-timeout must be 1 ms or more");
    o->stall_ms = r->stall_ms;
    char why[128];
    if (!mcp_silence_check(r->silence_ms, why, sizeof why))
        return mp_usage_error(error, "%s", why);
    o->silence_ms = r->silence_ms;
    if (r->seq < 0 || r->seq > 255)
        return mp_usage_error(error, "--seq must be from 0 to 255");
    o->seq = (uint8_t)r->seq;
    o->no_sync = r->no_sync;
    if (r->interval_ms < 0)
        return mp_usage_error(error, "--interval must be 0 ms or more");
    o->interval_ms = r->interval_ms;
    if (r->count < 0)
        return mp_usage_error(error, "--count must be 0 (until Ctrl-C) or more");
    o->count_polls = (uint64_t)r->count;
    if (r->record != NULL && r->record[0] == '\0')
        return mp_usage_error(error, "--write: an empty file name (- is stdout)");
    o->record = g_strdup(r->record);
    o->json = r->json_path != NULL;
    o->json_path = g_strdup(r->json_path);
    if (o->json && o->record != NULL && strcmp(r->json_path, "-") == 0 &&
        strcmp(o->record, "-") == 0)
        return mp_usage_error(error, "--json and --write cannot both write to stdout (-)");
    o->verbose = r->verbose;
    o->raw_crc = r->raw_crc;
    if (r->map != NULL && r->map[0] == '\0')
        return mp_usage_error(error, "--map: an empty file name");
    o->map_path = g_strdup(r->map);
    if (r->type != NULL && r->type[0] == '\0')
        return mp_usage_error(error, "--type: empty (u16 i16 u32 i32 u64 i64 f32 f64 bits str:N)");
    if (r->order != NULL && r->type == NULL)
        return mp_usage_error(error, "--order %s needs --type (the byte order of which type?)",
                              r->order);
    if (r->order != NULL && r->order[0] == '\0')
        return mp_usage_error(error, "--order: empty (ABCD, CDAB, BADC or DCBA)");
    o->type_name = g_strdup(r->type);
    o->order_name = g_strdup(r->order);
    if (r->csv != NULL && r->csv[0] == '\0')
        return mp_usage_error(error, "--csv: an empty file name (- is stdout)");
    o->csv_path = g_strdup(r->csv);
    if (o->csv_path != NULL && strcmp(o->csv_path, "-") == 0 &&
        (o->json || (o->record != NULL && strcmp(o->record, "-") == 0)))
        return mp_usage_error(error, "--csv - takes stdout: %s",
                              o->json ? "--json goes with --csv FILE"
                                      : "--write - cannot share it");
    if (r->format != NULL && !parse_format(r->format, &o->format, error))
        return false;
    if (r->rest == NULL || r->rest[0] == NULL)
        return mp_usage_error(error, "no target given (usage: mcppoll [OPTIONS] " USAGE_LINE ")");
    o->target = g_strdup(r->rest[0]);
    if (r->rest[1] == NULL)
        return mp_usage_error(error,
                              "no command given (read, write, heartbeat, sync, raw or scan)");
    if (!parse_command(r->rest + 1, o, error))
        return false;
    long v = 0;
    if (r->scan_addr != NULL && !number_arg("--scan-addr", r->scan_addr, 0, 0xFFFF, &v, error))
        return false;
    o->scan_addr = (uint16_t)v;
    /* A scan asks up to 254 ids one after the other: a short wait for each by default. */
    o->timeout_ms = timeout_given ? r->timeout_ms : (o->command == MP_CMD_SCAN ? 100 : 1000);
    if (o->timeout_ms < 1)
        return mp_usage_error(error, "--timeout must be 1 ms or more");
    if (o->command == MP_CMD_SCAN && o->count_polls != 1)
        return mp_usage_error(error, "--count does not apply to scan (it asks each device once)");
    if (o->type_name != NULL && o->command != MP_CMD_READ && o->command != MP_CMD_WRITE)
        return mp_usage_error(error, "--type applies to read and write");
    if (o->csv_path != NULL && o->command != MP_CMD_READ)
        return mp_usage_error(error, "--csv applies to read (one row per poll)");
    if (o->command == MP_CMD_RAW && r->seq != 0)
        return mp_usage_error(error, "--seq does not apply to raw: the frame carries its own seq");
    return true;
}

static bool looks_like_target(const char *w)
{
    return g_str_has_prefix(w, "udp://") || g_str_has_prefix(w, "tcp://") ||
           g_str_has_prefix(w, "serial:") || g_str_has_prefix(w, "iface:");
}

/*
 * --json and -j are a flag (JSON to stdout); only --json=FILE names a file. GLib's
 * optional-argument options take the next word that does not start with '-' as the value
 * (the target in "--json udp://... read 3 0 2"), so before GLib parses, a bare --json or -j
 * (also in a cluster such as -vj) becomes --json=-. Values of the options that take one
 * are skipped, and so is everything after "--". "--json FILE TARGET" (mcpreplay's form)
 * is refused with the spelling to use. Returns a new vector (g_strfreev it) or NULL with
 * error set.
 */
static gchar **json_as_flag(int argc, char **argv, GError **error)
{
    static const char *const with_value[] = {"--timeout",
                                             "--retries",
                                             "--busy-backoff",
                                             "--crc",
                                             "--seq",
                                             "--count",
                                             "-c",
                                             "--interval",
                                             "-i",
                                             "--show",
                                             "-f",
                                             "--format",
                                             "--record",
                                             "--write",
                                             "-w",
                                             "--scan-addr",
                                             "--stall-timeout",
                                             "--silence",
                                             "--map",
                                             "--type",
                                             "--order",
                                             "--csv",
                                             "--deprecated-i"};
    GPtrArray *out = g_ptr_array_new();
    bool rest = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool bare_long = strcmp(a, "--json") == 0;
        bool cluster = !rest && i > 0 && a[0] == '-' && a[1] != '-' && a[1] != '\0' &&
                       strchr(a, 'j') != NULL && a[strspn(a + 1, "vjV") + 1] == '\0';
        if (rest || i == 0 || !(bare_long || cluster)) {
            g_ptr_array_add(out, g_strdup(a));
            if (strcmp(a, "--") == 0)
                rest = true;
            for (size_t k = 0; !rest && i > 0 && k < G_N_ELEMENTS(with_value); k++)
                if (strcmp(a, with_value[k]) == 0 && i + 1 < argc) {
                    g_ptr_array_add(out, g_strdup(argv[++i]));
                    break;
                }
            continue;
        }
        if (i + 2 < argc && argv[i + 1][0] != '-' && !looks_like_target(argv[i + 1]) &&
            looks_like_target(argv[i + 2])) {
            g_set_error(error, MP_ERROR, MP_EXIT_USAGE,
                        "%s takes no FILE after a space (it writes to stdout): write "
                        "--json=%s for a file",
                        a, argv[i + 1]);
            g_ptr_array_free(out, TRUE);
            return NULL;
        }
        if (cluster) { /* -vj: keep the other flags, -j becomes --json=- */
            GString *others = g_string_new("-");
            for (const char *c = a + 1; *c != '\0'; c++)
                if (*c != 'j')
                    g_string_append_c(others, *c);
            if (others->len > 1)
                g_ptr_array_add(out, g_string_free(others, FALSE));
            else
                g_string_free(others, TRUE);
        }
        g_ptr_array_add(out, g_strdup("--json=-"));
    }
    g_ptr_array_add(out, NULL);
    return (gchar **)g_ptr_array_free(out, FALSE);
}

bool mp_options_parse(int argc, char **argv, struct mp_options *o, GError **error)
{
    struct raw_opts r = {.timeout_ms = G_MININT,
                         .retries = MCP_MASTER_DEFAULT_RETRIES,
                         .busy_backoff_ms = MCP_MASTER_DEFAULT_BUSY_BACKOFF_MS,
                         .stall_ms = 5000,
                         .interval_ms = 1000,
                         .count = 1,
                         .silence_ms = MCP_SILENCE_DEFAULT_MS};
    GOptionEntry entries[] = {
        {"timeout", 0, 0, G_OPTION_ARG_INT, &r.timeout_ms,
         "Wait at most MS for an answer (default 1000; scan: 100 per device)", "MS"},
        {"retries", 0, 0, G_OPTION_ARG_INT, &r.retries,
         "Resend a NAKed frame up to N times (default 3)", "N"},
        {"busy-backoff", 0, 0, G_OPTION_ARG_INT, &r.busy_backoff_ms,
         "Wait MS before resending after NAK BUSY (default 50)", "MS"},
        {"crc", 0, 0, G_OPTION_ARG_STRING, &r.crc, "Check variant (default crc8-smbus)", "VARIANT"},
        {"length-le", 0, 0, G_OPTION_ARG_NONE, &r.length_le, "The length field is little-endian",
         NULL},
        {"seq", 0, 0, G_OPTION_ARG_INT, &r.seq, "Start numbering at N (default 0)", "N"},
        {"no-sync", 0, 0, G_OPTION_ARG_NONE, &r.no_sync, "Do not start the session with a SYNC",
         NULL},
        {"count", 'c', 0, G_OPTION_ARG_INT64, &r.count,
         "Repeat the command N times (0: until Ctrl-C; default 1)", "N"},
        {"interval", 0, 0, G_OPTION_ARG_INT, &r.interval_ms,
         "Between repeats, MS from one request to the next (default 1000)", "MS"},
        /* hidden, for one release: -i is --interface in mcpserialdump (docs/options.md) */
        {"deprecated-i", 'i', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &r.interval_ms,
         "old -i (--interval)", "MS"},
        {"json", 'j', G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer)on_json,
         "One JSON object per line per answer, to stdout; --json=FILE: to FILE", "FILE"},
        {"show", 'f', 0, G_OPTION_ARG_STRING, &r.format,
         "Register values: table (default), hex, unsigned, signed, binary", "FMT"},
        {"format", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &r.format, "old name of --show",
         "FMT"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &r.verbose,
         "Print every frame sent and received in hex (stderr)", NULL},
        {"write", 'w', 0, G_OPTION_ARG_FILENAME, &r.record,
         "Write the session to a capture (pcap, ns timestamps; - for stdout)", "FILE"},
        {"record", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &r.record, "old name of --write",
         "FILE"},
        {"raw-crc", 0, 0, G_OPTION_ARG_NONE, &r.raw_crc,
         "raw: HEX ends with the check byte (sent as given)", NULL},
        {"scan-addr", 0, 0, G_OPTION_ARG_STRING, &r.scan_addr,
         "scan: the register each probe reads (default 0)", "ADDR"},
        {"stall-timeout", 0, 0, G_OPTION_ARG_INT, &r.stall_ms,
         "A target that accepts no data (or no connection) for MS is lost (default 5000)", "MS"},
        {"silence", 0, 0, G_OPTION_ARG_INT, &r.silence_ms, MCP_SILENCE_HELP, "MS"},
        {"map", 0, 0, G_OPTION_ARG_FILENAME, &r.map,
         "Register map (docs/REGISTER-MAP.md): read and write items by name", "FILE"},
        {"type", 0, 0, G_OPTION_ARG_STRING, &r.type,
         "read/write ADDR: values of type T (u16 i16 u32 i32 u64 i64 f32 f64 bits str:N)", "T"},
        {"order", 0, 0, G_OPTION_ARG_STRING, &r.order,
         "--type's byte order: ABCD (default), CDAB, BADC, DCBA", "O"},
        {"csv", 0, 0, G_OPTION_ARG_FILENAME, &r.csv,
         "read: one CSV row per poll (time, latency, values) to FILE (- for stdout)", "FILE"},
        MCP_VERSION_OPTION(&r.version),
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &r.rest, NULL, USAGE_LINE},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("- talk to one MCP device by hand");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_summary(ctx, "Reads and writes registers, sends heartbeats, SYNCs or any "
                                      "frame, and finds the devices that answer.");
    g_option_context_set_description(ctx, description);
    memset(o, 0, sizeof *o);
    json_target = &r.json_path;
    GError *err = NULL;
    gchar **args = json_as_flag(argc, argv, error);
    bool scanned = args != NULL;
    bool ok = scanned && g_option_context_parse_strv(ctx, &args, &err);
    g_strfreev(args);
    json_target = NULL;
    if (!scanned) {
        ok = false;
    } else if (!ok) {
        g_set_error_literal(error, MP_ERROR, MP_EXIT_USAGE, err->message);
        g_error_free(err);
    } else if (r.version) {
        mcp_version_print(stdout, "mcppoll", pcap_lib_version());
        o->version_shown = true;
    } else {
        bool timeout_given = r.timeout_ms != G_MININT;
        ok = convert(&r, o, timeout_given, error);
    }
    g_option_context_free(ctx);
    g_free(r.crc);
    g_free(r.format);
    g_free(r.json_path);
    g_free(r.record);
    g_free(r.scan_addr);
    g_free(r.map);
    g_free(r.type);
    g_free(r.order);
    g_free(r.csv);
    g_strfreev(r.rest);
    return ok;
}

void mp_options_clear(struct mp_options *o)
{
    g_free(o->target);
    g_free(o->record);
    g_free(o->json_path);
    g_free(o->map_path);
    g_free(o->type_name);
    g_free(o->order_name);
    g_free(o->csv_path);
    g_strfreev(o->args);
    mcp_regmap_free(o->map);
    mcp_regmap_free(o->type_map);
    g_free(o->steps);
    g_free(o->items);
    memset(o, 0, sizeof *o);
}

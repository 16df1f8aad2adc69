/* Command-line parsing of mcppoll. */
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "mcp/crc.h"

G_DEFINE_QUARK(mcppoll - error - quark, mp_error)

static bool fail(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool fail(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gchar *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, MP_ERROR, 2, msg);
    g_free(msg);
    return false;
}

/* A number in decimal or 0x hex, the whole text, within [lo, hi]. */
static bool number(const char *text, const char *what, unsigned long lo, unsigned long hi,
                   unsigned long *out, GError **error)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = text[0] == '-' ? 0 : strtoul(text, &end, 0);
    if (text[0] == '-' || end == text || *end != '\0' || errno != 0 || v < lo || v > hi)
        return fail(error, "%s: '%s' is not a number from %lu to %lu (decimal or 0x hex)", what,
                    text, lo, hi);
    *out = v;
    return true;
}

static bool parse_devices(const char *text, bool out[256], GError **error)
{
    gchar **parts = g_strsplit(text, ",", -1);
    bool ok = true;
    for (gchar **p = parts; ok && *p != NULL; p++) {
        gchar **range = g_strsplit(*p, "-", 2);
        unsigned long a, b;
        ok = number(range[0], "scan: device", 1, 254, &a, error) &&
             (range[1] == NULL ? (b = a, true)
                               : number(range[1], "scan: device", 1, 254, &b, error));
        if (ok && b < a)
            ok = fail(error, "scan: the range '%s' runs backwards", *p);
        for (unsigned long d = a; ok && d <= b; d++)
            out[d] = true;
        g_strfreev(range);
    }
    g_strfreev(parts);
    return ok;
}

static bool parse_hex(const char *text, uint8_t *out, size_t cap, size_t *len, GError **error)
{
    size_t n = 0;
    int half = -1;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == ':' || *p == '-')
            continue;
        if (!g_ascii_isxdigit(*p))
            return fail(error, "raw: '%s' is not hex", text);
        int v = g_ascii_xdigit_value(*p);
        if (half < 0) {
            half = v;
            continue;
        }
        if (n >= cap)
            return fail(error, "raw: more than %zu bytes", cap);
        out[n++] = (uint8_t)(half << 4 | v);
        half = -1;
    }
    if (half >= 0)
        return fail(error, "raw: an odd number of hex digits");
    *len = n;
    return true;
}

/* The command and its arguments (argv after the target). */
static bool parse_command(int argc, char **argv, struct mp_options *o, GError **error)
{
    if (argc < 1)
        return fail(error, "no command given (read, write, heartbeat, sync, raw, scan)");
    const char *c = argv[0];
    unsigned long v;
    int nargs = argc - 1;
    char **a = argv + 1;
    if (strcmp(c, "read") == 0 || strcmp(c, "write") == 0) {
        bool read = c[0] == 'r';
        if (read ? nargs != 3 : nargs < 3)
            return fail(error, read ? "usage: read DEVICE ADDR COUNT"
                                    : "usage: write DEVICE ADDR VALUE...");
        if (!number(a[0], "device", 0, 255, &v, error))
            return false;
        o->device = (uint8_t)v;
        if (!number(a[1], "address", 0, 0xFFFF, &v, error))
            return false;
        o->addr = (uint16_t)v;
        o->kind = read ? MP_READ : MP_WRITE;
        if (read) {
            if (!number(a[2], "count", 1, MCP_MAX_REGISTERS, &v, error))
                return false;
            o->count = (uint16_t)v;
        } else {
            if (nargs - 2 > MCP_MAX_REGISTERS)
                return fail(error, "write: at most %d values", MCP_MAX_REGISTERS);
            o->count = (uint16_t)(nargs - 2);
            for (int i = 0; i < o->count; i++) {
                if (!number(a[2 + i], "value", 0, 0xFFFF, &v, error))
                    return false;
                o->values[i] = (uint16_t)v;
            }
        }
        if ((unsigned long)o->addr + o->count - 1 > 0xFFFF)
            return fail(error, "%s: the registers run past 0xFFFF", c);
        return true;
    }
    if (strcmp(c, "heartbeat") == 0) {
        o->kind = MP_HEARTBEAT;
        return nargs == 0 || fail(error, "usage: heartbeat");
    }
    if (strcmp(c, "sync") == 0) {
        o->kind = MP_SYNC;
        if (nargs > 1)
            return fail(error, "usage: sync [REASON]");
        if (nargs == 1) {
            if (!number(a[0], "reason", 0, 255, &v, error))
                return false;
            o->has_reason = true;
            o->reason = (uint8_t)v;
        }
        return true;
    }
    if (strcmp(c, "raw") == 0) {
        o->kind = MP_RAW;
        if (nargs < 1)
            return fail(error, "usage: raw HEX (the frame from 5a; the check is added unless "
                               "--raw-crc)");
        gchar *joined = g_strjoinv("", a);
        bool ok = parse_hex(joined, o->raw, sizeof o->raw, &o->raw_len, error);
        g_free(joined);
        if (!ok)
            return false;
        size_t need = o->raw_crc ? MCP_OVERHEAD : MCP_HEADER_LEN;
        if (o->raw_len < need || o->raw[0] != MCP_MAGIC)
            return fail(error, "raw: a frame starts with 5a and has at least %zu bytes", need);
        return true;
    }
    if (strcmp(c, "scan") == 0) {
        o->kind = MP_SCAN;
        if (nargs > 1)
            return fail(error, "usage: scan [DEVICES] (e.g. 1-10,20; default 1-254)");
        return parse_devices(nargs == 1 ? a[0] : "1-254", o->scan, error);
    }
    return fail(error, "unknown command '%s' (read, write, heartbeat, sync, raw, scan)", c);
}

bool mp_options_parse(int argc, char **argv, struct mp_options *o, GError **error)
{
    gchar *crc = NULL, *format = NULL, *record = NULL;
    gboolean length_le = FALSE, json = FALSE, verbose = FALSE, raw_crc = FALSE, no_sync = FALSE;
    gint timeout = -1, interval = 1000, retries = MCP_MASTER_DEFAULT_RETRIES,
         backoff = MCP_MASTER_DEFAULT_BUSY_BACKOFF_MS, seq = -1;
    gint64 count = 1;
    GOptionEntry entries[] = {
        {"timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
         "No answer within MS: exit 3 (default 1000; scan: 200 per device)", "MS"},
        {"interval", 'i', 0, G_OPTION_ARG_INT, &interval,
         "Between polls, MS from one request to the next (default 1000)", "MS"},
        {"count", 'c', 0, G_OPTION_ARG_INT64, &count, "Polls (default 1; 0: until Ctrl-C)", "N"},
        {"retries", 0, 0, G_OPTION_ARG_INT, &retries,
         "Resend a NAKed request up to N times (default 3)", "N"},
        {"busy-backoff", 0, 0, G_OPTION_ARG_INT, &backoff,
         "After NAK BUSY, wait MS before resending (default 50)", "MS"},
        {"seq", 0, 0, G_OPTION_ARG_INT, &seq, "First sequence number (default 0)", "N"},
        {"no-sync", 0, 0, G_OPTION_ARG_NONE, &no_sync, "Do not start the session with a SYNC frame",
         NULL},
        {"crc", 0, 0, G_OPTION_ARG_STRING, &crc, "Check variant (default crc8-smbus)", "VARIANT"},
        {"length-le", 0, 0, G_OPTION_ARG_NONE, &length_le, "The length field is little-endian",
         NULL},
        {"raw-crc", 0, 0, G_OPTION_ARG_NONE, &raw_crc, "raw: the HEX holds the check already",
         NULL},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format,
         "Register values: table (default), hex, unsigned, signed", "FORMAT"},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "One JSON object per line per answer", NULL},
        {"record", 'w', 0, G_OPTION_ARG_FILENAME, &record,
         "Write the session (requests and answers) to a capture the mcp5a plugin decodes", "FILE"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
         "Show the request and answer frames in hex (stderr)", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("TARGET COMMAND [ARGS...]");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_summary(
        ctx, "Asks one MCP device one thing now (docs/PROTOCOL.md), like mbpoll for Modbus.\n\n"
             "TARGET: udp://HOST:PORT, tcp://HOST:PORT, serial:/dev/ttyX?baud=N\n"
             "COMMAND:\n"
             "  read DEVICE ADDR COUNT     read COUNT (1..125) registers\n"
             "  write DEVICE ADDR VALUE... write registers (device 255: broadcast, no answer)\n"
             "  heartbeat                  HEARTBEAT\n"
             "  sync [REASON]              SYNC (never answered)\n"
             "  raw HEX                    any frame, from 5a; the check is added\n"
             "  scan [DEVICES]             which device ids answer (default 1-254)\n"
             "Numbers in decimal or 0x hex.");
    g_option_context_set_description(
        ctx, "Examples:\n"
             "  mcppoll udp://10.0.0.5:23130 read 3 0x10 4\n"
             "  mcppoll tcp://10.0.0.5:23130 write 3 0x0200 1500\n"
             "  mcppoll -c 0 -i 500 --json udp://10.0.0.5:23130 read 3 0x10 2\n"
             "  mcppoll 'serial:/dev/ttyUSB0?baud=19200' scan 1-10\n"
             "Exit codes: 0 answered with status OK; 1 another status, or NAKed after the\n"
             "retries; 2 usage or bad input; 3 target unreachable or no answer within\n"
             "--timeout. See mcppoll(1).");
    g_option_context_set_strict_posix(ctx, FALSE);
    memset(o, 0, sizeof *o);
    GError *err = NULL;
    bool ok = g_option_context_parse(ctx, &argc, &argv, &err);
    g_option_context_free(ctx);
    if (!ok) {
        g_set_error(error, MP_ERROR, 2, "%s", err->message);
        g_error_free(err);
        goto out;
    }
    ok = false;
    o->codec = mcp_codec_default();
    o->codec.length_le = length_le;
    o->raw_crc = raw_crc;
    if (crc != NULL && !mcp_crc_variant_from_name(crc, &o->codec.crc)) {
        fail(error, "--crc: unknown variant '%s' (one of: %s)", crc, mcp_crc_variant_list());
        goto out;
    }
    o->format = MP_FORMAT_TABLE;
    if (format != NULL) {
        static const char *const names[] = {"table", "hex", "unsigned", "signed"};
        unsigned i = 0;
        while (i < G_N_ELEMENTS(names) && strcmp(format, names[i]) != 0)
            i++;
        if (i == G_N_ELEMENTS(names)) {
            fail(error, "--format: '%s' is not table, hex, unsigned or signed", format);
            goto out;
        }
        o->format = (enum mp_format)i;
    }
    if (timeout == 0 || timeout < -1 || interval < 1 || count < 0 || retries < 0 || backoff < 0 ||
        seq < -1 || seq > 255) {
        fail(error, "%s",
             timeout == 0 || timeout < -1 ? "--timeout must be 1 ms or more"
             : interval < 1               ? "--interval must be 1 ms or more"
             : count < 0                  ? "--count must be 0 or more"
             : retries < 0                ? "--retries must not be negative"
             : backoff < 0                ? "--busy-backoff must not be negative"
                                          : "--seq must be from 0 to 255");
        goto out;
    }
    o->interval_ms = interval;
    o->count_polls = (long)count;
    o->retries = retries;
    o->busy_backoff_ms = backoff;
    o->seq = seq;
    o->no_sync = no_sync;
    o->json = json;
    o->verbose = verbose;
    o->record = record;
    record = NULL;
    if (argc < 2) {
        fail(error, "no target given (udp://HOST:PORT, tcp://HOST:PORT, serial:/dev/X?baud=N)");
        goto out;
    }
    o->target = g_strdup(argv[1]);
    if (!parse_command(argc - 2, argv + 2, o, error))
        goto out;
    o->timeout_ms = timeout > 0 ? timeout : o->kind == MP_SCAN ? 200 : 1000;
    ok = true;
out:
    g_free(crc);
    g_free(format);
    g_free(record);
    return ok;
}

void mp_options_clear(struct mp_options *o)
{
    g_free(o->target);
    g_free(o->record);
    memset(o, 0, sizeof *o);
}

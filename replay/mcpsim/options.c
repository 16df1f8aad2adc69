/* mcpsim's command line (GOption). */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mcp/crc.h"
#include "mcp/pdu.h"

static bool parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    if (!g_ascii_isdigit(text[0]))
        return false;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || v > max)
        return false;
    *out = v;
    return *end == '\0';
}

bool sim_parse_device_list(const char *text, bool present[256])
{
    memset(present, 0, 256 * sizeof present[0]);
    gchar **parts = g_strsplit(text, ",", -1);
    bool ok = parts[0] != NULL;
    for (gchar **p = parts; ok && *p != NULL; p++) {
        unsigned long lo, hi;
        gchar *dash = strchr(*p, '-');
        if (dash != NULL) {
            *dash = '\0';
            ok = parse_uint(*p, 254, &lo) && parse_uint(dash + 1, 254, &hi) && lo <= hi;
        } else {
            ok = parse_uint(*p, 254, &lo);
            hi = lo;
        }
        for (unsigned long id = lo; ok && id <= hi; id++)
            present[id] = true;
    }
    g_strfreev(parts);
    return ok;
}

static bool parse_double_text(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = g_ascii_strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v >= 0) || v > 1e9)
        return false;
    *out = v;
    return true;
}

/* "MS" or "MS:JITTER_MS". */
static bool parse_latency(const char *text, double *ms, double *jitter)
{
    gchar **parts = g_strsplit(text, ":", 3);
    bool ok = false;
    *jitter = 0;
    if (parts[0] != NULL && parse_double_text(parts[0], ms)) {
        if (parts[1] == NULL)
            ok = true;
        else if (parts[2] == NULL)
            ok = parse_double_text(parts[1], jitter);
    }
    g_strfreev(parts);
    return ok;
}

static bool fail(char *err, size_t err_len, const char *fmt, const char *arg)
{
    snprintf(err, err_len, fmt, arg);
    return false;
}

struct raw_options {
    gchar **listen;
    gchar *serial;
    gint baud;
    gboolean pty;
    gchar *devices;
    gchar *registers;
    gchar *seed;
    gchar *latency;
    gdouble drop_rate, busy_rate, failure_rate, nak_busy_rate, events, stats_interval;
    gchar *stats_json;
    gboolean verbose;
    gint cpu;
    gint max_udp, max_tcp;
    gdouble udp_idle;
    gchar *crc;
    gboolean length_le;
};

static void raw_free(struct raw_options *r)
{
    g_strfreev(r->listen);
    g_free(r->serial);
    g_free(r->devices);
    g_free(r->registers);
    g_free(r->seed);
    g_free(r->latency);
    g_free(r->stats_json);
    g_free(r->crc);
}

static bool check_rate(const char *name, double v, char *err, size_t err_len)
{
    if (v >= 0 && v <= 1)
        return true;
    return fail(err, err_len, "%s must be a probability from 0 to 1", name);
}

static bool convert(struct raw_options *r, struct sim_config *cfg, char *err, size_t err_len)
{
    for (gchar **u = r->listen; u != NULL && *u != NULL; u++) {
        if (cfg->listen_count == SIM_MAX_LISTENERS)
            return fail(err, err_len, "at most 16 --listen options (%s)", *u);
        struct mcp_endpoint *ep = &cfg->listen[cfg->listen_count];
        char why[512];
        if (!mcp_endpoint_parse(*u, ep, why, sizeof why))
            return fail(err, err_len, "--listen: %s", why);
        if (ep->kind != MCP_ENDPOINT_UDP && ep->kind != MCP_ENDPOINT_TCP)
            return fail(err, err_len,
                        "--listen takes udp://ADDR:PORT or tcp://ADDR:PORT, not '%s' (use "
                        "--serial or --pty)",
                        *u);
        cfg->listen_count++;
    }
    if (r->serial != NULL && r->pty)
        return fail(err, err_len, "%s", "--serial and --pty exclude each other");
    cfg->serial_path = g_strdup(r->serial);
    cfg->pty = r->pty;
    if (r->baud < 0 || (r->baud > 0 && r->serial == NULL))
        return fail(err, err_len, "%s", "--baud needs --serial and a positive rate");
    cfg->baud = (unsigned)r->baud;
    if (r->devices != NULL && !sim_parse_device_list(r->devices, cfg->devices))
        return fail(err, err_len, "--devices: bad list '%s' (ids 0..254, e.g. 1-4,7)", r->devices);
    cfg->registers_file = g_strdup(r->registers);
    if (r->seed != NULL) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(r->seed, &end, 0);
        if (errno != 0 || *end != '\0' || end == r->seed || r->seed[0] == '-')
            return fail(err, err_len, "--seed must be a non-negative integer, not '%s'", r->seed);
        cfg->have_seed = true;
        cfg->seed = s;
    }
    if (r->latency != NULL && !parse_latency(r->latency, &cfg->latency_ms, &cfg->jitter_ms))
        return fail(err, err_len, "--latency takes MS or MS:JITTER_MS, not '%s'", r->latency);
    if (!check_rate("--drop-rate", r->drop_rate, err, err_len) ||
        !check_rate("--busy-rate", r->busy_rate, err, err_len) ||
        !check_rate("--failure-rate", r->failure_rate, err, err_len) ||
        !check_rate("--nak-busy-rate", r->nak_busy_rate, err, err_len))
        return false;
    cfg->drop_rate = r->drop_rate;
    cfg->busy_rate = r->busy_rate;
    cfg->failure_rate = r->failure_rate;
    cfg->nak_busy_rate = r->nak_busy_rate;
    if (!(r->events >= 0 && r->events <= 1e6))
        return fail(err, err_len, "%s", "--events must be a rate from 0 to 1e6 per second");
    cfg->events_rate = r->events;
    if (!(r->stats_interval >= 0 && r->stats_interval <= 1e6))
        return fail(err, err_len, "%s", "--stats-interval must be seconds >= 0");
    cfg->stats_interval = r->stats_interval;
    cfg->stats_json = g_strdup(r->stats_json);
    cfg->verbose = r->verbose;
    if (r->cpu < -1)
        return fail(err, err_len, "%s", "--cpu must be a CPU number");
    cfg->cpu = r->cpu;
    if (r->max_udp < 1 || r->max_tcp < 1)
        return fail(err, err_len, "%s", "--max-udp-clients and --max-tcp-clients must be >= 1");
    cfg->max_udp_clients = (unsigned)r->max_udp;
    cfg->max_tcp_clients = (unsigned)r->max_tcp;
    if (!(r->udp_idle > 0))
        return fail(err, err_len, "%s", "--udp-idle must be seconds > 0");
    cfg->udp_idle_s = r->udp_idle;
    if (r->crc != NULL && !mcp_crc_variant_from_name(r->crc, &cfg->codec.crc))
        return fail(err, err_len, "--crc: unknown variant '%s'", r->crc);
    cfg->codec.length_le = r->length_le;
    return true;
}

bool sim_options_parse(int argc, char **argv, struct sim_config *cfg, char *err, size_t err_len)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->codec = mcp_codec_default();
    cfg->devices[1] = true;
    struct raw_options r = {.cpu = -1, .max_udp = 4096, .max_tcp = 1024, .udp_idle = 300};
    GOptionEntry entries[] = {
        {"listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &r.listen,
         "Listen on udp://ADDR:PORT or tcp://ADDR:PORT (repeatable; IPv6 as [::1]; port 0 "
         "picks one). Default: both on 127.0.0.1:23130 unless --serial/--pty",
         "URL"},
        {"serial", 0, 0, G_OPTION_ARG_FILENAME, &r.serial, "Serve a serial line (raw mode)", "DEV"},
        {"baud", 0, 0, G_OPTION_ARG_INT, &r.baud, "Baud rate of --serial", "N"},
        {"pty", 0, 0, G_OPTION_ARG_NONE, &r.pty, "Serve a new pseudo-terminal", NULL},
        {"devices", 'd', 0, G_OPTION_ARG_STRING, &r.devices,
         "Device ids to simulate, e.g. 1-4,7 (default 1)", "LIST"},
        {"registers", 0, 0, G_OPTION_ARG_FILENAME, &r.registers,
         "Register values: lines 'DEVICE ADDR VALUE [VALUE...]'", "FILE"},
        {"seed", 0, 0, G_OPTION_ARG_STRING, &r.seed,
         "Fill registers with values from this seed; also seeds the knobs", "N"},
        {"latency", 0, 0, G_OPTION_ARG_STRING, &r.latency,
         "Delay answers by MS, +/- up to JITTER_MS", "MS[:JITTER_MS]"},
        {"drop-rate", 0, 0, G_OPTION_ARG_DOUBLE, &r.drop_rate,
         "Leave this fraction of requests unanswered", "P"},
        {"busy-rate", 0, 0, G_OPTION_ARG_DOUBLE, &r.busy_rate,
         "Answer this fraction of requests DEVICE_BUSY", "P"},
        {"failure-rate", 0, 0, G_OPTION_ARG_DOUBLE, &r.failure_rate,
         "Answer this fraction of requests DEVICE_FAILURE", "P"},
        {"nak-busy-rate", 0, 0, G_OPTION_ARG_DOUBLE, &r.nak_busy_rate,
         "Refuse this fraction of requests with NAK reason BUSY (to be resent)", "P"},
        {"events", 0, 0, G_OPTION_ARG_DOUBLE, &r.events,
         "Send RATE unsolicited EVENT frames per second to each client seen", "RATE"},
        {"stats-interval", 0, 0, G_OPTION_ARG_DOUBLE, &r.stats_interval,
         "Print the counters every S seconds (they are always printed on exit)", "S"},
        {"stats-json", 0, 0, G_OPTION_ARG_FILENAME, &r.stats_json,
         "Also write the counters as JSON to FILE", "FILE"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &r.verbose, "Log every frame on stderr", NULL},
        {"cpu", 0, 0, G_OPTION_ARG_INT, &r.cpu, "Pin the process to this CPU", "N"},
        {"max-udp-clients", 0, 0, G_OPTION_ARG_INT, &r.max_udp,
         "UDP clients remembered at once; the idlest is forgotten (default 4096)", "N"},
        {"max-tcp-clients", 0, 0, G_OPTION_ARG_INT, &r.max_tcp,
         "TCP connections at once; more are refused (default 1024)", "N"},
        {"udp-idle", 0, 0, G_OPTION_ARG_DOUBLE, &r.udp_idle,
         "Forget a UDP client silent for S seconds (default 300)", "S"},
        {"crc", 0, 0, G_OPTION_ARG_STRING, &r.crc, "Frame check variant (default crc8-smbus)",
         "NAME"},
        {"length-le", 0, 0, G_OPTION_ARG_NONE, &r.length_le, "The length field is little-endian",
         NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};

    GOptionContext *ctx = g_option_context_new("- simulated MCP v1 device (UDP, TCP, serial)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *gerr = NULL;
    bool ok = g_option_context_parse(ctx, &argc, &argv, &gerr);
    if (!ok) {
        snprintf(err, err_len, "%s", gerr->message);
        g_error_free(gerr);
    } else if (argc > 1) {
        ok = fail(err, err_len, "unexpected argument '%s'", argv[1]);
    } else {
        ok = convert(&r, cfg, err, err_len);
    }
    g_option_context_free(ctx);
    raw_free(&r);
    if (ok && cfg->listen_count == 0 && cfg->serial_path == NULL && !cfg->pty) {
        char why[256];
        if (!mcp_endpoint_parse("udp://127.0.0.1:23130", &cfg->listen[0], why, sizeof why) ||
            !mcp_endpoint_parse("tcp://127.0.0.1:23130", &cfg->listen[1], why, sizeof why))
            return fail(err, err_len, "%s", why);
        cfg->listen_count = 2;
    }
    return ok;
}

void sim_config_free(struct sim_config *cfg)
{
    g_free(cfg->serial_path);
    g_free(cfg->registers_file);
    g_free(cfg->stats_json);
    cfg->serial_path = cfg->registers_file = cfg->stats_json = NULL;
}

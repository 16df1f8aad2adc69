/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpsim's command line (GOption). */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "mcp/crc.h"
#include "mcp/pdu.h"
#include "idlist.h"
#include "serial.h"
#include "serialline.h"
#include "version.h"

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
    GPtrArray *listen; /* --listen and its hidden -l, in order */
    gchar *serial;
    gint baud;
    gchar *baud_text;
    gboolean pty;
    gchar *devices;
    gchar *registers;
    gchar *map;
    gchar *seed;
    gchar *latency;
    gdouble drop_rate, busy_rate, failure_rate, nak_busy_rate, events, stats_interval;
    gchar *stats_json;
    gboolean verbose;
    gint cpu;
    gint max_udp, max_tcp;
    gdouble udp_idle;
    gint silence_ms; /* --silence */
    gchar *crc;
    gboolean length_le;
    gboolean version;
};

/* --listen and -l (a callback so both fill one list, in order). */
static struct raw_options *parsing;

static gboolean add_listen(const gchar *name, const gchar *value, gpointer data, GError **error)
{
    (void)name, (void)data, (void)error;
    g_ptr_array_add(parsing->listen, g_strdup(value));
    return TRUE;
}

static void raw_free(struct raw_options *r)
{
    g_ptr_array_free(r->listen, TRUE);
    g_free(r->serial);
    g_free(r->baud_text);
    g_free(r->devices);
    g_free(r->registers);
    g_free(r->map);
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

/* --json FILE is written atomically (a temporary file in its folder, then a
 * rename), at every --stats-interval and on exit: its folder must be writable
 * now, not only when the first counters are due. "-" is stdout. */
bool sim_json_path_writable(const char *path, char *err, size_t err_len)
{
    if (strcmp(path, "-") == 0)
        return true;
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
        return fail(err, err_len, "--json: '%s' is a folder", path);
    gchar *dir = g_path_get_dirname(path);
    bool ok = access(dir, W_OK | X_OK) == 0;
    int e = errno;
    if (!ok)
        snprintf(err, err_len, "--json: cannot write into '%s': %s", dir, strerror(e));
    g_free(dir);
    return ok;
}

/* The hidden --baud N (as text, so "0", "-5" and "fast" are told apart from "not given"). */
static bool parse_baud(struct raw_options *r, char *err, size_t err_len)
{
    if (r->baud_text == NULL)
        return true;
    unsigned long v;
    speed_t speed;
    if (!parse_uint(r->baud_text, 4000000, &v) || v == 0 || !mcp_serial_speed((unsigned)v, &speed))
        return fail(err, err_len,
                    "--baud: '%s' is not a baud rate serial lines support (e.g. 9600, 19200, "
                    "38400, 57600, 115200)",
                    r->baud_text);
    r->baud = (gint)v;
    return true;
}

static bool convert(struct raw_options *r, struct sim_config *cfg, char *err, size_t err_len)
{
    if (!parse_baud(r, err, err_len))
        return false;
    const char *serial_url = NULL;
    for (guint i = 0; i < r->listen->len; i++) {
        const char *u = g_ptr_array_index(r->listen, i);
        struct mcp_endpoint ep;
        char why[512];
        if (!mcp_endpoint_parse_with(u, MCP_ENDPOINT_DEVICES, &ep, why, sizeof why))
            return fail(err, err_len, "--listen: %s", why);
        if (ep.kind == MCP_ENDPOINT_SERIAL) {
            /* serial:/dev/X?baud=N&...: the URL form of the old --serial DEV --baud N */
            if (serial_url != NULL || r->serial != NULL)
                return fail(err, err_len, "--listen: one serial line at most ('%s')", u);
            serial_url = u;
            g_free(r->serial);
            r->serial = g_strdup(ep.path);
            if (ep.serial.baud != 0 && r->baud > 0)
                return fail(err, err_len,
                            "--listen '%s': give the baud rate once (not also --baud)", u);
            cfg->serial = ep.serial;
            cfg->serial_has_devices = ep.has_devices;
            memcpy(cfg->serial_devices, ep.devices, sizeof cfg->serial_devices);
            cfg->serial_number = i + 1;
            continue;
        }
        if (ep.kind != MCP_ENDPOINT_UDP && ep.kind != MCP_ENDPOINT_TCP)
            return fail(err, err_len,
                        "--listen takes udp://ADDR:PORT, tcp://ADDR:PORT or "
                        "serial:/dev/X?baud=N, not '%s'",
                        u);
        if (cfg->listen_count == SIM_MAX_LISTENERS)
            return fail(err, err_len, "--listen: at most 16 network listeners (%s)", u);
        cfg->listen_number[cfg->listen_count] = i + 1;
        cfg->listen[cfg->listen_count++] = ep;
    }
    if (r->serial != NULL && r->pty)
        return fail(err, err_len, "%s", "--listen serial:... and --pty exclude each other");
    cfg->serial_path = g_strdup(r->serial);
    cfg->pty = r->pty;
    if (r->baud > 0 && r->serial == NULL)
        return fail(err, err_len, "%s", "--baud needs a serial line (--listen serial:/dev/X)");
    if (r->baud > 0)
        cfg->serial.baud = (unsigned)r->baud;
    if (r->devices != NULL && !mcp_parse_id_list(r->devices, 0, 254, cfg->devices))
        return fail(err, err_len, "--devices: bad list '%s' (ids 0..254, e.g. 1-4,7)", r->devices);
    if (r->devices != NULL && r->listen->len > 0 && !r->pty) {
        bool shared_used = r->serial != NULL && !cfg->serial_has_devices;
        for (size_t i = 0; i < cfg->listen_count; i++)
            shared_used = shared_used || !cfg->listen[i].has_devices;
        if (!shared_used)
            return fail(err, err_len,
                        "--devices %s would serve nothing: every --listen has its own devices= "
                        "(drop --devices, or a listener's devices= to give it the --devices ones)",
                        r->devices);
    }
    cfg->registers_file = g_strdup(r->registers);
    if (r->map != NULL && r->registers != NULL)
        return fail(err, err_len, "%s", "--map and --registers exclude each other");
    cfg->map_file = g_strdup(r->map);
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
    if (!check_rate("--drop", r->drop_rate, err, err_len) ||
        !check_rate("--busy", r->busy_rate, err, err_len) ||
        !check_rate("--failure", r->failure_rate, err, err_len) ||
        !check_rate("--nak", r->nak_busy_rate, err, err_len))
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
    if (!mcp_silence_check(r->silence_ms, err, err_len))
        return false;
    cfg->silence_ms = r->silence_ms;
    if (r->crc != NULL && !mcp_crc_variant_from_name(r->crc, &cfg->codec.crc))
        return fail(err, err_len, "--crc: unknown variant '%s'", r->crc);
    cfg->codec.length_le = r->length_le;
    return true;
}

#define HIDDEN G_OPTION_FLAG_HIDDEN

static const char help_description[] =
    "Exit status (one table for every tool: docs/options.md):\n"
    "  0  stopped by SIGINT/SIGTERM\n"
    "  2  bad options, or a bad --registers file (was 4 before 0.2)\n"
    "  3  a listener, serial line or pty could not be opened (also a port in use), or a\n"
    "     serial line hung up while serving (was 1 before 0.2)\n"
    "  6  the --json counters cannot be written (was 1 before 0.2)\n"
    "  7  a system call mcpsim cannot do without failed (epoll, signalfd; was 1 before 0.2)\n"
    "\n"
    "Examples:\n"
    "  mcpsim                                       UDP and TCP on 127.0.0.1:23130, device 1\n"
    "  mcpsim --listen udp://0.0.0.0:5020 --devices 1-4,7 --seed 7\n"
    "  mcpsim --listen serial:/dev/ttyUSB0?baud=115200 --registers regs.txt\n"
    "  mcpsim --map plant.csv --devices 1-8 --seed 7   the devices of a register map\n"
    "  mcpsim --listen 'udp://0.0.0.0:5020?devices=1-250' --listen "
    "'udp://0.0.0.0:5021?devices=1-250' --map plant.csv   500 devices, 250 per port\n"
    "  mcpsim --listen 'serial:/dev/ttyS1?baud=19200&parity=even&stop-bits=1'\n"
    "  mcpsim --pty                                 prints the pty to open: listening "
    "serial:/dev/pts/N\n"
    "  mcpsim --latency 5:2 --drop 0.01 --busy 0.05 --events 2 -v\n"
    "  mcpsim --stats-interval 10 --json stats.json\n"
    "\n"
    "Renamed in 0.2 (the old spellings still work for one release): --serial DEV --baud N is\n"
    "--listen serial:DEV?baud=N, --drop-rate/--busy-rate/--failure-rate/--nak-busy-rate are\n"
    "--drop/--busy/--failure/--nak, --stats-json is --json; -l and -d are gone (use --listen,\n"
    "--devices). See mcpsim(1) and docs/options.md.\n";

bool sim_options_parse(int argc, char **argv, struct sim_config *cfg, char *err, size_t err_len)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->codec = mcp_codec_default();
    cfg->devices[1] = true;
    struct raw_options r = {.cpu = -1,
                            .max_udp = 4096,
                            .max_tcp = 1024,
                            .udp_idle = 300,
                            .silence_ms = MCP_SILENCE_DEFAULT_MS};
    r.listen = g_ptr_array_new_with_free_func(g_free);
    parsing = &r;
    GOptionEntry entries[] = {
        {"listen", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)add_listen,
         "Listen on udp://ADDR:PORT, tcp://ADDR:PORT (repeatable; IPv6 as [::1]; port 0 picks "
         "one) or serve the serial line serial:/dev/X?baud=N&parity=none|even|odd&data-bits=5..8&"
         "stop-bits=1|2 (raw mode; each parameter optional, default 8N1 at the line's rate). "
         "Any of them may take devices=LIST (udp://ADDR:PORT?devices=1-250, "
         "serial:/dev/X?baud=N&devices=1-4): the listener then serves its own devices with those "
         "ids (device 7 there is not device 7 of another listener); without it a listener "
         "serves the --devices ones, shared. Default: udp and tcp "
         "on 127.0.0.1:23130 unless a serial line or --pty is given",
         "URL"},
        {"deprecated-l", 'l', HIDDEN, G_OPTION_ARG_CALLBACK, (gpointer)add_listen, "old -l", "URL"},
        {"serial", 0, HIDDEN, G_OPTION_ARG_FILENAME, &r.serial, "old form of --listen serial:DEV",
         "DEV"},
        {"baud", 0, HIDDEN, G_OPTION_ARG_STRING, &r.baud_text, "old form of ?baud=N", "N"},
        {"pty", 0, 0, G_OPTION_ARG_NONE, &r.pty,
         "Serve a new pseudo-terminal (with the --devices devices)", NULL},
        {"devices", 0, 0, G_OPTION_ARG_STRING, &r.devices,
         "Device ids to simulate, e.g. 1-4,7 (ids 0..254, default 1): the devices of --pty and of "
         "every listener without devices=, shared by them",
         "LIST"},
        {"deprecated-d", 'd', HIDDEN, G_OPTION_ARG_STRING, &r.devices, "old -d", "LIST"},
        {"registers", 0, 0, G_OPTION_ARG_FILENAME, &r.registers,
         "Register values: lines 'DEVICE ADDR VALUE [VALUE...]'", "FILE"},
        {"map", 0, 0, G_OPTION_ARG_FILENAME, &r.map,
         "Simulate the devices of this register map (docs/REGISTER-MAP.md): `*` items go to the "
         "--devices ids and to each listener's devices= ids; an item naming ids goes to those "
         "ids wherever a listener has them, and adds them to the --devices ones",
         "FILE"},
        {"seed", 's', 0, G_OPTION_ARG_STRING, &r.seed,
         "Fill registers with values from this seed (a listener's own devices= differently); "
         "with --map, each device's `random` "
         "draws (from the seed, its listener and its id: the same seed and requests to a device, "
         "the same values; device 7 of two listeners with devices= draws differently); also "
         "seeds the knobs",
         "N"},
        {"latency", 0, 0, G_OPTION_ARG_STRING, &r.latency,
         "Delay answers by MS +- JITTER_MS ms (uniform; as mcpgen --latency)", "MS[:JITTER_MS]"},
        {"drop", 0, 0, G_OPTION_ARG_DOUBLE, &r.drop_rate,
         "Leave this fraction of requests unanswered", "P"},
        {"drop-rate", 0, HIDDEN, G_OPTION_ARG_DOUBLE, &r.drop_rate, "old name of --drop", "P"},
        {"busy", 0, 0, G_OPTION_ARG_DOUBLE, &r.busy_rate,
         "Answer this fraction of requests DEVICE_BUSY", "P"},
        {"busy-rate", 0, HIDDEN, G_OPTION_ARG_DOUBLE, &r.busy_rate, "old name of --busy", "P"},
        {"failure", 0, 0, G_OPTION_ARG_DOUBLE, &r.failure_rate,
         "Answer this fraction of requests DEVICE_FAILURE", "P"},
        {"failure-rate", 0, HIDDEN, G_OPTION_ARG_DOUBLE, &r.failure_rate, "old name of --failure",
         "P"},
        {"nak", 0, 0, G_OPTION_ARG_DOUBLE, &r.nak_busy_rate,
         "Refuse this fraction of requests with NAK reason BUSY (to be resent)", "P"},
        {"nak-busy-rate", 0, HIDDEN, G_OPTION_ARG_DOUBLE, &r.nak_busy_rate, "old name of --nak",
         "P"},
        {"events", 0, 0, G_OPTION_ARG_DOUBLE, &r.events,
         "Send RATE unsolicited EVENT frames per second to each client seen", "RATE"},
        {"stats-interval", 0, 0, G_OPTION_ARG_DOUBLE, &r.stats_interval,
         "Print the counters every S seconds (they are always printed on exit)", "S"},
        {"json", 0, 0, G_OPTION_ARG_FILENAME, &r.stats_json,
         "Also write the counters as JSON to FILE (- for stdout: the text then goes to stderr)",
         "FILE"},
        {"stats-json", 0, HIDDEN, G_OPTION_ARG_FILENAME, &r.stats_json, "old name of --json",
         "FILE"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &r.verbose, "Log every frame on stderr", NULL},
        {"cpu", 0, 0, G_OPTION_ARG_INT, &r.cpu, "Pin the process to this CPU", "N"},
        {"max-udp-clients", 0, 0, G_OPTION_ARG_INT, &r.max_udp,
         "UDP clients remembered at once; the idlest is forgotten (default 4096)", "N"},
        {"max-tcp-clients", 0, 0, G_OPTION_ARG_INT, &r.max_tcp,
         "TCP connections at once; more are refused (default 1024)", "N"},
        {"udp-idle", 0, 0, G_OPTION_ARG_DOUBLE, &r.udp_idle,
         "Forget a UDP client silent for S seconds (default 300)", "S"},
        {"silence", 0, 0, G_OPTION_ARG_INT, &r.silence_ms, MCP_SILENCE_HELP, "MS"},
        {"crc", 0, 0, G_OPTION_ARG_STRING, &r.crc, "Frame check variant (default crc8-smbus)",
         "NAME"},
        {"length-le", 0, 0, G_OPTION_ARG_NONE, &r.length_le, "The length field is little-endian",
         NULL},
        MCP_VERSION_OPTION(&r.version),
        {NULL, 0, 0, 0, NULL, NULL, NULL}};

    GOptionContext *ctx = g_option_context_new("- simulated MCP v1 device (UDP, TCP, serial)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx, help_description);
    GError *gerr = NULL;
    bool ok = g_option_context_parse(ctx, &argc, &argv, &gerr);
    if (!ok) {
        snprintf(err, err_len, "%s", gerr->message);
        g_error_free(gerr);
    } else if (r.version) {
        mcp_version_print(stdout, "mcpsim", NULL);
        exit(SIM_EXIT_OK);
    } else if (argc > 1) {
        ok = fail(err, err_len, "unexpected argument '%s'", argv[1]);
    } else {
        ok = convert(&r, cfg, err, err_len);
    }
    g_option_context_free(ctx);
    raw_free(&r);
    parsing = NULL;
    if (ok && cfg->listen_count == 0 && cfg->serial_path == NULL && !cfg->pty) {
        char why[256];
        if (!mcp_endpoint_parse("udp://127.0.0.1:23130", &cfg->listen[0], why, sizeof why) ||
            !mcp_endpoint_parse("tcp://127.0.0.1:23130", &cfg->listen[1], why, sizeof why))
            return fail(err, err_len, "%s", why);
        cfg->listen_count = 2;
    }
    return ok;
}

FILE *sim_text_out(const struct sim_config *cfg)
{
    return cfg->stats_json != NULL && strcmp(cfg->stats_json, "-") == 0 ? stderr : stdout;
}

void sim_config_free(struct sim_config *cfg)
{
    g_free(cfg->serial_path);
    g_free(cfg->registers_file);
    g_free(cfg->map_file);
    g_free(cfg->stats_json);
    cfg->serial_path = cfg->registers_file = cfg->map_file = cfg->stats_json = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpserialdump's options: GOption, one table for both ways of running it. */
#include "options.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "version.h"

static struct sd_options *parsing;

static gboolean on_extcap_version(const gchar *name, const gchar *value, gpointer data,
                                  GError **error)
{
    (void)name;
    (void)data;
    (void)error;
    parsing->extcap_version_given = true;
    g_free(parsing->extcap_version);
    parsing->extcap_version = value != NULL ? g_strdup(value) : NULL;
    return TRUE;
}

static bool fail(const char *fmt, const char *what)
{
    char text[480];
    g_snprintf(text, sizeof text, fmt, what);
    fprintf(stderr, "mcpserialdump: %s (see --help)\n", text);
    if (parsing != NULL && parsing->error[0] == '\0')
        g_snprintf(parsing->error, sizeof parsing->error, "%s", text);
    return false;
}

static bool parse_uint(const char *text, unsigned min, unsigned max, unsigned *out)
{
    char *end = NULL;
    unsigned long v = strtoul(text, &end, 10);
    if (text[0] == '\0' || text[0] == '-' || *end != '\0' || v < min || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

/* -a duration:S (S in seconds, decimals allowed). */
static bool parse_autostop(const char *text, double *seconds)
{
    const char *prefix = "duration:";
    if (strncmp(text, prefix, strlen(prefix)) != 0)
        return false;
    const char *num = text + strlen(prefix);
    char *end = NULL;
    double v = g_ascii_strtod(num, &end);
    if (num[0] == '\0' || *end != '\0' || !(v > 0) || v > 1e9)
        return false;
    *seconds = v;
    return true;
}

static bool parse_parity(const char *text, enum sd_parity *out)
{
    if (g_ascii_strcasecmp(text, "none") == 0 || g_ascii_strcasecmp(text, "n") == 0)
        *out = SD_PARITY_NONE;
    else if (g_ascii_strcasecmp(text, "even") == 0 || g_ascii_strcasecmp(text, "e") == 0)
        *out = SD_PARITY_EVEN;
    else if (g_ascii_strcasecmp(text, "odd") == 0 || g_ascii_strcasecmp(text, "o") == 0)
        *out = SD_PARITY_ODD;
    else
        return false;
    return true;
}

/* Which line settings an option or an earlier -i URL has set. */
struct line_given {
    bool baud, data_bits, parity, stop_bits;
};

/* One setting of an -i URL: taken when not set yet, else it must be the same value. */
static bool merge_setting(const char *url, const char *name, unsigned value, unsigned *into,
                          bool *given)
{
    if (*given && *into != value) {
        char *why = g_strdup_printf("-i '%s': %s=%u contradicts the %s given before (all ports of "
                                    "a capture share one set of line settings)",
                                    url, name, value, name);
        fail("%s", why);
        g_free(why);
        return false;
    }
    *into = value;
    *given = true;
    return true;
}

/* -i serial:/dev/X?baud=N&parity=P&data-bits=D&stop-bits=S (endpoint.h parses it). */
static bool add_port_url(struct sd_options *opt, const char *url, struct line_given *given,
                         char **into, const char *option)
{
    struct mcp_endpoint ep;
    char why[512];
    if (!mcp_endpoint_parse(url, &ep, why, sizeof why)) {
        char *msg = g_strdup_printf("%s: %s", option, why);
        fail("%s", msg);
        g_free(msg);
        return false;
    }
    const struct mcp_serial_settings *s = &ep.serial;
    unsigned parity = opt->line.parity;
    if (s->parity != 0 && !merge_setting(url, "parity",
                                         s->parity == 'e'   ? SD_PARITY_EVEN
                                         : s->parity == 'o' ? SD_PARITY_ODD
                                                            : SD_PARITY_NONE,
                                         &parity, &given->parity))
        return false;
    opt->line.parity = (enum sd_parity)parity;
    if ((s->baud != 0 && !merge_setting(url, "baud", s->baud, &opt->line.baud, &given->baud)) ||
        (s->data_bits != 0 &&
         !merge_setting(url, "data-bits", s->data_bits, &opt->line.data_bits, &given->data_bits)) ||
        (s->stop_bits != 0 &&
         !merge_setting(url, "stop-bits", s->stop_bits, &opt->line.stop_bits, &given->stop_bits)))
        return false;
    *into = g_strdup(ep.path);
    return true;
}

/* A port given as a path or a serial: URL (its parameters join the line settings); option
 * names where it was given, for the messages ("-i", "--relay (device side)"). */
static bool add_port(struct sd_options *opt, const char *text, struct line_given *given,
                     char **into, const char *option)
{
    if (strncmp(text, "serial:", 7) == 0)
        return add_port_url(opt, text, given, into, option);
    *into = g_strdup(text);
    return true;
}

static const char *const description =
    "Captures the bytes of live serial lines (RS-232, RS-485, USB adapters, pseudo-terminals)\n"
    "into pcapng with LINKTYPE_WIRESHARK_UPPER_PDU records for the mcp5a Wireshark plugin:\n"
    "one record per read, stamped when the bytes arrived (docs/PROTOCOL.md section 5).\n"
    "\n"
    "Ports: the first -i is direction 0 (master -> device), a second -i the reverse direction\n"
    "(a full-duplex tap: one adapter per wire); a third and fourth -i form a second line, and\n"
    "so on: each line is one interface of the pcapng. With --one-line every -i is a half-duplex\n"
    "bus of its own: its records carry no direction and the plugin infers it per frame.\n"
    "Line settings (default 115200 8N1) are --baud, --parity, --data-bits and --stop-bits, or\n"
    "the same as URL parameters of -i: serial:/dev/X?baud=N&parity=P&data-bits=D&stop-bits=S.\n"
    "All ports of a capture share them.\n"
    "Relay: --relay PROGRAM DEVICE sits between a program and a device instead of beside them\n"
    "(a program reading a port takes its bytes from a capture): it opens DEVICE and gives the\n"
    "program a side of its own, pty (a new pseudo-terminal), pty:PATH (PATH links to it) or a\n"
    "port, passes every byte on and records both directions.\n"
    "\n"
    "Examples:\n"
    "  mcpserialdump -i /dev/ttyUSB0 --baud 115200 -w line.pcapng\n"
    "  mcpserialdump -i /dev/ttyUSB0 -i /dev/ttyUSB1 --baud 19200 --parity even -w tap.pcapng\n"
    "  mcpserialdump -i 'serial:/dev/ttyUSB0?baud=19200&parity=even' -w line.pcapng\n"
    "  mcpserialdump -i /dev/ttyUSB0 --one-line --baud 9600 -w - | tshark -r - -Y mcp5a\n"
    "  mcpserialdump -i /dev/ttyUSB0 -w short.pcapng -c 100 -a duration:10\n"
    "  mcpserialdump --relay pty:ttyMCP /dev/ttyUSB0 --baud 19200 -w relay.pcapng   (program: "
    "./ttyMCP)\n"
    "  mcpserialdump -D                  (the ports Wireshark would list)\n"
    "  mcpserialdump -V                  (the version)\n"
    "\n"
    "As a Wireshark extcap (installed in its extcap folder) every serial port shows in the\n"
    "interface list and in tshark -D; the ports listed are /dev/ttyS* with a UART, ttyUSB*,\n"
    "ttyACM* and /dev/serial/by-id/*, or the glob patterns in $MCPSERIALDUMP_PORTS\n"
    "(colon-separated) when it is set. A port captured from there stays listed as \"not\n"
    "connected\" while it is unplugged, so that Wireshark keeps its saved options (the baud\n"
    "rate...) and does not warn \"No such preference extcap.mcpserial_...\" at start-up; the\n"
    "last 16 are kept in $XDG_STATE_HOME/mcpserialdump/ports (~/.local/state/...), and\n"
    "--forget PORT (or all) takes them off.\n"
    "\n"
    "Exit status (one table for every tool: docs/options.md; before 0.2: 1 usage, 2 port\n"
    "missing, 3 busy, 4 cannot be opened, 5 line settings, 7 port lost, 8 capture filter):\n"
    "  0  stopped as asked (signal, -c, -a, the reader closed the output)\n"
    "  2  usage error, or a capture filter given (not supported)\n"
    "  3  a port is missing, busy, cannot be opened, refuses the line settings, or\n"
    "     disappeared during the capture (the file is complete); the message says which\n"
    "  6  the capture file or fifo cannot be created or written";

bool sd_options_parse(int argc, char **argv, struct sd_options *opt)
{
    memset(opt, 0, sizeof *opt);
    parsing = opt;
    gchar **ports = NULL;
    gchar *baud = NULL, *data_bits = NULL, *parity = NULL, *stop_bits = NULL;
    gchar *count = NULL, *autostop = NULL, *debug_file = NULL, *log_level = NULL;
    gboolean extcap_interfaces = FALSE, extcap_dlts = FALSE, extcap_config = FALSE;
    gboolean capture = FALSE, one_line = FALSE, list_ports = FALSE, quiet = FALSE;
    gboolean debug = FALSE, version = FALSE, postkill = FALSE;
    gchar *relay_program = NULL, *relay_device = NULL;

    GOptionEntry capture_entries[] = {
        {"interface", 'i', 0, G_OPTION_ARG_FILENAME_ARRAY, &ports,
         "Serial port to capture: a path, a port id, or serial:/dev/X?baud=N&parity=P&"
         "data-bits=D&stop-bits=S (repeat: the second is the reverse direction)",
         "DEV|URL"},
        {"write", 'w', 0, G_OPTION_ARG_FILENAME, &opt->output, "Write pcapng to FILE (- = stdout)",
         "FILE"},
        {"baud", 0, 0, G_OPTION_ARG_STRING, &baud, "Baud rate (default 115200)", "N"},
        {"data-bits", 0, 0, G_OPTION_ARG_STRING, &data_bits, "Data bits 5..8 (default 8)", "N"},
        {"parity", 0, 0, G_OPTION_ARG_STRING, &parity, "none (default), even or odd", "P"},
        {"stop-bits", 0, 0, G_OPTION_ARG_STRING, &stop_bits, "1 (default) or 2", "N"},
        {"one-line", 0, 0, G_OPTION_ARG_NONE, &one_line,
         "Half-duplex bus: each port is one undirected line", NULL},
        {"reverse-port", 0, 0, G_OPTION_ARG_FILENAME, &opt->reverse_port,
         "Second port, the reverse direction (same as a second -i; none = no second port)", "DEV"},
        {"relay", 0, 0, G_OPTION_ARG_FILENAME, &relay_program,
         "Sit between a program and a device and record both: PROGRAM is pty (a new "
         "pseudo-terminal for the program), pty:PATH (and PATH links to it) or its port; "
         "DEVICE the device's port (path or serial: URL)",
         "PROGRAM DEVICE"},
        {"relay-device", 0, 0, G_OPTION_ARG_FILENAME, &relay_device,
         "The device's side of --relay (instead of the argument after PROGRAM)", "DEV|URL"},
        {"count", 'c', 0, G_OPTION_ARG_STRING, &count, "Stop after COUNT records", "COUNT"},
        {"autostop", 'a', 0, G_OPTION_ARG_STRING, &autostop, "Stop after S seconds", "duration:S"},
        {"list-ports", 'D', 0, G_OPTION_ARG_NONE, &list_ports, "List the serial ports and exit",
         NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary at the end", NULL},
        {"forget", 0, 0, G_OPTION_ARG_FILENAME, &opt->forget,
         "Stop listing a port captured from in Wireshark that is gone (its id or path, or "
         "all; see below)",
         "PORT"},
        MCP_VERSION_OPTION(&version),
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionEntry extcap_entries[] = {
        {"extcap-interfaces", 0, 0, G_OPTION_ARG_NONE, &extcap_interfaces,
         "List the interfaces (one per serial port)", NULL},
        {"extcap-version", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
         (gpointer)on_extcap_version, "Wireshark's version", "VER"},
        {"extcap-interface", 0, 0, G_OPTION_ARG_STRING, &opt->extcap_interface,
         "The interface to work on", "ID"},
        {"extcap-dlts", 0, 0, G_OPTION_ARG_NONE, &extcap_dlts, "List the interface's link types",
         NULL},
        {"extcap-config", 0, 0, G_OPTION_ARG_NONE, &extcap_config, "List the interface's options",
         NULL},
        {"extcap-reload-option", 0, 0, G_OPTION_ARG_STRING, &opt->extcap_reload_option,
         "List the values of one option again", "NAME"},
        {"capture", 0, 0, G_OPTION_ARG_NONE, &capture, "Capture into --fifo", NULL},
        {"fifo", 0, 0, G_OPTION_ARG_FILENAME, &opt->fifo, "Where to write the capture", "PATH"},
        {"extcap-capture-filter", 0, 0, G_OPTION_ARG_STRING, &opt->capture_filter,
         "Capture filter (not supported: refused)", "FILTER"},
        {"extcap-cleanup-postkill", 0, 0, G_OPTION_ARG_NONE, &postkill,
         "Clean up after being killed (nothing to do)", NULL},
        {"debug", 0, 0, G_OPTION_ARG_NONE, &debug, "Log more", NULL},
        {"debug-file", 0, 0, G_OPTION_ARG_FILENAME, &debug_file, "Log into FILE", "FILE"},
        {"log-level", 0, 0, G_OPTION_ARG_STRING, &log_level, "debug: log more", "LEVEL"},
        {"log-file", 0, 0, G_OPTION_ARG_FILENAME, &opt->log_file, "Log into FILE", "FILE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};

    GOptionContext *ctx = g_option_context_new("- capture serial lines for Wireshark (mcp5a)");
    g_option_context_set_description(ctx, description);
    g_option_context_add_main_entries(ctx, capture_entries, NULL);
    GOptionGroup *extcap = g_option_group_new(
        "extcap", "The Wireshark extcap protocol:", "Show the extcap options", NULL, NULL);
    g_option_group_add_entries(extcap, extcap_entries);
    g_option_context_add_group(ctx, extcap);

    GError *err = NULL;
    bool ok = g_option_context_parse(ctx, &argc, &argv, &err);
    if (!ok) {
        fail("%s", err->message);
        g_clear_error(&err);
    }
    g_option_context_free(ctx);

    opt->extcap_interfaces = extcap_interfaces;
    opt->extcap_dlts = extcap_dlts;
    opt->extcap_config = extcap_config;
    opt->capture = capture;
    opt->one_line = one_line;
    opt->list_ports = list_ports;
    opt->quiet = quiet;
    opt->debug = debug || (log_level != NULL && g_ascii_strcasecmp(log_level, "debug") == 0) ||
                 (log_level != NULL && g_ascii_strcasecmp(log_level, "noisy") == 0);
    opt->show_version = version;
    opt->cleanup_postkill = postkill;
    if (opt->log_file == NULL && debug_file != NULL) {
        opt->log_file = debug_file;
        debug_file = NULL;
    }
    opt->line.baud = 115200;
    opt->line.data_bits = 8;
    opt->line.parity = SD_PARITY_NONE;
    opt->line.stop_bits = 1;

    if (ok && baud != NULL && !parse_uint(baud, 1, 100000000, &opt->line.baud))
        ok = fail("bad --baud '%s' (a rate in bit/s)", baud);
    if (ok && data_bits != NULL && !parse_uint(data_bits, 5, 8, &opt->line.data_bits))
        ok = fail("bad --data-bits '%s' (5, 6, 7 or 8)", data_bits);
    if (ok && parity != NULL && !parse_parity(parity, &opt->line.parity))
        ok = fail("bad --parity '%s' (none, even or odd)", parity);
    if (ok && stop_bits != NULL && !parse_uint(stop_bits, 1, 2, &opt->line.stop_bits))
        ok = fail("bad --stop-bits '%s' (1 or 2)", stop_bits);
    if (ok && ports != NULL) {
        struct line_given given = {baud != NULL, data_bits != NULL, parity != NULL,
                                   stop_bits != NULL};
        for (gchar **p = ports; *p != NULL && ok; p++) {
            if (opt->n_ports == SD_MAX_PORTS)
                ok = fail("at most %s ports (-i)", G_STRINGIFY(SD_MAX_PORTS));
            else if ((ok = add_port(opt, *p, &given, &opt->ports[opt->n_ports], "-i")))
                opt->n_ports++;
        }
    }
    if (ok && relay_program == NULL && relay_device != NULL && opt->extcap_interface != NULL &&
        strcmp(opt->extcap_interface, SD_RELAY_IFACE) == 0)
        relay_program = g_strdup("pty"); /* the dialog's program side left empty */
    if (ok && relay_program != NULL) {
        struct line_given given = {baud != NULL, data_bits != NULL, parity != NULL,
                                   stop_bits != NULL};
        if (relay_device == NULL && argc == 2) {
            relay_device = g_strdup(argv[1]);
            argc = 1;
        }
        if (relay_device == NULL || relay_device[0] == '\0')
            ok = fail("%s", "--relay PROGRAM DEVICE: give the device's port after the program's "
                            "side (e.g. --relay pty serial:/dev/ttyUSB0?baud=19200)");
        else if (opt->n_ports > 0 || opt->reverse_port != NULL || one_line)
            ok = fail("%s", "--relay takes its two ports itself: no -i, --reverse-port or "
                            "--one-line with it");
        else if (strcmp(relay_program, "pty") == 0 || strncmp(relay_program, "pty:", 4) == 0) {
            if (strncmp(relay_program, "pty:", 4) == 0 && relay_program[4] == '\0')
                ok = fail("%s", "--relay pty:PATH: PATH is empty");
            else
                opt->relay_program = g_strdup(relay_program);
        } else {
            ok =
                add_port(opt, relay_program, &given, &opt->relay_program, "--relay (program side)");
        }
        if (ok)
            ok = add_port(opt, relay_device, &given, &opt->relay_device, "--relay (device side)");
    } else if (ok && relay_device != NULL) {
        ok = fail("%s", "--relay-device needs --relay PROGRAM");
    }
    if (ok && argc > 1)
        ok = fail("unexpected argument '%s'", argv[1]);
    if (ok && count != NULL) {
        char *end = NULL;
        guint64 v = g_ascii_strtoull(count, &end, 10);
        if (count[0] == '\0' || count[0] == '-' || *end != '\0' || v == 0)
            ok = fail("bad -c '%s' (a number of records, 1 or more)", count);
        opt->count = v;
    }
    if (ok && autostop != NULL && !parse_autostop(autostop, &opt->duration_s))
        ok = fail("bad -a '%s' (duration:SECONDS)", autostop);
    if (opt->reverse_port != NULL &&
        (opt->reverse_port[0] == '\0' || strcmp(opt->reverse_port, "none") == 0)) {
        g_free(opt->reverse_port);
        opt->reverse_port = NULL;
    }

    g_strfreev(ports);
    g_free(baud);
    g_free(data_bits);
    g_free(parity);
    g_free(stop_bits);
    g_free(count);
    g_free(autostop);
    g_free(debug_file);
    g_free(log_level);
    g_free(relay_program);
    g_free(relay_device);
    parsing = NULL;
    return ok;
}

void sd_options_free(struct sd_options *opt)
{
    g_free(opt->extcap_version);
    g_free(opt->extcap_interface);
    g_free(opt->extcap_reload_option);
    g_free(opt->fifo);
    g_free(opt->capture_filter);
    g_free(opt->log_file);
    for (unsigned i = 0; i < opt->n_ports; i++)
        g_free(opt->ports[i]);
    g_free(opt->reverse_port);
    g_free(opt->output);
    g_free(opt->relay_program);
    g_free(opt->relay_device);
    g_free(opt->forget);
    memset(opt, 0, sizeof *opt);
}

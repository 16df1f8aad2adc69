/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcpserialdump: captures live serial lines into pcapng for the mcp5a
 * Wireshark plugin, standalone (-i DEV -w FILE) or as a Wireshark extcap
 * (docs/mcpserialdump.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "exppdu.h"
#include "extcap.h"
#include "holders.h"
#include "options.h"
#include "pcapng.h"
#include "ports.h"
#include "relay.h"
#include "remember.h"
#include "serial.h"
#include "version.h"

/* Extcap mode: messages Wireshark shows go to stderr; logs to stdout or the log file. */
struct sd_run {
    bool extcap;
    FILE *log;
};

static void print_ports(void)
{
    GPtrArray *ports = sd_ports_list();
    GHashTable *listed = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < ports->len; i++) {
        const struct sd_port *p = g_ptr_array_index(ports, i);
        g_hash_table_add(listed, p->id);
        printf("%u. %s%s%s%s (%s)\n", i + 1, p->path, p->target ? " -> " : "",
               p->target ? p->target : "", "", p->id);
    }
    if (ports->len == 0)
        fprintf(stderr, "mcpserialdump: no serial ports found\n");
    /* What the extcap lists besides: ports captured from in Wireshark, now gone (remember.h). */
    GPtrArray *gone = sd_remembered_ports();
    guint k = ports->len;
    for (guint i = 0; i < gone->len; i++) {
        const struct sd_port *p = g_ptr_array_index(gone, i);
        if (!g_hash_table_contains(listed, p->id))
            printf("%u. %s (%s) not connected: remembered for Wireshark's saved options "
                   "(--forget %s)\n",
                   ++k, p->path, p->id, p->id);
    }
    g_ptr_array_unref(gone);
    g_hash_table_destroy(listed);
    g_ptr_array_unref(ports);
}

/* --forget PORT|all */
static int forget(const char *what)
{
    char err[512] = "";
    int taken = sd_forget_ports(what, err, sizeof err);
    if (taken < 0) {
        fprintf(stderr, "mcpserialdump: cannot update the remembered ports: %s\n", err);
        return SD_EXIT_OUTPUT;
    }
    char *file = sd_remember_file();
    if (taken == 0 && strcmp(what, "all") != 0)
        printf("mcpserialdump: %s is not remembered (%s)\n", what, file);
    else
        printf("mcpserialdump: %d port%s forgotten (%s)\n", taken, taken == 1 ? "" : "s", file);
    g_free(file);
    return SD_EXIT_OK;
}

/* The interface Wireshark captures from: a listed port's id. The port is remembered so the
 * extcap lists it while it is unplugged, and Wireshark keeps its saved options (remember.h).
 * A path given by hand (not an id) is not. */
static void remember_interface(const struct sd_run *run, const char *iface, const char *path)
{
    char *id = sd_ports_id(path);
    char err[512] = "";
    if (strcmp(id, iface) == 0 && !sd_remember_port(id, path, err, sizeof err))
        fprintf(run->log, "mcpserialdump: cannot remember %s for Wireshark's options: %s\n", id,
                err);
    g_free(id);
}

/* Why an interface has no port: a remembered one that is unplugged, or an unknown id. */
static void no_port_message(const char *iface, char *msg, size_t len)
{
    GPtrArray *gone = sd_remembered_ports();
    const struct sd_port *found = NULL;
    for (guint i = 0; i < gone->len && found == NULL; i++) {
        const struct sd_port *p = g_ptr_array_index(gone, i);
        if (strcmp(p->id, iface) == 0)
            found = p;
    }
    if (found != NULL)
        g_snprintf(msg, len,
                   "%s is not connected (listed because it was captured from before, so that "
                   "Wireshark keeps its options; mcpserialdump --forget %s stops listing it)",
                   found->path, found->id);
    else
        g_snprintf(msg, len, "no serial port for interface '%s'", iface);
    g_ptr_array_unref(gone);
}

/* Groups the ports into lines (one pcapng interface each) and gives them directions. */
static void plan_lines(const struct sd_options *opt, char **paths, unsigned n,
                       struct sd_capture *cap)
{
    cap->n_ports = n;
    cap->n_lines = 0;
    for (unsigned i = 0; i < n; i++) {
        struct sd_capture_port *p = &cap->ports[i];
        memset(p, 0, sizeof *p);
        p->path = paths[i];
        p->fd = -1;
        p->peer = -1;
        if (opt->one_line) {
            p->iface = cap->n_lines;
            p->direction = -1;
            cap->line_names[cap->n_lines++] = paths[i];
        } else {
            p->iface = i / 2;
            p->direction = (int)(i % 2);
            if (i % 2 == 0)
                cap->line_names[cap->n_lines++] = paths[i];
        }
    }
}

static FILE *open_output(const char *path, bool fifo, char *err, size_t err_len)
{
    if (strcmp(path, "-") == 0)
        return stdout;
    FILE *f = fopen(path, fifo ? "ab" : "wb");
    if (f == NULL)
        g_snprintf(err, err_len, "cannot open %s%s for writing: %s", fifo ? "the fifo " : "", path,
                   g_strerror(errno));
    return f;
}

/*
 * A failure before the capture started. The message goes to stderr; as an extcap the fifo,
 * opened first, also gets it: a pcapng header whose section comment is the message, then the
 * fifo is closed. dumpcap then ends the capture at once and Wireshark (and tshark) show the
 * message from stderr ("Error by extcap pipe: ..."); with an empty fifo they show nothing
 * useful (issue 23).
 */
static int fail_early(struct sd_run *run, FILE **out, int code, const char *msg)
{
    fprintf(stderr, "mcpserialdump: %s\n", msg);
    fflush(stderr);
    if (run->extcap && *out != NULL) {
        char *comment = g_strdup_printf("mcpserialdump: %s", msg);
        if (pcapng_write_shb_comment(*out, comment))
            pcapng_write_idb(*out, LINKTYPE_WIRESHARK_UPPER_PDU, 262144, true, NULL);
        g_free(comment);
        if (*out != stdout)
            fclose(*out);
        *out = NULL;
    }
    return code;
}

/* Other processes holding the port (a warning, named before capturing: a capture reading a
 * port a program reads takes bytes from it; mcpsim --pty, socat and test harnesses hold a pty
 * open without reading, so this is not refused). */
static void warn_holders(const char *path, bool relay_device)
{
    char who[512];
    unsigned unchecked = 0;
    if (!sd_port_holders(path, who, sizeof who, &unchecked))
        return;
    if (relay_device)
        fprintf(stderr,
                "mcpserialdump: warning: %s is also open in %s: if that program reads the "
                "port, it and the relay share the device's bytes (point it at the relay's "
                "program side instead)\n",
                path, who);
    else
        fprintf(stderr,
                "mcpserialdump: warning: %s is also open in %s: if that program reads the "
                "port, each byte goes to it or to this capture, not both; to see a program's "
                "traffic, put mcpserialdump between the program and the device: "
                "mcpserialdump --relay pty serial:%s -w FILE, then point the program at the "
                "pty it names\n",
                path, who, path);
    fflush(stderr);
}

static int capture(const struct sd_options *opt, struct sd_run *run)
{
    char *paths[SD_MAX_PORTS];
    unsigned n = 0;
    int code = SD_EXIT_OK;
    char err[512] = "";
    char msg[1200] = "";
    FILE *out = NULL;
    bool relay = opt->relay_program != NULL;
    bool program_pty = relay && (strcmp(opt->relay_program, "pty") == 0 ||
                                 g_str_has_prefix(opt->relay_program, "pty:"));
    struct sd_relay_pty rpty = {.fd = -1, .hold_fd = -1, .path = "", .link = NULL};

    if (run->extcap) {
        if (opt->fifo == NULL) {
            fprintf(stderr, "mcpserialdump: --capture needs --fifo\n");
            return SD_EXIT_USAGE;
        }
        /* The fifo before anything that can fail: dumpcap waits on it, and shows our
         * message only once it is opened (and closed). */
        out = open_output(opt->fifo, true, err, sizeof err);
        if (out == NULL && sd_capture_stop_signal() != 0) {
            fprintf(run->log, "mcpserialdump: stopped by signal %d before the capture started\n",
                    sd_capture_stop_signal());
            return SD_EXIT_OK;
        }
        if (out == NULL) {
            fprintf(stderr, "mcpserialdump: %s\n", err);
            return SD_EXIT_OUTPUT;
        }
        if (opt->error[0] != '\0')
            return fail_early(run, &out, SD_EXIT_USAGE, opt->error);
        if (opt->extcap_interface == NULL)
            return fail_early(run, &out, SD_EXIT_USAGE, "--capture needs --extcap-interface");
        bool relay_iface = strcmp(opt->extcap_interface, SD_RELAY_IFACE) == 0;
        if (relay_iface && !relay)
            return fail_early(run, &out, SD_EXIT_USAGE,
                              "the relay needs the device's port: choose it in the interface's "
                              "options (Device side)");
        if (!relay_iface && relay)
            return fail_early(run, &out, SD_EXIT_USAGE,
                              "--relay goes with the interface " SD_RELAY_IFACE);
        if (!relay) {
            paths[n] = sd_ports_resolve(opt->extcap_interface);
            if (paths[n] == NULL) {
                no_port_message(opt->extcap_interface, msg, sizeof msg);
                return fail_early(run, &out, SD_EXIT_PORT_MISSING, msg);
            }
            remember_interface(run, opt->extcap_interface, paths[n]);
            n++;
        }
    } else if (!relay) {
        for (unsigned i = 0; i < opt->n_ports; i++) {
            paths[n] = sd_ports_resolve(opt->ports[i]);
            if (paths[n] == NULL) {
                fprintf(stderr,
                        "mcpserialdump: -i '%s': no such port (not a path, nor a port id)\n",
                        opt->ports[i]);
                for (unsigned k = 0; k < n; k++)
                    g_free(paths[k]);
                return SD_EXIT_PORT_MISSING;
            }
            n++;
        }
    }
    if (relay) {
        /* Port 0: the program's side (its bytes are master -> device); port 1: the device. */
        paths[n++] = g_strdup(program_pty ? "pty" : opt->relay_program);
        char *dev = sd_ports_resolve(opt->relay_device);
        paths[n++] = dev != NULL ? dev : g_strdup(opt->relay_device);
    }
    if (!relay && opt->reverse_port != NULL) {
        if (n == SD_MAX_PORTS) {
            g_snprintf(msg, sizeof msg, "too many ports");
            code = SD_EXIT_USAGE;
        } else {
            paths[n++] = g_strdup(opt->reverse_port);
        }
    }
    if (code == SD_EXIT_OK && opt->one_line && opt->reverse_port != NULL) {
        g_snprintf(msg, sizeof msg,
                   "a one-line bus has no second port: choose one-line bus mode or a second "
                   "port for the reverse direction");
        code = SD_EXIT_USAGE;
    }

    struct sd_capture cap;
    memset(&cap, 0, sizeof cap);
    plan_lines(opt, paths, n, &cap);
    cap.count = opt->count;
    cap.duration_s = opt->duration_s;
    cap.log = run->log;
    cap.debug = opt->debug;
    char *line_name = NULL;

    /* Ports next: a port that cannot be captured is reported before any capture exists. */
    for (unsigned i = 0; i < n && code == SD_EXIT_OK; i++) {
        for (unsigned k = 0; k < i; k++) {
            if (strcmp(paths[k], paths[i]) == 0) {
                g_snprintf(msg, sizeof msg, "%s given twice", paths[i]);
                code = SD_EXIT_USAGE;
            }
        }
        if (code != SD_EXIT_OK)
            break;
        if (relay && i == 0 && program_pty) {
            enum sd_exit ecode = SD_EXIT_OK;
            if (!sd_relay_pty_open(opt->relay_program, &opt->line, &rpty, err, sizeof err,
                                   &ecode)) {
                g_snprintf(msg, sizeof msg, "%s", err);
                code = (int)ecode;
                break;
            }
            g_free(paths[0]);
            paths[0] = g_strdup(rpty.path);
            cap.ports[0].path = paths[0];
            cap.ports[0].fd = rpty.fd;
            continue;
        }
        bool low_latency = false;
        enum sd_exit ecode = SD_EXIT_OK;
        cap.ports[i].fd =
            sd_serial_open(paths[i], relay, &opt->line, &low_latency, err, sizeof err, &ecode);
        if (cap.ports[i].fd < 0) {
            g_snprintf(msg, sizeof msg, "%s", err);
            code = (int)ecode;
            break;
        }
        if (opt->debug)
            fprintf(run->log, "mcpserialdump: %s: low latency %s\n", paths[i],
                    low_latency ? "on" : "not supported by the driver");
    }
    if (code == SD_EXIT_OK && relay) {
        /* Each side's bytes go to the other at once; the line is named after both. */
        for (unsigned i = 0; i < 2; i++) {
            cap.ports[i].peer = (int)(1 - i);
            cap.ports[i].pending = g_byte_array_new();
        }
        line_name = g_strdup_printf("relay %s <-> %s", paths[0], paths[1]);
        cap.line_names[0] = line_name;
        if (program_pty) {
            /* The one line a script waits for, on stderr. As an extcap, in the log only:
             * Wireshark shows an extcap's stderr as "Error by extcap pipe" when the capture
             * ends, and the dialog's user chose the link (pty:PATH) already. */
            FILE *to = run->extcap ? run->log : stderr;
            fprintf(to, "mcpserialdump: program side: %s%s%s%s\n", rpty.path,
                    rpty.link ? " (also " : "", rpty.link ? rpty.link : "", rpty.link ? ")" : "");
            fflush(to);
        }
    }

    if (code != SD_EXIT_OK) {
        fail_early(run, &out, code, msg);
    } else {
        if (out == NULL)
            out = open_output(opt->output, false, err, sizeof err);
        cap.out = out;
        if (cap.out == NULL) {
            fprintf(stderr, "mcpserialdump: %s\n", err);
            code = SD_EXIT_OUTPUT;
        } else if (!sd_capture_write_header(&cap)) {
            fprintf(stderr, "mcpserialdump: cannot write the capture header: %s\n",
                    g_strerror(errno));
            code = errno == EPIPE ? SD_EXIT_OK : SD_EXIT_OUTPUT;
        }
    }
    if (code == SD_EXIT_OK && cap.out != NULL) {
        /* Everything opened: now the ports other processes hold too (a warning, so errors
         * come first and alone). */
        for (unsigned i = relay && program_pty ? 1 : 0; i < n; i++)
            warn_holders(paths[i], relay);
        if (!opt->quiet) {
            fprintf(run->log, "mcpserialdump: %s", relay ? "relaying" : "capturing");
            for (unsigned i = 0; i < n; i++)
                fprintf(run->log, "%s %s (line %u, %s)", i ? (relay ? " <->" : ",") : "", paths[i],
                        cap.ports[i].iface,
                        cap.ports[i].direction < 0 ? "no direction"
                        : cap.ports[i].direction == 0
                            ? (relay ? "program, direction 0" : "direction 0")
                            : (relay ? "device, direction 1" : "direction 1"));
            fprintf(run->log, " at %u baud, %u%c%u\n", opt->line.baud, opt->line.data_bits,
                    "NEO"[opt->line.parity], opt -> line.stop_bits);
            fflush(run->log);
        }
        struct sd_capture_result res;
        sd_capture_run(&cap, &res);
        code = (int)res.code;
        /* Why it stopped: a port lost is an error Wireshark should show (stderr). */
        FILE *why = res.code == SD_EXIT_OK ? run->log : stderr;
        if (!opt->quiet || res.code != SD_EXIT_OK) {
            fprintf(why,
                    "mcpserialdump: %s; %" G_GUINT64_FORMAT " records, %" G_GUINT64_FORMAT " bytes",
                    res.reason, res.records, res.bytes);
            for (unsigned i = 0; i < n; i++)
                fprintf(why, "%s%s: %" G_GUINT64_FORMAT " records %" G_GUINT64_FORMAT " bytes",
                        i ? ", " : " (", paths[i], cap.ports[i].records, cap.ports[i].bytes);
            fprintf(why, ")\n");
            fflush(why);
        }
        if (res.undelivered > 0) {
            /* In the capture (they were sent) but the other side never took them. */
            fprintf(stderr,
                    "mcpserialdump: relay: %" G_GUINT64_FORMAT
                    " bytes read were not delivered when it stopped (%s took %" G_GUINT64_FORMAT
                    " of %" G_GUINT64_FORMAT ", %s %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                    ")\n",
                    res.undelivered, paths[1], cap.ports[1].written, cap.ports[0].bytes, paths[0],
                    cap.ports[0].written, cap.ports[1].bytes);
        }
        /* Swapped ports: a warning on stderr (Wireshark shows it when the capture ends). */
        sd_capture_warn_swapped(&cap, stderr);
    }
    if (cap.out != NULL && cap.out != stdout && fclose(cap.out) != 0 && code == SD_EXIT_OK &&
        errno != EPIPE) {
        fprintf(stderr, "mcpserialdump: cannot close the capture: %s\n", g_strerror(errno));
        code = SD_EXIT_OUTPUT;
    }
    for (unsigned i = 0; i < n; i++) {
        if (cap.ports[i].fd >= 0 && cap.ports[i].fd != rpty.fd)
            close(cap.ports[i].fd);
        if (cap.ports[i].pending != NULL)
            g_byte_array_unref(cap.ports[i].pending);
        sd_dircheck_free(&cap.ports[i].check);
        g_free(paths[i]);
    }
    sd_relay_pty_close(&rpty);
    g_free(line_name);
    return code;
}

int main(int argc, char **argv)
{
    struct sd_options opt;
    if (!sd_options_parse(argc, argv, &opt)) {
        int code = SD_EXIT_USAGE;
        if (opt.capture && opt.fifo != NULL) {
            /* As an extcap the error also goes into the fifo, so Wireshark shows it at once. */
            struct sd_run run = {.extcap = true, .log = stdout};
            code = capture(&opt, &run);
        }
        sd_options_free(&opt);
        return code;
    }
    struct sd_run run = {.extcap = false, .log = stderr};
    bool extcap_mode = opt.extcap_interfaces || opt.extcap_version_given || opt.extcap_dlts ||
                       opt.extcap_config || opt.capture || opt.extcap_reload_option != NULL ||
                       opt.capture_filter != NULL || opt.cleanup_postkill;
    int code = SD_EXIT_OK;
    if (extcap_mode) {
        run.extcap = true;
        run.log = stdout;
        if (opt.log_file != NULL) {
            FILE *f = fopen(opt.log_file, "a");
            if (f != NULL)
                run.log = f;
        }
    }

    if (opt.show_version) {
        mcp_version_print(stdout, "mcpserialdump", NULL);
    } else if (opt.list_ports) {
        print_ports();
    } else if (opt.forget != NULL) {
        code = forget(opt.forget);
    } else if (!extcap_mode) {
        if (opt.relay_program != NULL && opt.output == NULL) {
            fprintf(stderr, "mcpserialdump: --relay records what it relays: give an output "
                            "(-w FILE, - for stdout); see --help\n");
            code = SD_EXIT_USAGE;
        } else if ((opt.n_ports == 0 && opt.relay_program == NULL) || opt.output == NULL) {
            fprintf(stderr, "mcpserialdump: give a port (-i DEV) and an output (-w FILE, - for "
                            "stdout); see --help\n");
            code = SD_EXIT_USAGE;
        } else if (strcmp(opt.output, "-") == 0 && isatty(STDOUT_FILENO)) {
            fprintf(stderr, "mcpserialdump: not writing a capture to a terminal (-w -): pipe it "
                            "into tshark -r - or a file\n");
            code = SD_EXIT_USAGE;
        } else {
            sd_capture_signals();
            code = capture(&opt, &run);
        }
    } else if (opt.extcap_interfaces || (opt.extcap_version_given && !opt.capture &&
                                         !opt.extcap_config && !opt.extcap_dlts)) {
        sd_extcap_interfaces(stdout);
    } else if (opt.extcap_dlts) {
        sd_extcap_dlts(stdout);
    } else if (opt.extcap_reload_option != NULL) {
        sd_extcap_reload(stdout, opt.extcap_interface, opt.extcap_reload_option);
    } else if (opt.extcap_config) {
        sd_extcap_config(stdout, opt.extcap_interface);
    } else if (opt.capture_filter != NULL && opt.capture_filter[0] != '\0') {
        /* Wireshark checks a filter by calling us without --capture: the first line of
         * stdout is its error text; at capture time the message goes to stderr. */
        const char *msg = "mcpserialdump takes no capture filter: it captures every byte of "
                          "the line; use a display filter such as mcp5a";
        if (opt.capture)
            fprintf(stderr, "mcpserialdump: %s\n", msg);
        else
            printf("%s\n", msg);
        code = SD_EXIT_FILTER;
    } else if (opt.capture) {
        sd_capture_signals();
        code = capture(&opt, &run);
    } else if (opt.cleanup_postkill) {
        code = SD_EXIT_OK; /* nothing outlives the capture: every record is flushed */
    } else {
        code = SD_EXIT_OK; /* an empty capture filter: valid */
    }
    fflush(stdout);
    if (run.log != stdout && run.log != stderr)
        fclose(run.log);
    sd_options_free(&opt);
    return code;
}

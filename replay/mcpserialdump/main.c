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
#include "extcap.h"
#include "options.h"
#include "ports.h"
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
    for (guint i = 0; i < ports->len; i++) {
        const struct sd_port *p = g_ptr_array_index(ports, i);
        printf("%u. %s%s%s%s (%s)\n", i + 1, p->path, p->target ? " -> " : "",
               p->target ? p->target : "", "", p->id);
    }
    if (ports->len == 0)
        fprintf(stderr, "mcpserialdump: no serial ports found\n");
    g_ptr_array_unref(ports);
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

static int capture(const struct sd_options *opt, struct sd_run *run)
{
    char *paths[SD_MAX_PORTS];
    unsigned n = 0;
    int code = SD_EXIT_OK;
    char err[512] = "";

    if (run->extcap) {
        if (opt->extcap_interface == NULL) {
            fprintf(stderr, "mcpserialdump: --capture needs --extcap-interface\n");
            return SD_EXIT_USAGE;
        }
        if (opt->fifo == NULL) {
            fprintf(stderr, "mcpserialdump: --capture needs --fifo\n");
            return SD_EXIT_USAGE;
        }
        paths[n] = sd_ports_resolve(opt->extcap_interface);
        if (paths[n] == NULL) {
            fprintf(stderr, "mcpserialdump: no serial port for interface '%s'\n",
                    opt->extcap_interface);
            return SD_EXIT_PORT_MISSING;
        }
        n++;
    } else {
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
    if (opt->reverse_port != NULL) {
        if (n == SD_MAX_PORTS) {
            fprintf(stderr, "mcpserialdump: too many ports\n");
            code = SD_EXIT_USAGE;
        } else {
            paths[n++] = g_strdup(opt->reverse_port);
        }
    }
    if (code == SD_EXIT_OK && opt->one_line && opt->reverse_port != NULL) {
        fprintf(stderr, "mcpserialdump: a one-line bus has no second port: choose one-line "
                        "bus mode or a second port for the reverse direction\n");
        code = SD_EXIT_USAGE;
    }

    struct sd_capture cap;
    memset(&cap, 0, sizeof cap);
    plan_lines(opt, paths, n, &cap);
    cap.count = opt->count;
    cap.duration_s = opt->duration_s;
    cap.log = run->log;
    cap.debug = opt->debug;

    /* Ports first: a port that cannot be captured is reported before any output exists. */
    for (unsigned i = 0; i < n && code == SD_EXIT_OK; i++) {
        for (unsigned k = 0; k < i; k++) {
            if (strcmp(paths[k], paths[i]) == 0) {
                fprintf(stderr, "mcpserialdump: %s given twice\n", paths[i]);
                code = SD_EXIT_USAGE;
            }
        }
        if (code != SD_EXIT_OK)
            break;
        bool low_latency = false;
        enum sd_exit ecode = SD_EXIT_OK;
        cap.ports[i].fd =
            sd_serial_open(paths[i], &opt->line, &low_latency, err, sizeof err, &ecode);
        if (cap.ports[i].fd < 0) {
            fprintf(stderr, "mcpserialdump: %s\n", err);
            code = (int)ecode;
            break;
        }
        if (opt->debug)
            fprintf(run->log, "mcpserialdump: %s: low latency %s\n", paths[i],
                    low_latency ? "on" : "not supported by the driver");
    }

    const char *out_path = run->extcap ? opt->fifo : opt->output;
    if (code == SD_EXIT_OK) {
        cap.out = open_output(out_path, run->extcap, err, sizeof err);
        if (cap.out == NULL && sd_capture_stop_signal() != 0) {
            /* Stopped while waiting for the fifo's reader: nothing was captured yet. */
            fprintf(run->log, "mcpserialdump: stopped by signal %d before the capture started\n",
                    sd_capture_stop_signal());
        } else if (cap.out == NULL) {
            fprintf(stderr, "mcpserialdump: %s\n", err);
            code = SD_EXIT_OUTPUT;
        } else if (!sd_capture_write_header(&cap)) {
            fprintf(stderr, "mcpserialdump: cannot write the capture header: %s\n",
                    g_strerror(errno));
            code = errno == EPIPE ? SD_EXIT_OK : SD_EXIT_OUTPUT;
        }
    }
    if (code == SD_EXIT_OK && cap.out != NULL) {
        if (!opt->quiet) {
            fprintf(run->log, "mcpserialdump: capturing");
            for (unsigned i = 0; i < n; i++)
                fprintf(run->log, "%s %s (line %u, %s)", i ? "," : "", paths[i], cap.ports[i].iface,
                        cap.ports[i].direction < 0    ? "no direction"
                        : cap.ports[i].direction == 0 ? "direction 0"
                                                      : "direction 1");
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
    }
    if (cap.out != NULL && cap.out != stdout && fclose(cap.out) != 0 && code == SD_EXIT_OK &&
        errno != EPIPE) {
        fprintf(stderr, "mcpserialdump: cannot close the capture: %s\n", g_strerror(errno));
        code = SD_EXIT_OUTPUT;
    }
    for (unsigned i = 0; i < n; i++) {
        if (cap.ports[i].fd >= 0)
            close(cap.ports[i].fd);
        g_free(paths[i]);
    }
    return code;
}

int main(int argc, char **argv)
{
    struct sd_options opt;
    if (!sd_options_parse(argc, argv, &opt)) {
        sd_options_free(&opt);
        return SD_EXIT_USAGE;
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
    } else if (!extcap_mode) {
        if (opt.n_ports == 0 || opt.output == NULL) {
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

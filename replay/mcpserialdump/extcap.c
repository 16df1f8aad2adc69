/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The extcap replies: interfaces, DLTs and the configuration dialog. */
#include "extcap.h"

#include <glib.h>
#include <string.h>

#include "exppdu.h"
#include "options.h"
#include "ports.h"
#include "remember.h"

#ifndef MCP_VERSION
#define MCP_VERSION "0.0"
#endif
#ifndef MCPSERIALDUMP_HELP
#define MCPSERIALDUMP_HELP "file:///usr/share/man/man1/mcpserialdump.1"
#endif

/* The Help link: the man page cmake --install put in the prefix, else the copy
 * install-extcap-user put in ~/.local/share/man (a personal install has no other). */
static char *help_url(void)
{
    const char *global = MCPSERIALDUMP_HELP;
    if (g_str_has_prefix(global, "file://") && g_file_test(global + 7, G_FILE_TEST_EXISTS))
        return g_strdup(global);
    char *mine = g_build_filename(g_get_home_dir(), ".local", "share", "man", "man1",
                                  "mcpserialdump.1", NULL);
    char *url = g_file_test(mine, G_FILE_TEST_EXISTS) ? g_strconcat("file://", mine, NULL)
                                                      : g_strdup(global);
    g_free(mine);
    return url;
}

void sd_extcap_interfaces(FILE *out)
{
    char *help = help_url();
    fprintf(out, "extcap {version=%s}{help=%s}\n", MCP_VERSION, help);
    g_free(help);
    GPtrArray *ports = sd_ports_list();
    GHashTable *listed = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < ports->len; i++) {
        const struct sd_port *p = g_ptr_array_index(ports, i);
        g_hash_table_add(listed, p->id);
        if (p->target != NULL)
            fprintf(out, "interface {value=%s}{display=MCP serial: %s (%s)}\n", p->id, p->path,
                    p->target);
        else
            fprintf(out, "interface {value=%s}{display=MCP serial: %s}\n", p->id, p->path);
    }
    /* Ports captured from before and gone now: listed, so that Wireshark keeps their saved
     * options instead of warning about them at every start (remember.h). */
    GPtrArray *gone = sd_remembered_ports();
    for (guint i = 0; i < gone->len; i++) {
        const struct sd_port *p = g_ptr_array_index(gone, i);
        if (!g_hash_table_contains(listed, p->id))
            fprintf(out, "interface {value=%s}{display=MCP serial: %s (not connected)}\n", p->id,
                    p->path);
    }
    g_ptr_array_unref(gone);
    g_hash_table_destroy(listed);
    g_ptr_array_unref(ports);
    /* Always listed (its options never go stale): a program <-> a device, both recorded. */
    fprintf(out, "interface {value=%s}{display=MCP serial relay: a program <-> a device port}\n",
            SD_RELAY_IFACE);
}

void sd_extcap_dlts(FILE *out)
{
    fprintf(out,
            "dlt {number=%d}{name=WIRESHARK_UPPER_PDU}{display=MCP serial bytes (exported "
            "PDU, mcp5a.serial)}\n",
            LINKTYPE_WIRESHARK_UPPER_PDU);
}

/* The ports other than the interface's own, for the reverse direction. */
static void reverse_values(FILE *out, const char *id)
{
    fprintf(out, "value {arg=4}{value=none}{display=none (one port)}{default=true}\n");
    GPtrArray *ports = sd_ports_list();
    for (guint i = 0; i < ports->len; i++) {
        const struct sd_port *p = g_ptr_array_index(ports, i);
        if (id != NULL && strcmp(p->id, id) == 0)
            continue;
        fprintf(out, "value {arg=4}{value=%s}{display=%s}\n", p->path, p->path);
    }
    g_ptr_array_unref(ports);
}

/* The device side of the relay: every port. */
static void device_values(FILE *out)
{
    GPtrArray *ports = sd_ports_list();
    for (guint i = 0; i < ports->len; i++) {
        const struct sd_port *p = g_ptr_array_index(ports, i);
        fprintf(out, "value {arg=5}{value=%s}{display=%s}%s\n", p->path, p->path,
                i == 0 ? "{default=true}" : "");
    }
    g_ptr_array_unref(ports);
}

static void relay_config(FILE *out)
{
    char *link = g_build_filename(g_get_home_dir(), "ttyMCP-relay", NULL);
    fprintf(out,
            "arg {number=4}{call=--relay}{display=Program side}{type=string}"
            "{default=pty:%s}"
            "{tooltip=pty:PATH: a new pseudo-terminal, PATH links to it: point the program "
            "(vendor tool, SCADA driver, mcppoll) at PATH; or the port the program's cable is "
            "wired to}{group=Relay}\n",
            link);
    g_free(link);
    fprintf(out, "arg {number=5}{call=--relay-device}{display=Device side}{type=selector}"
                 "{reload=true}{placeholder=Rescan ports}{required=true}"
                 "{tooltip=The port the device is on: the relay opens it instead of the "
                 "program}{group=Relay}\n");
    device_values(out);
}

void sd_extcap_config(FILE *out, const char *id)
{
    bool relay = id != NULL && strcmp(id, SD_RELAY_IFACE) == 0;
    static const unsigned bauds[] = {1200,   2400,   4800,   9600,   19200,  38400,   57600,
                                     115200, 230400, 460800, 500000, 921600, 1000000, 2000000};
    fprintf(out, "arg {number=0}{call=--baud}{display=Baud rate}{type=selector}"
                 "{tooltip=Bits per second of the line}{group=Line}\n");
    for (size_t i = 0; i < G_N_ELEMENTS(bauds); i++)
        fprintf(out, "value {arg=0}{value=%u}{display=%u}%s\n", bauds[i], bauds[i],
                bauds[i] == 115200 ? "{default=true}" : "");
    fprintf(out, "arg {number=1}{call=--data-bits}{display=Data bits}{type=selector}"
                 "{group=Line}\n");
    for (unsigned b = 5; b <= 8; b++)
        fprintf(out, "value {arg=1}{value=%u}{display=%u}%s\n", b, b,
                b == 8 ? "{default=true}" : "");
    fprintf(out, "arg {number=2}{call=--parity}{display=Parity}{type=selector}{group=Line}\n");
    fprintf(out, "value {arg=2}{value=none}{display=None}{default=true}\n");
    fprintf(out, "value {arg=2}{value=even}{display=Even}\n");
    fprintf(out, "value {arg=2}{value=odd}{display=Odd}\n");
    fprintf(out, "arg {number=3}{call=--stop-bits}{display=Stop bits}{type=selector}"
                 "{group=Line}\n");
    fprintf(out, "value {arg=3}{value=1}{display=1}{default=true}\n");
    fprintf(out, "value {arg=3}{value=2}{display=2}\n");
    if (relay) {
        relay_config(out);
        return;
    }
    fprintf(out, "arg {number=4}{call=--reverse-port}{display=Second port (reverse direction)}"
                 "{type=selector}{reload=true}{placeholder=Rescan ports}"
                 "{tooltip=A full-duplex tap: this port hears master -> device (direction 0), "
                 "the second port device -> master (direction 1)}{group=Ports}\n");
    reverse_values(out, id);
    fprintf(out, "arg {number=5}{call=--one-line}{display=One-line bus (half-duplex RS-485)}"
                 "{type=boolflag}{default=false}"
                 "{tooltip=One adapter on a two-wire bus hears master and devices alike: records "
                 "carry no direction and each frame's direction is inferred from its command}"
                 "{group=Ports}\n");
}

void sd_extcap_reload(FILE *out, const char *id, const char *option)
{
    if (strcmp(option, "relay-device") == 0 || strcmp(option, "--relay-device") == 0) {
        device_values(out);
        return;
    }
    if (strcmp(option, "reverse-port") == 0 || strcmp(option, "--reverse-port") == 0)
        reverse_values(out, id);
}

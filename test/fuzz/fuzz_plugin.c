/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-process libFuzzer harness for the mcp5a plugin, the way Wireshark's
 * fuzzshark works: epan is started once, the plugin (compiled into this
 * program, instrumented) registers its dissectors, and each input is
 * dissected as one short capture through a real transport path:
 *
 *   byte 0 % 3 == 0  UDP: one IPv4/UDP datagram to port 23130 holding the rest;
 *   byte 0 % 3 == 1  TCP: the rest cut into up to 3 segments of one stream
 *                    to port 23130 (cut points from bytes 1 and 2),
 *                    reassembled by TCP and split by mcp5a.tcp;
 *   byte 0 % 3 == 2  serial: the rest cut into up to 3 exported-PDU records
 *                    for "mcp5a.serial", directions from bits of byte 0.
 * With MCP5A_FUZZ_NO_CRC=1 in the environment the CRC check is off
 * (mcp5a.check_crc), so frames with any check reach the payload and analysis
 * code (changing the preference per input would cost a prefs_apply_all each).
 *
 * As in fuzzshark, one epan session serves many inputs (a new session costs
 * every dissector's init routines: about a second); it is renewed every
 * SESSION_INPUTS inputs so file-scope state stays bounded. Not more often:
 * each epan_new() on 4.0 also leaves about 10-16 MB in epan scope (name
 * resolution tables, freed only by epan_cleanup), so renewing every 5,000
 * inputs ran a one-hour soak out of memory (2 GB) after 566k inputs, while
 * a session's own file scope grows about 8 KB per input (each input is a new
 * conversation: two senders' match tables). Each input's
 * TCP/UDP packets use their own source port, so inputs do not share a
 * conversation; the serial line's two directions do carry over from one
 * input to the next (rerun a crash with -runs=1 on its input to check it
 * reproduces alone). WIRESHARK_ABORT_ON_DISSECTOR_BUG is
 * set before epan_init, so a DISSECTOR_ASSERT aborts instead of becoming a
 * "malformed" item.
 *
 * API note (4.0 → 4.6): written against 4.0. 4.6 changes epan_dissect_run
 * (record only, bytes in rec.data: wtap_rec_init/wtap_setup_packet_rec/
 * ws_buffer_append), configuration_init and ws_log_init (one argument
 * fewer), packet_provider_funcs (more members: designated initialisers are
 * used) and gboolean → bool in epan_init/wtap_init.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include <wiretap/wtap.h>
#include <wsutil/exported_pdu_tlvs.h>
#include <wsutil/filesystem.h>
#include <wsutil/pint.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void plugin_register(void); /* plugin/plugin.c */

#define MAX_RECORDS    3
#define MAX_PACKET     (65535 + 64)
#define SESSION_INPUTS 50000 /* MCP5A_FUZZ_SESSION_INPUTS overrides */

static epan_t *session;
static epan_dissect_t *edt;
static guint32 frame_number;
static nstime_t frame_ts;
static guint32 inputs;
static guint32 session_inputs = SESSION_INPUTS;

static const nstime_t *get_frame_ts(struct packet_provider_data *prov _U_, guint32 num _U_)
{
    return &frame_ts;
}

static void report_quiet(const char *fmt _U_, va_list ap _U_)
{
}
static void report_open(const char *name _U_, int err _U_, gboolean for_writing _U_)
{
}
static void report_rw(const char *name _U_, int err _U_)
{
}
static void report_cfile(const char *name _U_, int err _U_, gchar *info _U_)
{
}
static void report_cfile_dump(const char *name _U_, int err _U_, gchar *info _U_, int type _U_)
{
}
static void report_cfile_write(const char *in _U_, const char *out _U_, int err _U_,
                               gchar *info _U_, guint32 num _U_, int type _U_)
{
}

static void set_pref(char *pref)
{
    char *err = NULL;
    if (prefs_set_pref(pref, &err) != PREFS_SET_OK) {
        fprintf(stderr, "preference %s: %s\n", pref, err ? err : "not set");
        abort();
    }
    g_free(err);
}

static void new_session(void)
{
    static const struct packet_provider_funcs funcs = {
        .get_frame_ts = get_frame_ts,
    };
    session = epan_new(NULL, &funcs);
    edt = epan_dissect_new(session, TRUE, FALSE);
}

static void free_session(void)
{
    epan_dissect_free(edt);
    epan_free(session);
}

int LLVMFuzzerInitialize(int *argc _U_, char ***argv)
{
    g_setenv("XDG_CACHE_HOME", "/nonexistent/mcp5a-fuzz", 0);
    g_setenv("XDG_CONFIG_HOME", "/nonexistent/mcp5a-fuzz", 0);
    g_setenv("XDG_DATA_HOME", "/nonexistent/mcp5a-fuzz", 0);
    g_setenv("WIRESHARK_DEBUG_WMEM_OVERRIDE", "simple", 0);
    g_setenv("G_SLICE", "always-malloc", 0);
    g_setenv("WIRESHARK_ABORT_ON_DISSECTOR_BUG", "1", 1); /* read once, by epan_init */
    g_setenv("WIRESHARK_ABORT_ON_TOO_MANY_ITEMS", "1", 1);

    static const struct report_message_routines routines = {
        report_quiet, report_quiet,      report_open,  report_rw,          report_rw,
        report_cfile, report_cfile_dump, report_cfile, report_cfile_write, report_cfile,
    };
    init_process_policies();
    char *err = configuration_init((*argv)[0], NULL);
    g_free(err);
    init_report_message("mcp5a-fuzz", &routines);
    wtap_init(FALSE);
    plugin_register(); /* queued; epan_init registers it with the built-in dissectors */
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "epan_init failed\n");
        abort();
    }
    epan_load_settings();
    /* Keep the paths short and deterministic; TCP reassembly stays on. */
    char pref[] = "ip.defragment:FALSE";
    set_pref(pref);
    const char *no_crc = g_getenv("MCP5A_FUZZ_NO_CRC");
    if (no_crc != NULL && strcmp(no_crc, "1") == 0) {
        char crc[] = "mcp5a.check_crc:FALSE";
        set_pref(crc);
    }
    prefs_apply_all();
    const char *per_session = g_getenv("MCP5A_FUZZ_SESSION_INPUTS");
    if (per_session != NULL && atoi(per_session) > 0)
        session_inputs = (guint32)atoi(per_session);
    if (find_dissector("mcp5a.serial") == NULL || find_dissector("mcp5a.udp") == NULL) {
        fprintf(stderr, "the mcp5a dissectors are not registered\n");
        abort();
    }
    return 0;
}

static void dissect(const guint8 *bytes, guint len, int encap)
{
    wtap_rec rec;
    memset(&rec, 0, sizeof rec);
    rec.rec_type = REC_TYPE_PACKET;
    rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
    rec.ts = frame_ts;
    rec.rec_header.packet_header.caplen = len;
    rec.rec_header.packet_header.len = len;
    rec.rec_header.packet_header.pkt_encap = encap;

    frame_data fd;
    frame_data_init(&fd, ++frame_number, &rec, 0, 0);
    tvbuff_t *tvb = tvb_new_real_data(bytes, len, (gint)len);
    epan_dissect_run(edt, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &rec, tvb, &fd, NULL);
    frame_data_destroy(&fd);
    epan_dissect_reset(edt);
    frame_ts.nsecs += 1000;
}

static guint16 ip_checksum(const guint8 *p, guint len)
{
    guint32 sum = 0;
    for (guint i = 0; i + 1 < len; i += 2)
        sum += (guint32)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (guint16)~sum;
}

/* An IPv4 header (20 bytes) + UDP (8) or TCP (20) header before payload. */
static guint ip_packet(guint8 *out, int proto, guint32 tcp_seq, const guint8 *payload, guint len)
{
    guint l4 = proto == 17 ? 8 : 20;
    guint total = 20 + l4 + len;
    memset(out, 0, 20 + l4);
    out[0] = 0x45;
    phton16(out + 2, (guint16)total);
    out[8] = 64;
    out[9] = (guint8)proto;
    /* One conversation per input: source 10.1.X.Y, port 30000..59999. The
     * port stays above 23130 because UDP and TCP offer a packet to the lower
     * port's dissector first: from 1024 up, a third of the inputs went to
     * other protocols (and one hit a DISSECTOR_ASSERT in 4.0's TPM 2.0
     * dissector on port 2321) instead of mcp5a. */
    phton32(out + 12, 0x0a010000 | ((inputs / 30000) & 0xffff));
    phton32(out + 16, 0x0a000064); /* 10.0.0.100 */
    phton16(out + 10, ip_checksum(out, 20));
    guint8 *h = out + 20;
    phton16(h, (guint16)(30000 + inputs % 30000));
    phton16(h + 2, 23130);
    if (proto == 17) {
        phton16(h + 4, (guint16)(8 + len));
    } else {
        phton32(h + 4, tcp_seq);
        phton32(h + 8, 1);
        h[12] = 5 << 4;
        h[13] = 0x18; /* PSH, ACK */
        phton16(h + 14, 65535);
    }
    memcpy(out + 20 + l4, payload, len);
    return total;
}

/* An exported-PDU record: dissector name, direction, end, then the bytes. */
static guint serial_record(guint8 *out, int dir, const guint8 *payload, guint len)
{
    static const char name[] = "mcp5a.serial"; /* 12 bytes: no padding needed */
    guint n = 0;
    phton16(out + n, EXP_PDU_TAG_DISSECTOR_NAME);
    phton16(out + n + 2, 12);
    memcpy(out + n + 4, name, 12);
    n += 16;
    phton16(out + n, EXP_PDU_TAG_P2P_DIRECTION);
    phton16(out + n + 2, 4);
    phton32(out + n + 4, (guint32)dir);
    n += 8;
    phton32(out + n, 0); /* end of options */
    n += 4;
    memcpy(out + n, payload, len);
    return n + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > 65000)
        return 0;
    static guint8 packet[MAX_PACKET];
    guint8 sel = data[0];
    if (session == NULL || inputs % session_inputs == 0) {
        if (session != NULL)
            free_session();
        frame_number = 0;
        frame_ts.secs = 1700000000;
        frame_ts.nsecs = 0;
        new_session();
    }
    inputs++;

    const guint8 *body = data + 3;
    guint len = (guint)size - 3;
    guint cut[MAX_RECORDS + 1] = {0, len, len, len};
    if ((sel & 0x7f) % 3 != 0) { /* two cut points, sorted */
        guint a = len ? data[1] % (len + 1) : 0, b = len ? data[2] % (len + 1) : 0;
        cut[1] = MIN(a, b);
        cut[2] = MAX(a, b);
    }
    switch ((sel & 0x7f) % 3) {
    case 0:
        dissect(packet, ip_packet(packet, 17, 0, body, len), WTAP_ENCAP_RAW_IP);
        break;
    case 1:
        for (int i = 0; i < MAX_RECORDS; i++) {
            guint n = cut[i + 1] - cut[i];
            if (n > 0)
                dissect(packet, ip_packet(packet, 6, 1000 + cut[i], body + cut[i], n),
                        WTAP_ENCAP_RAW_IP);
        }
        break;
    default:
        for (int i = 0; i < MAX_RECORDS; i++) {
            guint n = cut[i + 1] - cut[i];
            int dir = (sel >> (2 + i)) & 1 ? P2P_DIR_RECV : P2P_DIR_SENT;
            if (n > 0)
                dissect(packet, serial_record(packet, dir, body + cut[i], n),
                        WTAP_ENCAP_WIRESHARK_UPPER_PDU);
        }
        break;
    }
    return 0;
}

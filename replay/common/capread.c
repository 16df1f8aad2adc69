/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture reading through libwiretap. */
#include "capread.h"

#include <wiretap/pcap-encap.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>
#include <wsutil/wslog.h>
#include <ws_version.h>

/* Wireshark 4.5 moved the record's bytes into wtap_rec (rec.data): wtap_read() lost its
 * Buffer argument, wtap_rec_init() gained a size, ws_log_init() lost the program name. */
#define MCP_WTAP_REC_DATA                                                                          \
    (WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 5))

G_DEFINE_QUARK(mcp - capread - error - quark, mcp_capread_error)

struct mcp_capread {
    char *path;
    wtap *wth;
    wtap_rec rec;
#if !MCP_WTAP_REC_DATA
    Buffer buf;
#endif
    uint64_t number;
};

/* WTAP_ENCAP_* -> LINKTYPE_*, built once from libwiretap's own table. */
static int *encap_to_linktype;
static int encap_count;

static gpointer init_once(gpointer unused)
{
    (void)unused;
    /* Uninitialised, libwiretap's log prints its debug messages: warnings only. */
#if MCP_WTAP_REC_DATA
    ws_log_init(NULL);
#else
    ws_log_init("mcp-capread", NULL);
#endif
    ws_log_set_level(LOG_LEVEL_WARNING);
    wtap_init(FALSE);
    encap_count = wtap_get_num_encap_types();
    encap_to_linktype = g_new(int, (gsize)encap_count);
    for (int i = 0; i < encap_count; i++)
        encap_to_linktype[i] = -1;
    /* LINKTYPE_ values in use stay below 300; the first one found wins, which
     * keeps DLT_RAW (12) for raw IP. */
    for (int lt = 0; lt < 300; lt++) {
        int encap = wtap_pcap_encap_to_wtap_encap(lt);
        if (encap > 0 && encap < encap_count && encap_to_linktype[encap] < 0)
            encap_to_linktype[encap] = lt;
    }
    return NULL;
}

static void ensure_init(void)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, init_once, NULL);
}

int mcp_capread_linktype(int wtap_encap)
{
    ensure_init();
    if (wtap_encap <= 0 || wtap_encap >= encap_count)
        return -1;
    return encap_to_linktype[wtap_encap];
}

static const char *describe(int err, const char *err_info)
{
    return err_info != NULL && *err_info ? err_info : wtap_strerror(err);
}

struct mcp_capread *mcp_capread_open(const char *path, GError **error)
{
    ensure_init();
    int err = 0;
    gchar *err_info = NULL;
    wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, FALSE);
    if (wth == NULL) {
        const char *why =
            err == 0 ? "not a capture file libwiretap knows" : describe(err, err_info);
        g_set_error(error, MCP_CAPREAD_ERROR_QUARK, 2, "%s: not a readable capture: %s", path, why);
        g_free(err_info);
        return NULL;
    }
    struct mcp_capread *cr = g_new0(struct mcp_capread, 1);
    cr->path = g_strdup(path);
    cr->wth = wth;
#if MCP_WTAP_REC_DATA
    wtap_rec_init(&cr->rec, 1514);
#else
    wtap_rec_init(&cr->rec);
    ws_buffer_init(&cr->buf, 1514);
#endif
    return cr;
}

void mcp_capread_close(struct mcp_capread *cr)
{
    if (cr == NULL)
        return;
    wtap_close(cr->wth);
    wtap_rec_cleanup(&cr->rec);
#if !MCP_WTAP_REC_DATA
    ws_buffer_free(&cr->buf);
#endif
    g_free(cr->path);
    g_free(cr);
}

enum mcp_capread_status mcp_capread_next(struct mcp_capread *cr, struct mcp_caprec *rec,
                                         GError **error)
{
    int err = 0;
    gchar *err_info = NULL;
    gint64 offset;
    wtap_rec_reset(&cr->rec);
#if MCP_WTAP_REC_DATA
    if (!wtap_read(cr->wth, &cr->rec, &err, &err_info, &offset)) {
#else
    if (!wtap_read(cr->wth, &cr->rec, &cr->buf, &err, &err_info, &offset)) {
#endif
        if (err == 0)
            return MCP_CAPREAD_END;
        uint64_t n = cr->number + 1;
        if (err == WTAP_ERR_SHORT_READ)
            g_set_error(error, MCP_CAPREAD_ERROR_QUARK, 2,
                        "%s: record %" G_GUINT64_FORMAT
                        ": the file ends inside this record (cut short)",
                        cr->path, n);
        else
            g_set_error(error, MCP_CAPREAD_ERROR_QUARK, 2, "%s: record %" G_GUINT64_FORMAT ": %s",
                        cr->path, n, describe(err, err_info));
        g_free(err_info);
        return MCP_CAPREAD_ERROR;
    }
    g_free(err_info);
    cr->number++;
    memset(rec, 0, sizeof *rec);
    rec->number = cr->number;
    rec->ts_ns = (int64_t)cr->rec.ts.secs * 1000000000 + cr->rec.ts.nsecs;
    rec->linktype = -1;
    if (cr->rec.rec_type != REC_TYPE_PACKET)
        return MCP_CAPREAD_OK;
    const wtap_packet_header *ph = &cr->rec.rec_header.packet_header;
    rec->packet = true;
    rec->linktype = mcp_capread_linktype(ph->pkt_encap);
    if (cr->rec.presence_flags & WTAP_HAS_INTERFACE_ID)
        rec->interface_id = ph->interface_id;
#if MCP_WTAP_REC_DATA
    rec->data = ws_buffer_start_ptr(&cr->rec.data);
#else
    rec->data = ws_buffer_start_ptr(&cr->buf);
#endif
    rec->caplen = ph->caplen;
    rec->wirelen = ph->len > ph->caplen ? ph->len : ph->caplen;
    return MCP_CAPREAD_OK;
}

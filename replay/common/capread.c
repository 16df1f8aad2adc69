/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture reading through libwiretap, with a direct reader for plain pcap files. */
#include "capread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

/*
 * Issue 24: libwiretap's read costs about 1,100 instructions a record (a packet block
 * created and freed for each), more than all of mcpreplay's extraction. A file that
 * libwiretap itself opened as plain pcap or nanosecond pcap (its variant heuristics
 * decided), version 2.4, uncompressed, a regular file, of a link type whose bytes
 * libwiretap hands over unchanged (no pseudo-header, no byte-order fix-up), is read
 * here directly: the same records, bytes, lengths and times as wtap_read gives
 * (libpcap.c's libpcap_read_packet for that variant). Anything else this reader does
 * not expect in a record (a length over the standard maximum, a file ending inside a
 * record) hands the file back to libwiretap at that record, which then says what it
 * says for it. MCP_CAPREAD_WIRETAP=1 in the environment turns the direct reader off
 * (the tests compare the two).
 */
#define FAST_BUF_SIZE   (1u << 20)
#define FAST_MAX_CAPLEN 262144u /* WTAP_MAX_PACKET_SIZE_STANDARD: over it, libwiretap decides */

struct fastpcap {
    int fd;
    bool swapped; /* written in the other byte order */
    bool nsec;    /* nanosecond time stamps */
    int linktype; /* LINKTYPE_* of every record (the file's) */
    uint8_t *buf; /* bytes read and not yet consumed: buf[start..end) */
    size_t start, end;
    bool eof;
    bool failed; /* a read error: libwiretap reads the file from there on, and says it */
};

struct mcp_capread {
    char *path;
    wtap *wth;
    wtap_rec rec;
#if !MCP_WTAP_REC_DATA
    Buffer buf;
#endif
    uint64_t number;
    struct fastpcap *fast; /* NULL: records come from wtap_read */
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

static uint32_t get32(const uint8_t *p, bool swapped)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return swapped ? GUINT32_SWAP_LE_BE(v) : v;
}

static void fast_free(struct fastpcap *f)
{
    if (f == NULL)
        return;
    close(f->fd);
    g_free(f->buf);
    g_free(f);
}

/* Until n bytes are buffered or the file ends; false on end of file or error (the bytes
 * buffered stay). */
static bool fast_fill(struct fastpcap *f, size_t n)
{
    if (f->end - f->start >= n)
        return true;
    if (f->start > 0) {
        memmove(f->buf, f->buf + f->start, f->end - f->start);
        f->end -= f->start;
        f->start = 0;
    }
    while (f->end < n && !f->eof) {
        ssize_t got = read(f->fd, f->buf + f->end, FAST_BUF_SIZE - f->end);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            f->eof = true;
            f->failed = got < 0;
            break;
        }
        f->end += (size_t)got;
    }
    return f->end >= n;
}

/* Link types whose bytes libwiretap's pcap reader hands over as they are in the file. */
static bool fast_encap(int encap, bool swapped)
{
    switch (encap) {
    case WTAP_ENCAP_ETHERNET:
    case WTAP_ENCAP_RAW_IP:
    case WTAP_ENCAP_RAW_IP4:
    case WTAP_ENCAP_RAW_IP6:
    case WTAP_ENCAP_NULL:
    case WTAP_ENCAP_LOOP:
    case WTAP_ENCAP_PPP:
    case WTAP_ENCAP_IEEE_802_11:
    case WTAP_ENCAP_WIRESHARK_UPPER_PDU:
        return true;
    case WTAP_ENCAP_SLL: /* a byte-swapped file's netlink headers are fixed up */
    case WTAP_ENCAP_SLL2:
        return !swapped;
    default:
        return encap >= WTAP_ENCAP_USER0 && encap <= WTAP_ENCAP_USER15;
    }
}

/* The direct reader for path, if libwiretap opened it as a plain pcap file; else NULL. */
static struct fastpcap *fast_open(const char *path, wtap *wth)
{
    const char *off = g_getenv("MCP_CAPREAD_WIRETAP");
    if (off != NULL && strcmp(off, "1") == 0)
        return NULL;
    int type = wtap_file_type_subtype(wth);
    bool nsec = type == wtap_pcap_nsec_file_type_subtype();
    if (type != wtap_pcap_file_type_subtype() && !nsec)
        return NULL; /* a compressed file fails the magic check below */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    uint8_t hdr[24];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || read(fd, hdr, sizeof hdr) != sizeof hdr) {
        close(fd);
        return NULL;
    }
    uint32_t magic;
    memcpy(&magic, hdr, sizeof magic);
    bool swapped = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
    bool magic_nsec = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
    uint16_t version[2]; /* major, minor */
    memcpy(version, hdr + 4, sizeof version);
    if (swapped) {
        version[0] = GUINT16_SWAP_LE_BE(version[0]);
        version[1] = GUINT16_SWAP_LE_BE(version[1]);
    }
    int encap = wtap_file_encap(wth);
    bool magic_known = magic == 0xa1b2c3d4u || magic == 0xd4c3b2a1u || magic == 0xa1b23c4du ||
                       magic == 0x4d3cb2a1u;
    if (!magic_known || magic_nsec != nsec || version[0] != 2 || version[1] != 4 ||
        !fast_encap(encap, swapped) || mcp_capread_linktype(encap) < 0) {
        close(fd);
        return NULL;
    }
    struct fastpcap *f = g_new0(struct fastpcap, 1);
    f->fd = fd;
    f->swapped = swapped;
    f->nsec = nsec;
    f->linktype = mcp_capread_linktype(encap);
    f->buf = g_malloc(FAST_BUF_SIZE);
    return f;
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
    cr->fast = fast_open(path, wth);
    return cr;
}

void mcp_capread_close(struct mcp_capread *cr)
{
    if (cr == NULL)
        return;
    fast_free(cr->fast);
    wtap_close(cr->wth);
    wtap_rec_cleanup(&cr->rec);
#if !MCP_WTAP_REC_DATA
    ws_buffer_free(&cr->buf);
#endif
    g_free(cr->path);
    g_free(cr);
}

bool mcp_capread_direct(const struct mcp_capread *cr)
{
    return cr->fast != NULL;
}

/* Reads record cr->number + 1 through libwiretap into cr->rec; counts it. */
static enum mcp_capread_status wtap_next(struct mcp_capread *cr, GError **error)
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
    return MCP_CAPREAD_OK;
}

/* The direct reader stops at record cr->number + 1: libwiretap, still at the file's first
 * record, reads the cr->number records before it again (not handed out) and goes on. */
static enum mcp_capread_status hand_over(struct mcp_capread *cr, GError **error)
{
    fast_free(cr->fast);
    cr->fast = NULL;
    uint64_t done = cr->number;
    cr->number = 0;
    while (cr->number < done) {
        enum mcp_capread_status st = wtap_next(cr, error);
        if (st == MCP_CAPREAD_ERROR)
            return st;
        if (st == MCP_CAPREAD_END) {
            g_set_error(error, MCP_CAPREAD_ERROR_QUARK, 2,
                        "%s: record %" G_GUINT64_FORMAT ": the file changed while it was read",
                        cr->path, cr->number + 1);
            return MCP_CAPREAD_ERROR;
        }
    }
    return wtap_next(cr, error);
}

/* The next record by the direct reader: MCP_CAPREAD_ERROR (with *error unset) when
 * libwiretap should read it. */
static enum mcp_capread_status fast_next(struct mcp_capread *cr, struct mcp_caprec *rec)
{
    struct fastpcap *f = cr->fast;
    if (!fast_fill(f, 16))
        return f->end == f->start && !f->failed ? MCP_CAPREAD_END : MCP_CAPREAD_ERROR;
    const uint8_t *h = f->buf + f->start;
    uint32_t caplen = get32(h + 8, f->swapped);
    if (caplen > FAST_MAX_CAPLEN || !fast_fill(f, 16 + (size_t)caplen))
        return MCP_CAPREAD_ERROR;
    h = f->buf + f->start;
    uint32_t secs = get32(h, f->swapped), frac = get32(h + 4, f->swapped);
    uint32_t len = get32(h + 12, f->swapped);
    f->start += 16 + (size_t)caplen;
    cr->number++;
    memset(rec, 0, sizeof *rec);
    rec->number = cr->number;
    /* As libwiretap: secs from the unsigned field; nsecs an int, from usec * 1000 in 32 bits. */
    int nsecs = (int)(f->nsec ? frac : (uint32_t)(frac * 1000u));
    rec->ts_ns = (int64_t)secs * 1000000000 + nsecs;
    rec->packet = true;
    rec->linktype = f->linktype;
    rec->data = h + 16;
    rec->caplen = caplen;
    rec->wirelen = len > caplen ? len : caplen;
    return MCP_CAPREAD_OK;
}

enum mcp_capread_status mcp_capread_next(struct mcp_capread *cr, struct mcp_caprec *rec,
                                         GError **error)
{
    enum mcp_capread_status st;
    if (cr->fast != NULL) {
        st = fast_next(cr, rec);
        if (st != MCP_CAPREAD_ERROR)
            return st;
        st = hand_over(cr, error);
    } else {
        st = wtap_next(cr, error);
    }
    if (st != MCP_CAPREAD_OK)
        return st;
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

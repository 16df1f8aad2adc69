/* Capture file reading through libpcap. */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>

G_DEFINE_QUARK(mcpreplay - error - quark, mr_error)

struct mr_capture {
    char **files;
    size_t file_count;
    size_t current;  /* index of the open file */
    pcap_t *pcap;    /* NULL before the first record and between files */
    uint64_t number; /* records read from the current file */
    uint64_t ordinal;
    uint64_t skipped_empty;
};

static pcap_t *open_file(const char *path, GError **error)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        g_set_error(error, MR_ERROR, 2, "%s: not a readable capture: %s", path, g_strerror(errno));
        return NULL;
    }
    /* Large reads: the default stdio buffer means a read(2) per 4 KiB. */
    setvbuf(fp, NULL, _IOFBF, 1 << 20);
    posix_fadvise(fileno(fp), 0, 0, POSIX_FADV_SEQUENTIAL);
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == NULL) { /* libpcap closed fp */
        g_set_error(error, MR_ERROR, 2, "%s: not a readable capture: %s", path, errbuf);
    }
    return p;
}

struct mr_capture *mr_capture_open(char **files, size_t file_count, GError **error)
{
    for (size_t i = 0; i < file_count; i++) {
        pcap_t *p = open_file(files[i], error);
        if (p == NULL)
            return NULL;
        pcap_close(p);
    }
    struct mr_capture *cap = g_new0(struct mr_capture, 1);
    cap->files = g_strdupv(files);
    cap->file_count = file_count;
    return cap;
}

void mr_capture_free(struct mr_capture *cap)
{
    if (cap == NULL)
        return;
    if (cap->pcap != NULL)
        pcap_close(cap->pcap);
    g_strfreev(cap->files);
    g_free(cap);
}

bool mr_capture_rewind(struct mr_capture *cap, GError **error)
{
    (void)error;
    if (cap->pcap != NULL)
        pcap_close(cap->pcap);
    cap->pcap = NULL;
    cap->current = 0;
    cap->number = 0;
    cap->ordinal = 0;
    return true;
}

uint64_t mr_capture_skipped_empty(const struct mr_capture *cap)
{
    return cap->skipped_empty;
}

enum mr_read_status mr_capture_next(struct mr_capture *cap, struct mr_record *rec, GError **error)
{
    for (;;) {
        if (cap->pcap == NULL) {
            if (cap->current >= cap->file_count)
                return MR_READ_END;
            cap->pcap = open_file(cap->files[cap->current], error);
            if (cap->pcap == NULL)
                return MR_READ_ERROR;
            cap->number = 0;
        }
        const char *file = cap->files[cap->current];
        struct pcap_pkthdr *hdr;
        const u_char *data;
        int rc = pcap_next_ex(cap->pcap, &hdr, &data);
        if (rc == PCAP_ERROR_BREAK) { /* end of this file */
            pcap_close(cap->pcap);
            cap->pcap = NULL;
            cap->current++;
            continue;
        }
        cap->number++;
        if (rc != 1) {
            g_set_error(error, MR_ERROR, 2, "%s: record %" G_GUINT64_FORMAT ": %s", file,
                        cap->number, pcap_geterr(cap->pcap));
            return MR_READ_ERROR;
        }
        int snaplen = pcap_snapshot(cap->pcap);
        if (hdr->caplen > hdr->len || (snaplen > 0 && hdr->caplen > (bpf_u_int32)snaplen)) {
            g_set_error(error, MR_ERROR, 2,
                        "%s: record %" G_GUINT64_FORMAT
                        ": invalid record: %u bytes captured of %u on the wire, snaplen %d",
                        file, cap->number, hdr->caplen, hdr->len, snaplen);
            return MR_READ_ERROR;
        }
        cap->ordinal++;
        if (hdr->caplen == 0) {
            if (cap->skipped_empty++ == 0)
                g_printerr("mcpreplay: %s: record %" G_GUINT64_FORMAT
                           ": zero-length record skipped\n",
                           file, cap->number);
            continue;
        }
        rec->file = file;
        rec->file_index = (unsigned)cap->current;
        rec->number = cap->number;
        rec->ordinal = cap->ordinal;
        rec->ts_ns = (int64_t)hdr->ts.tv_sec * 1000000000 + (int64_t)hdr->ts.tv_usec;
        rec->linktype = pcap_datalink(cap->pcap);
        rec->data = data;
        rec->caplen = hdr->caplen;
        rec->wirelen = hdr->len;
        return MR_READ_OK;
    }
}

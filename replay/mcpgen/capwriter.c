/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture output: libpcap's dumper for pcap, pcapng.c for pcapng. */
#include "capwriter.h"

#include <errno.h>
#include <glib.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "pcapng.h"

struct capwriter {
    char *path;
    bool nano;
    bool failed;
    int err; /* errno of the first failed write */
    pcap_t *dead;
    pcap_dumper_t *dumper;
    FILE *ng;
    char *buf;
};

struct capwriter *capwriter_open(const char *path, bool pcapng, int linktype, bool nano)
{
    struct capwriter *w = g_new0(struct capwriter, 1);
    w->path = g_strdup(path);
    w->nano = nano;
    if (pcapng) {
        w->ng = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
        if (w->ng != NULL) {
            w->buf = g_malloc(1 << 20);
            setvbuf(w->ng, w->buf, _IOFBF, 1 << 20);
            if (pcapng_write_header(w->ng, (uint16_t)linktype, CAPWRITER_SNAPLEN, nano))
                return w;
        }
        fprintf(stderr, "mcpgen: cannot write %s: %s\n", path, strerror(errno));
    } else {
        w->dead = pcap_open_dead_with_tstamp_precision(linktype, CAPWRITER_SNAPLEN,
                                                       nano ? PCAP_TSTAMP_PRECISION_NANO
                                                            : PCAP_TSTAMP_PRECISION_MICRO);
        if (w->dead != NULL) {
            w->dumper = pcap_dump_open(w->dead, path);
            if (w->dumper != NULL)
                return w;
            fprintf(stderr, "mcpgen: cannot write %s: %s\n", path, pcap_geterr(w->dead));
        } else {
            fprintf(stderr, "mcpgen: libpcap cannot open a dead handle\n");
        }
    }
    w->failed = true; /* said above */
    capwriter_close(w);
    return NULL;
}

static void failed(struct capwriter *w)
{
    if (!w->failed)
        w->err = errno;
    w->failed = true;
}

bool capwriter_write(struct capwriter *w, uint64_t ts_ns, const uint8_t *data, size_t len)
{
    if (w->failed)
        return false;
    uint64_t ts = w->nano ? ts_ns : ts_ns / 1000;
    if (w->ng != NULL) {
        if (!pcapng_write_packet(w->ng, ts, data, (uint32_t)len))
            failed(w);
        return !w->failed;
    }
    struct pcap_pkthdr hdr;
    uint64_t per_sec = w->nano ? 1000000000ULL : 1000000ULL;
    hdr.ts.tv_sec = (time_t)(ts / per_sec);
    hdr.ts.tv_usec = (suseconds_t)(ts % per_sec); /* ns for a nanosecond dumper */
    hdr.caplen = (bpf_u_int32)len;
    hdr.len = (bpf_u_int32)len;
    pcap_dump((u_char *)w->dumper, &hdr, data); /* reports nothing: the stream's error flag does */
    if (ferror(pcap_dump_file(w->dumper)))
        failed(w);
    return !w->failed;
}

void capwriter_report(const struct capwriter *w)
{
    const char *name = strcmp(w->path, "-") == 0 ? "stdout" : w->path;
    if (w->err == EPIPE) /* the reader went away (mcpgen -w - | head): SIGPIPE is ignored */
        fprintf(stderr,
                "mcpgen: cannot write the capture to %s: the reader closed it (broken pipe)\n",
                name);
    else
        fprintf(stderr, "mcpgen: cannot write the capture to %s: %s\n", name, strerror(w->err));
}

bool capwriter_close(struct capwriter *w)
{
    bool reported = w->failed; /* capwriter_write's caller said it */
    if (w->ng != NULL) {
        if (fflush(w->ng) != 0 || ferror(w->ng))
            failed(w);
        if (fclose(w->ng) != 0)
            failed(w);
    }
    if (w->dumper != NULL) {
        if (pcap_dump_flush(w->dumper) != 0 || ferror(pcap_dump_file(w->dumper)))
            failed(w);
        pcap_dump_close(w->dumper);
    }
    if (w->dead != NULL)
        pcap_close(w->dead);
    bool ok = !w->failed;
    if (!ok && !reported && (w->ng != NULL || w->dumper != NULL))
        capwriter_report(w);
    g_free(w->buf);
    g_free(w->path);
    g_free(w);
    return ok;
}

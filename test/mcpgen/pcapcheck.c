/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads a capture with libpcap (pcap or pcapng) and prints what a reader
 * sees, for the mcpgen tests:
 *   pcapcheck FILE            "linktype N records N"
 *   pcapcheck --records FILE  also one line per record: "SEC.NSEC LEN SHA1"
 * Exit 1 (with a message) when libpcap cannot read the file to its end.
 */
#include <glib.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    bool records = argc == 3 && strcmp(argv[1], "--records") == 0;
    if (argc != 2 && !records) {
        fprintf(stderr, "usage: pcapcheck [--records] FILE\n");
        return 2;
    }
    const char *path = argv[argc - 1];
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
    if (p == NULL) {
        fprintf(stderr, "pcapcheck: %s: %s\n", path, err);
        return 1;
    }
    struct pcap_pkthdr *hdr;
    const u_char *data;
    unsigned long n = 0;
    int rc;
    GString *lines = g_string_new(NULL);
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        n++;
        if (hdr->caplen != hdr->len) {
            fprintf(stderr, "pcapcheck: %s: record %lu cut short\n", path, n);
            return 1;
        }
        if (records) {
            gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA1, data, hdr->caplen);
            g_string_append_printf(lines, "%ld.%09ld %u %s\n", (long)hdr->ts.tv_sec,
                                   (long)hdr->ts.tv_usec, hdr->caplen, sum);
            g_free(sum);
        }
    }
    if (rc != PCAP_ERROR_BREAK) {
        fprintf(stderr, "pcapcheck: %s: %s\n", path, pcap_geterr(p));
        return 1;
    }
    printf("linktype %d records %lu\n%s", pcap_datalink(p), n, lines->str);
    g_string_free(lines, TRUE);
    pcap_close(p);
    return 0;
}

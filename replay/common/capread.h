/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads one capture file through libwiretap (Wireshark's capture-file
 * library): every format Wireshark opens, compressed files, pcapng sections of
 * either byte order whose interfaces have different link types and timestamp
 * resolutions; plain pcap files that libwiretap opens as such are read
 * directly (the same records, faster). A record's own captured length governs
 * (a header snaplen never cuts a record). Records are numbered as Wireshark
 * numbers frames (every record wtap_read returns, packets or not, counts).
 */
#ifndef MCP_CAPREAD_H
#define MCP_CAPREAD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct mcp_caprec {
    uint64_t number;       /* 1-based record number in the file (Wireshark's frame number) */
    bool packet;           /* false: a non-packet record (event, custom block...): no data */
    int64_t ts_ns;         /* capture time, ns since the epoch, at the interface's resolution */
    int linktype;          /* LINKTYPE_* (pcap DLT) of the record's interface, -1 unknown */
    uint32_t interface_id; /* pcapng interface the record came in on; 0 for pcap */
    const uint8_t *data;   /* valid until the next mcp_capread_next / close */
    uint32_t caplen;       /* bytes in the file */
    uint32_t wirelen;      /* bytes on the wire (>= caplen) */
};

enum mcp_capread_status {
    MCP_CAPREAD_OK,
    MCP_CAPREAD_END,
    MCP_CAPREAD_ERROR, /* *error set, naming the file and the record */
};

struct mcp_capread;

/* Opens PATH (any format libwiretap reads, .gz too). NULL with *error set
 * ("PATH: not a readable capture: why") on failure. */
struct mcp_capread *mcp_capread_open(const char *path, GError **error);
void mcp_capread_close(struct mcp_capread *cr);

/* The next record. A file that ends inside a record is an error naming that
 * record ("the file ends inside record N"); the records before it came out. */
enum mcp_capread_status mcp_capread_next(struct mcp_capread *cr, struct mcp_caprec *rec,
                                         GError **error);

/*
 * True while the records come from the direct reader of plain pcap files (the same
 * records libwiretap gives, read without it: capread.c), false when libwiretap reads
 * them. MCP_CAPREAD_WIRETAP=1 in the environment at open: always libwiretap.
 */
bool mcp_capread_direct(const struct mcp_capread *cr);

/* LINKTYPE_* value of a libwiretap WTAP_ENCAP_* value, -1 if it has none. */
int mcp_capread_linktype(int wtap_encap);

#define MCP_CAPREAD_ERROR_QUARK mcp_capread_error_quark()
GQuark mcp_capread_error_quark(void);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LINKTYPE_USER0..15 (DLT 147..162) mapped to a dissector the way Wireshark's
 * DLT_USER table does it (epan/dissectors/packet-user_encap.c, the UAT file
 * "user_dlts"): per DLT a payload dissector, a header of N bytes and a trailer
 * of M bytes stripped from each record. `mcp5a.serial` makes a record a chunk
 * of an undirected serial byte stream (docs/PROTOCOL.md §5), `mcp5a` a record
 * of whole frames; any other dissector means "not MCP".
 *
 * The table comes from `--dlt-user` or, without it, from the user's Wireshark
 * configuration (default profile): $WIRESHARK_CONFIG_DIR, else
 * $XDG_CONFIG_HOME/wireshark (~/.config/wireshark) when that folder exists,
 * else ~/.wireshark when that one exists; its file `user_dlts`, or failing
 * that the global one ($WIRESHARK_DATA_DIR or /usr/share/wireshark).
 */
#ifndef MR_DLTUSER_H
#define MR_DLTUSER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MR_DLT_USER_FIRST 147 /* LINKTYPE_USER0 */
#define MR_DLT_USER_LAST  162 /* LINKTYPE_USER15 */
#define MR_DLT_USER_COUNT 16

enum mr_dlt_user_kind {
    MR_DLT_USER_UNMAPPED, /* no entry: Wireshark shows the bytes as data */
    MR_DLT_USER_SERIAL,   /* "mcp5a.serial": raw serial bytes, no direction (§5) */
    MR_DLT_USER_FRAMES,   /* "mcp5a": whole frames back to back */
    MR_DLT_USER_OTHER,    /* any other dissector (or none): not MCP */
};

struct mr_dlt_user_entry {
    bool mapped;
    char payload[128];     /* the payload dissector's name, blanks trimmed ("" = data) */
    uint32_t header_size;  /* bytes stripped before the payload */
    uint32_t trailer_size; /* bytes stripped after it */
};

struct mr_dlt_user_table {
    struct mr_dlt_user_entry e[MR_DLT_USER_COUNT]; /* index: DLT - 147 */
    /* Where the entries came from: "--dlt-user", "--dlt-user none", a file's
     * path, or "" before anything was read. */
    char source[1024];
    bool from_option;
    bool none;          /* --dlt-user none: no mapping, Wireshark's table not read */
    bool file_missing;  /* Wireshark's table was looked for and not found */
    char problem[1200]; /* the first line of Wireshark's table it would not load ("" = none) */
};

/* True for DLT 147..162. */
bool mr_dlt_user_is_user(int linktype);

/* The entry for linktype (147..162), or NULL for other link types. */
const struct mr_dlt_user_entry *mr_dlt_user_lookup(const struct mr_dlt_user_table *t, int linktype);

enum mr_dlt_user_kind mr_dlt_user_kind(const struct mr_dlt_user_entry *e);

/*
 * One --dlt-user value added to t: `DLT=DISSECTOR[,header=N][,trailer=M]`
 * (DLT 147..162 or user0..user15; N, M bytes 0..4294967295), a Wireshark
 * user_dlts record as tshark's `-o uat:user_dlts:RECORD` takes it, or `none`.
 * False with *error (code 2, naming --dlt-user) for a bad value or a DLT given twice.
 */
bool mr_dlt_user_add_option(struct mr_dlt_user_table *t, const char *value, GError **error);

/*
 * Parses one user_dlts record (Wireshark's UAT syntax: six fields, each a
 * "quoted string" with backslash escapes, a run of hex digit pairs, or empty,
 * separated by commas; CR LF or LF): DLT name "User N (DLT=M)", payload
 * dissector, header size, header dissector, trailer size, trailer dissector.
 * *dlt gets 147..162; the payload name is lower-cased, leading blanks
 * trimmed (as Wireshark 4.0 matches it). Returns 0 ok; 1 a bad value (the
 * syntax holds: Wireshark skips this record and reads on); -1 a syntax error
 * (Wireshark stops reading the file). why gets one line.
 */
int mr_dlt_user_parse_record(const char *line, int *dlt, struct mr_dlt_user_entry *entry, char *why,
                             size_t why_len);

/*
 * Reads a user_dlts file into t as Wireshark 4.0 does (checked with tshark):
 * comment (#) and blank lines skipped; the first valid entry for a DLT wins;
 * a record with a bad value is skipped; a syntax error ends the reading; a
 * last line without a newline is ignored. The first such problem goes to
 * t->problem as "PATH:LINE: why". False with *error (G_FILE_ERROR_NOENT when
 * the file does not exist) only if it cannot be read.
 */
bool mr_dlt_user_load_file(struct mr_dlt_user_table *t, const char *path, GError **error);

/*
 * The user_dlts Wireshark reads for the default profile (see above): newly
 * allocated; the personal path when no file exists at all.
 */
char *mr_dlt_user_wireshark_path(void);

/* Loads Wireshark's table into t (an empty t: source set, file_missing when absent). */
void mr_dlt_user_load_wireshark(struct mr_dlt_user_table *t);

/*
 * The payload of a record under entry e, as Wireshark cuts it: bytes
 * [header, caplen - trailer); a record exactly one byte short of header plus
 * trailer (trailer > 0) gives [header, caplen), as Wireshark's length -1
 * means "to the end". False when it is shorter still (Wireshark shows it as
 * malformed, nothing decoded).
 */
bool mr_dlt_user_strip(const struct mr_dlt_user_entry *e, const uint8_t *data, size_t caplen,
                       const uint8_t **payload, size_t *payload_len);

/* "DLT 147 (LINKTYPE_USER0)" */
void mr_dlt_user_name(int linktype, char *out, size_t out_len);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads one or more capture files in order (replay/common/capread: every
 * format libwiretap reads), one record at a time, with nanosecond timestamps,
 * as one capture (a rotated capture's files). Problems in a file come back
 * with the file name and the record number.
 */
#ifndef MR_CAPTURE_H
#define MR_CAPTURE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct mr_record {
    const char *file;
    unsigned file_index;
    uint64_t number;       /* 1-based within its file */
    uint64_t ordinal;      /* 1-based across all the files */
    int64_t ts_ns;         /* capture timestamp, ns since the epoch */
    int linktype;          /* pcap DLT_* value of the record's interface */
    uint32_t interface_id; /* pcapng interface (0 for pcap): one serial line each (§5) */
    const uint8_t *data;
    uint32_t caplen;
    uint32_t wirelen;
};

/* Where a byte came from: enough of its record to time and name a frame. */
struct mr_recmeta {
    const char *file;
    uint64_t number;  /* in its file */
    uint64_t ordinal; /* across the files */
    int64_t ts_ns;
};

enum mr_read_status {
    MR_READ_OK,
    MR_READ_END,   /* after the last record of the last file */
    MR_READ_ERROR, /* *error set: the file is truncated or invalid */
};

struct mr_capture;

/*
 * The path to read `file` from. A regular file (or anything stat() cannot
 * tell) is read where it is. A pipe, FIFO, character device, socket, `-`
 * (stdin), /dev/stdin or <(...) cannot be read twice, and mcpreplay reads a
 * capture several times (the check at open, the frame count for the
 * progress, -Y's tshark, the replay, --loop): its bytes are copied once, on
 * the first call, to a file in a private temporary folder (TMPDIR), and every
 * later call for the same name returns that copy. The copies are removed at
 * exit (atexit; SIGINT/SIGTERM end mcpreplay through its normal exit).
 * NULL with *error (code 2, naming `file`) when it cannot be read or copied.
 * The returned string lives until exit.
 */
const char *mr_capture_path(const char *file, GError **error);

/* Checks that every file opens as a capture; reads nothing yet. */
struct mr_capture *mr_capture_open(char **files, size_t file_count, GError **error);
void mr_capture_free(struct mr_capture *cap);

/* The next record. Zero-length and non-packet records are skipped (counted,
 * with a warning). */
enum mr_read_status mr_capture_next(struct mr_capture *cap, struct mr_record *rec, GError **error);

/* Starts again at the first record of the first file (for --loop). */
bool mr_capture_rewind(struct mr_capture *cap, GError **error);

uint64_t mr_capture_skipped_empty(const struct mr_capture *cap);

#define MR_ERROR mr_error_quark()
GQuark mr_error_quark(void);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turns decoded capture records into MCP frames, each with its capture
 * timestamp, record number and sender: every frame of a UDP datagram, the
 * frames of each reassembled TCP direction (stream decoder, FRAMED mode) and
 * of each serial direction (stream decoder, SERIAL mode). Decides which side
 * of each conversation is the master (docs/PROTOCOL.md §5).
 */
#ifndef MR_EXTRACT_H
#define MR_EXTRACT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "dltuser.h"
#include "mcp/frame.h"
#include "packet.h"

struct mr_frame {
    int64_t ts_ns;   /* timestamp of the record in which the frame was accepted */
    uint64_t record; /* that record's number across all files (1-based) */
    uint64_t uid;    /* extraction order, unique for the whole run */
    uint32_t sender; /* index into the extractor's sender table */
    bool from_master;
    bool crc_ok;
    uint8_t seq, cmd;
    uint8_t orig_seq;    /* seq as captured, before --renumber */
    bool corrupted;      /* --corrupt-crc spoiled its check */
    uint64_t expect_ref; /* --expect: its recorded request's handle (expect.c), 0: none */
    size_t len;
    uint8_t *bytes; /* the frame's bytes, in the same allocation as the struct */
};

/* One allocation for the struct and len bytes (zeroed struct, bytes uninitialised). */
struct mr_frame *mr_frame_new(size_t len);
void mr_frame_free(struct mr_frame *frame);
struct mr_frame *mr_frame_copy(const struct mr_frame *frame);

/* One direction of one conversation (§3's sender). */
struct mr_sender {
    enum mr_packet_kind kind;
    char name[112]; /* "SRC:PORT>DST:PORT" or "serial:0" */
    struct mr_addr src;
    uint16_t sport;
    bool master;
    uint32_t reverse; /* index of the other direction */
};

struct mr_extract_stats {
    uint64_t records;
    uint64_t records_other;     /* carried no UDP/TCP/serial payload (incl. undecoded) */
    uint64_t records_undecoded; /* of those, stopped at a layer not decoded (also skips) */
    uint64_t frames;
    uint64_t junk_bytes; /* bytes between frames that start no frame */
    uint64_t truncated;  /* frames cut short by the snaplen */
    uint64_t tcp_holes;
    uint64_t tcp_hole_bytes;
    uint64_t ip_incomplete;     /* fragmented datagrams never completed */
    uint64_t skipped;           /* frames (or parts of the stream) not extracted: see skips */
    uint64_t dlt_user_not_mcp;  /* DLT_USER records mapped to another dissector */
    uint64_t dlt_user_unmapped; /* DLT_USER records without a mapping (also skips) */
    /* UDP datagrams equal to the same sender's previous one within 1 ms: copies a
     * SPAN port makes, suspected; replayed as captured, counted so they are seen. */
    uint64_t udp_suspected_duplicates;
};

/* The records of one DLT_USER link type seen so far. */
struct mr_dlt_user_seen {
    uint64_t records;
    uint64_t first_record, last_record; /* across all files, 1-based; 0: none */
    uint64_t junk_bytes;                /* mapped to MCP: stream bytes skipped as they were fed */
};

/* A frame, or a stretch of a stream, that could not be extracted (nothing is
 * lost silently): listed in the summary and in --json. */
struct mr_skip {
    uint64_t record;    /* across all files, 1-based */
    uint32_t sender;    /* index into the sender table; UINT32_MAX: none */
    int seq;            /* -1: unknown */
    const char *reason; /* static text */
};

#define MR_MAX_SKIPS_LISTED 1000 /* more are counted, not listed */

typedef void (*mr_frame_cb)(void *ctx, struct mr_frame *frame); /* takes ownership */

struct mr_extractor;

struct mr_extractor *mr_extractor_new(const struct mcp_codec *codec, uint16_t mcp_port);
void mr_extractor_free(struct mr_extractor *ex);
/*
 * §5 line silence for serial streams (default 100 ms; 0 never): a partial
 * frame held while a stream's records are this far apart (record timestamps)
 * is given up. Set before the first record.
 */
void mr_extractor_set_silence(struct mr_extractor *ex, int64_t silence_ns);

void mr_extractor_record(struct mr_extractor *ex, const struct mr_record *rec, mr_frame_cb cb,
                         void *ctx);
/* End of the capture: flushes TCP streams held behind holes and partial frames. */
void mr_extractor_finish(struct mr_extractor *ex, mr_frame_cb cb, void *ctx);
/* Forgets the stream state (not the sender table) before a new loop. */
void mr_extractor_restart(struct mr_extractor *ex);

/*
 * LINKTYPE_USER0..15 records are read through this table (dltuser.h): kept by
 * pointer, it must outlive the extractor. NULL (the default): no mapping.
 */
void mr_extractor_set_dlt_user(struct mr_extractor *ex, const struct mr_dlt_user_table *table);
const struct mr_dlt_user_table *mr_extractor_dlt_user(const struct mr_extractor *ex);
/* Records of DLT linktype (147..162) seen, or NULL for another link type. */
const struct mr_dlt_user_seen *mr_extractor_dlt_user_seen(const struct mr_extractor *ex,
                                                          int linktype);
/*
 * Why DLT_USER records gave no MCP frame and how to map them (one line, for
 * "no MCP frames in FILE: ..."), or false when no DLT_USER record was read
 * without MCP.
 */
bool mr_extractor_dlt_user_hint(const struct mr_extractor *ex, char *out, size_t out_len);

/*
 * Lists a skip found elsewhere (-Y: in the original capture, dfilter.c):
 * counted and named as the extractor's own. reason must live until exit
 * (static or g_intern_string). record: 1-based; seq -1 unknown.
 */
void mr_extractor_add_skip(struct mr_extractor *ex, uint64_t record, int seq, const char *reason);

const struct mr_sender *mr_extractor_sender(const struct mr_extractor *ex, uint32_t index);
const struct mr_extract_stats *mr_extractor_stats(const struct mr_extractor *ex);
/* The skips listed so far (struct mr_skip, at most MR_MAX_SKIPS_LISTED). */
const GArray *mr_extractor_skips(const struct mr_extractor *ex);

#endif

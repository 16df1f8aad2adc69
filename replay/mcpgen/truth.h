/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The answer key (docs/truth-format.md): what the spec demands a decoder
 * shows for every frame, filled in from the generator's own bookkeeping.
 */
#ifndef MCPGEN_TRUTH_H
#define MCPGEN_TRUTH_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bigarray.h"
#include "mcp/seq.h"

struct mcp_regmap;

#define TRUTH_NONE UINT32_MAX
/* The verdict of a frame whose check failed: no sequence analysis. */
#define TRUTH_IGNORED MCP_SEQ_VERDICT_COUNT

struct truth_pdu {
    uint32_t record;      /* 1-based record where a decoder shows it; 0 until placed */
    uint32_t sender;      /* index into the sender names */
    uint32_t request_in;  /* truth index of the matched request, or TRUTH_NONE */
    uint32_t response_in; /* truth index of the matching response, or TRUTH_NONE */
    uint32_t regs;        /* --map: 1 + index of its register block (truth_add_registers), or 0 */
    uint16_t index;       /* position among the frames shown in its record */
    int16_t expected;     /* L + 1 before the frame, -1 for null */
    uint8_t seq;
    uint8_t cmd;
    uint8_t verdict; /* enum mcp_seq_verdict, or TRUTH_IGNORED */
    uint8_t missing;
    bool crc_ok;
};

struct truth_junk {
    uint32_t record;
    uint32_t bytes;
};

struct truth {
    struct bigarray *pdus; /* struct truth_pdu, in emission order (spills to disk) */
    struct bigarray *junk; /* struct truth_junk, one per record, in record order */
    GPtrArray *sender;     /* names, "10.0.0.1:40001>10.0.0.101:23130" or "serial:0" */
    /* --map: the register blocks of READ responses OK and WRITE requests (struct
     * truth_regs), whose items the answer key lists; NULL without a map */
    struct bigarray *regs;
    const struct mcp_regmap *map;
    char *map_name; /* the map file's name (no folder), for the header */
};

void truth_init(struct truth *t);
void truth_free(struct truth *t);

uint32_t truth_add_sender(struct truth *t, const char *name);
uint32_t truth_add(struct truth *t, const struct truth_pdu *pdu);
static inline struct truth_pdu *truth_at(struct truth *t, uint32_t i)
{
    return bigarray_at(t->pdus, i);
}
/* --map: the items of the map are listed for frames with register values. */
void truth_set_map(struct truth *t, const struct mcp_regmap *map, const char *path);
/*
 * The register block of a frame about to be added (a READ response with
 * status OK, or a WRITE request: the values it carries): the value for
 * truth_pdu.regs, 0 for any other frame.
 */
uint32_t truth_add_registers(struct truth *t, uint8_t cmd, const uint8_t *payload, size_t len);
void truth_place(struct truth *t, uint32_t i, uint32_t record);
void truth_add_junk(struct truth *t, uint32_t record, uint32_t bytes);

/* Numbers the frames within each record; false (with a message) when the
 * emission order is not the capture order, which would be a generator bug. */
bool truth_finalize(struct truth *t);

const char *truth_verdict_name(uint8_t verdict);

struct truth_header {
    const char *transport;
    const char *link;
    const char *crc;
    bool length_le;
    uint32_t records;
    uint64_t seed;
};

/* Opens the answer key's file before the work starts, so a bad path fails fast. */
FILE *truth_open(const char *path);
/* Writes the JSON Lines file and closes it; false (with a message) on failure. */
bool truth_write(struct truth *t, const struct truth_header *h, FILE *f, const char *path);

#endif

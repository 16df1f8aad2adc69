/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which extracted frames are sent: --from, --cmd and --frames. */
#ifndef MR_SELECT_H
#define MR_SELECT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "extract.h"

enum mr_from {
    MR_FROM_MASTER, /* the default */
    MR_FROM_DEVICE,
    MR_FROM_ALL,
    MR_FROM_ADDR /* frames whose source is ADDR[:PORT] */
};

struct mr_range {
    uint64_t first, last; /* inclusive; last UINT64_MAX for "N-" */
};

struct mr_select {
    enum mr_from from;
    struct mr_addr addr;
    uint16_t port; /* 0: any */
    bool cmd_filter;
    bool cmds[256];
    GArray *ranges; /* struct mr_range, record numbers; NULL: all */
};

/* Each parser returns false with *error set to a one-line reason. */
bool mr_select_parse_from(struct mr_select *sel, const char *text, GError **error);
bool mr_select_parse_cmds(struct mr_select *sel, const char *text, GError **error);
bool mr_select_parse_frames(struct mr_select *sel, const char *text, GError **error);
void mr_select_clear(struct mr_select *sel);

bool mr_select_match(const struct mr_select *sel, const struct mr_frame *frame,
                     const struct mr_sender *sender);

/* The record number after which no frame can match any more (UINT64_MAX: none). */
uint64_t mr_select_last_record(const struct mr_select *sel);

#endif

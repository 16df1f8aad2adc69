/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per sender, for each seq it used: its latest request (record id + 1, and
 * cmd), so a resend of an unanswered request is linked to its original (§3
 * NAK retransmission, or a timeout). Memory follows use: up to
 * MCP5A_LAST_INLINE seqs live in the struct itself (a master opening a new
 * UDP port per request uses one), the next one moves them into a 256-seq
 * array (1,280 bytes, file scope) with direct indexing from then on.
 */
#ifndef MCP5A_LAST_REQUEST_H
#define MCP5A_LAST_REQUEST_H

#include <glib.h>

#define MCP5A_LAST_INLINE 4

struct mcp5a_last_dense {
    guint32 rec[256]; /* record id + 1 of the seq's latest request; 0: none */
    guint8 cmd[256];
};

struct mcp5a_last_requests {
    guint32 rec[MCP5A_LAST_INLINE]; /* of seq[i], i < used */
    guint8 seq[MCP5A_LAST_INLINE];
    guint8 cmd[MCP5A_LAST_INLINE];
    guint8 used;
    struct mcp5a_last_dense *dense; /* NULL until a seq does not fit inline */
};

static inline void mcp5a_last_init(struct mcp5a_last_requests *l)
{
    l->used = 0;
    l->dense = NULL;
}

/* The slow path of mcp5a_last_swap: a seq not held inline (adds it, or goes dense). */
guint32 mcp5a_last_swap_new(struct mcp5a_last_requests *l, guint8 seq, guint32 rec, guint8 cmd,
                            guint8 *prev_cmd);

/*
 * Makes (rec, cmd) seq's latest request (rec: record id + 1, not 0) and
 * returns the one it replaces: its rec (0 when seq had none) and, in
 * *prev_cmd, its cmd (0 when none). Allocates (file scope) at most once per
 * sender. First pass only.
 */
static inline guint32 mcp5a_last_swap(struct mcp5a_last_requests *l, guint8 seq, guint32 rec,
                                      guint8 cmd, guint8 *prev_cmd)
{
    guint32 prev;
    if (l->dense != NULL) {
        prev = l->dense->rec[seq];
        *prev_cmd = l->dense->cmd[seq];
        l->dense->rec[seq] = rec;
        l->dense->cmd[seq] = cmd;
        return prev;
    }
    for (guint i = 0; i < l->used; i++) {
        if (l->seq[i] == seq) {
            prev = l->rec[i];
            *prev_cmd = l->cmd[i];
            l->rec[i] = rec;
            l->cmd[i] = cmd;
            return prev;
        }
    }
    return mcp5a_last_swap_new(l, seq, rec, cmd, prev_cmd);
}

#endif

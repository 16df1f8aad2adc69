/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-sender latest request of each seq: see last_request.h. */
#include "last_request.h"

#include "mcp5a.h"

guint32 mcp5a_last_swap_new(struct mcp5a_last_requests *l, guint8 seq, guint32 rec, guint8 cmd,
                            guint8 *prev_cmd)
{
    *prev_cmd = 0;
    if (l->used < MCP5A_LAST_INLINE) {
        l->seq[l->used] = seq;
        l->rec[l->used] = rec;
        l->cmd[l->used] = cmd;
        l->used++;
        return 0;
    }
    struct mcp5a_last_dense *d = wmem_new0(wmem_file_scope(), struct mcp5a_last_dense);
    for (guint i = 0; i < l->used; i++) {
        d->rec[l->seq[i]] = l->rec[i];
        d->cmd[l->seq[i]] = l->cmd[i];
    }
    d->rec[seq] = rec;
    d->cmd[seq] = cmd;
    l->dense = d;
    return 0;
}

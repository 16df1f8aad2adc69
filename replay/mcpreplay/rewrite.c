/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Frame rewriting and fault injection. */
#include "rewrite.h"

void mr_rewriter_init(struct mr_rewriter *rw, const struct mr_rewrite_config *cfg)
{
    *rw = (struct mr_rewriter){.cfg = *cfg};
    rw->next_seqs = g_hash_table_new(g_direct_hash, g_direct_equal);
    rw->rand = g_rand_new_with_seed((guint32)(cfg->seed ^ (cfg->seed >> 32)));
}

void mr_rewriter_clear(struct mr_rewriter *rw)
{
    if (rw->rand != NULL)
        g_rand_free(rw->rand);
    mr_frame_free(rw->held);
    if (rw->next_seqs != NULL)
        g_hash_table_destroy(rw->next_seqs);
    rw->next_seqs = NULL;
    rw->rand = NULL;
    rw->held = NULL;
}

/* Draws once per configured fault, so a seed gives the same faults whatever the timing. */
static bool chance(struct mr_rewriter *rw, double p)
{
    if (p <= 0)
        return false;
    return g_rand_double(rw->rand) < p;
}

static void renumber(struct mr_rewriter *rw, struct mr_frame *f)
{
    /* Values are the next seq | 0x100 (present); keys the sender + 1, or 1 for the one sender. */
    gpointer key = GUINT_TO_POINTER(rw->cfg.per_sender ? f->sender + 1 : 1);
    guint next = GPOINTER_TO_UINT(g_hash_table_lookup(rw->next_seqs, key));
    uint8_t seq = next != 0 ? (uint8_t)next : f->seq; /* start where the capture started */
    g_hash_table_insert(rw->next_seqs, key, GUINT_TO_POINTER(0x100u | (uint8_t)(seq + 1)));
    const struct mcp_codec *codec = &rw->cfg.codec;
    uint8_t *last = &f->bytes[f->len - 1];
    uint8_t error = (uint8_t)(*last ^ mcp_crc(codec->crc, f->bytes, f->len - 1));
    f->bytes[1] = seq;
    f->seq = f->bytes[1];
    mcp_frame_fix_crc(codec, f->bytes, f->len);
    /* A frame captured with a bad check keeps the same error unless --fix-crc. */
    if (!rw->cfg.fix_crc)
        *last ^= error;
    rw->stats.renumbered++;
}

size_t mr_rewrite(struct mr_rewriter *rw, struct mr_frame *in, struct mr_frame *out[3])
{
    const struct mr_rewrite_config *c = &rw->cfg;
    /* Nothing to rewrite (the usual case): the frame as it is, no draw made (as below). */
    if (!c->renumber && !c->fix_crc && c->corrupt_crc <= 0 && c->drop <= 0 && c->duplicate <= 0 &&
        c->reorder <= 0 && rw->held == NULL) {
        out[0] = in;
        return 1;
    }
    size_t n = 0;
    bool mcp = !rw->cfg.raw && in->len >= MCP_OVERHEAD;
    if (mcp) {
        if (rw->cfg.renumber)
            renumber(rw, in);
        if (rw->cfg.fix_crc && !in->crc_ok) {
            mcp_frame_fix_crc(&rw->cfg.codec, in->bytes, in->len);
            rw->stats.fixed++;
        }
        if (rw->cfg.renumber || rw->cfg.fix_crc)
            in->crc_ok =
                in->bytes[in->len - 1] == mcp_crc(rw->cfg.codec.crc, in->bytes, in->len - 1);
    }
    bool corrupt = chance(rw, rw->cfg.corrupt_crc);
    bool drop = chance(rw, rw->cfg.drop);
    bool duplicate = chance(rw, rw->cfg.duplicate);
    bool reorder = chance(rw, rw->cfg.reorder);
    if (corrupt && mcp) {
        in->bytes[in->len - 1] ^= 0xFF;
        in->crc_ok = false;
        in->corrupted = true;
        rw->stats.corrupted++;
    }
    if (drop) {
        rw->stats.dropped++;
        mr_frame_free(in);
        in = NULL;
    } else if (reorder && rw->held == NULL) {
        rw->stats.reordered++;
        rw->held = in;
        return 0;
    }
    if (in != NULL) {
        out[n++] = in;
        if (duplicate) {
            rw->stats.duplicated++;
            out[n++] = mr_frame_copy(in);
        }
    }
    if (rw->held != NULL && n > 0) {
        out[n++] = rw->held;
        rw->held = NULL;
    }
    return n;
}

struct mr_frame *mr_rewrite_flush(struct mr_rewriter *rw)
{
    struct mr_frame *f = rw->held;
    rw->held = NULL;
    return f;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Named, typed register values (docs/REGISTER-MAP.md §3): every item of the
 * frame's device wholly inside its registers, as mcp5a.reg.NAME; an item only
 * partly inside is the note mcp5a.reg.partial and has no value.
 */
#include "regmap.h"

#include <epan/tap.h>

#include "mcp/regval.h"

/* Wireshark's expert tap (-z expert), found once. */
static int expert_tap_id(void)
{
    static int id = -2;
    if (id == -2)
        id = find_tap_id("expert");
    return id;
}

static void add_value(proto_tree *pt, tvbuff_t *tvb, int off, const struct mcp_reg_item *it,
                      const uint16_t *regs)
{
    int hf = mcp5a_regmap_hf(it->field);
    /* A tree that is not shown (tshark -T fields, a filter) wants only the
     * fields it refers to; the rest would be decoded for nothing. */
    const struct mcp_reg_field *f = mcp_regmap_field(mcp5a_regmap(), it->field);
    gboolean wanted = proto_field_is_referenced(pt, hf);
    for (size_t b = 0; !wanted && b < f->bit_count; b++)
        wanted = proto_field_is_referenced(pt, mcp5a_regmap_bit_hf(it->field, b));
    if (!wanted)
        return;
    struct mcp_reg_value v;
    mcp_reg_decode(it, regs, &v);
    int len = 2 * it->nregs;
    proto_item *pi;
    if (it->type == MCP_REG_STR) {
        pi = proto_tree_add_string(pt, hf, tvb, off, len, v.text);
    } else if (f->is_double) {
        pi = proto_tree_add_double(pt, hf, tvb, off, len, v.eng);
    } else {
        switch (it->type) {
        case MCP_REG_I16:
        case MCP_REG_I32:
            pi = proto_tree_add_int(pt, hf, tvb, off, len, (gint32)v.sraw);
            break;
        case MCP_REG_I64:
            pi = proto_tree_add_int64(pt, hf, tvb, off, len, v.sraw);
            break;
        case MCP_REG_U64:
            pi = proto_tree_add_uint64(pt, hf, tvb, off, len, v.raw);
            break;
        default:
            pi = proto_tree_add_uint(pt, hf, tvb, off, len, (guint32)v.raw);
            break;
        }
    }
    if (pt != NULL && PTREE_DATA(pt)->visible) {
        char shown[MCP_REG_TEXT_MAX + 600];
        mcp_reg_format(it, &v, shown, sizeof shown);
        proto_item_set_text(pi, "%s (%s): %s", f->title, it->name, shown);
    }
    if (it->type == MCP_REG_BITS && f->bit_count > 0) {
        proto_tree *bt = proto_item_add_subtree(pi, ett_mcp5a_reg_bits);
        for (size_t b = 0; b < f->bit_count; b++)
            proto_tree_add_boolean(bt, mcp5a_regmap_bit_hf(it->field, b), tvb, off, len,
                                   (guint32)v.raw);
    }
}

void mcp5a_regmap_add_items(proto_tree *pt, tvbuff_t *tvb, packet_info *pinfo,
                            const struct mcp_pdu *pdu)
{
    const struct mcp_regmap *map = mcp5a_regmap();
    if (map == NULL || !pdu->has_register_block)
        return;
    gboolean ok_read =
        pdu->cmd == MCP_CMD_READ_RSP && pdu->has_req_seq && pdu->status == MCP_STATUS_OK;
    if (!ok_read && pdu->cmd != MCP_CMD_WRITE)
        return;
    /* The registers present: as many values as the frame holds and was captured. */
    int values_off = MCP_HEADER_LEN + (int)pdu->values_offset;
    guint n = pdu->count;
    if (pdu->value_count < n)
        n = (guint)pdu->value_count;
    gint avail = tvb_captured_length_remaining(tvb, values_off);
    if (avail < 0)
        avail = 0;
    if ((guint)avail / 2 < n)
        n = (guint)avail / 2;
    const struct mcp_reg_item *const *items;
    size_t count = mcp_regmap_overlapping(map, pdu->device, pdu->addr, n, &items);
    if (count == 0)
        return;
    guint frame_end = (guint)pdu->addr + n; /* exclusive */
    if (pt == NULL) {
        /* No tree: whole items show nothing, and only the first and the last
         * item can be partial. The note's one effect here is on -z expert
         * (its tap), so it is added only for a listener. */
        const struct mcp_reg_item *a = items[0], *z = items[count - 1];
        if ((a->addr < pdu->addr || (guint)z->addr + z->nregs > frame_end) &&
            have_tap_listener(expert_tap_id()))
            expert_add_info(pinfo, NULL, &ei_mcp5a_reg_partial);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const struct mcp_reg_item *it = items[i];
        guint first = it->addr >= pdu->addr ? (guint)(it->addr - pdu->addr) : 0;
        guint end = (guint)it->addr + it->nregs; /* exclusive */
        gboolean whole = it->addr >= pdu->addr && end <= frame_end;
        if (!whole) {
            guint lo = it->addr > pdu->addr ? it->addr : pdu->addr;
            guint hi = end < frame_end ? end : frame_end;
            expert_add_info_format(pinfo, proto_tree_get_parent(pt), &ei_mcp5a_reg_partial,
                                   "%s: partial: %u of %u registers (0x%04x..0x%04x) in this "
                                   "frame: no value",
                                   it->name, hi - lo, it->nregs, it->addr, end - 1);
            continue;
        }
        uint16_t regs[MCP_REG_MAX_REGS];
        int off = values_off + 2 * (int)first;
        for (unsigned r = 0; r < it->nregs; r++)
            regs[r] = tvb_get_ntohs(tvb, off + 2 * (int)r);
        add_value(pt, tvb, off, it, regs);
    }
}

/* Junk: stream bytes skipped while resynchronising (§5). */
#include "mcp5a.h"

void mcp5a_dissect_junk(tvbuff_t *tvb, int offset, int shown, guint total, packet_info *pinfo,
                        proto_tree *tree)
{
    proto_item *ti = proto_tree_add_item(tree, proto_mcp5a, tvb, offset, shown, ENC_NA);
    proto_item_append_text(ti, ", junk (%u byte%s)", total, plurality(total, "", "s"));
    proto_tree *t = proto_item_add_subtree(ti, mcp5a_ett.junk);
    proto_item *li = proto_tree_add_uint(t, mcp5a_hf.junk_len, tvb, offset, shown, total);
    proto_item_set_generated(li);
    if (shown > 0)
        proto_tree_add_item(t, mcp5a_hf.junk_data, tvb, offset, shown, ENC_NA);
    expert_add_info(pinfo, li, &mcp5a_ei.junk); /* the count is li's value */

    /* A magic byte followed by a length over 4096 is the §1 malformed case. */
    if (shown >= 4 && tvb_get_uint8(tvb, offset) == MCP_MAGIC) {
        struct mcp_codec codec = mcp5a_codec();
        guint8 header[4];
        tvb_memcpy(tvb, header, offset, 4);
        guint16 length = mcp_frame_length_field(&codec, header);
        if (length > MCP_MAX_PAYLOAD) {
            proto_item_append_text(li, " (starts with length %u, over 4096: not a frame)", length);
            expert_add_info(pinfo, li, &mcp5a_ei.bad_length);
        }
    }

    char text[48];
    snprintf(text, sizeof text, "[JUNK: %u byte%s]", total, plurality(total, "", "s"));
    mcp5a_info_add(pinfo, text);

    struct mcp5a_tap_info info;
    memset(&info, 0, sizeof info);
    info.is_junk = TRUE;
    info.junk_bytes = total;
    info.verdict = -1;
    mcp5a_tap_queue(pinfo, &info);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Junk: stream bytes skipped while resynchronising (§5). */
#include "mcp5a.h"

static int hf_mcp5a_junk_len = -1;
static int hf_mcp5a_junk_data = -1;

static int ett_mcp5a_junk = -1;

static expert_field ei_mcp5a_junk = EI_INIT;
static expert_field ei_mcp5a_len_too_long = EI_INIT;

void mcp5a_dissect_junk(tvbuff_t *tvb, int offset, int shown, guint total, packet_info *pinfo,
                        proto_tree *tree)
{
    proto_item *ti = proto_tree_add_item(tree, proto_mcp5a, tvb, offset, shown, ENC_NA);
    proto_item_append_text(ti, ", junk (%u byte%s)", total, plurality(total, "", "s"));
    proto_tree *t = proto_item_add_subtree(ti, ett_mcp5a_junk);
    proto_item *li = proto_tree_add_uint(t, hf_mcp5a_junk_len, tvb, offset, shown, total);
    proto_item_set_generated(li);
    if (shown > 0)
        proto_tree_add_item(t, hf_mcp5a_junk_data, tvb, offset, shown, ENC_NA);
    expert_add_info(pinfo, li, &ei_mcp5a_junk); /* the count is li's value */

    /* A magic byte followed by a length over 4096 is the §1 malformed case. */
    if (shown >= 4 && tvb_get_uint8(tvb, offset) == MCP_MAGIC) {
        struct mcp_codec codec = mcp5a_codec();
        guint8 header[4];
        tvb_memcpy(tvb, header, offset, 4);
        guint16 length = mcp_frame_length_field(&codec, header);
        if (length > MCP_MAX_PAYLOAD) {
            proto_item_append_text(li, " (starts with length %u, over 4096: not a frame)", length);
            expert_add_info(pinfo, li, &ei_mcp5a_len_too_long);
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

void mcp5a_register_junk(void)
{
    static hf_register_info hf[] = {
        {&hf_mcp5a_junk_len,
         {"Junk length", "mcp5a.junk.len", FT_UINT32, BASE_DEC, NULL, 0,
          "Stream bytes skipped while resynchronising", HFILL}},
        {&hf_mcp5a_junk_data,
         {"Junk", "mcp5a.junk.data", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL}},
    };

    static int *ett[] = {
        &ett_mcp5a_junk,
    };

    static ei_register_info ei[] = {
        {&ei_mcp5a_junk,
         {"mcp5a.junk", PI_PROTOCOL, PI_WARN, "Junk bytes skipped while resynchronising", EXPFILL}},
        {&ei_mcp5a_len_too_long,
         {"mcp5a.len.too_long", PI_PROTOCOL, PI_WARN, "Length over 4096", EXPFILL}},
    };

    proto_register_field_array(proto_mcp5a, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(proto_mcp5a);
    expert_register_field_array(expert, ei, array_length(ei));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The §6 preferences: mcp5a.check_crc, mcp5a.crc_variant, mcp5a.length_le,
 * mcp5a.serial.silence_ms, mcp5a.register_map. */
#include "mcp5a.h"

#include <epan/prefs.h>

struct mcp5a_prefs mcp5a_prefs = {
    .check_crc = TRUE,
    .crc_variant = MCP_CRC8_SMBUS,
    .length_le = FALSE,
    .register_map = "",
    .serial_silence_ms = 100, /* §5, §6 mcp5a.serial.silence_ms */
};

/* Values are the library's variant names, so `-o mcp5a.crc_variant:crc8-maxim` works. */
static enum_val_t crc_variant_vals[MCP_CRC_VARIANT_COUNT + 1];

static void fill_variant_vals(void)
{
    for (int v = 0; v < MCP_CRC_VARIANT_COUNT; v++) {
        const char *name = mcp_crc_variant_name((enum mcp_crc_variant)v);
        crc_variant_vals[v].name = name;
        crc_variant_vals[v].description = name;
        crc_variant_vals[v].value = v;
    }
    crc_variant_vals[MCP_CRC_VARIANT_COUNT].name = NULL;
    crc_variant_vals[MCP_CRC_VARIANT_COUNT].description = NULL;
    crc_variant_vals[MCP_CRC_VARIANT_COUNT].value = 0;
}

void mcp5a_register_prefs(module_t *module)
{
    fill_variant_vals();
    prefs_register_bool_preference(module, "check_crc", "Verify the CRC",
                                   "Check each frame's CRC. Switched off, every frame's CRC "
                                   "shows as unverified and every frame takes part in the "
                                   "sequence analysis.",
                                   &mcp5a_prefs.check_crc);
    prefs_register_enum_preference(module, "crc_variant", "CRC variant",
                                   "The frame check the devices use (docs/PROTOCOL.md section 1)",
                                   &mcp5a_prefs.crc_variant, crc_variant_vals, FALSE);
    prefs_register_bool_preference(module, "length_le", "Length is little-endian",
                                   "Some firmware sends the length field little-endian",
                                   &mcp5a_prefs.length_le);
    prefs_register_filename_preference(
        module, "register_map", "Register map",
        "A register map (CSV, docs/REGISTER-MAP.md): which registers of which device hold "
        "which named, typed value, shown and filterable as mcp5a.reg.NAME. Empty: none.",
        &mcp5a_prefs.register_map, FALSE);
    /* New fields: the GUI recompiles filters and columns that name them. */
    prefs_set_preference_effect_fields(module, "register_map");
    prefs_register_uint_preference(
        module, "serial.silence_ms", "Serial line silence (ms)",
        "A serial stream decoder holding part of a frame gives it up after this much line "
        "silence between two records of the same byte stream: its 0x5A is junk and the bytes "
        "after it are scanned again (docs/PROTOCOL.md section 5). 0: never.",
        10, &mcp5a_prefs.serial_silence_ms);
}

struct mcp_codec mcp5a_codec(void)
{
    struct mcp_codec codec = mcp_codec_default();
    if (mcp5a_prefs.crc_variant >= 0 && mcp5a_prefs.crc_variant < MCP_CRC_VARIANT_COUNT)
        codec.crc = (enum mcp_crc_variant)mcp5a_prefs.crc_variant;
    codec.length_le = mcp5a_prefs.length_le != FALSE;
    return codec;
}

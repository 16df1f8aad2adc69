/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The register map's run-time fields (docs/REGISTER-MAP.md §3), registered
 * and deregistered as packet-http.c does for its custom header fields.
 */
#include "regmap.h"

#include <glib/gstdio.h>
#include <wsutil/report_message.h>

int ett_mcp5a_reg_bits = -1;
expert_field ei_mcp5a_reg_partial = EI_INIT;

static struct mcp_regmap *regmap;
/* One hf per field, then one per labelled bit of each bits field. */
static hf_register_info *dynamic_hf;
static guint dynamic_hf_size;
static int *field_hf;     /* [field] */
static int **bit_hf;      /* [field][bit index] */
static size_t bit_fields; /* fields with a bit_hf row */
/* What was last tried, so an unchanged preference is not read again and an
 * error is reported once. */
static char *tried_path;
static off_t tried_size;
static struct timespec tried_mtime;

void mcp5a_regmap_register(void)
{
    static gint *ett[] = {&ett_mcp5a_reg_bits};
    static ei_register_info ei[] = {
        {&ei_mcp5a_reg_partial,
         {"mcp5a.reg.partial", PI_UNDECODED, PI_NOTE,
          "Register-map item only partly inside the frame's registers: no value", EXPFILL}},
    };
    proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
    expert_module_t *em = expert_register_protocol(proto_mcp5a);
    expert_register_field_array(em, ei, G_N_ELEMENTS(ei));
}

const struct mcp_regmap *mcp5a_regmap(void)
{
    return regmap;
}

int mcp5a_regmap_hf(unsigned field)
{
    return field_hf[field];
}

int mcp5a_regmap_bit_hf(unsigned field, size_t bit)
{
    return bit_hf[field][bit];
}

static void deregister_fields(void)
{
    if (dynamic_hf != NULL) {
        for (guint i = 0; i < dynamic_hf_size; i++)
            proto_deregister_field(proto_mcp5a, *dynamic_hf[i].p_id);
        /* Wireshark frees the names, abbrevs and blurbs with the array, once
         * no dissection refers to them (proto_free_deregistered_fields). */
        proto_add_deregistered_data(dynamic_hf);
        dynamic_hf = NULL;
        dynamic_hf_size = 0;
    }
    g_free(field_hf);
    field_hf = NULL;
    if (bit_hf != NULL) {
        for (size_t f = 0; f < bit_fields; f++)
            g_free(bit_hf[f]);
        g_free(bit_hf);
        bit_hf = NULL;
    }
    bit_fields = 0;
    mcp_regmap_free(regmap);
    regmap = NULL;
}

static void fill_hf(hf_register_info *hf, int *id, char *title, char *abbrev, enum ftenum type,
                    int display, guint64 bitmask, char *blurb)
{
    *id = -1;
    hf->p_id = id;
    hf->hfinfo.name = title;
    hf->hfinfo.abbrev = abbrev;
    hf->hfinfo.type = type;
    hf->hfinfo.display = display;
    hf->hfinfo.strings = NULL;
    hf->hfinfo.bitmask = bitmask;
    hf->hfinfo.blurb = blurb;
    HFILL_INIT(*hf);
}

static void field_type(const struct mcp_reg_field *f, enum ftenum *type, int *display)
{
    *display = BASE_DEC;
    if (f->is_double) {
        *type = FT_DOUBLE;
        *display = BASE_NONE;
        return;
    }
    switch (f->type) {
    case MCP_REG_U16:
        *type = FT_UINT16;
        return;
    case MCP_REG_I16:
        *type = FT_INT16;
        return;
    case MCP_REG_U32:
        *type = FT_UINT32;
        return;
    case MCP_REG_I32:
        *type = FT_INT32;
        return;
    case MCP_REG_U64:
        *type = FT_UINT64;
        return;
    case MCP_REG_I64:
        *type = FT_INT64;
        return;
    case MCP_REG_BITS:
        *type = FT_UINT16;
        *display = BASE_HEX;
        return;
    case MCP_REG_STR:
        *type = FT_STRING;
        *display = BASE_NONE;
        return;
    default: /* f32/f64 are doubles */
        *type = FT_DOUBLE;
        *display = BASE_NONE;
        return;
    }
}

static void register_fields(void)
{
    size_t nf = mcp_regmap_field_count(regmap), total = nf;
    for (size_t f = 0; f < nf; f++)
        total += mcp_regmap_field(regmap, f)->bit_count;
    if (total == 0)
        return;
    dynamic_hf = g_new0(hf_register_info, total);
    dynamic_hf_size = (guint)total;
    field_hf = g_new0(int, nf);
    bit_hf = g_new0(int *, nf);
    bit_fields = nf;
    size_t k = 0;
    for (size_t f = 0; f < nf; f++) {
        const struct mcp_reg_field *rf = mcp_regmap_field(regmap, f);
        enum ftenum type;
        int display;
        field_type(rf, &type, &display);
        fill_hf(
            &dynamic_hf[k++], &field_hf[f], g_strdup(rf->title),
            g_strdup_printf("mcp5a.reg.%s", rf->name), type, display, 0,
            g_strdup_printf("Register-map item %s (%s)", rf->name, mcp_reg_type_name(rf->type)));
        if (rf->bit_count == 0)
            continue;
        bit_hf[f] = g_new0(int, rf->bit_count);
        for (size_t b = 0; b < rf->bit_count; b++) {
            const struct mcp_reg_label *lb = &rf->bits[b];
            fill_hf(&dynamic_hf[k++], &bit_hf[f][b], g_strdup(lb->name),
                    g_strdup_printf("mcp5a.reg.%s.%s", rf->name, lb->name), FT_BOOLEAN, 16,
                    (guint64)1 << lb->value,
                    g_strdup_printf("Bit %d of register-map item %s", (int)lb->value, rf->name));
        }
    }
    proto_register_field_array(proto_mcp5a, dynamic_hf, (int)dynamic_hf_size);
}

void mcp5a_regmap_apply(const char *path)
{
    if (path == NULL)
        path = "";
    GStatBuf st; /* g_stat: GLib's portable stat (wsutil/file_util.h is not installed before 4.6) */
    gboolean have_stat = path[0] != '\0' && g_stat(path, &st) == 0;
    if (tried_path != NULL && strcmp(tried_path, path) == 0 &&
        (path[0] == '\0' ||
         (have_stat && st.st_size == tried_size && st.st_mtim.tv_sec == tried_mtime.tv_sec &&
          st.st_mtim.tv_nsec == tried_mtime.tv_nsec)))
        return; /* nothing changed */
    g_free(tried_path);
    tried_path = g_strdup(path);
    tried_size = have_stat ? st.st_size : -1;
    tried_mtime = have_stat ? st.st_mtim : (struct timespec){0, 0};
    deregister_fields();
    if (path[0] == '\0')
        return;
    char err[MCP_REGMAP_ERR_MAX];
    struct mcp_regmap *map;
    if (mcp_regmap_load(path, &map, err, sizeof err) != 0) {
        report_failure("MCP5A register map (preference mcp5a.register_map): %s\n"
                       "Dissecting without a register map.",
                       err);
        return;
    }
    regmap = map;
    register_fields();
}

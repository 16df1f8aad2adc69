/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A register map replaced in one process (docs/REGISTER-MAP.md §3): epan is
 * started once with the plugin compiled in (as test/fuzz/fuzz_plugin.c does),
 * and the preference mcp5a.register_map is applied again and again, as the
 * GUI's preference dialog does: map A, map B (other names, one shared), the
 * deregistered fields freed as the GUI frees them, a bad map (reported once,
 * even when applied twice; no field left), no map, map A again, an edited
 * map A read again. After each application the fields are exactly the map's, with the
 * contract's types. Run under valgrind by ctest (plugin.regmap_reload).
 *
 *   regmap_reload WORKDIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/epan.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>

void plugin_register(void); /* plugin/plugin.c */

static int failures;
static int reports;
static char last_report[1024];

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void report_failure_cb(const char *fmt, va_list ap)
{
    reports++;
    vsnprintf(last_report, sizeof last_report, fmt, ap);
}
static void report_warning_cb(const char *fmt _U_, va_list ap _U_)
{
}
static void apply_map(const char *path)
{
    char *pref = g_strdup_printf("mcp5a.register_map:%s", path);
    char *err = NULL;
    if (prefs_set_pref(pref, &err) != PREFS_SET_OK) {
        fprintf(stderr, "preference %s: %s\n", pref, err ? err : "not set");
        exit(2);
    }
    g_free(err);
    g_free(pref);
    prefs_apply_all();
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* The field abbrev exists with this type (and display, when display >= 0). */
static void expect_field(const char *abbrev, enum ftenum type, int display)
{
    header_field_info *hf = proto_registrar_get_byname(abbrev);
    CHECK(hf != NULL, "%s is not registered", abbrev);
    if (hf == NULL)
        return;
    CHECK(hf->type == type, "%s is %s, not %s", abbrev, ftype_name(hf->type), ftype_name(type));
    if (display >= 0)
        CHECK((hf->display & FIELD_DISPLAY_E_MASK) == display, "%s has display %d, not %d", abbrev,
              hf->display, display);
}

static void expect_no_field(const char *abbrev)
{
    CHECK(proto_registrar_get_byname(abbrev) == NULL, "%s is still registered", abbrev);
}

static const char map_a[] = "device,addr,name,type,scale,labels,description\n"
                            "1,0x10,a_count,u16,,,Count A\n"
                            "1,0x11,a_temp,i16,0.1,,Temperature\n"
                            "1,0x12,shared,f32,,,Shared\n"
                            "1,0x14,a_status,bits,,\"0=alarm;3=door_open\",Status\n";
static const char map_b[] = "device;addr;name;type;description\n"
                            "2;0x20;b_total;i32;Total B\n"
                            "2;0x22;shared;f32;Shared\n"
                            "2;0x24;b_text;str:4;Text\n";
/* Line 3 shares a register with line 2. */
static const char map_bad[] = "device,addr,name,type\n"
                              "1,0x10,x_one,u32\n"
                              "1,0x11,x_two,u16\n";
static const char map_a2[] = "device,addr,name,type\n"
                             "1,0x10,a_count,u32\n"
                             "1,0x30,a_new,u64\n";

static void expect_map_a(void)
{
    expect_field("mcp5a.reg.a_count", FT_UINT16, BASE_DEC);
    expect_field("mcp5a.reg.a_temp", FT_DOUBLE, -1);
    expect_field("mcp5a.reg.shared", FT_DOUBLE, -1);
    expect_field("mcp5a.reg.a_status", FT_UINT16, BASE_HEX);
    expect_field("mcp5a.reg.a_status.alarm", FT_BOOLEAN, -1);
    expect_field("mcp5a.reg.a_status.door_open", FT_BOOLEAN, -1);
    header_field_info *t = proto_registrar_get_byname("mcp5a.reg.a_temp");
    CHECK(t != NULL && strcmp(t->name, "Temperature") == 0,
          "a_temp's title is not its description");
    header_field_info *d = proto_registrar_get_byname("mcp5a.reg.a_status.door_open");
    CHECK(d != NULL && d->bitmask == 0x8, "door_open is not bit 3");
}

static void expect_none(void)
{
    static const char *const names[] = {
        "mcp5a.reg.a_count",        "mcp5a.reg.a_temp",  "mcp5a.reg.shared", "mcp5a.reg.a_status",
        "mcp5a.reg.a_status.alarm", "mcp5a.reg.b_total", "mcp5a.reg.b_text", "mcp5a.reg.x_one",
        "mcp5a.reg.x_two",          "mcp5a.reg.a_new",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        expect_no_field(names[i]);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: regmap_reload WORKDIR\n");
        return 2;
    }
    char *a = g_build_filename(argv[1], "a.csv", NULL);
    char *b = g_build_filename(argv[1], "b.csv", NULL);
    char *bad = g_build_filename(argv[1], "bad.csv", NULL);
    write_file(a, map_a);
    write_file(b, map_b);
    write_file(bad, map_bad);

    g_setenv("XDG_CONFIG_HOME", "/nonexistent/mcp5a-regmap-reload", 1);
    g_setenv("XDG_CACHE_HOME", "/nonexistent/mcp5a-regmap-reload", 1);
    g_setenv("WIRESHARK_ABORT_ON_DISSECTOR_BUG", "1", 1);
    /* Only the two routines a dissector reports through: the other members
     * differ between Wireshark versions and are never called here. */
    static const struct report_message_routines routines = {
        .vreport_failure = report_failure_cb,
        .vreport_warning = report_warning_cb,
    };
    init_process_policies();
#ifdef MCP5A_CONFIGURATION_INIT_ONE_ARG
    g_free(configuration_init(argv[0]));
#else
    g_free(configuration_init(argv[0], NULL));
#endif
    init_report_message("regmap_reload", &routines);
    wtap_init(FALSE);
    plugin_register();
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "epan_init failed\n");
        return 2;
    }
    epan_load_settings();
    prefs_apply_all();
    expect_none();

    apply_map(a); /* 1: map A */
    expect_map_a();
    CHECK(reports == 0, "map A reported: %s", last_report);

    apply_map(b); /* 2: map B: A's own names gone, the shared one stays */
    expect_field("mcp5a.reg.b_total", FT_INT32, BASE_DEC);
    expect_field("mcp5a.reg.shared", FT_DOUBLE, -1);
    expect_field("mcp5a.reg.b_text", FT_STRING, -1);
    expect_no_field("mcp5a.reg.a_count");
    expect_no_field("mcp5a.reg.a_temp");
    expect_no_field("mcp5a.reg.a_status");
    expect_no_field("mcp5a.reg.a_status.door_open");
    proto_free_deregistered_fields(); /* what the GUI does after redissecting */

    apply_map(bad); /* 3: a bad map: reported once, naming the line; no map */
    CHECK(reports == 1, "a bad map made %d reports, not 1", reports);
    char *where = g_strdup_printf("%s:3:", bad);
    CHECK(strstr(last_report, where) != NULL, "the report does not name %s: %s", where,
          last_report);
    g_free(where);
    expect_none();
    prefs_apply_all(); /* applied again, unchanged: not reported again */
    apply_map(bad);
    CHECK(reports == 1, "the unchanged bad map was reported again (%d reports)", reports);

    apply_map(""); /* 4: no map */
    expect_none();
    proto_free_deregistered_fields();

    apply_map(a); /* 5: A again: its fields come back */
    expect_map_a();
    expect_no_field("mcp5a.reg.b_total");

    /* 6: A edited in place, the preference set to B and back to A: A's new
     * content (a map is read when the preference changes, never cached). */
    write_file(a, map_a2);
    apply_map(b);
    apply_map(a);
    expect_field("mcp5a.reg.a_count", FT_UINT32, BASE_DEC);
    expect_field("mcp5a.reg.a_new", FT_UINT64, BASE_DEC);
    expect_no_field("mcp5a.reg.a_temp");
    expect_no_field("mcp5a.reg.a_status.alarm");
    proto_free_deregistered_fields();
    CHECK(reports == 1, "%d reports at the end, not 1: %s", reports, last_report);

    epan_cleanup();
    wtap_cleanup();
    g_free(a);
    g_free(b);
    g_free(bad);
    if (failures == 0)
        printf("regmap_reload: 6 applications of mcp5a.register_map, fields as each map says\n");
    return failures == 0 ? 0 : 1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The register-map reader of docs/REGISTER-MAP.md §1 (the CSV file, its
 * columns, cells, defaults and errors as FILE:LINE: what) and its look-ups
 * (a device's items by address and by name).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "mcp/regmap.h"

static struct mcp_regmap *parse_len(const char *text, size_t len)
{
    struct mcp_regmap *map = NULL;
    char err[MCP_REGMAP_ERR_MAX];
    int rc = mcp_regmap_parse(text, len, "t.csv", &map, err, sizeof err);
    if (rc != 0)
        g_test_message("%s", err);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(map);
    return map;
}

static struct mcp_regmap *parse_ok(const char *text)
{
    return parse_len(text, strlen(text));
}

/*
 * The map is refused with "t.csv:LINE: ..." holding every one of the words
 * (NULL-terminated).
 */
static void expect_error_len(const char *text, size_t len, unsigned line, ...)
{
    struct mcp_regmap *map = (struct mcp_regmap *)1;
    char err[MCP_REGMAP_ERR_MAX] = "";
    g_test_message("map:\n%.*s", (int)len, text);
    int rc = mcp_regmap_parse(text, len, "t.csv", &map, err, sizeof err);
    g_test_message("error: %s", err);
    g_assert_cmpint(rc, ==, -1);
    g_assert_null(map);
    char prefix[64];
    if (line > 0)
        snprintf(prefix, sizeof prefix, "t.csv:%u: ", line);
    else
        snprintf(prefix, sizeof prefix, "t.csv: ");
    g_assert_true(g_str_has_prefix(err, prefix));
    va_list ap;
    va_start(ap, line);
    for (const char *w = va_arg(ap, const char *); w != NULL; w = va_arg(ap, const char *)) {
        if (strstr(err, w) == NULL)
            g_test_message("'%s' is not in the message", w);
        g_assert_nonnull(strstr(err, w));
    }
    va_end(ap);
    /* No error text is needed. */
    map = (struct mcp_regmap *)1;
    g_assert_cmpint(mcp_regmap_parse(text, len, "t.csv", &map, NULL, 0), ==, -1);
    g_assert_null(map);
}

#define expect_error(text, line, ...) expect_error_len(text, strlen(text), line, __VA_ARGS__, NULL)

/* A map of one header and one row, refused on line 2. */
static void bad_row(const char *header, const char *row, const char *w1, const char *w2)
{
    char text[1024];
    snprintf(text, sizeof text, "%s\n%s\n", header, row);
    expect_error_len(text, strlen(text), 2, w1, w2, NULL);
}

static const char *const HDR = "device,addr,name,type,order,scale,offset,unit,labels,access,sim,"
                               "tolerance,description";

static void test_defaults(void)
{
    struct mcp_regmap *map = parse_ok("device,addr,name,type\n7,0x10,tank_temp,i16\n");
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 1);
    const struct mcp_reg_item *it = mcp_regmap_item(map, 0);
    g_assert_cmpstr(it->name, ==, "tank_temp");
    g_assert_null(it->description);
    g_assert_null(it->unit);
    g_assert_cmpuint(it->addr, ==, 0x10);
    g_assert_cmpuint(it->nregs, ==, 1);
    g_assert_cmpint(it->type, ==, MCP_REG_I16);
    g_assert_cmpint(it->order, ==, MCP_ORDER_ABCD);
    g_assert_cmpint(it->access, ==, MCP_ACCESS_RW);
    g_assert_true(it->scale == 1 && it->offset == 0 && !it->scaled);
    g_assert_true(it->tolerance == 0);
    g_assert_cmpint(it->sim.kind, ==, MCP_SIM_CONST);
    g_assert_true(it->sim.a == 0);
    g_assert_null(it->labels);
    g_assert_cmpuint(it->label_count, ==, 0);
    g_assert_cmpuint(it->line, ==, 2);
    g_assert_true(mcp_reg_item_has_device(it, 7));
    g_assert_false(mcp_reg_item_has_device(it, 6));
    g_assert_null(mcp_regmap_item(map, 1));
    g_assert_cmpuint(mcp_regmap_field_count(map), ==, 1);
    const struct mcp_reg_field *f = mcp_regmap_field(map, 0);
    g_assert_cmpstr(f->name, ==, "tank_temp");
    g_assert_cmpstr(f->title, ==, "tank_temp");
    g_assert_false(f->is_double);
    g_assert_null(mcp_regmap_field(map, 1));
    mcp_regmap_free(map);

    /* Empty cells take the default too. */
    char text[512];
    snprintf(text, sizeof text, "%s\n1,2,x,u32,,,,,,,,,\n", HDR);
    map = parse_ok(text);
    it = mcp_regmap_item(map, 0);
    g_assert_cmpint(it->order, ==, MCP_ORDER_ABCD);
    g_assert_cmpint(it->access, ==, MCP_ACCESS_RW);
    g_assert_true(it->scale == 1 && it->offset == 0 && !it->scaled);
    g_assert_null(it->unit);
    g_assert_null(it->description);
    g_assert_cmpuint(it->nregs, ==, 2);
    mcp_regmap_free(map);

    /* Header only: an empty map. */
    map = parse_ok("device,addr,name,type\n");
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 0);
    g_assert_cmpuint(mcp_regmap_field_count(map), ==, 0);
    g_assert_false(mcp_regmap_has_device(map, 1));
    mcp_regmap_free(map);
    mcp_regmap_free(NULL);
}

/* Every column, both separators, any order and case. */
static void test_all_columns(void)
{
    const char *text =
        "Description;TOLERANCE;sim;Access;labels;unit;offset;scale;ORDER;type;name;addr;device\n"
        "Tank temperature;0.5;sine 20 5 60;r;;°C;-273.15;0.01;CDAB;u32;tank_temp;0x0100;3\n"
        ";;;W;\"0=off;1=on\";;;;dcba;I16;pump;0x200;1-8\n";
    struct mcp_regmap *map = parse_ok(text);
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 2);
    const struct mcp_reg_item *it = mcp_regmap_item(map, 0);
    g_assert_cmpstr(it->name, ==, "tank_temp");
    g_assert_cmpstr(it->description, ==, "Tank temperature");
    g_assert_cmpstr(it->unit, ==, "°C");
    g_assert_cmpuint(it->addr, ==, 0x100);
    g_assert_cmpint(it->type, ==, MCP_REG_U32);
    g_assert_cmpint(it->order, ==, MCP_ORDER_CDAB);
    g_assert_cmpint(it->access, ==, MCP_ACCESS_R);
    g_assert_true(it->scale == 0.01 && it->offset == -273.15 && it->scaled);
    g_assert_cmpint(it->decimals, ==, 2);
    g_assert_true(it->tolerance == 0.5);
    g_assert_cmpint(it->sim.kind, ==, MCP_SIM_SINE);
    g_assert_true(it->sim.a == 20 && it->sim.b == 5 && it->sim.c == 60);
    g_assert_true(mcp_reg_item_has_device(it, 3));
    it = mcp_regmap_item(map, 1);
    g_assert_cmpstr(it->name, ==, "pump");
    g_assert_cmpint(it->type, ==, MCP_REG_I16);
    g_assert_cmpint(it->order, ==, MCP_ORDER_DCBA);
    g_assert_cmpint(it->access, ==, MCP_ACCESS_W);
    g_assert_cmpuint(it->label_count, ==, 2);
    g_assert_cmpstr(it->labels[1].name, ==, "on");
    g_assert_cmpuint(it->line, ==, 3);
    for (unsigned d = 0; d < 256; d++)
        g_assert_cmpint(mcp_reg_item_has_device(it, d), ==, d >= 1 && d <= 8);
    /* Fields: title from the description; scaled means double. */
    const struct mcp_reg_field *f = mcp_regmap_field(map, 0);
    g_assert_cmpstr(f->title, ==, "Tank temperature");
    g_assert_true(f->is_double);
    g_assert_cmpint(f->type, ==, MCP_REG_U32);
    f = mcp_regmap_field(map, 1);
    g_assert_cmpstr(f->title, ==, "pump");
    g_assert_false(f->is_double);
    mcp_regmap_free(map);
}

/* BOM, CRLF, comments, blank lines (also of only separators), quoted cells. */
static void test_file_form(void)
{
    const char *text = "\xEF\xBB\xBF# plant map\r\n"
                       "\r\n"
                       "   \r\n"
                       "# a \"quoted\" comment, with; separators\r\n"
                       "device,addr,name,type,description,unit\r\n"
                       ",,,,,\r\n"
                       "1,0,a,u16,\"one, two\",\r\n"
                       "# between\r\n"
                       "\r\n"
                       "1,1,b,u16,\"say \"\"hi\"\"\",\"m;s\"\r\n"
                       "\"1\", \"2\" ,\"c\",u16,\"line one\r\nline two\nline three\",\r\n"
                       " 1 , 3 , d , u16 , spaced , \r\n"
                       "1,4,e,u16,\"\",\"\"\r\n"
                       ",,,,,";
    struct mcp_regmap *map = parse_ok(text);
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 5);
    const struct mcp_reg_item *a = mcp_regmap_item(map, 0), *b = mcp_regmap_item(map, 1),
                              *c = mcp_regmap_item(map, 2), *d = mcp_regmap_item(map, 3),
                              *e = mcp_regmap_item(map, 4);
    g_assert_cmpstr(a->description, ==, "one, two");
    g_assert_cmpuint(a->line, ==, 7);
    g_assert_cmpstr(b->description, ==, "say \"hi\"");
    g_assert_cmpstr(b->unit, ==, "m;s");
    g_assert_cmpuint(b->line, ==, 10);
    g_assert_cmpstr(c->description, ==, "line one\r\nline two\nline three");
    g_assert_cmpuint(c->addr, ==, 2);
    g_assert_cmpuint(c->line, ==, 11);
    g_assert_cmpstr(d->name, ==, "d");
    g_assert_cmpstr(d->description, ==, "spaced");
    g_assert_cmpuint(d->line, ==, 14); /* after a cell of three lines */
    g_assert_null(e->description);
    g_assert_null(e->unit);
    g_assert_cmpuint(e->line, ==, 15);
    mcp_regmap_free(map);

    /* The header line is the first that is neither blank nor a comment, and
     * an error after a three-line cell is on the right line. */
    expect_error("#x\n\ndevice;addr;name;type;description\n1;0;a;u16;\"x\ny\nz\"\n1;1;b;u17;\n", 7,
                 "type", "u17");
    /* Without a final line end; a lone CR ends a line too. */
    map = parse_ok("device,addr,name,type\r1,0,a,u16\r1,1,b,u16");
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 2);
    g_assert_cmpuint(mcp_regmap_item(map, 1)->line, ==, 3);
    mcp_regmap_free(map);
    /* The text need not end in a NUL: len is respected. */
    const char full[] = "device,addr,name,type\n1,0,a,u16\n1,1,b,u16\n";
    map = parse_len(full, strlen("device,addr,name,type\n1,0,a,u16\n"));
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 1);
    mcp_regmap_free(map);
    char *copy = g_memdup2(full, strlen(full)); /* no NUL after it (ASan checks) */
    map = parse_len(copy, strlen(full));
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 2);
    mcp_regmap_free(map);
    g_free(copy);
    /* UTF-8 in cells is kept. */
    map = parse_ok("device,addr,name,type,unit,description\n1,0,a,u16,µS/cm,Leitfähigkeit ✓\n");
    g_assert_cmpstr(mcp_regmap_item(map, 0)->unit, ==, "µS/cm");
    g_assert_cmpstr(mcp_regmap_item(map, 0)->description, ==, "Leitfähigkeit ✓");
    mcp_regmap_free(map);
}

static void test_devices(void)
{
    struct mcp_regmap *map = parse_ok("device;addr;name;type\n"
                                      "*;0;all;u16\n"
                                      "1-8;1;eight;u16\n"
                                      "\"1,3,9-12\";2;some;u16\n"
                                      "254;3;last;u16\n"
                                      "0;4;zero;u16\n"
                                      "1, 3 ,20 - 21;5;spaced;u16\n");
    const struct mcp_reg_item *all = mcp_regmap_item(map, 0), *eight = mcp_regmap_item(map, 1),
                              *some = mcp_regmap_item(map, 2), *last = mcp_regmap_item(map, 3),
                              *spaced = mcp_regmap_item(map, 5);
    for (unsigned d = 0; d < 256; d++) {
        g_assert_cmpint(mcp_reg_item_has_device(all, d), ==, d >= 1 && d <= 254);
        g_assert_cmpint(mcp_reg_item_has_device(eight, d), ==, d >= 1 && d <= 8);
        g_assert_cmpint(mcp_reg_item_has_device(some, d), ==,
                        d == 1 || d == 3 || (d >= 9 && d <= 12));
        g_assert_cmpint(mcp_reg_item_has_device(last, d), ==, d == 254);
        g_assert_cmpint(mcp_reg_item_has_device(spaced, d), ==,
                        d == 1 || d == 3 || d == 20 || d == 21);
        g_assert_cmpint(mcp_regmap_has_device(map, d), ==, d <= 254);
    }
    g_assert_false(mcp_reg_item_has_device(all, 300));
    g_assert_false(mcp_regmap_has_device(map, 300));
    mcp_regmap_free(map);

    const char *h = "device;addr;name;type";
    bad_row(h, "255;0;x;u16", "device", "255");
    bad_row(h, "1-255;0;x;u16", "device", "255");
    bad_row(h, "\"1,255\";0;x;u16", "device", "255");
    bad_row(h, "256;0;x;u16", "device", "256");
    bad_row(h, "8-1;0;x;u16", "device", "8-1");
    bad_row(h, "1-;0;x;u16", "device", "1-");
    bad_row(h, "x;0;x;u16", "device", "'x'");
    bad_row(h, "\"1,\";0;x;u16", "device", "1,");
    bad_row(h, "1 2;0;x;u16", "device", "1 2");
    bad_row(h, "-1;0;x;u16", "device", "-1");
    bad_row(h, "99999999999999999999999;0;x;u16", "device", "9999");
    bad_row(h, "**;0;x;u16", "device", "**");
}

/* §1's errors: each with its line and what is wrong. */
static void test_header_errors(void)
{
    expect_error("device,addr,name\n1,0,x\n", 1, "no column 'type'");
    expect_error("# c\n\naddr,name,type\n", 3, "no column 'device'");
    expect_error("device;name;type\n", 1, "no column 'addr'");
    expect_error("device,addr,type\n", 1, "no column 'name'");
    expect_error("device,addr,name,type,colour\n1,0,x,u16,red\n", 1, "unknown column", "colour");
    expect_error("device,addr,name,type,\n", 1, "unknown column ''");
    expect_error("device,addr,name,type,Name\n", 1, "name", "twice");
    expect_error("device,addr,name,type,descr\n", 1, "unknown column", "descr");
    /* A header of the other separator: one unknown column. */
    expect_error("device;addr;name;type,unit\n", 1, "unknown column", "type,unit");
    /* Nothing but comments and blank lines: no header. */
    expect_error("# only\n\n", 0, "no header");
    expect_error("", 0, "no header");
}

static void test_cell_errors(void)
{
    const char *h = HDR;
    /* addr */
    bad_row(h, "1,65536,x,u16,,,,,,,,,", "addr", "65536");
    bad_row(h, "1,0x10000,x,u16,,,,,,,,,", "addr", "0x10000");
    bad_row(h, "1,-1,x,u16,,,,,,,,,", "addr", "-1");
    bad_row(h, "1,1.5,x,u16,,,,,,,,,", "addr", "1.5");
    bad_row(h, "1,0x,x,u16,,,,,,,,,", "addr", "0x");
    bad_row(h, "1,ten,x,u16,,,,,,,,,", "addr", "ten");
    /* name */
    bad_row(h, "1,0,Tank,u16,,,,,,,,,", "name", "Tank");
    bad_row(h, "1,0,1abc,u16,,,,,,,,,", "name", "1abc");
    bad_row(h, "1,0,a-b,u16,,,,,,,,,", "name", "a-b");
    bad_row(h, "1,0,_a,u16,,,,,,,,,", "name", "_a");
    bad_row(h, "1,0,a b,u16,,,,,,,,,", "name", "a b");
    bad_row(h, "1,0,a123456789012345678901234567890123456789012345678,u16,,,,,,,,,", "name",
            "a1234567890");
    /* required cells empty */
    bad_row(h, ",0,x,u16,,,,,,,,,", "device", "empty");
    bad_row(h, "1,,x,u16,,,,,,,,,", "addr", "empty");
    bad_row(h, "1,0,,u16,,,,,,,,,", "name", "empty");
    bad_row(h, "1,0,x,,,,,,,,,,", "type", "empty");
    /* type */
    bad_row(h, "1,0,x,u8,,,,,,,,,", "type", "u8");
    bad_row(h, "1,0,x,str,,,,,,,,,", "type", "str");
    bad_row(h, "1,0,x,str:0,,,,,,,,,", "type", "str:0");
    bad_row(h, "1,0,x,str:65,,,,,,,,,", "type", "str:65");
    bad_row(h, "1,0,x,str:x,,,,,,,,,", "type", "str:x");
    bad_row(h, "1,0,x,str:-1,,,,,,,,,", "type", "str:-1");
    bad_row(h, "1,0,x,float,,,,,,,,,", "type", "float");
    /* order */
    bad_row(h, "1,0,x,u32,ABDC,,,,,,,,", "order", "ABDC");
    bad_row(h, "1,0,x,u32,big,,,,,,,,", "order", "big");
    bad_row(h, "1,0,x,str:2,CDAB,,,,,,,,", "order", "CDAB");
    bad_row(h, "1,0,x,str:2,DCBA,,,,,,,,", "order", "DCBA");
    /* scale, offset */
    bad_row(h, "1,0,x,u16,,abc,,,,,,,", "scale", "abc");
    bad_row(h, "1,0,x,u16,,0,,,,,,,", "scale", "0");
    bad_row(h, "1,0,x,u16,,nan,,,,,,,", "scale", "nan");
    bad_row(h, "1,0,x,u16,,inf,,,,,,,", "scale", "inf");
    bad_row(h, "1,0,x,u16,,\"0,1\",,,,,,,", "scale", "0,1");
    bad_row(h, "1,0,x,u16,,,1x,,,,,,", "offset", "1x");
    bad_row(h, "1,0,x,str:2,,2,,,,,,,", "scale", "str");
    bad_row(h, "1,0,x,str:2,,,2,,,,,,", "offset", "str");
    bad_row(h, "1,0,x,bits,,2,,,,,,,", "scale", "bits");
    bad_row(h, "1,0,x,bits,,,1,,,,,,", "offset", "bits");
    /* labels */
    bad_row(h, "1,0,x,u16,,,,,off,,,,", "labels", "off");
    bad_row(h, "1,0,x,u16,,,,,x=off,,,,", "labels", "x");
    bad_row(h, "1,0,x,u16,,,,,0=off;0=on,,,,", "labels", "twice");
    bad_row(h, "1,0,x,u16,,,,,0=off;1=off,,,,", "labels", "off");
    bad_row(h, "1,0,x,u16,,,,,70000=big,,,,", "labels", "70000");
    bad_row(h, "1,0,x,u16,,,,,-1=neg,,,,", "labels", "-1");
    bad_row(h, "1,0,x,i16,,,,,40000=big,,,,", "labels", "40000");
    bad_row(h, "1,0,x,u16,,,,,1=,,,,", "labels", "1");
    bad_row(h, "1,0,x,u16,,,,,5=7,,,,", "labels", "5=7");
    bad_row(h, "1,0,x,i16,,,,,0=off;1=-2.5e1,,,,", "labels", "-2.5e1");
    bad_row(h, "1,0,x,u32,,,,,1=0x10,,,,", "labels", "0x10");
    bad_row(h, "1,0,x,u16,,,,,1=nan,,,,", "labels", "nan");
    bad_row(h, "1,0,x,bits,,,,,16=high,,,,", "labels", "16");
    bad_row(h, "1,0,x,bits,,,,,-1=low,,,,", "labels", "-1");
    bad_row(h, "1,0,x,bits,,,,,0=Alarm,,,,", "labels", "Alarm");
    bad_row(h, "1,0,x,bits,,,,,0=door open,,,,", "labels", "door open");
    bad_row(h, "1,0,x,bits,,,,,0=a;1=a,,,,", "labels", "a");
    /* a label on a type that takes none */
    bad_row(h, "1,0,x,f32,,,,,0=off,,,,", "labels", "f32");
    bad_row(h, "1,0,x,f64,,,,,0=off,,,,", "labels", "f64");
    bad_row(h, "1,0,x,str:2,,,,,0=off,,,,", "labels", "str");
    /* access */
    bad_row(h, "1,0,x,u16,,,,,,rx,,,", "access", "rx");
    bad_row(h, "1,0,x,u16,,,,,,read,,,", "access", "read");
    /* sim */
    bad_row(h, "1,0,x,u16,,,,,,,wobble 1,,", "sim", "wobble");
    bad_row(h, "1,0,x,u16,,,,,,,const,,", "sim", "const");
    bad_row(h, "1,0,x,u16,,,,,,,const 1 2,,", "sim", "const 1 2");
    bad_row(h, "1,0,x,u16,,,,,,,const x,,", "sim", "x");
    bad_row(h, "1,0,x,u16,,,,,,,ramp 1 2 0,,", "sim", "period");
    bad_row(h, "1,0,x,u16,,,,,,,ramp 1 2,,", "sim", "ramp LO HI S");
    bad_row(h, "1,0,x,u16,,,,,,,toggle 1 2 -1,,", "sim", "period");
    bad_row(h, "1,0,x,u16,,,,,,,sine 5 1 0,,", "sim", "period");
    bad_row(h, "1,0,x,u16,,,,,,,random 5 1,,", "sim", "HI");
    bad_row(h, "1,0,x,u16,,,,,,,const 70000,,", "sim", "70000");
    bad_row(h, "1,0,x,u16,,,,,,,const -1,,", "sim", "-1");
    bad_row(h, "1,0,x,u16,,,,,,,sine 100 200 5,,", "sim", "does not fit");
    bad_row(h, "1,0,x,i16,,0.1,,,,,const 3276.9,,", "sim", "3276.9");
    bad_row(h, "1,0,x,u16,,,,,,,const inf,,", "sim", "inf");
    bad_row(h, "1,0,x,str:2,,,,,,,ramp 1 2 3,,", "sim", "const");
    bad_row(h, "1,0,x,str:2,,,,,,,const hello,,", "sim", "str:2");
    /* tolerance */
    bad_row(h, "1,0,x,u16,,,,,,,,-1,", "tolerance", "-1");
    bad_row(h, "1,0,x,u16,,,,,,,,wide,", "tolerance", "wide");
    bad_row(h, "1,0,x,u16,,,,,,,,nan,", "tolerance", "nan");
}

/* Valid cells at the edges of what the columns take. */
static void test_cell_edges(void)
{
    char text[2048];
    snprintf(text, sizeof text,
             "%s\n"
             "1,0xFFFF,a,u16,badc,,,,,,,,\n"
             "1,0xFFFB,b,f64,,,,,,,,,\n"
             "2,0xFFC0,c,str:64,badc,,,,,,const hello,,\n"
             "3,0,a12345678901234567890123456789012345678901234567,u16,,,,,,,,,\n"
             "3,1,d,u16,,-0.5,1e1,,\"0=off; 1 = on \",RW,CONST 5,0,\n"
             "3,2,e,bits,,,,,\"15=top;0=bottom\",,toggle 0xFFFF 0 2,,\n"
             "3,3,f,u16,,,,,,,const 65535.5,,\n"
             "3,4,g,i64,,,,,\"-9223372036854775808=min\",,counter 1e6,,\n"
             "3,8,h,f32,,,,,,,const 1e38,,\n"
             "3,10,i,str:1,ABCD,,,,,,const ab,,\n",
             HDR);
    struct mcp_regmap *map = parse_ok(text);
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 10);
    const struct mcp_reg_item *it = mcp_regmap_item(map, 0);
    g_assert_cmpint(it->order, ==, MCP_ORDER_BADC);
    it = mcp_regmap_item(map, 2);
    g_assert_cmpint(it->type, ==, MCP_REG_STR);
    g_assert_cmpuint(it->nregs, ==, 64);
    g_assert_cmpstr(it->sim.text, ==, "hello");
    g_assert_cmpstr(mcp_reg_type_name(it->type), ==, "str");
    it = mcp_regmap_item(map, 3);
    g_assert_cmpuint(strlen(it->name), ==, MCP_REG_NAME_MAX);
    it = mcp_regmap_item(map, 4);
    g_assert_true(it->scale == -0.5 && it->offset == 10);
    g_assert_cmpstr(it->labels[0].name, ==, "off");
    g_assert_cmpstr(it->labels[1].name, ==, "on");
    g_assert_true(it->sim.a == 5);
    it = mcp_regmap_item(map, 5);
    g_assert_cmpint(it->labels[0].value, ==, 0);
    g_assert_cmpstr(it->labels[0].name, ==, "bottom");
    g_assert_cmpint(it->labels[1].value, ==, 15);
    g_assert_true(it->sim.a == 65535 && it->sim.b == 0 && it->sim.c == 2);
    it = mcp_regmap_item(map, 7);
    g_assert_cmpint(it->labels[0].value, ==, INT64_MIN);
    const struct mcp_reg_field *f = mcp_regmap_field(map, 5); /* e */
    g_assert_cmpstr(f->name, ==, "e");
    g_assert_cmpuint(f->bit_count, ==, 2);
    g_assert_cmpint(f->bits[0].value, ==, 0);
    g_assert_cmpstr(f->bits[1].name, ==, "top");
    mcp_regmap_free(map);

    /* str:N of 1..64; an item that reaches 0xFFFF but not past it. */
    for (unsigned n = 1; n <= 64; n++) {
        snprintf(text, sizeof text, "device,addr,name,type\n1,%u,s,str:%u\n", 0x10000 - n, n);
        map = parse_ok(text);
        g_assert_cmpuint(mcp_regmap_item(map, 0)->nregs, ==, n);
        mcp_regmap_free(map);
        snprintf(text, sizeof text, "device,addr,name,type\n1,%u,s,str:%u\n", 0x10001 - n, n);
        expect_error(text, 2, "0xffff");
    }
    /* Types case-insensitively, and their names. */
    map = parse_ok("device,addr,name,type,order,access\n1,0,a,U16,abcd,R\n1,1,b,STR:2,Badc,rW\n");
    g_assert_cmpint(mcp_regmap_item(map, 1)->type, ==, MCP_REG_STR);
    g_assert_cmpint(mcp_regmap_item(map, 1)->access, ==, MCP_ACCESS_RW);
    g_assert_cmpint(mcp_regmap_item(map, 0)->access, ==, MCP_ACCESS_R);
    mcp_regmap_free(map);
    g_assert_cmpstr(mcp_reg_type_name(MCP_REG_BITS), ==, "bits");
    g_assert_cmpstr(mcp_reg_order_name(MCP_ORDER_CDAB), ==, "CDAB");
    g_assert_cmpstr(mcp_reg_access_name(MCP_ACCESS_RW), ==, "rw");
    g_assert_cmpstr(mcp_reg_access_name(MCP_ACCESS_W), ==, "w");
}

static void test_map_errors(void)
{
    /* Past 0xFFFF. */
    expect_error("device,addr,name,type\n1,0xFFFF,x,u32\n", 2, "x", "0xffff");
    expect_error("device,addr,name,type\n1,0xFFFD,x,i64\n", 2, "0xffff");
    expect_error("device,addr,name,type\n1,0xFFFE,x,f64\n", 2, "0xffff");
    /* A name twice for one device: the later line, naming the earlier. */
    expect_error("device,addr,name,type\n3,0,x,u16\n3,5,y,u16\n1-4,9,x,u16\n", 4, "x", "twice",
                 "device 3", "line 2");
    /* ... but for different devices it is fine. */
    struct mcp_regmap *map = parse_ok("device,addr,name,type\n3,0,x,u16\n4,9,x,u16\n");
    g_assert_cmpuint(mcp_regmap_field_count(map), ==, 1);
    g_assert_cmpuint(mcp_regmap_item(map, 1)->field, ==, 0);
    mcp_regmap_free(map);
    /* Two items sharing a register: both lines named. */
    expect_error("device,addr,name,type\n# c\n5,10,a,u32\n5,11,b,u16\n", 4, "b", "a", "line 3",
                 "device 5", "0x000a..0x000b", "0x000b");
    /* ... the earlier item further in the file, a long one covering a later one. */
    expect_error("device,addr,name,type\n*,20,late,u16\n2,0,long,str:30\n", 3, "long", "late",
                 "line 2", "device 2");
    /* ... one of several devices; the earliest of two conflicts is reported. */
    expect_error("device,addr,name,type\n1-3,0,a,u64\n3,3,b,u16\n2,1,c,u16\n", 3, "b", "line 2",
                 "device 3");
    /* Side by side is fine. */
    map = parse_ok("device,addr,name,type\n5,10,a,u32\n5,12,b,u16\n5,9,c,u16\n");
    mcp_regmap_free(map);
    /* One name, one type, across devices. */
    expect_error("device,addr,name,type\n1,0,x,u16\n2,0,x,i16\n", 3, "x", "i16", "u16", "line 2");
    expect_error("device,addr,name,type\n1,0,s,str:2\n2,0,s,str:3\n", 3, "str:3", "str:2",
                 "line 2");
    /* A label names one bit across the map. */
    expect_error("device,addr,name,type,labels\n1,0,st,bits,3=door\n2,0,st,bits,4=door\n", 3,
                 "door", "bit 4", "bit 3");
    /* Rows of another cell count; the other separator is pointed at. */
    expect_error("device;addr;name;type\n1;0;a;u16\n1,1,b,u16\n", 3, "1 cells", "4", "other one");
    expect_error("device,addr,name,type\n1,0,a,u16,\n", 2, "5 cells", "4");
    expect_error("device,addr,name,type\n1,0,a\n", 2, "3 cells", "4");
    /* CSV faults. */
    expect_error("device,addr,name,type,description\n1,0,a,u16,\"open\n1,1,b,u16,x\n", 2, "quoted",
                 "not closed");
    expect_error("device,addr,name,type,description\n1,0,a,u16,\"x\"y\n", 2, "closing quote");
    expect_error("device,addr,name,type,description\n1,0,a,u16,x\"y\n", 2, "quote");
    expect_error("device,addr,name,type,description\r\n\r\n1,0,a,u16,caf\xe9\r\n", 3, "UTF-8");
    expect_error("device,addr,name,type,description\n1,0,a,u16,\"\xc3\x28\"\n", 2, "UTF-8");
    expect_error("device,addr,name,type,description\n1,0,a,u16,\xed\xa0\x80\n", 2, "UTF-8");
    expect_error("device,addr,name,type,description\n1,0,a,u16,\xc0\xaf\n", 2, "UTF-8");
    expect_error("device,addr,n\xffme,type\n", 1, "UTF-8");
    expect_error("device,addr,name,type,description\n1,0,a,u16,\xe2\x82\n", 2, "UTF-8");
    static const char nul[] = "device,addr,name,type\n1,0,a\0b,u16\n";
    expect_error_len(nul, sizeof nul - 1, 2, "NUL", NULL);
    /* The first of several faults (the file is read in order). */
    expect_error("device,addr,name,type\n1,0,a,u16\n1,0,a,u16\n1,1,b,nope\n", 4, "nope");
    /* A line counted after a CRLF quoted cell. */
    expect_error("device,addr,name,type,description\r\n1,0,a,u16,\"x\r\ny\"\r\n1,1,B,u16,\r\n", 4,
                 "name", "'B'");
}

/* Errors are cut to the room given, and a long filename is fine. */
static void test_error_room(void)
{
    const char *text = "device,addr,name,type\n1,0,x,u8\n";
    struct mcp_regmap *map;
    char err[12];
    memset(err, 'z', sizeof err);
    g_assert_cmpint(mcp_regmap_parse(text, strlen(text), "t.csv", &map, err, sizeof err), ==, -1);
    g_assert_cmpstr(err, ==, "t.csv:2: ty");
    char big[MCP_REGMAP_ERR_MAX];
    char name[1000];
    memset(name, 'f', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    g_assert_cmpint(mcp_regmap_parse(text, strlen(text), name, &map, big, sizeof big), ==, -1);
    g_assert_cmpuint(strlen(big), ==, sizeof big - 1);
    /* NULL filename: still a name. */
    g_assert_cmpint(mcp_regmap_parse(text, strlen(text), NULL, &map, big, sizeof big), ==, -1);
    g_assert_nonnull(strstr(big, ":2: type"));
}

static void test_load(void)
{
    gchar *path = NULL;
    GError *gerr = NULL;
    int fd = g_file_open_tmp("regmap-XXXXXX.csv", &path, &gerr);
    g_assert_no_error(gerr);
    const char *text = "device,addr,name,type\n1,0,a,u16\n1,1,b,u8\n";
    g_assert_cmpint(write(fd, text, strlen(text)), ==, (int)strlen(text));
    close(fd);
    struct mcp_regmap *map = (struct mcp_regmap *)1;
    char err[MCP_REGMAP_ERR_MAX];
    g_assert_cmpint(mcp_regmap_load(path, &map, err, sizeof err), ==, -1);
    g_assert_null(map);
    gchar *want = g_strdup_printf("%s:3: type", path);
    g_assert_true(g_str_has_prefix(err, want));
    g_free(want);
    g_assert_true(g_file_set_contents(path, "device,addr,name,type\n1,0,a,u16\n", -1, NULL));
    g_assert_cmpint(mcp_regmap_load(path, &map, err, sizeof err), ==, 0);
    g_assert_cmpuint(mcp_regmap_item_count(map), ==, 1);
    mcp_regmap_free(map);
    g_unlink(path);
    g_assert_cmpint(mcp_regmap_load(path, &map, err, sizeof err), ==, -1);
    g_assert_null(map);
    want = g_strdup_printf("%s: ", path);
    g_assert_true(g_str_has_prefix(err, want));
    g_assert_nonnull(strstr(err, "No such file"));
    g_free(want);
    g_free(path);
}

/* Items of device 1 at 10..11 (u32), 12 (u16), 20..23 (f64), 30..33 (str:4),
 * written out of order; device 2 has others; device 5 none. */
static const char *const LOOKUP_MAP = "device,addr,name,type\n"
                                      "1,20,flow,f64\n"
                                      "1-2,12,pump,u16\n"
                                      "1,30,serial,str:4\n"
                                      "\"1,2\",10,temp,u32\n"
                                      "2,0,level,u16\n"
                                      "2,0xFFFF,top,u16\n";

static void expect_overlap(const struct mcp_regmap *map, unsigned device, uint32_t addr,
                           uint32_t count, const char *names)
{
    const struct mcp_reg_item *const *first = (const struct mcp_reg_item *const *)1;
    size_t n = mcp_regmap_overlapping(map, device, addr, count, &first);
    GString *got = g_string_new("");
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(got, "%s%s", i ? " " : "", first[i]->name);
    g_test_message("device %u [%u, +%u): %s", device, addr, count, got->str);
    g_assert_cmpstr(got->str, ==, names);
    if (n == 0)
        g_assert_null(first);
    /* Linear scan agrees. */
    const struct mcp_reg_item *const *items;
    size_t total = mcp_regmap_device_items(map, device, &items), m = 0;
    for (size_t i = 0; i < total; i++) {
        uint32_t a = items[i]->addr, e = a + items[i]->nregs;
        if (a < addr + (uint64_t)count && e > addr)
            m++;
    }
    g_assert_cmpuint(m, ==, n);
    g_string_free(got, TRUE);
}

static void test_overlapping(void)
{
    struct mcp_regmap *map = parse_ok(LOOKUP_MAP);
    const struct mcp_reg_item *const *items;
    g_assert_cmpuint(mcp_regmap_device_items(map, 1, &items), ==, 4);
    g_assert_cmpstr(items[0]->name, ==, "temp");
    g_assert_cmpstr(items[1]->name, ==, "pump");
    g_assert_cmpstr(items[2]->name, ==, "flow");
    g_assert_cmpstr(items[3]->name, ==, "serial");
    g_assert_cmpuint(mcp_regmap_device_items(map, 5, &items), ==, 0);
    g_assert_null(items);
    g_assert_cmpuint(mcp_regmap_device_items(map, 300, &items), ==, 0);

    expect_overlap(map, 1, 10, 3, "temp pump");
    expect_overlap(map, 1, 11, 10, "temp pump flow"); /* partial at both ends */
    expect_overlap(map, 1, 11, 1, "temp");
    expect_overlap(map, 1, 23, 8, "flow serial");
    expect_overlap(map, 1, 33, 1, "serial");
    expect_overlap(map, 1, 34, 100, "");
    expect_overlap(map, 1, 0, 10, "");
    expect_overlap(map, 1, 13, 7, "");
    expect_overlap(map, 1, 24, 6, "");
    expect_overlap(map, 1, 0, 65536, "temp pump flow serial");
    expect_overlap(map, 1, 12, 0, "");
    expect_overlap(map, 1, 12, 1, "pump");
    expect_overlap(map, 2, 0, 65536, "level temp pump top");
    expect_overlap(map, 2, 0xFFFF, 1, "top");
    expect_overlap(map, 2, 0xFFFF, 65536, "top");
    expect_overlap(map, 2, 0x10000, 1, "");
    expect_overlap(map, 5, 0, 65536, ""); /* a device without items */
    expect_overlap(map, 0, 0, 65536, "");
    expect_overlap(map, 255, 0, 65536, "");
    const struct mcp_reg_item *const *first;
    g_assert_cmpuint(mcp_regmap_overlapping(map, 256, 0, 10, &first), ==, 0);
    g_assert_null(first);
    mcp_regmap_free(map);
}

static void test_find(void)
{
    struct mcp_regmap *map = parse_ok(LOOKUP_MAP);
    const struct mcp_reg_item *it = mcp_regmap_find(map, 1, "pump");
    g_assert_nonnull(it);
    g_assert_cmpuint(it->addr, ==, 12);
    g_assert_true(mcp_regmap_find(map, 2, "pump") == it);
    g_assert_nonnull(mcp_regmap_find(map, 1, "serial"));
    g_assert_null(mcp_regmap_find(map, 2, "serial"));
    g_assert_null(mcp_regmap_find(map, 1, "level"));
    g_assert_nonnull(mcp_regmap_find(map, 2, "level"));
    g_assert_null(mcp_regmap_find(map, 1, "pum"));
    g_assert_null(mcp_regmap_find(map, 1, "pumps"));
    g_assert_null(mcp_regmap_find(map, 1, ""));
    g_assert_null(mcp_regmap_find(map, 3, "pump"));
    g_assert_null(mcp_regmap_find(map, 255, "pump"));
    g_assert_null(mcp_regmap_find(map, 1000, "pump"));
    g_assert_true(mcp_regmap_has_device(map, 1));
    g_assert_true(mcp_regmap_has_device(map, 2));
    g_assert_false(mcp_regmap_has_device(map, 3));
    mcp_regmap_free(map);

    /* Many items, one name per device: every one found. */
    GString *text = g_string_new("device,addr,name,type\n");
    for (unsigned i = 0; i < 500; i++)
        g_string_append_printf(text, "%u,%u,n%u,u16\n", 1 + i % 7, i, i / 7);
    map = parse_ok(text->str);
    for (unsigned i = 0; i < 500; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%u", i / 7);
        it = mcp_regmap_find(map, 1 + i % 7, name);
        g_assert_nonnull(it);
        g_assert_cmpuint(it->addr, ==, i);
    }
    g_assert_cmpuint(mcp_regmap_field_count(map), ==, (500 + 6) / 7);
    for (size_t f = 0; f < mcp_regmap_field_count(map); f++) {
        char name[32];
        snprintf(name, sizeof name, "n%zu", f); /* in order of first appearance */
        g_assert_cmpstr(mcp_regmap_field(map, f)->name, ==, name);
    }
    mcp_regmap_free(map);
    g_string_free(text, TRUE);
}

/* §3 fields: one per name, double if any item of the name is scaled, bits merged. */
static void test_fields(void)
{
    struct mcp_regmap *map = parse_ok("device,addr,name,type,scale,labels,description\n"
                                      "1,0,t,i16,,,\n"
                                      "2,0,t,i16,0.1,,Tank\n"
                                      "1,1,st,bits,,0=alarm;3=door,Status\n"
                                      "2,1,st,bits,,3=door;5=fan,\n"
                                      "1,2,f,f32,,,\n");
    g_assert_cmpuint(mcp_regmap_field_count(map), ==, 3);
    const struct mcp_reg_field *t = mcp_regmap_field(map, 0), *st = mcp_regmap_field(map, 1),
                               *f = mcp_regmap_field(map, 2);
    g_assert_cmpstr(t->name, ==, "t");
    g_assert_cmpstr(t->title, ==, "t"); /* the first item's description, else its name */
    g_assert_true(t->is_double);
    g_assert_cmpstr(st->title, ==, "Status");
    g_assert_cmpuint(st->bit_count, ==, 3);
    g_assert_cmpint(st->bits[0].value, ==, 0);
    g_assert_cmpstr(st->bits[0].name, ==, "alarm");
    g_assert_cmpint(st->bits[1].value, ==, 3);
    g_assert_cmpint(st->bits[2].value, ==, 5);
    g_assert_cmpstr(st->bits[2].name, ==, "fan");
    g_assert_true(f->is_double);
    g_assert_cmpint(f->type, ==, MCP_REG_F32);
    for (size_t i = 0; i < mcp_regmap_item_count(map); i++) {
        const struct mcp_reg_item *it = mcp_regmap_item(map, i);
        g_assert_cmpstr(mcp_regmap_field(map, it->field)->name, ==, it->name);
    }
    mcp_regmap_free(map);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/regmap/defaults", test_defaults);
    g_test_add_func("/regmap/all-columns", test_all_columns);
    g_test_add_func("/regmap/file-form", test_file_form);
    g_test_add_func("/regmap/devices", test_devices);
    g_test_add_func("/regmap/header-errors", test_header_errors);
    g_test_add_func("/regmap/cell-errors", test_cell_errors);
    g_test_add_func("/regmap/cell-edges", test_cell_edges);
    g_test_add_func("/regmap/map-errors", test_map_errors);
    g_test_add_func("/regmap/error-room", test_error_room);
    g_test_add_func("/regmap/load", test_load);
    g_test_add_func("/regmap/overlapping", test_overlapping);
    g_test_add_func("/regmap/find", test_find);
    g_test_add_func("/regmap/fields", test_fields);
    return g_test_run();
}

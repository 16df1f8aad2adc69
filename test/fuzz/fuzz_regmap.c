/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: mcp_regmap_parse on arbitrary bytes (docs/REGISTER-MAP.md
 * §1). A refused map has a "FILE:..." message and no map; an accepted one is
 * checked against what §1-§3 promise: every item inside 0..0xFFFF, no two
 * items of a device sharing a register, mcp_regmap_overlapping agreeing with
 * a linear scan, mcp_regmap_find finding every item by its name for each of
 * its devices, decode/format within their buffers, and the formatted number
 * of an unscaled integer item written back to the same registers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "mcp/regmap.h"
#include "mcp/regval.h"

/* Registers drawn from the input, so decode sees the fuzzer's bytes too. */
static void fill_regs(uint16_t *regs, unsigned n, const uint8_t *data, size_t size, size_t salt)
{
    for (unsigned i = 0; i < n; i++) {
        size_t k = size ? (salt * 31 + 2 * i) % size : 0;
        uint8_t hi = size ? data[k] : 0, lo = size ? data[(k + 1) % size] : 0;
        regs[i] = (uint16_t)(hi << 8 | lo);
    }
}

static void check_overlapping(const struct mcp_regmap *map, unsigned d, uint32_t addr,
                              uint32_t count)
{
    const struct mcp_reg_item *const *items;
    size_t total = mcp_regmap_device_items(map, d, &items);
    const struct mcp_reg_item *const *first;
    size_t n = mcp_regmap_overlapping(map, d, addr, count, &first);
    size_t scan = 0, at = 0;
    for (size_t i = 0; i < total; i++) {
        uint64_t a = items[i]->addr, e = a + items[i]->nregs;
        if (a < (uint64_t)addr + count && e > addr) {
            if (scan == 0)
                at = i;
            scan++;
        }
    }
    CHECK(n == scan);
    if (n > 0)
        CHECK(first == items + at);
    else
        CHECK(first == NULL);
}

static void check_item(const struct mcp_reg_item *it, const uint8_t *data, size_t size, size_t i)
{
    CHECK(it->nregs >= 1 && it->nregs <= MCP_REG_MAX_REGS);
    CHECK((uint32_t)it->addr + it->nregs - 1 <= 0xFFFF);
    CHECK(strlen(it->name) >= 1 && strlen(it->name) <= MCP_REG_NAME_MAX);
    CHECK(!mcp_reg_item_has_device(it, 255));
    CHECK(it->tolerance >= 0);
    CHECK(it->label_count == 0 || it->labels != NULL);
    for (size_t l = 1; l < it->label_count; l++)
        CHECK(it->labels[l - 1].value < it->labels[l].value);

    /* Registers with a guard word after them. */
    uint16_t regs[MCP_REG_MAX_REGS + 1];
    fill_regs(regs, it->nregs, data, size, i);
    regs[it->nregs] = 0xA55A;
    struct mcp_reg_value v;
    mcp_reg_decode(it, regs, &v);
    CHECK(regs[it->nregs] == 0xA55A);
    CHECK(strlen(v.text) < MCP_REG_TEXT_MAX);
    CHECK(mcp_reg_same(it, &v, &v));

    char buf[MCP_REG_TEXT_MAX + 600];
    int want = mcp_reg_format(it, &v, buf, sizeof buf);
    CHECK(want >= 0 && (size_t)want < sizeof buf && strlen(buf) == (size_t)want);
    char small[5];
    memset(small, 'z', sizeof small);
    CHECK(mcp_reg_format(it, &v, small, 4) == want);
    CHECK(small[4] == 'z');
    char num[MCP_REG_TEXT_MAX + 8];
    want = mcp_reg_format_number(it, &v, num, sizeof num);
    CHECK(want >= 0 && (size_t)want < sizeof num && strlen(num) == (size_t)want);

    bool integer = it->type <= MCP_REG_I64 || it->type == MCP_REG_BITS;
    if (integer && !it->scaled) {
        /* The shown number writes back to the very registers (§2 both ways). */
        uint16_t back[MCP_REG_MAX_REGS + 1];
        back[it->nregs] = 0x5AA5;
        char err[MCP_REGMAP_ERR_MAX];
        CHECK(mcp_reg_encode_text(it, num, back, err, sizeof err) == 0);
        CHECK(back[it->nregs] == 0x5AA5);
        CHECK(memcmp(back, regs, it->nregs * sizeof *regs) == 0);
    } else if (it->type != MCP_REG_STR) {
        /* Any written value either fits or is refused naming the item. */
        uint16_t back[MCP_REG_MAX_REGS + 1];
        back[it->nregs] = 0x5AA5;
        char err[MCP_REGMAP_ERR_MAX] = "";
        if (mcp_reg_encode_text(it, num, back, err, sizeof err) != 0)
            CHECK(strncmp(err, it->name, strlen(it->name)) == 0);
        CHECK(back[it->nregs] == 0x5AA5);
    }
    /* §4 never writes past the item either. */
    uint16_t sim[MCP_REG_MAX_REGS + 1];
    sim[it->nregs] = 0x1234;
    uint64_t bits = 0;
    memcpy(&bits, data, size < sizeof bits ? size : sizeof bits);
    mcp_reg_sim_registers(it, (double)(i % 1000) * 0.37, bits, sim);
    CHECK(sim[it->nregs] == 0x1234);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mcp_regmap *map = (struct mcp_regmap *)1;
    char err[MCP_REGMAP_ERR_MAX];
    memset(err, 'z', sizeof err);
    /* A copy without a NUL after it: the parser must stay inside len. */
    char *text = malloc(size ? size : 1);
    CHECK(text != NULL);
    if (size)
        memcpy(text, data, size);
    int rc = mcp_regmap_parse(text, size, "f.csv", &map, err, sizeof err);
    if (rc != 0) {
        CHECK(rc == -1 && map == NULL);
        CHECK(memchr(err, '\0', sizeof err) != NULL);
        CHECK(strncmp(err, "f.csv:", 6) == 0);
        free(text);
        return 0;
    }
    CHECK(map != NULL);
    size_t n = mcp_regmap_item_count(map);
    for (size_t i = 0; i < n; i++) {
        const struct mcp_reg_item *it = mcp_regmap_item(map, i);
        check_item(it, data, size, i);
        CHECK(it->field < mcp_regmap_field_count(map));
        const struct mcp_reg_field *f = mcp_regmap_field(map, it->field);
        CHECK(strcmp(f->name, it->name) == 0 && f->type == it->type);
        for (unsigned d = 0; d < 256; d++) {
            if (mcp_reg_item_has_device(it, d)) {
                CHECK(mcp_regmap_has_device(map, d));
                CHECK(mcp_regmap_find(map, d, it->name) == it);
            }
        }
    }
    for (unsigned d = 0; d < 256; d++) {
        const struct mcp_reg_item *const *items;
        size_t total = mcp_regmap_device_items(map, d, &items);
        CHECK(total == 0 || d <= 254);
        /* Sorted by address, none sharing a register. */
        for (size_t k = 1; k < total; k++)
            CHECK((uint32_t)items[k - 1]->addr + items[k - 1]->nregs <= items[k]->addr);
        if (total == 0)
            continue;
        check_overlapping(map, d, 0, 65536);
        for (size_t k = 0; k < total && k < 16; k++) {
            const struct mcp_reg_item *it = items[k];
            check_overlapping(map, d, it->addr, 1);
            check_overlapping(map, d, it->addr + 1u, it->nregs);
            check_overlapping(map, d, it->addr ? it->addr - 1u : 0, 2);
            check_overlapping(map, d, it->addr, 0);
        }
        if (size >= 4)
            check_overlapping(map, d, (uint32_t)(data[0] << 8 | data[1]),
                              (uint32_t)(data[2] << 8 | data[3]) + 1u);
    }
    mcp_regmap_free(map);
    free(text);
    return 0;
}

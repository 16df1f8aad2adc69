/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The answer key: bookkeeping and the JSON Lines writer. */
#include "truth.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"
#include "mcp/regmap.h"
#include "mcp/regval.h"

/* A frame's register values (--map): device, first register, the values present. */
struct truth_regs {
    uint8_t device;
    uint8_t count;
    uint16_t addr;
    uint16_t values[MCP_MAX_REGISTERS];
};

void truth_init(struct truth *t)
{
    t->pdus = bigarray_new(sizeof(struct truth_pdu));
    t->junk = bigarray_new(sizeof(struct truth_junk));
    t->sender = g_ptr_array_new_with_free_func(g_free);
    t->regs = NULL;
    t->map = NULL;
    t->map_name = NULL;
}

void truth_free(struct truth *t)
{
    bigarray_free(t->pdus);
    bigarray_free(t->junk);
    g_ptr_array_free(t->sender, TRUE);
    if (t->regs != NULL)
        bigarray_free(t->regs);
    g_free(t->map_name);
}

void truth_set_map(struct truth *t, const struct mcp_regmap *map, const char *path)
{
    t->map = map;
    g_free(t->map_name);
    t->map_name = g_path_get_basename(path);
    if (t->regs == NULL)
        t->regs = bigarray_new(sizeof(struct truth_regs));
}

uint32_t truth_add_registers(struct truth *t, uint8_t cmd, const uint8_t *payload, size_t len)
{
    struct mcp_pdu p;
    mcp_pdu_parse(cmd, payload, len, &p);
    bool ok_read = cmd == MCP_CMD_READ_RSP && p.has_req_seq && p.status == MCP_STATUS_OK;
    if (t->regs == NULL || !p.has_register_block || (!ok_read && cmd != MCP_CMD_WRITE))
        return 0;
    /* §3: the registers the frame carries (as the dissector counts them) */
    size_t n = p.count < p.value_count ? p.count : p.value_count;
    if (n > MCP_MAX_REGISTERS)
        n = MCP_MAX_REGISTERS;
    struct truth_regs r;
    memset(&r, 0, sizeof r);
    r.device = p.device;
    r.addr = p.addr;
    r.count = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *v = payload + p.values_offset + 2 * i;
        r.values[i] = (uint16_t)(v[0] << 8 | v[1]);
    }
    return bigarray_append(t->regs, &r) + 1;
}

uint32_t truth_add_sender(struct truth *t, const char *name)
{
    g_ptr_array_add(t->sender, g_strdup(name));
    return t->sender->len - 1;
}

uint32_t truth_add(struct truth *t, const struct truth_pdu *pdu)
{
    return bigarray_append(t->pdus, pdu);
}

void truth_place(struct truth *t, uint32_t i, uint32_t record)
{
    truth_at(t, i)->record = record;
}

void truth_add_junk(struct truth *t, uint32_t record, uint32_t bytes)
{
    if (bytes == 0)
        return;
    uint32_t n = bigarray_len(t->junk);
    if (n > 0) {
        struct truth_junk *last = bigarray_at(t->junk, n - 1);
        if (last->record == record) {
            last->bytes += bytes;
            return;
        }
    }
    struct truth_junk j = {record, bytes};
    bigarray_append(t->junk, &j);
}

bool truth_finalize(struct truth *t)
{
    uint32_t prev_record = 0;
    uint16_t index = 0;
    for (uint32_t i = 0; i < bigarray_len(t->pdus); i++) {
        struct truth_pdu *p = truth_at(t, i);
        if (p->record == 0 || p->record < prev_record) {
            fprintf(stderr, "mcpgen: internal error: frame %u placed in record %u after %u\n", i,
                    p->record, prev_record);
            return false;
        }
        index = p->record == prev_record ? (uint16_t)(index + 1) : 0;
        p->index = index;
        prev_record = p->record;
    }
    for (uint32_t i = 1; i < bigarray_len(t->junk); i++) {
        uint32_t prev = ((const struct truth_junk *)bigarray_get(t->junk, i - 1))->record;
        if (((const struct truth_junk *)bigarray_get(t->junk, i))->record <= prev) {
            fprintf(stderr, "mcpgen: internal error: junk records out of order\n");
            return false;
        }
    }
    return true;
}

const char *truth_verdict_name(uint8_t verdict)
{
    switch (verdict) {
    case MCP_SEQ_NONE:
        return "none";
    case MCP_SEQ_IN_ORDER:
        return "in_order";
    case MCP_SEQ_DUPLICATE:
        return "duplicate";
    case MCP_SEQ_GAP:
        return "gap";
    case MCP_SEQ_OUT_OF_ORDER:
        return "out_of_order";
    case MCP_SEQ_RETRANSMISSION:
        return "retransmission";
    case TRUTH_IGNORED:
        return "ignored";
    default:
        return "?";
    }
}

/* A tiny line builder: the answer key of a million frames is written in well under a second. */
struct line {
    char buf[512];
    size_t len;
};

static void put_str(struct line *l, const char *text)
{
    size_t n = strlen(text);
    if (l->len + n < sizeof l->buf) {
        memcpy(l->buf + l->len, text, n);
        l->len += n;
    }
}

static void put_uint(struct line *l, uint64_t v)
{
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0 && l->len + 1 < sizeof l->buf)
        l->buf[l->len++] = digits[--n];
}

static void put_record(struct line *l, struct truth *t, uint32_t idx)
{
    if (idx == TRUTH_NONE)
        put_str(l, "null");
    else
        put_uint(l, ((const struct truth_pdu *)bigarray_get(t->pdus, idx))->record);
}

/* A JSON string's body: the text of an item (printable ASCII, \xNN escapes). */
static void put_json_text(GString *out, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            g_string_append_c(out, '\\');
        if ((unsigned char)*c < 0x20)
            g_string_append_printf(out, "\\u%04x", (unsigned char)*c);
        else
            g_string_append_c(out, *c);
    }
}

/*
 * ,"items":[...]: every item of the frame's device wholly inside its
 * registers (docs/REGISTER-MAP.md §3), with its engineering value as
 * mcp_reg_decode gives it: a number, "nan"/"inf"/"-inf", or for str:N the text.
 */
static void write_items(FILE *f, struct truth *t, uint32_t regs)
{
    struct truth_regs r = *(const struct truth_regs *)bigarray_get(t->regs, regs - 1);
    const struct mcp_reg_item *const *first;
    size_t n = mcp_regmap_overlapping(t->map, r.device, r.addr, r.count, &first);
    GString *out = g_string_new(",\"items\":[");
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const struct mcp_reg_item *it = first[i];
        if (it->addr < r.addr || (uint32_t)it->addr + it->nregs > (uint32_t)r.addr + r.count)
            continue; /* partial: no value (§3) */
        struct mcp_reg_value v;
        mcp_reg_decode(it, r.values + (it->addr - r.addr), &v);
        char num[64];
        mcp_reg_format_number(it, &v, num, sizeof num);
        g_string_append_printf(out, "%s{\"name\":\"%s\",", any ? "," : "", it->name);
        if (it->type == MCP_REG_STR) {
            g_string_append(out, "\"text\":\"");
            put_json_text(out, v.text);
            g_string_append(out, "\"}");
        } else if (isnan(v.eng) || isinf(v.eng)) {
            g_string_append_printf(out, "\"value\":\"%s\"}", num);
        } else {
            g_string_append_printf(out, "\"value\":%s}", num);
        }
        any = true;
    }
    g_string_append_c(out, ']');
    fwrite(out->str, 1, out->len, f);
    g_string_free(out, TRUE);
}

static void write_pdu(FILE *f, struct truth *t, const struct truth_pdu *p_in)
{
    const struct truth_pdu copy = *p_in, *p = &copy; /* put_record() touches other chunks */
    struct line l = {.len = 0};
    put_str(&l, "{\"type\":\"pdu\",\"frame\":");
    put_uint(&l, p->record);
    put_str(&l, ",\"index\":");
    put_uint(&l, p->index);
    put_str(&l, ",\"sender\":\"");
    put_str(&l, g_ptr_array_index(t->sender, p->sender));
    put_str(&l, "\",\"seq\":");
    put_uint(&l, p->seq);
    put_str(&l, ",\"cmd\":");
    put_uint(&l, p->cmd);
    put_str(&l, p->crc_ok ? ",\"crc_ok\":true" : ",\"crc_ok\":false");
    put_str(&l, ",\"verdict\":\"");
    put_str(&l, truth_verdict_name(p->verdict));
    put_str(&l, "\",\"missing\":");
    put_uint(&l, p->missing);
    put_str(&l, ",\"expected_seq\":");
    if (p->expected < 0)
        put_str(&l, "null");
    else
        put_uint(&l, (uint64_t)p->expected);
    put_str(&l, ",\"request_in\":");
    put_record(&l, t, p->request_in);
    put_str(&l, ",\"response_in\":");
    put_record(&l, t, p->response_in);
    if (p->regs != 0) {
        fwrite(l.buf, 1, l.len, f);
        write_items(f, t, p->regs);
        l.len = 0;
    }
    put_str(&l, "}\n");
    fwrite(l.buf, 1, l.len, f);
}

FILE *truth_open(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (f == NULL)
        fprintf(stderr, "mcpgen: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

bool truth_write(struct truth *t, const struct truth_header *h, FILE *f, const char *path)
{
    static char buf[1 << 16];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fprintf(f,
            "{\"type\":\"capture\",\"transport\":\"%s\",\"link\":\"%s\",\"crc\":\"%s\","
            "\"length_le\":%s,\"frames\":%u,\"records\":%u,\"seed\":%" G_GUINT64_FORMAT,
            h->transport, h->link, h->crc, h->length_le ? "true" : "false", bigarray_len(t->pdus),
            h->records, h->seed);
    if (t->map != NULL) {
        GString *name = g_string_new(NULL);
        put_json_text(name, t->map_name);
        fprintf(f, ",\"map\":\"%s\"", name->str);
        g_string_free(name, TRUE);
    }
    fputs("}\n", f);
    /* Within a record the junk line comes first: junk is reported before the frame it precedes. */
    uint32_t j = 0, nj = bigarray_len(t->junk);
    for (uint32_t i = 0; i < bigarray_len(t->pdus); i++) {
        const struct truth_pdu *p = bigarray_get(t->pdus, i);
        for (; j < nj && ((const struct truth_junk *)bigarray_get(t->junk, j))->record <= p->record;
             j++) {
            const struct truth_junk *jk = bigarray_get(t->junk, j);
            fprintf(f, "{\"type\":\"junk\",\"frame\":%u,\"bytes\":%u}\n", jk->record, jk->bytes);
        }
        write_pdu(f, t, p);
    }
    for (; j < nj; j++) {
        const struct truth_junk *jk = bigarray_get(t->junk, j);
        fprintf(f, "{\"type\":\"junk\",\"frame\":%u,\"bytes\":%u}\n", jk->record, jk->bytes);
    }
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok) {
        int err = errno;
        const char *name = strcmp(path, "-") == 0 ? "stdout" : path;
        if (err == EPIPE) /* --truth - | head: SIGPIPE is ignored (main.c) */
            fprintf(
                stderr,
                "mcpgen: cannot write the answer key to %s: the reader closed it (broken pipe)\n",
                name);
        else
            fprintf(stderr, "mcpgen: cannot write the answer key to %s: %s\n", name, strerror(err));
    }
    return ok;
}

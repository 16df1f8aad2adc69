/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 4180 records for the register-map reader (docs/REGISTER-MAP.md §1). */
#include "regmap_csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_init(struct csv_reader *r, const char *text, size_t len)
{
    memset(r, 0, sizeof *r);
    r->p = text;
    r->end = text + len;
    r->line = 1;
    /* A leading UTF-8 byte-order mark is not part of the header. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
}

void csv_free(struct csv_reader *r)
{
    free(r->buf);
    free(r->cells);
    free(r->offsets);
    memset(r, 0, sizeof *r);
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t more;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= more)
            return false;
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((more == 2 && cp < 0x800) || (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += more + 1;
    }
    return true;
}

static int push_byte(struct csv_reader *r, size_t *len, char c)
{
    if (*len + 1 >= r->buf_cap) {
        size_t cap = r->buf_cap ? r->buf_cap * 2 : 256;
        char *nb = realloc(r->buf, cap);
        if (nb == NULL)
            return -1;
        r->buf = nb;
        r->buf_cap = cap;
    }
    r->buf[(*len)++] = c;
    return 0;
}

static int push_cell(struct csv_reader *r, size_t *count, size_t start)
{
    if (*count == r->cells_cap) {
        size_t cap = r->cells_cap ? r->cells_cap * 2 : 16;
        size_t *no = realloc(r->offsets, cap * sizeof *no);
        if (no == NULL)
            return -1;
        r->offsets = no;
        char **nc = realloc(r->cells, cap * sizeof *nc);
        if (nc == NULL)
            return -1;
        r->cells = nc;
        r->cells_cap = cap;
    }
    r->offsets[(*count)++] = start;
    return 0;
}

static bool at_line_end(const struct csv_reader *r)
{
    return r->p >= r->end || *r->p == '\n' || *r->p == '\r';
}

static void skip_line_end(struct csv_reader *r)
{
    if (r->p < r->end && *r->p == '\r')
        r->p++;
    if (r->p < r->end && *r->p == '\n')
        r->p++;
    r->line++;
}

/* The header's separator: the first , or ; outside quotes on its line. */
static char find_separator(const char *p, const char *end)
{
    bool quoted = false;
    for (; p < end; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && (*p == '\n' || *p == '\r'))
            break;
        else if (!quoted && (*p == ',' || *p == ';'))
            return *p;
    }
    return ',';
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        return -1;                                                                                 \
    } while (0)

/* One physical record starting at r->p (not a comment or blank line). */
static int read_record(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen)
{
    size_t len = 0, count = 0;
    bool any_quoted = false, any_text = false;
    for (;;) {
        /* One cell. */
        size_t start = len;
        while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
            r->p++;
        if (r->p < r->end && *r->p == '"') {
            any_quoted = true;
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    FAIL("a quoted cell is not closed before the end of the file");
                char c = *r->p++;
                if (c == '"') {
                    if (r->p < r->end && *r->p == '"') {
                        r->p++;
                    } else {
                        break;
                    }
                } else if (c == '\n') {
                    r->line++;
                } else if (c == '\r') {
                    if (r->p >= r->end || *r->p != '\n')
                        r->line++;
                }
                if (c == '\0')
                    FAIL("a NUL byte in a cell");
                if (push_byte(r, &len, c) != 0)
                    FAIL("out of memory");
            }
            while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
                r->p++;
            if (!at_line_end(r) && *r->p != r->sep)
                FAIL("text after the closing quote of cell %zu (a cell holding a quote is "
                     "quoted and its quotes doubled)",
                     count + 1);
        } else {
            while (!at_line_end(r) && *r->p != r->sep) {
                if (*r->p == '"')
                    FAIL("a quote inside unquoted cell %zu (quote the cell and double the quote)",
                         count + 1);
                if (*r->p == '\0')
                    FAIL("a NUL byte in a cell");
                if (push_byte(r, &len, *r->p++) != 0)
                    FAIL("out of memory");
            }
            while (len > start && (r->buf[len - 1] == ' ' || r->buf[len - 1] == '\t'))
                len--;
        }
        if (len > start)
            any_text = true;
        if (len > start && !utf8_valid((const unsigned char *)r->buf + start, len - start))
            FAIL("cell %zu is not UTF-8 text", count + 1);
        if (push_byte(r, &len, '\0') != 0 || push_cell(r, &count, start) != 0)
            FAIL("out of memory");
        if (at_line_end(r))
            break;
        r->p++; /* the separator */
    }
    skip_line_end(r);
    for (size_t i = 0; i < count; i++)
        r->cells[i] = r->buf + r->offsets[i];
    rec->count = count;
    rec->cells = r->cells;
    return any_text || any_quoted ? 1 : 0;
}

int csv_next(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen)
{
    for (;;) {
        if (r->p >= r->end)
            return 0;
        rec->line = r->line;
        if (*r->p == '#') { /* a comment: up to the line end */
            while (!at_line_end(r))
                r->p++;
            skip_line_end(r);
            continue;
        }
        const char *q = r->p;
        while (q < r->end && (*q == ' ' || *q == '\t'))
            q++;
        if (q >= r->end || *q == '\n' || *q == '\r') { /* a blank line */
            r->p = q;
            skip_line_end(r);
            continue;
        }
        if (r->sep == 0)
            r->sep = find_separator(r->p, r->end);
        int got = read_record(r, rec, err, errlen);
        if (got != 0)
            return got; /* a record, or an error */
        /* blank: nothing but white space and separators */
    }
}

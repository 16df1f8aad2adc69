/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CSV layer of the register-map reader (docs/REGISTER-MAP.md §1, RFC 4180):
 * records of cells, `,` or `;`, quoted cells with "" for a quote, LF/CRLF,
 * `#` comment lines and blank lines skipped. Internal to lib/.
 */
#ifndef MCP_REGMAP_CSV_H
#define MCP_REGMAP_CSV_H

#include <stdbool.h>
#include <stddef.h>

/* Cells of one record, NUL-terminated copies in one buffer the reader owns. */
struct csv_record {
    unsigned line; /* where the record starts, 1-based */
    size_t count;
    char **cells;
};

struct csv_reader {
    const char *p, *end;
    unsigned line;
    char sep; /* 0 until the header sets it */
    /* storage for the current record */
    char *buf;
    size_t buf_cap;
    char **cells;
    size_t cells_cap;
    size_t *offsets;
};

void csv_init(struct csv_reader *r, const char *text, size_t len);
void csv_free(struct csv_reader *r);

/*
 * The next record that is not a comment or blank (a record of only empty
 * unquoted cells is blank too). The first call decides the separator from the
 * header line (the first `,` or `;` outside quotes; `,` when it has neither).
 * Returns 1 with *rec, 0 at the end, -1 with a message in err (about rec->line,
 * which is set) for a malformed record or a cell that is not UTF-8.
 */
int csv_next(struct csv_reader *r, struct csv_record *rec, char *err, size_t errlen);

#endif

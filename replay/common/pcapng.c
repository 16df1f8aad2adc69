/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal pcapng writer (SHB, IDB, EPB), per the pcapng specification. */
#include "pcapng.h"

#include <string.h>

static bool put32(FILE *f, uint32_t v)
{
    return fwrite(&v, 4, 1, f) == 1;
}

static bool put16(FILE *f, uint16_t v)
{
    return fwrite(&v, 2, 1, f) == 1;
}

static bool put_padding(FILE *f, size_t len)
{
    static const uint8_t zeros[4] = {0, 0, 0, 0};
    size_t pad = (4 - len % 4) % 4;
    return pad == 0 || fwrite(zeros, pad, 1, f) == 1;
}

bool pcapng_write_shb(FILE *f)
{
    /* SHB: type, length, byte-order magic, version 1.0, section length unknown (-1). */
    const uint32_t shb_len = 28;
    return put32(f, PCAPNG_SHB) && put32(f, shb_len) && put32(f, 0x1A2B3C4Du) && put16(f, 1) &&
           put16(f, 0) && put32(f, 0xFFFFFFFFu) && put32(f, 0xFFFFFFFFu) && put32(f, shb_len);
}

bool pcapng_write_shb_comment(FILE *f, const char *comment)
{
    size_t len = comment != NULL ? strlen(comment) : 0;
    if (len > 0xFFFF)
        len = 0xFFFF;
    if (len == 0)
        return pcapng_write_shb(f);
    /* SHB with opt_comment (code 1) and opt_endofopt. */
    const uint32_t shb_len = (uint32_t)(28 + 4 + ((len + 3) & ~(size_t)3) + 4);
    return put32(f, PCAPNG_SHB) && put32(f, shb_len) && put32(f, 0x1A2B3C4Du) && put16(f, 1) &&
           put16(f, 0) && put32(f, 0xFFFFFFFFu) && put32(f, 0xFFFFFFFFu) && put16(f, 1) &&
           put16(f, (uint16_t)len) && fwrite(comment, len, 1, f) == 1 && put_padding(f, len) &&
           put16(f, 0) && put16(f, 0) && put32(f, shb_len);
}

bool pcapng_write_idb(FILE *f, uint16_t linktype, uint32_t snaplen, bool nano, const char *name)
{
    /* Options: if_name (code 2) when given, if_tsresol (code 9): 10^-6 or 10^-9,
     * then opt_endofopt. */
    size_t name_len = name != NULL ? strlen(name) : 0;
    if (name_len > 0xFFFF)
        name_len = 0xFFFF;
    size_t name_opt = name_len > 0 ? 4 + ((name_len + 3) & ~(size_t)3) : 0;
    const uint32_t idb_len = (uint32_t)(20 + name_opt + 8 + 4);
    const uint8_t tsresol[4] = {nano ? 9 : 6, 0, 0, 0};
    bool ok = put32(f, PCAPNG_IDB) && put32(f, idb_len) && put16(f, linktype) && put16(f, 0) &&
              put32(f, snaplen);
    if (ok && name_len > 0)
        ok = put16(f, 2) && put16(f, (uint16_t)name_len) && fwrite(name, name_len, 1, f) == 1 &&
             put_padding(f, name_len);
    return ok && put16(f, 9) && put16(f, 1) && fwrite(tsresol, 4, 1, f) == 1 && put16(f, 0) &&
           put16(f, 0) && put32(f, idb_len);
}

bool pcapng_write_epb(FILE *f, uint32_t iface, uint64_t ts, const uint8_t *data, uint32_t len)
{
    uint32_t padded = (len + 3u) & ~3u;
    uint32_t block_len = 32 + padded;
    return put32(f, PCAPNG_EPB) && put32(f, block_len) && put32(f, iface) &&
           put32(f, (uint32_t)(ts >> 32)) && put32(f, (uint32_t)ts) && put32(f, len) &&
           put32(f, len) && (len == 0 || fwrite(data, len, 1, f) == 1) && put_padding(f, len) &&
           put32(f, block_len);
}

bool pcapng_write_header(FILE *f, uint16_t linktype, uint32_t snaplen, bool nano)
{
    return pcapng_write_shb(f) && pcapng_write_idb(f, linktype, snaplen, nano, NULL);
}

bool pcapng_write_packet(FILE *f, uint64_t ts, const uint8_t *data, uint32_t len)
{
    return pcapng_write_epb(f, 0, ts, data, len);
}

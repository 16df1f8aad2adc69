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

bool pcapng_write_header(FILE *f, uint16_t linktype, uint32_t snaplen, bool nano)
{
    /* SHB: type, length, byte-order magic, version 1.0, section length unknown (-1). */
    const uint32_t shb_len = 28;
    bool ok = put32(f, PCAPNG_SHB) && put32(f, shb_len) && put32(f, 0x1A2B3C4Du) && put16(f, 1) &&
              put16(f, 0) && put32(f, 0xFFFFFFFFu) && put32(f, 0xFFFFFFFFu) && put32(f, shb_len);
    /* IDB with one option, if_tsresol (code 9): 10^-6 or 10^-9, then opt_endofopt. */
    const uint32_t idb_len = 20 + 8 + 4;
    const uint8_t tsresol[4] = {nano ? 9 : 6, 0, 0, 0};
    ok = ok && put32(f, PCAPNG_IDB) && put32(f, idb_len) && put16(f, linktype) && put16(f, 0) &&
         put32(f, snaplen) && put16(f, 9) && put16(f, 1) && fwrite(tsresol, 4, 1, f) == 1 &&
         put16(f, 0) && put16(f, 0) && put32(f, idb_len);
    return ok;
}

bool pcapng_write_packet(FILE *f, uint64_t ts, const uint8_t *data, uint32_t len)
{
    static const uint8_t zeros[4] = {0, 0, 0, 0};
    uint32_t padded = (len + 3u) & ~3u;
    uint32_t block_len = 32 + padded;
    return put32(f, PCAPNG_EPB) && put32(f, block_len) && put32(f, 0) &&
           put32(f, (uint32_t)(ts >> 32)) && put32(f, (uint32_t)ts) && put32(f, len) &&
           put32(f, len) && (len == 0 || fwrite(data, len, 1, f) == 1) &&
           (padded == len || fwrite(zeros, padded - len, 1, f) == 1) && put32(f, block_len);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exported-PDU tags of a serial record (docs/PROTOCOL.md §5). */
#include "exppdu.h"

#include <string.h>

static size_t put_tag(uint8_t *out, uint16_t tag, uint16_t len)
{
    out[0] = (uint8_t)(tag >> 8);
    out[1] = (uint8_t)tag;
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
    return 4;
}

size_t exppdu_serial_header(uint8_t *out, int direction)
{
    size_t off = 0;
    /* The name, NUL-padded to a multiple of 4 as Wireshark's own writers do. */
    size_t name_len = strlen(EXPPDU_SERIAL_DISSECTOR);
    size_t padded = (name_len + 3) & ~(size_t)3;
    off += put_tag(out + off, EXPPDU_TAG_DISSECTOR_NAME, (uint16_t)padded);
    memset(out + off, 0, padded);
    memcpy(out + off, EXPPDU_SERIAL_DISSECTOR, name_len);
    off += padded;
    if (direction == 0 || direction == 1) {
        off += put_tag(out + off, EXPPDU_TAG_P2P_DIRECTION, 4);
        out[off] = out[off + 1] = out[off + 2] = 0;
        out[off + 3] = (uint8_t)direction;
        off += 4;
    }
    off += put_tag(out + off, EXPPDU_TAG_END, 0);
    return off;
}

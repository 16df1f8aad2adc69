/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unanswered requests (docs/PROTOCOL.md §4, §6 mcp5a.analysis.no_response):
 * which destinations never answer, because every receiver acts and none
 * replies (§2: "A request sent to a UDP broadcast address is never answered").
 */
#include "analysis.h"

#include <wsutil/pint.h>

/*
 * True when the packet went to a broadcast or multicast destination: an
 * Ethernet group address, IPv4 255.255.255.255, an IPv4 address ending in
 * .255 (the directed broadcast of a /24 or longer prefix; the capture does
 * not say the prefix), IPv4 224.0.0.0/4, or IPv6 ff00::/8.
 */
gboolean mcp5a_to_broadcast(const packet_info *pinfo)
{
    const address *dl = &pinfo->dl_dst;
    if (dl->type == AT_ETHER && dl->len == 6 && (((const guint8 *)dl->data)[0] & 1) != 0)
        return TRUE;
    const address *dst = &pinfo->dst;
    if (dst->type == AT_IPv4 && dst->len == 4) {
        const guint8 *a = dst->data;
        return a[3] == 255 || (a[0] & 0xf0) == 0xe0;
    }
    if (dst->type == AT_IPv6 && dst->len == 16)
        return ((const guint8 *)dst->data)[0] == 0xff;
    return FALSE;
}

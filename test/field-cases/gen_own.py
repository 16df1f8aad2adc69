#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the project's own captures for each kind of issue 8 (test/field-cases/own/):
encapsulations, fragments, heuristics off the MCP port, exported PDUs, gzip,
pcapng with two serial lines. The differential test compares mcpreplay with
tshark+plugin on each; regenerate with `gen_own.py OUTDIR` (deterministic)."""
import gzip
import os
import struct
import sys

T0 = 1700000000


def crc8(data, poly=0x07):
    c = 0
    for b in data:
        c ^= b
        for _ in range(8):
            c = ((c << 1) ^ poly) & 0xFF if c & 0x80 else (c << 1) & 0xFF
    return c


def frame(seq, cmd=0x02, payload=b"\x01\x00\x10\x00\x02"):
    f = bytes([0x5A, seq]) + struct.pack(">H", len(payload)) + bytes([cmd]) + payload
    return f + bytes([crc8(f)])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f">{len(b)//2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload, ident=1, frag=0):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0,
                    bytes(src), bytes(dst))
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload):
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), nh, 64, bytes(src), bytes(dst)) + payload


def udp(sp, dp, payload):
    return struct.pack(">HHHH", sp, dp, 8 + len(payload), 0) + payload


def tcp(sp, dp, seq, ack, flags, payload=b""):
    return struct.pack(">HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload


def eth(etype, payload, dst=b"\x02\0\0\0\0\x02", src=b"\x02\0\0\0\0\x01"):
    return dst + src + struct.pack(">H", etype) + payload


A = [10, 0, 0, 1]
B = [10, 0, 0, 101]
A6 = [0xFD] + [0] * 14 + [1]
B6 = [0xFD] + [0] * 14 + [0x65]


def write_pcap(path, packets, linktype=1, snaplen=65535, big=False, gz=False, times_us=None):
    """Records 1 ms apart, or at times_us (microseconds after T0, one per record)."""
    e = ">" if big else "<"
    out = struct.pack(e + "IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)
    for i, p in enumerate(packets):
        ts = T0 * 10**6 + (times_us[i] if times_us else i * 1000)
        wire = len(p)
        if isinstance(p, tuple):  # (bytes captured, length on the wire)
            p, wire = p
        out += struct.pack(e + "IIII", ts // 10**6, ts % 10**6, len(p), wire) + p
    opener = gzip.open if gz else open
    with opener(path, "wb") as f:
        f.write(out)


def mcp_udp(seq, sp=40001, dp=23130):
    return udp(sp, dp, frame(seq))


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    w = lambda name, pk, **kw: write_pcap(os.path.join(outdir, name), pk, **kw)
    # 802.1ad + 802.1Q + 0x9100 stacked; MPLS two labels; PPPoE session.
    w("k3_qinq_mpls_pppoe.pcap", [
        eth(0x88A8, struct.pack(">HH", 10, 0x8100) + struct.pack(">HH", 20, 0x9100) +
            struct.pack(">HH", 30, 0x0800) + ipv4(A, B, 17, mcp_udp(1))),
        eth(0x8847, struct.pack(">I", (100 << 12) | 64) + struct.pack(">I", (200 << 12) | 0x100 | 64) +
            ipv4(A, B, 17, mcp_udp(2))),
        eth(0x8864, struct.pack(">BBHHH", 0x11, 0, 1, 2 + 20 + 8 + 11, 0x0021) +
            ipv4(A, B, 17, mcp_udp(3))),
    ])
    # GRE: IPv4 inside, IPv6 inside (with key), transparent Ethernet bridging.
    G1, G2 = [192, 0, 2, 1], [192, 0, 2, 2]
    w("k3_gre.pcap", [
        eth(0x0800, ipv4(G1, G2, 47, struct.pack(">HH", 0, 0x0800) + ipv4(A, B, 17, mcp_udp(1)))),
        eth(0x0800, ipv4(G1, G2, 47, struct.pack(">HHI", 0x2000, 0x86DD, 7) +
                         ipv6(A6, B6, 17, mcp_udp(2)))),
        eth(0x0800, ipv4(G1, G2, 47, struct.pack(">HH", 0, 0x6558) +
                         eth(0x0800, ipv4(A, B, 17, mcp_udp(3))))),
    ])
    # VXLAN and GENEVE (with one option word).
    w("k3_vxlan_geneve.pcap", [
        eth(0x0800, ipv4(G1, G2, 17, udp(50000, 4789, struct.pack(">II", 0x08000000, 5 << 8) +
                                          eth(0x0800, ipv4(A, B, 17, mcp_udp(1)))))),
        eth(0x0800, ipv4(G1, G2, 17, udp(50001, 6081, struct.pack(">BBHI", 1, 0, 0x6558, 6 << 8) +
                                          b"\x01\x02\x03\x00" +
                                          eth(0x0800, ipv4(A, B, 17, mcp_udp(2)))))),
    ])
    # IPv4 fragments (two datagrams, the second's fragments out of order; a third
    # never completes) and IPv6 fragments.
    big = udp(40001, 23130, b"".join(frame(s, 0x03, bytes(200)) for s in range(1, 8)))
    d2 = udp(40001, 23130, b"".join(frame(s, 0x03, bytes(200)) for s in range(8, 15)))
    pk = [eth(0x0800, ipv4(A, B, 17, big[:1000], 7, 0x2000)),
          eth(0x0800, ipv4(A, B, 17, big[1000:], 7, 1000 // 8)),
          eth(0x0800, ipv4(A, B, 17, d2[1000:], 8, 1000 // 8)),
          eth(0x0800, ipv4(A, B, 17, d2[:1000], 8, 0x2000)),
          eth(0x0800, ipv4(A, B, 17, big[:1000], 9, 0x2000)),
          eth(0x0800, ipv4(A, B, 17, mcp_udp(20), 10))]
    w("k2_ipv4_fragments.pcap", pk)
    d6 = udp(40001, 23130, b"".join(frame(s, 0x03, bytes(200)) for s in range(1, 8)))
    fh = lambda off, more: struct.pack(">BBHI", 17, 0, off | more, 99)
    w("k2_ipv6_fragments.pcap", [
        eth(0x86DD, ipv6(A6, B6, 44, fh(0, 1) + d6[:1000])),
        eth(0x86DD, ipv6(A6, B6, 44, fh(1000, 0) + d6[1000:])),
    ])
    # Off the MCP port: a valid frame is MCP (§6 heuristics); bytes that merely
    # begin with 0x5A are not; TCP claimed by its first whole frame.
    junk = b"\x5a\x01\x00\x05\x02\x01\x00\x10\x00\x02\x00"  # bad check
    w("k5_heuristics.pcap", [
        eth(0x0800, ipv4(A, B, 17, udp(40001, 5000, frame(1)))),
        eth(0x0800, ipv4(A, B, 17, udp(40002, 5001, junk))),
        eth(0x0800, ipv4(A, B, 17, udp(40001, 5000, frame(2) + frame(3)))),
        eth(0x0800, ipv4(A, B, 6, tcp(41000, 47123, 100, 0, 0x02))),
        eth(0x0800, ipv4(B, A, 6, tcp(47123, 41000, 500, 101, 0x12))),
        eth(0x0800, ipv4(A, B, 6, tcp(41000, 47123, 101, 501, 0x18, frame(1) + frame(2)[:4]))),
        eth(0x0800, ipv4(A, B, 6, tcp(41000, 47123, 116, 501, 0x18, frame(2)[4:]))),
        eth(0x0800, ipv4(A, B, 6, tcp(42000, 47124, 100, 0, 0x18, junk))),
    ])
    # TCP, a segment the capture missed and the ACK covering it missed too: the
    # peer's 44-byte window proves READ 3 acknowledged once READ 7 is sent
    # (7 ends 55 bytes past the hole), so READ 4-7 keep their capture order
    # before the later UDP frames instead of waiting for the capture's end.
    def tcpw(sp, dp, seq, ack, flags, payload=b""):
        return struct.pack(">HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 44, 0, 0) + payload
    cw = lambda seq, ack, fl, pl=b"": eth(0x0800, ipv4(A, B, 6, tcpw(41000, 23130, seq, ack, fl, pl)))
    sw = lambda seq, ack, fl: eth(0x0800, ipv4(B, A, 6, tcpw(23130, 41000, seq, ack, fl)))
    reads = {n: frame(n) for n in range(1, 9)}
    w("k4_tcp_window_hole.pcap", [
        cw(1000, 0, 0x02), sw(5000, 1001, 0x12), cw(1001, 5001, 0x10),
        cw(1001, 5001, 0x18, reads[1]), cw(1012, 5001, 0x18, reads[2]), sw(5001, 1023, 0x10),
        *[cw(1001 + 11 * (n - 1), 5001, 0x18, reads[n]) for n in range(4, 9)],
        eth(0x0800, ipv4(A, B, 17, mcp_udp(50, sp=40050))),
        eth(0x0800, ipv4(A, B, 17, mcp_udp(51, sp=40050))),
    ])
    # Offload artefacts: IPv4 total length 0, wrong checksums; gzip-compressed.
    p = ipv4(A, B, 17, mcp_udp(1))
    p = p[:2] + b"\0\0" + p[4:10] + b"\0\0" + p[12:]
    w("k1_offload_len0.pcap.gz", [eth(0x0800, p), eth(0x0800, ipv4(A, B, 17, mcp_udp(2)))], gz=True)
    # LINKTYPE_USER1 (DLT 148) raw UART bytes, each record with a 2-byte header and a
    # 2-byte trailer (the DLT_USER table's sizes): a junk byte, frames across records, a
    # record one byte short of header + trailer (Wireshark's length -1: its bytes after the
    # header are payload), one shorter still (malformed), a whole frame.
    hd, tr = b"\xa5\xa5", b"\xee\xee"
    r1, a1, r2, r3 = frame(1), frame(0, 0x82, b"\x01\x00"), frame(2), frame(3)
    w("k9_dlt_user_header_trailer.pcap", [
        hd + b"\x00" + r1[:6] + tr, hd + r1[6:] + a1[:4] + tr, hd + a1[4:] + tr,
        hd + r2[:-1] + tr, hd + r2[-1:], b"\xa5", hd + r3 + tr,
    ], linktype=148)
    # Layers decoded since h19's finding 3, each as tshark with the plugin reads
    # them: PPP (linktype 9) with and without the FF 03 pair and a compressed
    # protocol field, IPv6 in PPP, an LCP record (not MCP).
    w("k10_ppp.pcap", [
        b"\xff\x03\x00\x21" + ipv4(A, B, 17, mcp_udp(1)),
        b"\x00\x21" + ipv4(A, B, 17, mcp_udp(2)),
        b"\xff\x03\x21" + ipv4(A, B, 17, mcp_udp(3)),
        b"\xff\x03\x00\x57" + ipv6(A6, B6, 17, mcp_udp(4)),
        b"\xff\x03\xc0\x21" + bytes([1, 1, 0, 4]),
    ], linktype=9)
    # 802.11 (linktype 105): a data frame to the AP, a QoS data frame from it,
    # one with both DS bits (4 addresses), each LLC/SNAP; a beacon (not MCP); a
    # protected frame (encrypted: might hold MCP, skipped and named).
    mac = lambda n: bytes([2, 0, 0, 0, 0, n])
    hdr = lambda fc, flags, n4=False: (bytes([fc, flags, 0, 0]) + mac(2) + mac(1) + mac(3) +
                                        b"\0\0" + (mac(4) if n4 else b""))
    snap = b"\xaa\xaa\x03\x00\x00\x00\x08\x00"
    w("k10_wlan.pcap", [
        hdr(0x08, 0x01) + snap + ipv4(A, B, 17, mcp_udp(1)),
        hdr(0x88, 0x02) + b"\x00\x00" + snap + ipv4(A, B, 17, mcp_udp(2)),
        hdr(0x08, 0x03, True) + snap + ipv4(A, B, 17, mcp_udp(3)),
        hdr(0x80, 0x00) + bytes(12),
        hdr(0x08, 0x41) + bytes(8) + snap + ipv4(A, B, 17, mcp_udp(4)),
    ], linktype=105)
    # AH (RFC 4302) in IPv6 and IPv4 is skipped to the UDP it protects; ESP
    # (even holding a cleartext datagram: Wireshark does not look inside), an
    # unknown IP protocol and an unknown ethertype might hold MCP: each skipped
    # and named; ARP and ICMP are not MCP (counted only).
    ah = lambda nh, inner: struct.pack(">BBHII", nh, 4, 0, 0x100, 1) + b"\xaa" * 12 + inner
    arp = struct.pack(">HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(1), bytes(A), bytes(6), bytes(B))
    w("k10_ah_esp.pcap", [
        eth(0x86DD, ipv6(A6, B6, 51, ah(17, mcp_udp(1)))),
        eth(0x0800, ipv4(A, B, 51, ah(17, mcp_udp(2)))),
        eth(0x0800, ipv4(A, B, 50, struct.pack(">II", 0x100, 1) + mcp_udp(3) + b"\x01\x02\x02\x11")),
        eth(0x0800, ipv4(A, B, 253, mcp_udp(4))),
        eth(0x88B5, ipv4(A, B, 17, mcp_udp(5))),
        eth(0x0806, arp),
        eth(0x0800, ipv4(A, B, 1, struct.pack(">BBHHH", 8, 0, 0, 1, 1) + bytes(8))),
        eth(0x0800, ipv4(A, B, 17, mcp_udp(6))),
    ])
    # A link type mcpreplay does not decode (SocketCAN, 227): the record is
    # skipped and named, never dropped silently.
    w("k10_linktype_can.pcap", [
        struct.pack(">IBBBB", 0x123, 8, 0, 0, 0) + bytes(range(8)),
    ], linktype=227)
    # Both sides on the MCP port (h19's finding 5), the device speaking first
    # with an EVENT; then off the MCP ports (§6 heuristics), a device's answer
    # captured before any request: the master is who sends requests (§5's
    # rule), not who speaks first.
    C = [10, 0, 0, 102]
    resp = lambda seq, req: frame(seq, 0x82, bytes([req, 0, 1]) + struct.pack(">HHH", 0x10, 1, 0))
    ev = frame(7, 0x04, bytes([1, 1]) + struct.pack(">I", 1234))
    pk = [eth(0x0800, ipv4(B, A, 17, udp(23130, 23130, ev)))]
    for n in range(1, 4):
        pk.append(eth(0x0800, ipv4(A, B, 17, udp(23130, 23130, frame(n)))))
        pk.append(eth(0x0800, ipv4(B, A, 17, udp(23130, 23130, resp(7 + n, n)))))
    pk += [eth(0x0800, ipv4(C, A, 17, udp(5000, 40002, resp(3, 9)))),
           eth(0x0800, ipv4(A, C, 17, udp(40002, 5000, frame(10)))),
           eth(0x0800, ipv4(C, A, 17, udp(5000, 40002, resp(4, 10))))]
    w("k11_master_by_commands.pcap", pk)
    # Records cut short (caplen < wire length, h19's finding 7): a UDP datagram
    # cut inside its second frame, a TCP segment cut inside its frame. The PDU
    # export of -Y cannot carry them: -Y must still name them as skips.
    two = ipv4(A, B, 17, udp(40001, 23130, frame(1) + frame(2)))
    seg = lambda seq, n: ipv4(A, B, 6, tcp(41000, 23130, 1000 + 11 * (n - 1), 1, 0x18, frame(n)))
    w("k12_cut_records.pcap", [
        (eth(0x0800, two)[:-5], len(eth(0x0800, two))),
        eth(0x0800, ipv4(A, B, 17, mcp_udp(3))),
        eth(0x0800, ipv4(A, B, 6, tcp(41000, 23130, 999, 0, 0x02))),
        eth(0x0800, seg(0, 1)),
        (eth(0x0800, seg(0, 2))[:-4], len(eth(0x0800, seg(0, 2)))),
        eth(0x0800, seg(0, 3)),
    ])
    # Exported PDU "mcp5a.serial" with a direction tag of 2 (§5 defines 0, 1 and
    # 0xFFFFFFFF): the plugin reads anything but 1 as direction 0; so must mcpreplay.
    st = lambda d, payload: (tlv(12, b"mcp5a.serial") + tlv(35, struct.pack(">I", d)) +
                             tlv(0, b"") + payload)
    w("k13_serial_dir2.pcap", [
        st(0, frame(1)), st(2, frame(5)),
        st(1, frame(0, 0x82, bytes([5, 0, 1]) + struct.pack(">HHH", 0x10, 1, 0))), st(0, frame(2)),
    ], linktype=252)
    # §5 line silence (issue 21): a false start claiming 4000 payload bytes
    # (5a SEQ 0f a0) holds the frames behind it until the line has been silent
    # 100 ms (the default); then its 0x5A is junk and the held bytes are
    # rescanned before the record that ended the silence. Records 1-2 are
    # 150 ms apart (the READ and HEARTBEATs 2, 3 show in record 2); records
    # 3-4 only 50 ms (record 4 shows nothing), 4-5 150 ms (record 5 shows 4-6).
    fs = lambda seq: bytes([0x5A, seq, 0x0F, 0xA0])
    hb = lambda seq: frame(seq, 0x01, b"")
    w("k15_serial_silence.pcap", [
        st(0, fs(0) + frame(1)), st(0, hb(2) + hb(3)),
        st(0, fs(9) + frame(4)), st(0, frame(5)), st(0, frame(6)),
    ], linktype=252, times_us=[0, 150000, 200000, 250000, 400000])
    # The same on a one-wire bus (no direction tag, §5): the line is one stream;
    # the READ and its answer show in record 2, 150 ms after the false start.
    bus = lambda payload: tlv(12, b"mcp5a.serial") + tlv(0, b"") + payload
    w("k16_serial_bus_silence.pcap", [
        bus(fs(0) + frame(1)),
        bus(frame(0, 0x82, bytes([1, 0, 1]) + struct.pack(">HHH", 0x10, 1, 0))),
    ], linktype=252, times_us=[0, 150000])
    # LINKTYPE_USER0 mapped to whole-frame "mcp5a" (one frame a record, no
    # direction): §5's one-wire-bus rule splits the senders, the NAK taking
    # the direction opposite to the READ before it (device -> master).
    w("k17_dlt_user_frames_bus.pcap", [
        frame(1), frame(0, 0x82, bytes([1, 0, 1]) + struct.pack(">HHH", 0x10, 1, 0)),
        frame(2), frame(1, 0x05, bytes([2, 1])),
    ], linktype=147)
    # A SPAN port mirroring both ways: each datagram twice, 1 ms apart at most
    # (counted as suspected copies, replayed as captured); READ 3 resent 2 ms
    # later is a resend, not a copy.
    req = lambda n: eth(0x0800, ipv4(A, B, 17, mcp_udp(n)))
    ans = lambda n: eth(0x0800, ipv4(B, A, 17, udp(23130, 40001, frame(n, 0x82, bytes([n, 0, 1]) +
                                                                     struct.pack(">HHH", 0x10, 1, 0)))))
    w("k14_udp_span_copies.pcap", [req(1), req(1), ans(1), ans(1), req(2), req(2), ans(2), ans(2),
                                    req(3), eth(0x0800, ipv4(C, B, 17, mcp_udp(9, sp=40009))), req(3)])
    # Big-endian classic pcap with a snaplen below the records.
    w("k1_bigendian_snaplen.pcap", [eth(0x0800, ipv4(A, B, 17, mcp_udp(s))) for s in (1, 2)],
      big=True, snaplen=40)


def tlv(tag, value):
    pad = (-len(value)) % 4 if tag == 12 else 0
    return struct.pack(">HH", tag, len(value) + pad) + value + b"\0" * pad


def export_pdus(outdir):
    """Exported-PDU files as tshark -U MCP5A writes them (docs/PROTOCOL.md §6),
    crafted from the spec: one frame per record, "mcp5a" with IPv4/IPv6 address,
    port-type and port tags, or "mcp5a" with a direction tag for serial."""
    os.makedirs(outdir, exist_ok=True)
    u32 = lambda v: struct.pack(">I", v)
    ip4 = lambda s, d, pt, sp, dp: (tlv(20, bytes(s)) + tlv(21, bytes(d)) + tlv(24, u32(pt)) +
                                    tlv(25, u32(sp)) + tlv(26, u32(dp)))
    recs = [
        tlv(12, b"mcp5a") + ip4(A, B, 3, 40001, 23130) + tlv(0, b"") + frame(1),
        tlv(12, b"mcp5a") + ip4(B, A, 3, 23130, 40001) + tlv(0, b"") + frame(0, 0x82, bytes(11)),
        tlv(12, b"mcp5a") + ip4(A, B, 2, 51000, 23130) + tlv(0, b"") + frame(5),
        tlv(12, b"mcp5a") + tlv(22, bytes(A6)) + tlv(23, bytes(B6)) + tlv(24, u32(3)) +
        tlv(25, u32(40001)) + tlv(26, u32(23130)) + tlv(0, b"") + frame(2),
        tlv(12, b"mcp5a") + tlv(35, u32(0)) + tlv(0, b"") + frame(7),
        tlv(12, b"mcp5a") + tlv(35, u32(1)) + tlv(0, b"") + frame(3, 0x82, bytes(11)),
    ]
    write_pcap(os.path.join(outdir, "k8_exported_mcp5a.pcap"), recs, linktype=252)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--export":
        export_pdus(sys.argv[2])
        sys.exit(0)
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "own"))

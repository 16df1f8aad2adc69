#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a UDP capture in which every MCP request comes from a new UDP source
(address, port), as real clients do that open a socket per request: PAIRS
READ requests (docs/PROTOCOL.md §2: device 1, 1 register), each answered by
device 10.0.0.100:23130 with a READ response (status OK, one value) 1 ms
later. Each pair is its own conversation (§3: two senders, one frame each).
Sources are 10.1.0.1.. with ports 1024..65535 (next address when the ports
run out). Frames carry crc8-smbus (§1), computed here from the spec's
definition and guarded by its check value.

  newport_cap.py PAIRS OUT.pcap
"""
import struct
import sys


def crc8_smbus_table():
    # §1: poly 0x07, init 0x00, no reflection, xorout 0x00
    table = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = ((c << 1) ^ 0x07) & 0xFF if c & 0x80 else (c << 1) & 0xFF
        table.append(c)
    return table


TABLE = crc8_smbus_table()


def crc8(data):
    c = 0
    for b in data:
        c = TABLE[c ^ b]
    return c


assert crc8(b"123456789") == 0xF4  # §1 check value
# §1 test vector: READ seq=1 dev=3 addr=0x0010 count=4
assert crc8(bytes.fromhex("5a01000502030010 0004".replace(" ", ""))) == 0xD4


def frame(seq, cmd, payload):
    body = struct.pack(">BBHB", 0x5A, seq, len(payload), cmd) + payload
    return body + bytes([crc8(body)])


def ip_checksum(header):
    s = sum(struct.unpack(">10H", header))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_packet(src, sport, dst, dport, payload):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload  # no UDP checksum
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack(">H", ip_checksum(ip)) + ip[12:]
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + udp


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pairs = int(sys.argv[1])
    device = bytes([10, 0, 0, 100])
    ports = 65536 - 1024
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]  # pcap, Ethernet
    for i in range(pairs):
        host = 1 + i // ports
        master = bytes([10, 1, host >> 8 & 0xFF, host & 0xFF])
        port = 1024 + i % ports
        seq = i & 0xFF
        addr = i & 0xFFFF
        req = frame(seq, 0x02, struct.pack(">BHH", 1, addr, 1))
        rsp = frame(seq, 0x82, struct.pack(">BBBHHH", seq, 0, 1, addr, 1, i & 0xFFFF))
        t = 1_700_000_000_000_000 + i * 2000  # microseconds: a pair every 2 ms
        for ts, pkt in ((t, udp_packet(master, port, device, 23130, req)),
                        (t + 1000, udp_packet(device, 23130, master, port, rsp))):
            out.append(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(pkt), len(pkt)))
            out.append(pkt)
    with open(sys.argv[2], "wb") as f:
        f.write(b"".join(out))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An MCP frame quoted inside an ICMP error (destination unreachable) is shown
as MCP, but it was not sent by its sender at that point of the capture: it
takes no part in sequence analysis or request/response matching (§3, §4), as
packet-tcp.c leaves quoted segments out of its analysis. The capture, built
here: the master sends READ seq 1 (frame 1); the device's host answers with an
ICMP port unreachable quoting it (frame 2); the master sends READ seq 2
(frame 3). Frame 2 must carry no mcp5a.analysis field and no mcp5a expert
info; frame 3 follows frame 1 in order (expected seq 2), in one pass and two.

  error_pkt_test.py --runner test/tshark-unpriv.sh   (MCP5A_PLUGIN set)
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
from mcp_crc import frame  # noqa: E402

MASTER, DEVICE = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 100])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f">{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0, src, dst)
    return h[:10] + struct.pack(">H", csum(h)) + h[12:] + payload


def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def eth(payload):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + payload


def read(seq):
    return frame(seq, 0x02, bytes([1, 0x00, 0x10, 0x00, 0x02]))  # READ device 1, 2 registers


def write_capture(path):
    quoted = ipv4(MASTER, DEVICE, 17, udp(40001, 23130, read(1)))
    icmp = struct.pack(">BBHI", 3, 3, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack(">H", csum(icmp)) + icmp[4:]
    packets = [eth(quoted), eth(ipv4(DEVICE, MASTER, 1, icmp)),
               eth(ipv4(MASTER, DEVICE, 17, udp(40001, 23130, read(2))))]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000, i * 1000, len(p), len(p)) + p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    args = ap.parse_args()
    errors = []
    with tempfile.TemporaryDirectory(prefix="mcp5a-errpkt.") as work:
        os.chmod(work, 0o755)
        cap = os.path.join(work, "icmp_quote.pcap")
        write_capture(cap)
        os.chmod(cap, 0o644)
        for passes in (["-2"], []):
            out = subprocess.run(
                [args.runner] + passes + ["-r", cap, "-T", "fields", "-E", "separator=|",
                                          "-e", "frame.number", "-e", "frame.protocols",
                                          "-e", "mcp5a.seq", "-e", "mcp5a.analysis.expected_seq",
                                          "-e", "mcp5a.analysis.duplicate",
                                          "-e", "mcp5a.analysis.no_response",
                                          "-e", "_ws.expert.message"],
                capture_output=True, text=True, timeout=120)
            if out.returncode != 0:
                errors.append(f"{passes}: tshark exit {out.returncode}: {out.stderr.strip()[:300]}")
                continue
            rows = [line.split("|") for line in out.stdout.splitlines()]
            if len(rows) != 3:
                errors.append(f"{passes}: {len(rows)} rows, expected 3:\n{out.stdout}")
                continue
            n, protos, seq, expected, dup, nores, expert = rows[1]
            if "icmp" not in protos or "mcp5a" not in protos or seq != "1":
                errors.append(f"{passes}: frame 2 is not ICMP quoting MCP seq 1: {rows[1]}")
            if expected or dup or nores:
                errors.append(f"{passes}: frame 2 (quoted in ICMP) has analysis fields: {rows[1]}")
            for word in ("Duplicate", "No response", "out of order", "Gap"):
                if word.lower() in expert.lower():
                    errors.append(f"{passes}: frame 2 (quoted in ICMP) has expert info '{expert}'")
            if rows[2][2] != "2" or rows[2][3] != "2" or rows[2][4]:
                errors.append(f"{passes}: frame 3 should be seq 2, expected 2, no duplicate: {rows[2]}")
    for e in errors:
        print(e, file=sys.stderr)
    print("error_pkt: " + ("FAILED" if errors else "ok: a frame quoted in ICMP takes no part in the analysis"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes vector files (mkcap.py format) of ordinary, non-MCP traffic: DNS,
NTP, HTTP, and seeded random UDP and TCP payloads on random ports (a quarter
of them starting with 0x5A, the MCP magic).

  gen_other_traffic.py OUTDIR
"""
import os
import random
import sys

out = sys.argv[1]
rng = random.Random(5)


def write(name, transport, ports, records):
    with open(os.path.join(out, name + ".vec"), "w", encoding="utf-8") as f:
        f.write(f"transport {transport}\nports {ports}\n")
        t = 1.0
        for who, data in records:
            t += 0.001
            f.write(f"{who} {t:.6f} {data.hex(' ') if data else ''}\n")


dns_query = bytes.fromhex("1a2b01000001000000000000076578616d706c6503636f6d0000010001")
dns_answer = bytes.fromhex("1a2b81800001000100000000076578616d706c6503636f6d0000010001"
                           "c00c000100010000012c00045db8d822")
write("dns", "udp", "53001,53", [("M", dns_query), ("D", dns_answer)] * 5)
ntp = bytes([0x23]) + bytes(47)
write("ntp", "udp", "123,123", [("M", ntp), ("D", bytes([0x24]) + bytes(range(1, 48)))] * 5)
http_req = b"GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\n\r\n"
http_rsp = b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: text/plain\r\n\r\nhello world\n"
write("http", "tcp", "40100,80", [("M", http_req), ("D", http_rsp)] * 3)

for i in range(12):
    transport = "udp" if i % 2 == 0 else "tcp"
    ports = f"{rng.randrange(1024, 65535)},{rng.randrange(1024, 65535)}"
    records = []
    for _ in range(150):
        data = bytearray(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        if rng.random() < 0.25:
            data[0] = 0x5A
        records.append((rng.choice("MD"), bytes(data)))
    write(f"random{i}", transport, ports, records)

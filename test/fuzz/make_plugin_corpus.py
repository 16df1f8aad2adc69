#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seeds for fuzz_plugin from the captures in captures/: the MCP bytes of
each capture's UDP datagrams, TCP segments and serial records (read with
plain tshark fields, no plugin needed), a few records at a time, each seed
prefixed with fuzz_plugin's 3 control bytes (path: 0 UDP, 1 TCP, 2 serial;
two cut points).

  make_plugin_corpus.py CAPTURES_DIR OUT_DIR
"""
import glob
import os
import subprocess
import sys

FIELDS = {0: "udp.payload", 1: "tcp.payload", 2: "exported_pdu.exported_pdu"}


def payloads(cap):
    out = subprocess.run(["tshark", "-n", "-r", cap, "-T", "fields", "-e", "udp.payload",
                          "-e", "tcp.payload", "-e", "exported_pdu.exported_pdu"],
                         check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    for line in out.splitlines():
        cols = (line.split("\t") + ["", "", ""])[:3]
        for path, hexdata in enumerate(cols):
            if hexdata:
                yield path, bytes.fromhex(hexdata.split(",")[0])


def main():
    capdir, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for cap in sorted(glob.glob(os.path.join(capdir, "*.pcap*"))):
        chunk, path = b"", None
        for p, data in payloads(cap):
            if path is not None and (p != path or len(chunk) + len(data) > 2000):
                seed = bytes([path, len(chunk) // 3 % 256, 2 * len(chunk) // 3 % 256]) + chunk
                open(os.path.join(outdir, f"seed-{n:05d}"), "wb").write(seed)
                n += 1
                chunk = b""
                if n % 200 == 0:
                    break
            path = p
            chunk += data
        if chunk:
            seed = bytes([path, len(chunk) // 3 % 256, 2 * len(chunk) // 3 % 256]) + chunk
            open(os.path.join(outdir, f"seed-{n:05d}"), "wb").write(seed)
            n += 1
    print(f"{n} seeds in {outdir}")
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TCP stream correctness of mcpgen captures, checked with tshark's own reassembly.

For every TCP stream, `tshark -z follow,tcp,raw` gives each direction's bytes.
Each direction must be MCP frames back to back with nothing left over, and the
(seq, cmd) of those frames, in order, must be exactly the truth file's frames
of that sender. A capture may also require a 4 KiB frame (6 + 4096 bytes)
carried by exactly three segments.

  tcp_stream.py CAPTURE TRUTH [--big]
Exit 77 when tshark is missing.
"""
import json
import shutil
import subprocess
import sys


def tshark(*args):
    return subprocess.run(["tshark", "-n", *args], check=True, capture_output=True,
                          text=True).stdout


def frames_of(data, length_le):
    """Splits a byte stream into (offset, seq, cmd, length); raises on leftovers."""
    out, pos = [], 0
    while pos < len(data):
        if data[pos] != 0x5A or pos + 6 > len(data):
            raise ValueError(f"no frame at stream offset {pos}")
        hi, lo = data[pos + 2], data[pos + 3]
        length = (lo << 8 | hi) if length_le else (hi << 8 | lo)
        if length > 4096 or pos + 6 + length > len(data):
            raise ValueError(f"frame at offset {pos} runs past the stream")
        out.append((pos, data[pos + 1], data[pos + 4], length))
        pos += 6 + length
    return out


def main():
    if shutil.which("tshark") is None:
        print("tshark not installed: skipped")
        return 77
    cap, truth_path = sys.argv[1], sys.argv[2]
    need_big = "--big" in sys.argv[3:]
    lines = [json.loads(l) for l in open(truth_path)]
    header = lines[0]
    by_sender = {}
    for l in lines[1:]:
        if l["type"] == "pdu":
            by_sender.setdefault(l["sender"], []).append((l["seq"], l["cmd"]))

    streams = sorted({int(s) for s in tshark("-r", cap, "-T", "fields", "-e", "tcp.stream")
                      .split() if s})
    segs = {}
    for row in tshark("-r", cap, "-o", "tcp.relative_sequence_numbers:TRUE", "-T", "fields",
                      "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.seq",
                      "-e", "tcp.len").splitlines():
        st, port, seq, ln = row.split("\t")
        if int(ln) > 0:
            segs.setdefault((int(st), int(port)), []).append((int(seq) - 1, int(ln)))
    errors, checked, big_ok = [], 0, False
    for st in streams:
        out = tshark("-r", cap, "-q", "-z", f"follow,tcp,raw,{st}")
        nodes, data = [], [bytearray(), bytearray()]
        for line in out.splitlines():
            if line.startswith("Node "):
                nodes.append(line.split(": ", 1)[1])
            elif line and all(c in "0123456789abcdef\t" for c in line):
                side = 1 if line.startswith("\t") else 0
                data[side] += bytes.fromhex(line.strip())
        for side in (0, 1):
            src, dst = nodes[side], nodes[1 - side]
            sender = f"{src}>{dst}"
            try:
                got = frames_of(bytes(data[side]), header["length_le"])
            except ValueError as e:
                errors.append(f"stream {st} {sender}: {e}")
                continue
            want = by_sender.get(sender, [])
            if [(s, c) for _, s, c, _ in got] != want:
                errors.append(f"stream {st} {sender}: {len(got)} frames in the stream, "
                              f"{len(want)} in the truth, or a different order")
            checked += len(got)
            port = int(src.rsplit(":", 1)[1])
            for off, _, _, length in got:
                if length == 4096:
                    n = sum(1 for s, ln in segs.get((st, port), [])
                            if s < off + 4102 and s + ln > off)
                    big_ok = big_ok or n == 3
    if checked != header["frames"]:
        errors.append(f"{checked} frames in the TCP streams, truth says {header['frames']}")
    if need_big and not big_ok:
        errors.append("no 4 KiB frame carried by exactly three segments")
    for e in errors:
        print(f"{cap}: {e}", file=sys.stderr)
    if not errors:
        print(f"{cap}: {len(streams)} streams, {checked} frames match the truth")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

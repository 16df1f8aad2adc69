#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The §5 false-start delay is really exercised by a serial capture.

Reads the capture's exported-PDU records directly (pcap, crc8-smbus,
big-endian lengths), rebuilds each direction's byte stream with its record
boundaries, finds every frame of the truth file in it (magic, seq, cmd and a
matching CRC-8/SMBUS, after the previous frame), and checks that the truth
never shows a frame before the record holding its last byte, and shows at
least MIN frames later (a false start's window made the decoder wait).

  serial_delay.py CAPTURE TRUTH MIN
"""
import json
import sys
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
from mcp_crc import crc8_smbus  # noqa: E402
import capfile  # noqa: E402


def main():
    cap, truth_path, minimum = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ifaces, recs = capfile.read(cap, "pcap")
    if ifaces[0].linktype != capfile.LINKTYPE_WIRESHARK_UPPER_PDU:
        print(f"{cap}: a pcap of LINKTYPE {ifaces[0].linktype}, not 252", file=sys.stderr)
        return 1
    streams, bounds = {0: bytearray(), 1: bytearray()}, {0: [], 1: []}
    for rec, r in enumerate(recs, 1):
        _, direction, pdu = capfile.upper_pdu(r.data)
        if direction not in streams:
            print(f"{cap}: record {rec} has direction {direction}, not 0 or 1", file=sys.stderr)
            return 1
        streams[direction] += pdu
        bounds[direction].append((len(streams[direction]), rec))
    lines = [json.loads(l) for l in open(truth_path)]
    if lines[0]["crc"] != "crc8-smbus" or lines[0]["length_le"]:
        print(f"{truth_path}: this check needs crc8-smbus and big-endian lengths", file=sys.stderr)
        return 1
    late = errors = 0
    for direction in (0, 1):
        s, i = streams[direction], 0
        for t in (l for l in lines[1:]
                  if l["type"] == "pdu" and l["sender"] == f"serial:{direction}"):
            while True:
                if i + 6 > len(s):
                    print(f"frame {t} not found in the stream", file=sys.stderr)
                    return 1
                ln = s[i + 2] << 8 | s[i + 3]
                if (s[i] == 0x5A and ln <= 4096 and i + 6 + ln <= len(s) and s[i + 1] == t["seq"]
                        and s[i + 4] == t["cmd"] and crc8_smbus(s[i:i + 5 + ln]) == s[i + 5 + ln]):
                    break
                i += 1
            last = i + 5 + ln
            holding = next(r for end, r in bounds[direction] if last < end)
            if t["frame"] < holding:
                print(f"frame in record {holding} shown earlier, in {t['frame']}", file=sys.stderr)
                errors += 1
            late += t["frame"] > holding
            i = last + 1
    print(f"{cap}: {late} frames shown after the record holding their last byte")
    if late < minimum:
        print(f"want at least {minimum}", file=sys.stderr)
        errors += 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

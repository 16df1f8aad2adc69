#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Each fault option produces its own verdicts, at about its rate, and nothing else.

For every fault option alone at P = 0.1 (on UDP, TCP and serial), the truth
file must show the verdicts that fault implies (docs/PROTOCOL.md §3) and no
verdict of another fault; the number of faults seen, per frame, must lie in
[0.5 P, 1.05 P]. It cannot exceed P: a fault is drawn once per new frame, and
the NAKs and resends it causes only add frames. It stays above P/2 because a
fault is skipped only while a recovery is under way on that link.

  fault_rates.py MCPGEN
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

P = 0.1
FRAMES = 3000

# fault -> (verdicts it may add, how to count one occurrence)
FAULTS = {
    "bad-crc": ({"ignored"}, lambda v, c, j: v["ignored"]),
    "gap": ({"gap", "retransmission"}, lambda v, c, j: v["gap"]),
    "duplicate": ({"duplicate"}, lambda v, c, j: v["duplicate"]),
    "reorder": ({"gap", "out_of_order"}, lambda v, c, j: v["out_of_order"]),
    "nak": ({"retransmission"}, lambda v, c, j: v["retransmission"]),
    "sync": (set(), lambda v, c, j: c[6]),
}
# On a serial line a frame with a bad check is junk: the receiver sees a gap instead.
SERIAL_BAD_CRC = ({"gap", "retransmission"}, lambda v, c, j: v["gap"])


def run(mcpgen, transport, fault, work):
    out, truth = os.path.join(work, "f.pcap"), os.path.join(work, "f.jsonl")
    subprocess.run([mcpgen, "-t", transport, "--devices", "1-2", "--frames", str(FRAMES),
                    f"--{fault}", str(P), "--seed", "7", "--out", out, "--truth", truth],
                   check=True)
    lines = [json.loads(l) for l in open(truth)]
    pdus = [l for l in lines[1:] if l["type"] == "pdu"]
    verdicts = Counter(l["verdict"] for l in pdus)
    cmds = Counter(l["cmd"] for l in pdus)
    junk = sum(l["bytes"] for l in lines[1:] if l["type"] == "junk")
    return pdus, verdicts, cmds, junk


def main():
    mcpgen = sys.argv[1]
    errors = []
    with tempfile.TemporaryDirectory() as work:
        for transport in ("udp", "tcp", "serial"):
            for fault, (allowed, count) in FAULTS.items():
                if transport == "serial" and fault == "bad-crc":
                    allowed, count = SERIAL_BAD_CRC
                pdus, verdicts, cmds, junk = run(mcpgen, transport, fault, work)
                n = count(verdicts, cmds, junk)
                rate = n / len(pdus)
                extra = set(verdicts) - allowed - {"none", "in_order"}
                tag = f"{transport} --{fault} {P}"
                print(f"{tag}: {n} in {len(pdus)} frames, rate {rate:.3f}, verdicts {dict(verdicts)}")
                if extra:
                    errors.append(f"{tag}: unexpected verdicts {sorted(extra)}")
                if not 0.5 * P <= rate <= 1.05 * P:
                    errors.append(f"{tag}: rate {rate:.3f} outside [{0.5 * P}, {1.05 * P}]")
                if fault == "reorder" and verdicts["gap"] != verdicts["out_of_order"]:
                    errors.append(f"{tag}: each overtaken frame needs one gap of 1")
                if fault == "sync" and verdicts["none"] < n:
                    errors.append(f"{tag}: SYNC frames must have no verdict")
                if (fault == "bad-crc") != (junk > 0 or verdicts["ignored"] > 0):
                    errors.append(f"{tag}: bad checks and junk/ignored frames disagree")
                if fault in ("bad-crc", "gap", "nak"):
                    naks = cmds[5]
                    if naks == 0:
                        errors.append(f"{tag}: no NAK answers the fault")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Response times (issue 13): tshark -z mcp5a,srt and the stats tree's
"Response time (ms) by command" rows against the answer keys.

For every capture with a truth file, the expected table is computed from the
truth's request/response links and the records' capture times (tshark's
frame.time_epoch, written by the generator): per request command (the
response's cmd & 0x7F), over the matched responses (request_in set) that are
not duplicates: count, min, max, average. The SRT table (seconds, 6
decimals) and the stats tree (ms) must show exactly those.

  srt_test.py --dumps DISSECT_DIR CAPTURES_DIR
(the one-pass run dissect_all.py wrote: its packets' frame.time_epoch and taps)
"""
import os
import re
import sys
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import mcp5a_tshark as mt  # noqa: E402

SRT_ROW = re.compile(r"^\s*(\d+)\s+(.+?)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
TREE_ROW = re.compile(r"^\s*(\S.*? response time)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s")


def expected(packets, pdus):
    """Per request command, the response times (s) of the truth's matched,
    non-duplicate responses, from the frames' capture times."""
    times = {}
    for pkt in packets:
        frame = pkt["_source"]["layers"]["frame"]
        times[int(frame["frame.number"])] = mt.time_epoch(frame["frame.time_epoch"])
    rows = {}
    for p in pdus:
        if p["request_in"] is None or p["verdict"] == "duplicate":
            continue
        rows.setdefault(p["cmd"] & 0x7F, []).append(times[p["frame"]] - times[p["request_in"]])
    return rows


def check_one(dumps, name, cap, truth):
    """0 when capture's response times and stats tree rows match its truth, else 1."""
    _, records = mt.read_truth(truth)
    packets, out = dumps.one_pass(name)
    want = expected(packets, [l for l in records if l["type"] == "pdu"])
    srt, tree = {}, {}
    for line in out.splitlines():
        m = SRT_ROW.match(line)
        if m:
            srt[int(m.group(1))] = (int(m.group(3)), Decimal(m.group(4)), Decimal(m.group(5)),
                                    Decimal(m.group(6)))
        m = TREE_ROW.match(line)
        if m:
            tree[m.group(1)] = (int(m.group(2)), Decimal(m.group(3)), Decimal(m.group(4)),
                                Decimal(m.group(5)))
    errors = []
    us = Decimal("0.000001")
    for cmd in sorted(set(want) | set(srt)):
        t = want.get(cmd, [])
        exp = (len(t), min(t).quantize(us), max(t).quantize(us),
               (sum(t) / len(t)).quantize(us)) if t else None
        got = srt.get(cmd)
        # tshark rounds to 6 decimals; the average may differ in the last digit.
        if exp is None or got is None or got[:3] != exp[:3] or abs(got[3] - exp[3]) > us:
            errors.append(f"srt cmd {cmd:#04x}: {got}, truth {exp}")
    n_tree = sum(v[0] for v in tree.values())
    n_want = sum(len(t) for t in want.values())
    if n_tree != n_want or len(tree) != len(want):
        errors.append(f"stats tree: {len(tree)} rows, {n_tree} responses; "
                      f"truth {len(want)} commands, {n_want}")
    for name, (n, avg, lo, hi) in tree.items():
        # rows are named after the command; find it by count, min and max (ms)
        if not any(len(t) == n and abs(min(t) * 1000 - lo) < Decimal("0.001")
                   and abs(max(t) * 1000 - hi) < Decimal("0.001")
                   and abs(sum(t) / len(t) * 1000 - avg) <= Decimal("0.01")
                   for t in want.values()):
            errors.append(f"stats tree row {name!r}: {n} {avg} {lo} {hi} matches no command")
    return mt.verdict(cap, errors,
                      f"{n_want} response times in {len(want)} commands, as the truth says",
                      limit=20)


if __name__ == "__main__":
    sys.exit(mt.dumps_main(lambda dumps: lambda name, cap, truth:
                           check_one(dumps, name, cap, truth)))

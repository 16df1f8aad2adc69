#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Expert infos group (issue 13): every mcp5a expert info carries its kind's
fixed summary, so the Expert Information dialog (tshark -z expert) shows one
group per kind, with the counts the answer keys give.

For every capture with a truth file (two passes; from the runs
dissect_all.py wrote):
  - every MCP5A row's summary is the summary registered for one of the
    plugin's expert infos (tshark -G fields), and no summary shows twice;
  - "Bad CRC" counts the truth's crc_ok=false frames; the gap, duplicate,
    out-of-order and retransmission rows count the truth's verdicts.

  expert_test.py --dumps DISSECT_DIR CAPTURES_DIR
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import mcp5a_tshark as mt  # noqa: E402

VERDICT_SUMMARY = {  # registered summaries in plugin/frame_tree.c, truth verdicts
    "gap": "Sequence gap: frames missing",
    "duplicate": "Duplicate frame",
    "out_of_order": "Out-of-order frame",
    "retransmission": "Retransmission of a NAKed frame",
}
ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(.*?)\s*$")


def registered(dumps):
    """The summaries of the plugin's expert infos (FT_NONE fields, -G fields)."""
    return {f[1] for f in dumps.registered() if len(f) > 4 and f[3] == "FT_NONE"}


def rows(tap_text):
    """(count, summary) of every MCP5A row of tshark -z expert."""
    found = []
    for line in tap_text.splitlines():
        m = ROW.match(line)
        if m and m.group(3) == "MCP5A":
            found.append((int(m.group(1)), m.group(4)))
    return found


def make_check(dumps):
    """The check of one capture, None (after saying why) when the plugin's
    registered summaries are not found."""
    names = registered(dumps)
    if "Bad CRC" not in names:
        print(f"registered summaries not found: {sorted(names)}", file=sys.stderr)
        return None

    def check(name, cap, truth):
        _, records = mt.read_truth(truth)
        pdus = [l for l in records if l["type"] == "pdu"]
        got = rows(dumps.two_pass(name)[1])
        errors = []
        summaries = [s for _, s in got]
        for s in set(summaries):
            if s not in names:
                errors.append(f"summary {s!r} is no registered summary: it carries values")
            if summaries.count(s) > 1:
                errors.append(f"summary {s!r} shows in {summaries.count(s)} groups")
        count_of = {s: n for n, s in got}
        want = {"Bad CRC": sum(1 for p in pdus if not p["crc_ok"])}
        for verdict, summary in VERDICT_SUMMARY.items():
            want[summary] = sum(1 for p in pdus if p["verdict"] == verdict)
        for summary, n in want.items():
            if count_of.get(summary, 0) != n:
                errors.append(f"{summary!r}: {count_of.get(summary, 0)}, truth {n}")
        return mt.verdict(cap, errors,
                          f"{len(got)} expert groups, one per kind, counts as the truth says",
                          limit=len(errors))

    return check


if __name__ == "__main__":
    sys.exit(mt.dumps_main(make_check))

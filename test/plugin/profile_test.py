#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The MCP5A configuration profile (plugin/profile/MCP5A, issue 20): its
colouring rules against the answer keys, and that tshark reads every file of
it without a complaint.

tshark -C MCP5A -2 --color -T fields -e frame.coloring_rule.name runs over
every capture with a truth file (its preferences from the truth header), the
profile staged as a personal one (test/tshark-unpriv.sh, MCP5A_PROFILES), as
install-plugin-user installs it. The first rule that matches wins, so per
record the truth predicts:

  1. "MCP bad CRC"   a frame of the record has crc_ok false;
  2. "MCP sequence gap"   else a frame has verdict gap;
  3. "MCP retransmission, duplicate, out of order"   else a frame has one of them;
  4. "MCP NAK"   else a frame has cmd 0x05;

exactly. Below those the rules depend on what the truth does not record
(status, EVENT code, device 255), so a record may show
  5. "MCP error status" only if it holds a response (bit 7 set),
  6. "MCP no response" only if it holds a request (§4) the truth leaves unanswered,
  7. "MCP EVENT ALARM" only if it holds an EVENT,
and otherwise no MCP rule (one of Wireshark's default rules, or none).
Each of rules 1-7 must also colour at least one record of the captures.

  profile_test.py --runner test/tshark-unpriv.sh --profiles plugin/profile CAPTURES_DIR
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import mcp5a_tshark as mt  # noqa: E402

RULES = ["MCP bad CRC", "MCP sequence gap", "MCP retransmission, duplicate, out of order",
         "MCP NAK", "MCP error status", "MCP no response", "MCP EVENT ALARM"]


def is_request(cmd):
    return cmd & 0x80 == 0 and cmd not in (0x04, 0x05, 0x06)


def predicted(pdus):
    """(the exact rule 1-4, or None; the rules 5-7 the record allows)."""
    if any(not p["crc_ok"] for p in pdus):
        return RULES[0], set()
    if any(p["verdict"] == "gap" for p in pdus):
        return RULES[1], set()
    if any(p["verdict"] in ("retransmission", "duplicate", "out_of_order") for p in pdus):
        return RULES[2], set()
    if any(p["cmd"] == 0x05 for p in pdus):
        return RULES[3], set()
    allowed = set()
    if any(p["cmd"] & 0x80 for p in pdus):
        allowed.add(RULES[4])
    if any(is_request(p["cmd"]) and p["response_in"] is None for p in pdus):
        allowed.add(RULES[5])
    if any(p["cmd"] == 0x04 for p in pdus):
        allowed.add(RULES[6])
    return None, allowed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("captures")
    args = ap.parse_args()
    env = dict(os.environ, MCP5A_PROFILES=os.path.abspath(args.profiles))
    status, seen, count = 0, set(), 0
    for name, cap, truth in mt.with_truth(args.captures):
        if cap is None:
            print(f"{truth}: no capture beside it", file=sys.stderr)
            status = 1
            continue
        head, records = mt.read_truth(truth)
        by_frame = {}
        for r in records:
            if r["type"] == "pdu":
                by_frame.setdefault(r["frame"], []).append(r)
        run = subprocess.run([args.runner, "-C", "MCP5A", "-n", "-2", "-r", cap, "--color"]
                             + mt.prefs_of(head)
                             + ["-T", "fields", "-e", "frame.number", "-e",
                                "frame.coloring_rule.name"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        errors = []
        if run.returncode != 0 or run.stderr.strip():
            errors.append(f"tshark exit {run.returncode}: {run.stderr.strip()[:300]}")
        for line in run.stdout.splitlines():
            frame, _, rule = line.partition("\t")
            frame = int(frame)
            exact, allowed = predicted(by_frame.get(frame, []))
            if exact is not None:
                if rule != exact:
                    errors.append(f"frame {frame}: {rule!r}, truth {exact!r}")
            elif rule in RULES and rule not in allowed:
                errors.append(f"frame {frame}: {rule!r}, truth allows {sorted(allowed) or 'no MCP rule'}")
            if rule in RULES:
                seen.add(rule)
        count += 1
        status |= mt.verdict(cap, errors, f"{len(run.stdout.splitlines())} records coloured "
                             "as the truth predicts")
    missing = [r for r in RULES if r not in seen]
    if count and missing:
        print(f"rules that coloured no record: {missing}", file=sys.stderr)
        status = 1
    if count == 0 and status == 0:
        print(f"no capture with a truth file in {args.captures}: skipped")
        return 77
    return status


if __name__ == "__main__":
    sys.exit(main())

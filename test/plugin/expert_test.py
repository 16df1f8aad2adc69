#!/usr/bin/env python3
"""Expert infos group (issue 13): every mcp5a expert info carries its kind's
fixed summary, so the Expert Information dialog (tshark -z expert) shows one
group per kind, with the counts the answer keys give.

For every capture with a truth file (two passes):
  - every MCP5A row's summary is the summary registered for one of the
    plugin's expert infos (tshark -G fields), and no summary shows twice;
  - "Bad CRC" counts the truth's crc_ok=false frames; the gap, duplicate,
    out-of-order and retransmission rows count the truth's verdicts.

  expert_test.py --runner test/tshark-unpriv.sh CAPTURE_DIR
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

VERDICT_SUMMARY = {  # registered summaries in plugin/fields.c, truth verdicts
    "gap": "Sequence gap: frames missing",
    "duplicate": "Duplicate frame",
    "out_of_order": "Out-of-order frame",
    "retransmission": "Retransmission of a NAKed frame",
}
ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(.*?)\s*$")


def registered(runner):
    out = subprocess.run([runner, "-G", "fields"], check=False, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    names = set()
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) > 4 and f[0] == "F" and f[2].startswith("mcp5a.") and f[3] == "FT_NONE":
            names.add(f[1])
    return names


def rows(runner, capture, prefs):
    cmd = [runner, "-n", "-r", capture, "-2", "-q", "-z", "expert"]
    for p in prefs:
        cmd += ["-o", p]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    found = []
    for line in out.splitlines():
        m = ROW.match(line)
        if m and m.group(3) == "MCP5A":
            found.append((int(m.group(1)), m.group(4)))
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("captures")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mcp5a-expert.") as work:
        os.chmod(work, 0o755)  # tshark runs as nobody
        return check(args, work)


def check(args, workdir):
    names = registered(args.runner)
    if "Bad CRC" not in names:
        print(f"registered summaries not found: {sorted(names)}", file=sys.stderr)
        return 1
    status = 0
    for truth in sorted(glob.glob(os.path.join(args.captures, "*.truth.jsonl"))):
        base = truth[: -len(".truth.jsonl")]
        caps = [base + e for e in (".pcap", ".pcapng") if os.path.exists(base + e)]
        if not caps:
            continue
        cap = shutil.copy(caps[0], workdir)
        os.chmod(cap, 0o644)
        lines = [json.loads(l) for l in open(truth, encoding="utf-8") if l.strip()]
        head, pdus = lines[0], [l for l in lines[1:] if l["type"] == "pdu"]
        prefs = [f"mcp5a.crc_variant:{head['crc']}",
                 f"mcp5a.length_le:{'TRUE' if head['length_le'] else 'FALSE'}"]
        got = rows(args.runner, cap, prefs)
        errors = []
        summaries = [s for _, s in got]
        for s in set(summaries):
            if s not in names:
                errors.append(f"summary {s!r} is no registered summary: it carries values")
            if summaries.count(s) > 1:
                errors.append(f"summary {s!r} shows in {summaries.count(s)} groups")
        count = {s: n for n, s in got}
        want = {"Bad CRC": sum(1 for p in pdus if not p["crc_ok"])}
        for verdict, summary in VERDICT_SUMMARY.items():
            want[summary] = sum(1 for p in pdus if p["verdict"] == verdict)
        for summary, n in want.items():
            if count.get(summary, 0) != n:
                errors.append(f"{summary!r}: {count.get(summary, 0)}, truth {n}")
        if errors:
            status = 1
            print(f"{cap}: {len(errors)} difference(s)", file=sys.stderr)
            for e in errors:
                print("  " + e, file=sys.stderr)
        else:
            print(f"{cap}: {len(got)} expert groups, one per kind, counts as the truth says")
    return status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs tshark with the plugin over every capture in CAPTURES_DIR once per
configuration (test/libpy/mcp5a_tshark.py lists the runs) and writes what it
shows into OUT_DIR, for the checking tests (plugin.captures, no_response,
export, expert, srt) and the field dump scripts/plugin-matrix.sh compares
across Wireshark versions (OUT_DIR/dump: fields.txt, NAME.{1,2}pass.tsv,
"frame<TAB>field1<TAB>field2...", several values in one frame joined by ",").

  MCP5A_PLUGIN=mcp5a.so dissect_all.py --runner test/tshark-unpriv.sh CAPTURES_DIR OUT_DIR
      [--dump-only] [--jobs N]

OUT_DIR is emptied first. Exit 1 when a run fails or the plugin did not load.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import mcp5a_tshark as mt  # noqa: E402


def field_rows(runner):
    """-G fields rows of the mcp5a header fields and expert infos, sorted as C sorts."""
    rows = []
    for line in mt.tshark(runner, ["-G", "fields"], stderr=subprocess.DEVNULL).splitlines():
        f = line.split("\t")
        if len(f) > 3 and f[0] == "F" and f[2].startswith("mcp5a."):
            rows.append(line)
    return sorted(rows, key=lambda l: "\t".join(l.split("\t")[2:4]).encode())


def dump(runner, cap, prefs, names, bools, out_base):
    """The mcp5a field dump of one capture, one pass and two. 4.2+ print FT_BOOLEAN
    values as True/False in -T fields (4.0: 1/0): the value is the same, so booleans
    are written as 1/0 in every version."""
    args = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "quote=n",
            "-e", "frame.number"]
    for n in names:
        args += ["-e", n]
    for passes, two in (("1pass", []), ("2pass", ["-2"])):
        lines = []
        for line in mt.tshark(runner, ["-n"] + two + ["-r", cap] + prefs + args).splitlines():
            cols = line.split("\t")
            for i in bools:
                if i < len(cols):
                    cols[i] = cols[i].replace("True", "1").replace("False", "0")
            lines.append("\t".join(cols) + "\n")
        with open(f"{out_base}.{passes}.tsv", "w", encoding="utf-8") as f:
            f.writelines(lines)


def analyse(runner, cap, prefs, work, out):
    """The three runs the checking tests read (mcp5a_tshark.Dumps)."""
    os.makedirs(out)
    text = mt.tshark(runner, ["-n", "-r", cap] + mt.TWO_PASS + mt.TWO_PASS_TAPS + prefs)
    with open(os.path.join(out, "two_pass.out"), "w", encoding="utf-8") as f:
        f.write(text)
    exported = os.path.join(work, os.path.basename(out) + ".export.pcapng")
    text = mt.tshark(runner, ["-n", "-r", cap, "-U", "MCP5A", "-w", exported, "-P"]
                     + mt.ONE_PASS + mt.ONE_PASS_TAPS + prefs)
    with open(os.path.join(out, "one_pass.out"), "w", encoding="utf-8") as f:
        f.write(text)
    shutil.copy(exported, os.path.join(out, "export.pcapng"))
    text = mt.tshark(runner, ["-n", "-r", exported] + mt.TWO_PASS + prefs)
    with open(os.path.join(out, "read_back.out"), "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--dump-only", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("captures")
    ap.add_argument("out")
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(os.path.join(args.out, "dump"))
    rows = field_rows(args.runner)
    if not rows:
        print("dissect_all.py: tshark lists no mcp5a field: the plugin did not load", file=sys.stderr)
        return 1
    with open(os.path.join(args.out, "captures.txt"), "w", encoding="utf-8") as f:
        f.write(os.path.realpath(args.captures) + "\n")
    with open(os.path.join(args.out, "fields.tsv"), "w", encoding="utf-8") as f:
        f.writelines(r + "\n" for r in rows)
    names = [r.split("\t")[2] for r in rows]
    with open(os.path.join(args.out, "dump", "fields.txt"), "w", encoding="utf-8") as f:
        f.writelines(n + "\n" for n in names)
    bools = [i + 1 for i, r in enumerate(rows) if r.split("\t")[3] == "FT_BOOLEAN"]
    caps = mt.all_captures(args.captures)
    if not caps:
        print(f"dissect_all.py: no capture in {args.captures}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="mcp5a-dissect.") as work:
        os.chmod(work, 0o777)  # tshark runs as nobody: reads the copies, writes the exports
        jobs = []
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for cap in caps:
                name = os.path.splitext(os.path.basename(cap))[0]
                copy = shutil.copy(cap, work)
                os.chmod(copy, 0o644)
                truth = os.path.join(args.captures, name + ".truth.jsonl")
                head = mt.read_truth(truth)[0] if os.path.exists(truth) else None
                if head is not None and head.get("map"):  # the map beside it, readable too
                    os.chmod(shutil.copy(os.path.join(args.captures, head["map"]), work), 0o644)
                prefs = mt.prefs_of(head, work) if head is not None else []
                jobs.append((f"{name}: field dump", pool.submit(
                    dump, args.runner, copy, prefs, names, bools,
                    os.path.join(args.out, "dump", name))))
                if prefs and not args.dump_only:
                    jobs.append((f"{name}: runs", pool.submit(
                        analyse, args.runner, copy, prefs, work, os.path.join(args.out, name))))
            status = 0
            for what, job in jobs:
                try:
                    job.result()
                except (subprocess.CalledProcessError, OSError) as e:
                    print(f"dissect_all.py: {what}: {e}", file=sys.stderr)
                    status = 1
    print(f"{len(caps)} captures dissected ({len(names)} mcp5a fields) into {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks the field cases' README expectations (test/field-cases/README.md),
written as data in expectations.json, against `mcpreplay --dry-run`:
exit code, records, seqs, lengths, due times, messages. Adding a case is one
entry, not new code.

Every run sees an empty Wireshark configuration (WIRESHARK_CONFIG_DIR, HOME,
XDG_CONFIG_HOME and WIRESHARK_DATA_DIR in a fresh folder), so the DLT_USER
table of whoever runs the test never counts; a case's "user_dlts" text is
written there as its Wireshark table.

  check_readme.py --mcpreplay BIN [--dir DIR]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

LINE = re.compile(r"^(-?[0-9.]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+0x([0-9a-f]{2})\s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mcpreplay", required=True)
    ap.add_argument("--dir", default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()
    cases = json.load(open(os.path.join(a.dir, "expectations.json")))
    bad = 0

    def check(ok, what):
        nonlocal bad
        if not ok:
            bad += 1
        print(("ok: " if ok else "not ok: ") + what)

    for c in cases:
        files = [os.path.join(a.dir, f) for f in c["files"]]
        conf = tempfile.mkdtemp(prefix="mcp-fcreadme.")
        env = dict(os.environ, WIRESHARK_CONFIG_DIR=conf, HOME=conf, WIRESHARK_DATA_DIR=conf,
                   XDG_CONFIG_HOME=os.path.join(conf, ".config"))
        if "user_dlts" in c:
            with open(os.path.join(conf, "user_dlts"), "w") as f:
                f.write(c["user_dlts"])
        try:
            p = subprocess.run([a.mcpreplay, "--dry-run"] + c.get("args", []) + files,
                               capture_output=True, text=True, timeout=60, env=env)
        finally:
            shutil.rmtree(conf, ignore_errors=True)
        rows = []
        for line in p.stdout.splitlines():
            m = LINE.match(line)
            if m:
                rows.append((float(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)),
                             int(m.group(5), 16)))
        name = " ".join(c["files"])
        check(p.returncode == c["exit"], f"{name}: exit {p.returncode}, want {c['exit']} "
              f"({p.stderr.strip()[:200]})")
        if "count" in c:
            check(len(rows) == c["count"], f"{name}: {len(rows)} frames, want {c['count']}")
        if "seqs" in c:
            got = [r[2] for r in rows]
            check(got == c["seqs"], f"{name}: seqs {got}, want {c['seqs']}")
        if "records" in c:
            got = [r[1] for r in rows]
            check(got == c["records"], f"{name}: records {got}, want {c['records']}")
        if "cmds" in c:
            got = [r[4] for r in rows]
            check(got == c["cmds"], f"{name}: cmds {got}, want {c['cmds']}")
        if "lens" in c:
            got = [r[3] for r in rows][:len(c["lens"])]
            check(got == c["lens"], f"{name}: lengths {got}, want {c['lens']}")
        if "due" in c:
            got = [r[0] for r in rows]
            check(len(got) == len(c["due"]) and all(abs(x - y) < 1e-9 for x, y in zip(got, c["due"])),
                  f"{name}: due {got}, want {c['due']}")
        if "due_all" in c:
            check(all(abs(r[0] - c["due_all"]) < 1e-9 for r in rows), f"{name}: all due at {c['due_all']}")
        if "nonnegative" in c:
            check(all(r[0] >= 0 for r in rows), f"{name}: no negative due time")
        if "due_by_seq" in c:  # READ n due at step*(n-1)
            step = c["due_by_seq"]
            check(all(abs(r[0] - step * (r[2] - 1)) < 1e-6 for r in rows),
                  f"{name}: each frame due at its own capture time ({[(r[2], r[0]) for r in rows][:6]}...)")
        for seq_rec_due in c.get("frames", []):
            rec, seq, due = seq_rec_due
            check(any(r[1] == rec and r[2] == seq and abs(r[0] - due) < 1e-9 for r in rows),
                  f"{name}: record {rec} seq {seq} due {due}")
        for text in c.get("stdout", []):
            check(text in p.stdout, f"{name}: output says '{text}'")
        for text in c.get("stderr", []):
            check(text in p.stderr, f"{name}: message names '{text}'")
    print(f"{bad} check(s) failed" if bad else "all README expectations hold")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

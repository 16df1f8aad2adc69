# SPDX-License-Identifier: GPL-2.0-or-later
"""What the end-to-end tests of the tools share (test/mcppoll/e2e.py,
test/mcpreplay/e2e.py): TAP-like check lines, mcpsim on loopback, and main()."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

FAILS = []


def fail(msg):
    """Records a failed check and prints it ("not ok: ...")."""
    FAILS.append(msg)
    print("not ok: " + msg, flush=True)


def check(cond, msg):
    """A check: "ok: " and msg's first line, or a failure with all of msg."""
    if not cond:
        fail(msg)
    else:
        print("ok: " + msg.split("\n")[0], flush=True)


class Sim:
    """mcpsim (BUILD/replay/mcpsim/mcpsim) on loopback UDP + TCP + a pty, on ports it
    picks; urls maps udp, tcp, serial (and pty, the same) to where it listens. Its
    counters go to a JSON file in tmp, read back by close(), which stops it (by pid)."""

    def __init__(self, build, tmp, *extra):
        self.stats = os.path.join(tmp, f"sim{time.monotonic_ns()}.json")
        self.p = subprocess.Popen(
            [os.path.join(build, "replay", "mcpsim", "mcpsim"), "--listen", "udp://127.0.0.1:0",
             "--listen", "tcp://127.0.0.1:0", "--pty", "--stats-json", self.stats]
            + [str(e) for e in extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.urls = {}
        deadline = time.monotonic() + 10
        while len(self.urls) < 3 and time.monotonic() < deadline:
            line = self.p.stdout.readline()
            if not line:
                break
            if line.startswith("listening "):
                url = line.split()[1]
                self.urls[url.split(":")[0]] = url
        if len(self.urls) < 3:
            raise RuntimeError("mcpsim did not start: " + self.p.stderr.read())
        self.urls["pty"] = self.urls["serial"]

    def close(self):
        """Stops mcpsim; its counters (the --stats-json object), None if it wrote none."""
        self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        try:
            with open(self.stats) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None


def main(cases, tmp_prefix, add_args=None, state=None):
    """Runs one case: "SCRIPT CASE --build BUILD_DIR [--plugin PATH]" (and what
    add_args(parser) adds) calls cases["case_" + CASE]() (cases: the script's
    globals()). First ARGS and TMP are set in state (the namespace the cases read
    them from; default cases): the parsed arguments, and a fresh folder named
    tmp_prefix..., removed afterwards. Exits 1 when a check failed, 2 on an
    unknown case."""
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--build", required=True)
    ap.add_argument("--plugin", default="")
    if add_args:
        add_args(ap)
    args = ap.parse_args()
    run = cases.get("case_" + args.case)
    if run is None:
        ap.error(f"unknown case {args.case!r}")
    state = cases if state is None else state
    state["ARGS"] = args
    state["TMP"] = tempfile.mkdtemp(prefix=tmp_prefix)
    try:
        run()
    finally:
        shutil.rmtree(state["TMP"], ignore_errors=True)
    if FAILS:
        print(f"{len(FAILS)} check(s) failed", file=sys.stderr)
        sys.exit(1)

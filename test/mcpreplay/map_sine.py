#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A regression replay of a moving value (issue 19): mcppoll records READs of a `sine`
item from mcpsim --map; mcpreplay --expect --map replays the recording against a fresh
mcpsim --map started at another phase of the sine. Without a tolerance the run fails and
names the item with both engineering values and its unit (REGISTER-MAP.md §5), the
constant item beside it is as recorded; with a tolerance wider than the sine's swing
(2 x AMP) it passes; --ignore NAME passes too. Loopback only.

    map_sine.py BUILD_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import e2e_common  # noqa: E402
from e2e_common import FAILS, check  # noqa: E402

BUILD = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="mcpreplay-map-sine.")
REPLAY = os.path.join(BUILD, "replay", "mcpreplay", "mcpreplay")
POLL = os.path.join(BUILD, "replay", "mcppoll", "mcppoll")
# wave: i16 x 0.1 °C, MID 20, AMP 50 (swing 100 °C), period 2 s; steady: a constant.
MAP = """device,addr,name,type,scale,unit,sim,tolerance,description
1,0x10,wave,i16,0.1,°C,sine 20 50 2,{tol},Wave
1,0x11,steady,u16,,rpm,const 1450,,Steady
"""


def mapfile(tol):
    path = os.path.join(TMP, f"map-{tol or 'none'}.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(MAP.format(tol=tol))
    return path


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def main():
    plain = mapfile("")
    s = e2e_common.Sim(BUILD, TMP, "--map", plain)
    ref = os.path.join(TMP, "ref.pcap")
    # 8 READs 0.3 s apart: the sine's phase moves 54° between them.
    p = run([POLL, "--map", plain, "-c", "8", "--interval", "300", "-w", ref, s.urls["udp"],
             "read", "1", "wave", "steady"])
    s.close()
    check(p.returncode == 0, f"the recording (mcppoll exit {p.returncode}: {p.stderr.strip()})")

    def replay(mapf, *extra):
        sim = e2e_common.Sim(BUILD, TMP, "--map", mapf)
        time.sleep(0.5)  # a quarter period later than the recording's start: another phase
        js = os.path.join(TMP, f"r{time.monotonic_ns()}.json")
        r = run([REPLAY, "-t", sim.urls["udp"], "-e", "--map", mapf, "--json", js]
                + list(extra) + [ref])
        sim.close()
        return r, json.load(open(js)) if os.path.exists(js) else None

    r, j = replay(plain)
    out = r.stdout + r.stderr
    check(r.returncode == 1, f"no tolerance: exit {r.returncode}, want 1:\n{out}")
    named = re.findall(r"wave: recorded (-?[0-9.]+) °C, received (-?[0-9.]+) °C, tolerance 0",
                       out)
    check(len(named) > 0, f"no tolerance: a mismatch names wave with both values and °C:\n{out}")
    for rec, got in named:
        # both inside the sine's range MID +- AMP, on the item's 0.1 grid
        for v in (float(rec), float(got)):
            check(-30.05 <= v <= 70.05 and abs(v * 10 - round(v * 10)) < 1e-6,
                  f"wave value {v} outside 20 +- 50 or off the 0.1 grid")
        check(rec != got, f"a mismatch of equal values {rec}")
    check("steady:" not in out, f"the constant item is reported as a mismatch:\n{out}")
    check(j is not None and "wave" in json.dumps(j), "--json names the item wave")

    r, _ = replay(mapfile("100.1"))
    check(r.returncode == 0, f"tolerance 100.1 (> the swing): exit {r.returncode}, want 0:\n"
          + r.stdout + r.stderr)
    r, _ = replay(plain, "--ignore", "wave")
    check(r.returncode == 0, f"--ignore wave: exit {r.returncode}, want 0:\n" + r.stdout + r.stderr)
    if FAILS:
        print(f"map_sine: {len(FAILS)} failed")
        return 1
    print("map_sine: a moving item fails without a tolerance, naming it; passes with one")
    return 0


if __name__ == "__main__":
    sys.exit(main())

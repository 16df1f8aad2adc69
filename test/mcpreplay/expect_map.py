#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mcpreplay --expect --map (issue 19, docs/REGISTER-MAP.md §5): READ answers compared item
by item, each within its tolerance; a mismatch names the item, both engineering values and
the unit in the text, --json and --junit; --ignore NAME takes item names; registers no whole
item covers are compared exactly; a bad map is exit 2 before anything is sent.

    expect_map.py BUILD_DIR

The recording: mcppoll -w reads device 3, registers 0x10..0x15, from mcpsim holding the
registers REC below; each run replays it with --expect against a fresh mcpsim holding
other registers. mcpsim --map is not used: the registers of both sides are written here
by hand from §2, and every expected value and text is computed here (Python struct), not
taken from the tools. Loopback only.
"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import e2e_common  # noqa: E402
from e2e_common import FAILS, check  # noqa: E402

BUILD = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="mcpreplay-expect-map.")
REPLAY = os.path.join(BUILD, "replay", "mcpreplay", "mcpreplay")
POLL = os.path.join(BUILD, "replay", "mcppoll", "mcppoll")


def f32_regs(v):
    """§2 f32 ABCD: the IEEE 754 binary32 bytes big-endian, two registers."""
    return list(struct.unpack(">HH", struct.pack(">f", v)))


def f32_shown(v):
    """An f32 at its shortest decimal form that reads back as the same binary32."""
    f = struct.unpack(">f", struct.pack(">f", v))[0]
    for d in range(1, 10):
        t = f"{f:.{d}g}"
        if struct.pack(">f", float(t)) == struct.pack(">f", f):
            return t, float(t)
    raise AssertionError(v)


# `wave` is a §4 sine (MID 20, AMP 5, S 10 s) sampled at t = 1 s in the recording and at
# t = 1.2 s on the fresh device.
WAVE_REC, WAVE_REC_V = f32_shown(20 + 5 * math.sin(2 * math.pi * 1.0 / 10))
WAVE_GOT, WAVE_GOT_V = f32_shown(20 + 5 * math.sin(2 * math.pi * 1.2 / 10))
WAVE_DIFF = abs(WAVE_GOT_V - WAVE_REC_V)  # about 0.50
assert 0.4 < WAVE_DIFF < 0.6, WAVE_DIFF

# Registers from 0x10: tank_temp i16 ×0.1 °C; wave f32 (2); 0x13 no item; mode u16 with
# labels; 0x15 the first of `tail` u32 (0x15-0x16), only partly in the READ.
REC = [234] + f32_regs(WAVE_REC_V) + [7, 1, 0x0100]
GOT = [251] + f32_regs(WAVE_GOT_V) + [7, 1, 0x0100]   # 23.4 -> 25.1 °C, the sine moved on
GOT_UNCOVERED = GOT[:3] + [8] + GOT[4:]                 # and register 0x13 differs
GOT_PARTIAL = GOT[:5] + [0x0200]                         # and tail's register in the READ


def mapfile(name, temp_tol="", wave_tol="", body=None):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body if body is not None else
                "device,addr,name,type,scale,unit,tolerance,labels\n"
                f"3,0x10,tank_temp,i16,0.1,°C,{temp_tol},\n"
                f"3,0x11,wave,f32,,bar,{wave_tol},\n"
                "3,0x14,mode,u16,,,,0=off;1=on;2=fault\n"
                "3,0x15,tail,u32,,,,\n"
                "# 0x13 is no item's\n")
    return path


def sim(regs):
    path = os.path.join(TMP, f"regs{len(os.listdir(TMP))}.txt")
    with open(path, "w") as f:
        f.write("3 16 " + " ".join(str(r) for r in regs) + "\n")
    return e2e_common.Sim(BUILD, TMP, "--devices", "3", "--registers", path)


def record():
    s = sim(REC)
    ref = os.path.join(TMP, "ref.pcap")
    p = subprocess.run([POLL, "-w", ref, s.urls["udp"], "read", "3", "0x10", str(len(REC))],
                       capture_output=True, text=True, timeout=30)
    s.close()
    check(p.returncode == 0 and os.path.getsize(ref) > 0,
          f"recording made by mcppoll ({p.returncode}: {p.stderr.strip()})")
    return ref


def replay(ref, regs, *args, name="run"):
    """mcpreplay --expect against a fresh mcpsim holding regs: (process, json, junit root,
    mcpsim's stats)."""
    s = sim(regs)
    js, xml = os.path.join(TMP, name + ".json"), os.path.join(TMP, name + ".xml")
    for f in (js, xml):
        if os.path.exists(f):
            os.remove(f)
    p = subprocess.run([REPLAY, "-t", s.urls["udp"], "-e", "--json", js, "--junit", xml]
                       + list(args) + [ref], capture_output=True, text=True, timeout=60)
    stats = s.close()
    j = json.load(open(js)) if os.path.exists(js) else None
    x = ET.parse(xml).getroot() if os.path.exists(xml) else None
    return p, j, x, stats


SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                      "mcpreplay-result.schema.json")


def validate(doc, what):
    """--json output against docs/mcpreplay-result.schema.json (python3-jsonschema)."""
    try:
        import jsonschema
    except ImportError:
        print(f"ok: {what}: schema not checked (no python3-jsonschema)")
        return
    with open(SCHEMA) as f:
        schema = json.load(f)
    errs = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    check(not errs, f"{what}: --json valid against the schema {[e.message for e in errs[:3]]}")


def fields_of(j):
    return [f for v in (j or {}).get("expect", {}).get("verdicts", []) for f in v["fields"]]


def failures_of(x):
    return [] if x is None else [c.find("failure").get("message") for c in x.iter("testcase")
                                 if c.find("failure") is not None]


TEMP_MSG = "tank_temp: recorded 23.4 °C, received 25.1 °C, tolerance {}"
WAVE_MSG = f"wave: recorded {WAVE_REC} bar, received {WAVE_GOT} bar, tolerance {{}}"


def main():
    ref = record()

    # No tolerance: both items named with both engineering values and the unit, in the
    # text, --json and --junit; the registers of equal items and the uncovered one are quiet.
    p, j, x, _ = replay(ref, GOT, "--map", mapfile("none.csv"), name="none")
    out = p.stdout
    temp, wave = TEMP_MSG.format(0), WAVE_MSG.format(0)
    check(p.returncode == 1 and temp in out and wave in out,
          f"no tolerance: exit 1, '{temp}' and '{wave}' in the text ({p.returncode})\n{out}{p.stderr}")
    check("value[" not in out and "mode" not in out and "tail" not in out,
          f"no tolerance: nothing but the two items differs\n{out}")
    want = [{"name": "tank_temp", "item": True, "recorded": 23.4, "received": 25.1,
             "recorded_text": "23.4 °C", "received_text": "25.1 °C", "unit": "°C", "tolerance": 0},
            {"name": "wave", "item": True, "recorded": WAVE_REC_V, "received": WAVE_GOT_V,
             "recorded_text": WAVE_REC + " bar", "received_text": WAVE_GOT + " bar",
             "unit": "bar", "tolerance": 0}]
    check(fields_of(j) == want and j["expect"]["mismatched"] == 1,
          f"no tolerance: --json names both items with values, unit and tolerance\n"
          f"{json.dumps(fields_of(j), ensure_ascii=False)}")
    validate(j, "no tolerance")
    fails = failures_of(x)
    check(len(fails) == 1 and temp in fails[0] and wave in fails[0],
          f"no tolerance: one --junit failure naming both items: {fails}")

    # §5's example, exactly: tolerance 0.5 on tank_temp, whose values differ by 1.7.
    p, j, x, _ = replay(ref, GOT, "--map", mapfile("half.csv", "0.5", "0.6"), name="half")
    msg = TEMP_MSG.format("0.5")
    check(p.returncode == 1 and msg in p.stdout and "wave" not in p.stdout,
          f"tolerance 0.5: '{msg}', wave (differs by {WAVE_DIFF:.3f} < 0.6) as recorded "
          f"({p.returncode})\n{p.stdout}")
    check([f["name"] for f in fields_of(j)] == ["tank_temp"] and
          fields_of(j)[0]["tolerance"] == 0.5 and msg in "".join(failures_of(x)),
          f"tolerance 0.5: --json and --junit name tank_temp only: {fields_of(j)}")
    validate(j, "tolerance 0.5")

    # Tolerances above the differences (and tank_temp's at exactly 1.7, §5's decimal
    # slack): as recorded, exit 0.
    for tt, wt in (("2", "1"), ("1.7", "0.6")):
        p, j, x, _ = replay(ref, GOT, "--map", mapfile(f"ok{tt}.csv", tt, wt), name="ok")
        check(p.returncode == 0 and j["expect"]["matched"] == 1 and not failures_of(x),
              f"tolerances {tt} and {wt}: as recorded, exit 0 ({p.returncode})\n{p.stdout}")
    # Just under it: fails.
    p, _, _, _ = replay(ref, GOT, "--map", mapfile("under.csv", "1.6", "1"), name="under")
    check(p.returncode == 1 and TEMP_MSG.format("1.6") in p.stdout,
          f"tolerance 1.6 < 1.7: exit 1 naming tank_temp ({p.returncode})\n{p.stdout}")

    # --ignore takes item names (also as Wireshark fields, mcp5a.reg.NAME).
    p, j, _, _ = replay(ref, GOT, "--map", mapfile("none.csv"), "--ignore", "tank_temp",
                        "--ignore", "mcp5a.reg.wave", name="ign")
    check(p.returncode == 0 and j["expect"]["matched"] == 1,
          f"--ignore tank_temp --ignore mcp5a.reg.wave: exit 0 ({p.returncode})\n{p.stdout}{p.stderr}")
    p, _, _, _ = replay(ref, GOT, "--map", mapfile("none.csv"), "--ignore", "tank_temp",
                        name="ign1")
    check(p.returncode == 1 and "wave: recorded" in p.stdout and "tank_temp" not in p.stdout,
          f"--ignore tank_temp alone: wave still fails ({p.returncode})\n{p.stdout}")

    # A register no item covers is compared exactly, tolerances or not; so is the register
    # of an item only partly in the answer (§3: it has no value).
    tol = mapfile("tol.csv", "2", "1")
    p, j, x, _ = replay(ref, GOT_UNCOVERED, "--map", tol, name="unc")
    check(p.returncode == 1 and "value[3]: recorded 0x0007, received 0x0008" in p.stdout and
          [f["name"] for f in fields_of(j)] == ["value[3]"] and
          fields_of(j)[0]["recorded"] == 7 and fields_of(j)[0]["received"] == 8,
          f"uncovered register 0x13: exit 1, value[3] 7 -> 8 ({p.returncode})\n{p.stdout}")
    p, j, _, _ = replay(ref, GOT_PARTIAL, "--map", tol, name="part")
    check(p.returncode == 1 and "value[5]: recorded 0x0100, received 0x0200" in p.stdout and
          "tail" not in p.stdout,
          f"partial item tail: its register compared exactly ({p.returncode})\n{p.stdout}")
    # Mixed in one answer: an item outside its tolerance and an uncovered register.
    p, j, _, _ = replay(ref, GOT_UNCOVERED, "--map", mapfile("mix.csv", "0.5", "1"), name="mix")
    check(p.returncode == 1 and [f["name"] for f in fields_of(j)] == ["tank_temp", "value[3]"] and
          TEMP_MSG.format("0.5") + "; value[3]: recorded 0x0007, received 0x0008" in p.stdout,
          f"mixed: tank_temp and value[3] in address order ({p.returncode})\n{p.stdout}")
    validate(j, "mixed")

    # Without --map, as before: register by register.
    p, j, _, _ = replay(ref, GOT, name="nomap")
    check(p.returncode == 1 and "value[0]: recorded 0x00ea, received 0x00fb" in p.stdout and
          not any(f.get("item") for f in fields_of(j)),
          f"without --map: value[0] 0x00ea -> 0x00fb ({p.returncode})\n{p.stdout}")

    # Refusals, exit 2, nothing sent.
    bad = mapfile("bad.csv", body="device,addr,name,type\n3,0x10,tank_temp,i16\n3,0x10,x,u17\n")
    p, _, _, stats = replay(ref, GOT, "--map", bad, name="bad")
    sent = (stats or {}).get("frames_in", {}).get("total")
    check(p.returncode == 2 and p.stderr.startswith(f"mcpreplay: {bad}:3: ") and sent == 0,
          f"bad map: exit 2, 'mcpreplay: {bad}:3: ...', nothing sent ({p.returncode}, "
          f"{sent} frames sent)\n{p.stderr}")
    p, _, _, stats = replay(ref, GOT, "--map", os.path.join(TMP, "absent.csv"), name="absent")
    check(p.returncode == 2 and "absent.csv" in p.stderr,
          f"missing map file: exit 2 naming it ({p.returncode})\n{p.stderr}")
    p, _, _, stats = replay(ref, GOT, "--map", mapfile("none.csv"), "--ignore", "tank_tmp",
                            name="typo")
    sent = (stats or {}).get("frames_in", {}).get("total")
    check(p.returncode == 2 and "'tank_tmp'" in p.stderr and sent == 0,
          f"--ignore naming no item: exit 2 naming it, nothing sent ({p.returncode})\n{p.stderr}")
    p, _, _, _ = replay(ref, GOT, "--ignore", "tank_temp", name="nomapign")
    check(p.returncode == 2 and "'tank_temp'" in p.stderr,
          f"--ignore ITEM without --map: exit 2 ({p.returncode})\n{p.stderr}")
    p = subprocess.run([REPLAY, "-n", "--map", mapfile("none.csv"), ref], capture_output=True,
                       text=True, timeout=30)
    check(p.returncode == 2 and "--expect" in p.stderr,
          f"--map without --expect: exit 2 ({p.returncode})\n{p.stderr}")


if __name__ == "__main__":
    try:
        main()
    finally:
        import shutil
        shutil.rmtree(TMP, ignore_errors=True)
    if FAILS:
        print(f"{len(FAILS)} check(s) failed", file=sys.stderr)
        sys.exit(1)

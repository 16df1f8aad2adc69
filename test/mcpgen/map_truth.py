#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mcpgen --map against the dissector and the contract (docs/REGISTER-MAP.md).

For captures/plant.pcap and fresh mcpgen --map captures (UDP with faults, TCP,
serial with noise, a `*` map of every type and order), tshark with the plugin
and -o mcp5a.register_map:MAP shows every item as mcp5a.reg.NAME; each record's
values (in PDU order) must be the truth file's `items` (docs/truth-format.md):
doubles within 1e-9 relative, integers and texts exactly, and each labelled bit
of a `bits` item as its boolean field. Every item of the map must be seen.

The truth's values are then held against §4 (not against mcpgen's code): an
item no one can write follows its `sim` at the record's time since the first
frame (sine, ramp, toggle, const, counter); a written item reads back as the
last value written to it on that device, else as its const.

  map_truth.py MCPGEN RUNNER CAPTURES_DIR TEST_MAP
"""
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import mcp5a_tshark as mt  # noqa: E402


def read_map(path):
    """{name: row} of a map CSV (comments skipped), and {name: [(bit, label)]} for bits."""
    with open(path, encoding="utf-8-sig") as f:
        lines = [l for l in f if l.strip() and not l.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter=";" if ";" in lines[0] else ","))
    items, bits = {}, {}
    for r in rows:
        items.setdefault(r["name"], []).append(r)
        if r["type"] == "bits" and r.get("labels"):
            bits[r["name"]] = [(int(b.split("=")[0]), b.split("=")[1])
                               for b in r["labels"].split(";")]
    return items, bits


def close(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def shown(text, kind):
    """A tshark -T fields value as the truth writes it."""
    if kind == "text":
        return text
    if text in ("nan", "inf", "-inf"):
        return float(text)
    if text.startswith("0x"):
        return int(text, 16)
    return float(text) if any(c in text for c in ".eEn") else int(text)


def truth_value(item):
    if "text" in item:
        return item["text"], "text"
    v = item["value"]
    return (float(v) if isinstance(v, str) else v), "value"


def compare(runner, cap, truth, mapfile, errors, seen):
    head, recs = mt.read_truth(truth)
    items, bits = read_map(mapfile)
    names = sorted(items)
    fields = ["mcp5a.reg." + n for n in names]
    bitfields = [(n, b, f"mcp5a.reg.{n}.{label}") for n in sorted(bits) for b, label in bits[n]]
    out = mt.tshark(runner, ["-n", "-r", cap, "-o", f"mcp5a.register_map:{mapfile}"]
                    + mt.prefs_of(head)
                    + ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                       "-e", "frame.number", "-e", "frame.time_relative"]
                    + [a for f in fields + [b[2] for b in bitfields] for a in ("-e", f)])
    want = {}  # record -> name -> [values in PDU order]
    for r in sorted((r for r in recs if r["type"] == "pdu"), key=lambda r: (r["frame"], r["index"])):
        for it in r.get("items", []):
            want.setdefault(r["frame"], {}).setdefault(it["name"], []).append(truth_value(it))
    times = {}
    n_values = 0
    for line in out.splitlines():
        cols = line.split("\t")
        frame = int(cols[0])
        times[frame] = float(cols[1])
        got = want.get(frame, {})
        for i, name in enumerate(names):
            text = cols[2 + i]
            exp = got.get(name, [])
            vals = text.split("|") if text else []
            if len(vals) != len(exp):
                errors.append(f"{cap} record {frame}: {name}: tshark {vals}, truth {exp}")
                continue
            for v, (e, kind) in zip(vals, exp):
                n_values += 1
                seen.add(name)
                if not close(shown(v, kind), e):
                    errors.append(f"{cap} record {frame}: {name}: tshark {v}, truth {e}")
        for j, (name, bit, field) in enumerate(bitfields):
            text = cols[2 + len(names) + j]
            vals = text.split("|") if text else []
            exp = [(e >> bit) & 1 for e, _ in got.get(name, [])]
            if [int(v in ("1", "True")) for v in vals] != exp:
                errors.append(f"{cap} record {frame}: {field}: tshark {vals}, truth bits {exp}")
    return n_values, times, recs, items


def sim_value(row, t):
    """§4 at t, for the behaviours that do not draw: (value, slope per second) or None."""
    parts = row["sim"].split() if row.get("sim") else ["const", "0"]
    kind, args = parts[0], [float(x) if not x.startswith("0x") else int(x, 16) for x in parts[1:]]
    if kind == "const":
        return args[0], 0.0
    if kind == "sine":
        mid, amp, s = args
        return mid + amp * math.sin(2 * math.pi * t / s), abs(amp) * 2 * math.pi / s
    if kind == "ramp":
        lo, hi, s = args
        if t % s > s - 0.05 or t % s < 0.05:
            return None  # at the wrap
        return lo + (hi - lo) * ((t % s) / s), abs(hi - lo) / s
    if kind == "toggle":
        a, b, s = args
        if abs(t / s - round(t / s)) * s < 0.05:
            return None  # at an edge
        return (a if math.floor(t / s) % 2 == 0 else b), 0.0
    if kind == "counter":
        return args[0] * t, abs(args[0])
    return None


def holds(spec, dev):
    """Whether the device cell (`*`, `3`, `1-8`, `1,3,9-12`) names dev (None: any)."""
    if dev is None or spec.strip() == "*":
        return True
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        if int(lo, 0) <= dev <= int(hi or lo, 0):
            return True
    return False


def shown_text(text):
    """A str:N const as decoders show it: trailing NUL/space dropped (§1; printable ASCII
    as itself, a backslash too)."""
    return text.rstrip(" ")


def row_ok(row, value, t, written):
    """None when the row's §4 value cannot be told at t; else whether value is it, or a
    value written to the item before (the device may have refused some of them: BUSY)."""
    quantum = float(row.get("scale") or 1) if row["type"] not in ("f32", "f64") else 0.0
    if any(close(value, w) for w in written):
        return True
    if row["type"].startswith("str"):
        return value == shown_text(row["sim"].split(None, 1)[1] if row.get("sim") else "")
    sim = sim_value(row, t)
    if sim is None or (row.get("sim") or "").startswith("random"):
        return None
    exp, slope = sim
    if row["sim"].startswith("counter") and row["type"][1:] in ("16", "32"):
        exp = exp % (2 ** int(row["type"][1:]))
    return abs(value - exp) <= quantum + slope * 0.01 + 1e-6 * max(1.0, abs(exp))


def check_sim(cap, recs, times, items, errors):
    """§4 on the truth: read-only items follow their sim; written ones keep the written value."""
    written = {}  # (device, name) -> values written so far
    checked = 0
    for r in sorted((r for r in recs if r["type"] == "pdu"), key=lambda r: (r["frame"], r["index"])):
        if "items" not in r:
            continue
        dev = r.get("_device")
        for it in r["items"]:
            name = it["name"]
            value = truth_value(it)[0]
            if r["cmd"] == 3:  # WRITE request: from now on this value may be read back
                written.setdefault(dev, {}).setdefault(name, []).append(value)
                continue
            w = [v for d, names in written.items() if dev is None or d == dev
                 for v in names.get(name, [])]
            # a copy (retransmission, duplicate, a frame overtaken) carries the values of
            # when the frame was first sent: only first copies are held against their time
            if r["verdict"] not in ("none", "in_order", "gap", "ignored"):
                continue
            verdicts = [row_ok(row, value, times[r["frame"]], w)
                        for row in items[name] if holds(row["device"], dev)]
            if None in verdicts:
                continue
            checked += 1
            if not any(verdicts):
                errors.append(f"{cap} record {r['frame']}: device {dev}: {name} = {value}: "
                              f"not its §4 value at t = {times[r['frame']]:.6f} s, nor a value "
                              f"written before")
    return checked


def device_of(pdu):
    """The device a READ response or WRITE request is about: 10.0.0.(100 + id) on
    UDP and TCP (the answering side); None on a serial line (any device)."""
    if ">" not in pdu["sender"]:
        return None  # serial:0, serial:1
    src, dst = pdu["sender"].split(">")
    host = (dst if pdu["cmd"] < 0x80 else src).split(":")[0]
    return int(host.split(".")[3]) - 100


def run_case(runner, cap, truth, mapfile, errors, seen):
    n, times, recs, items = compare(runner, cap, truth, mapfile, errors, seen)
    for r in recs:
        if r["type"] == "pdu" and "items" in r:
            r["_device"] = device_of(r)
    checked = check_sim(cap, recs, times, items, errors)
    print(f"ok - {os.path.basename(cap)}: {n} item values match the truth, "
          f"{checked} checked against §4")
    return n


def main():
    gen, runner, capdir, testmap = sys.argv[1:5]
    errors, seen = [], set()
    with tempfile.TemporaryDirectory(prefix="mcpgen-map.") as work:
        os.chmod(work, 0o777)
        plant_map = shutil.copy(os.path.join(capdir, "plant-map.csv"), work)
        star_map = shutil.copy(testmap, work)
        cases = []
        for f in ("plant.pcap", "plant.truth.jsonl"):
            shutil.copy(os.path.join(capdir, f), work)
        cases.append((os.path.join(work, "plant.pcap"), os.path.join(work, "plant.truth.jsonl"),
                      plant_map))
        runs = [("udp-faults", plant_map, ["--transport", "udp", "--corrupt-crc", "0.03",
                                          "--drop", "0.03", "--duplicate", "0.03", "--reorder",
                                          "0.03", "--nak", "0.03", "--sync", "0.01", "-L", "1500"]),
                ("tcp", plant_map, ["--transport", "tcp", "--masters", "2", "--burst", "0.3",
                                    "-L", "1500", "--crc", "crc8-autosar", "--length-le"]),
                ("serial", plant_map, ["--transport", "serial", "--noise", "0.2",
                                       "--corrupt-crc", "0.03", "--drop", "0.02", "-L", "1500"]),
                ("star", star_map, ["--devices", "4-6,9", "-L", "2000", "--rate", "50",
                                    "--mix", "read=60,write=30,heartbeat=10"])]
        for name, mapfile, args in runs:
            cap, truth = os.path.join(work, name + ".pcap"), os.path.join(work, name + ".jsonl")
            subprocess.run([gen, "--map", mapfile, "-w", cap, "--truth", truth, "--seed", "7"]
                           + args, check=True)
            os.chmod(cap, 0o644)
            cases.append((cap, truth, mapfile))
        for cap, truth, mapfile in cases:
            if run_case(runner, cap, truth, mapfile, errors, seen) == 0:
                errors.append(f"{cap}: no item value at all")
        for mapfile in (plant_map, star_map):
            missing = sorted(set(read_map(mapfile)[0]) - seen)
            if missing:
                errors.append(f"{os.path.basename(mapfile)}: items never seen: {missing}")
    for e in errors[:40]:
        print("not ok -", e)
    if errors:
        print(f"{len(errors)} mismatches")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

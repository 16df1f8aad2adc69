#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Per-device statistics (issue 20): tshark -z mcp5a_devices,tree against the
answer keys.

For every capture with a truth file, the expected counts per device are
computed from the truth's pdu lines (docs/truth-format.md) and the records'
capture times (tshark's frame.time_epoch, written by the generator):

  - the device of a frame is the end of its conversation on the MCP port
    23130 (the sender's other end when the sender is on it), by the command
    when both or neither end is (responses and EVENT come from the device);
    on a serial line, the line's device end as the columns name it:
    "device (NAME)" with NAME the record's capture interface's if_name,
    "device (line N)" for an unnamed interface N > 0, "device" for 0;
  - frames: every pdu line; requests: a valid check and a request command
    (§4: bit 7 clear, not EVENT, NAK or SYNC); answered: the responses the
    truth matches to a request (request_in), duplicates left out;
    unanswered: requests - answered; bad CRCs: crc_ok false; NAKs: a valid
    check and cmd 0x05;
  - response times: the answered responses' time since their request (ms):
    count, min, max, average.

The tree shows each device's counts split by device id; their sums per device
must be the truth's, and no device id may show more answers than requests.

  devices_test.py --dumps DISSECT_DIR CAPTURES_DIR
(the one-pass run dissect_all.py wrote: its packets' frame.time_epoch and taps)
"""
import os
import re
import sys
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import capfile  # noqa: E402
import mcp5a_tshark as mt  # noqa: E402

PORT = 23130
COUNTERS = ("Requests", "Answered", "Unanswered", "Bad CRCs", "NAKs by reason")
RTT = "Response time (ms)"
ENDPOINT = re.compile(r"^\[?([^\]]+?)\]?:(\d+)$")


def is_request(cmd):
    return cmd & 0x80 == 0 and cmd not in (0x04, 0x05, 0x06)


def device_of(p, iface, ifaces):
    if p["sender"].startswith("serial:"):
        name = ifaces[iface].name if iface < len(ifaces) else None
        if name and name != "unknown":
            return f"device ({name})"
        return f"device (line {iface})" if iface else "device"
    src, dst = (ENDPOINT.match(e).groups() for e in p["sender"].split(">"))
    sport, dport = int(src[1]), int(dst[1])
    if sport == PORT and dport != PORT:
        return src[0]
    if dport == PORT and sport != PORT:
        return dst[0]
    return src[0] if p["cmd"] & 0x80 or p["cmd"] == 0x04 else dst[0]


def expected(cap, packets, pdus):
    times = {}
    for pkt in packets:
        frame = pkt["_source"]["layers"]["frame"]
        times[int(frame["frame.number"])] = mt.time_epoch(frame["frame.time_epoch"])
    ifaces, recs = capfile.read(cap)
    devs = {}
    for p in pdus:
        d = devs.setdefault(device_of(p, recs[p["frame"] - 1].iface, ifaces),
                            {"frames": 0, **{c: 0 for c in COUNTERS}, RTT: []})
        d["frames"] += 1
        if not p["crc_ok"]:
            d["Bad CRCs"] += 1
            continue
        if is_request(p["cmd"]):
            d["Requests"] += 1
        if p["cmd"] == 0x05:
            d["NAKs by reason"] += 1
        if p["request_in"] is not None and p["verdict"] != "duplicate":
            d["Answered"] += 1
            d[RTT].append((times[p["frame"]] - times[p["request_in"]]) * 1000)
    for d in devs.values():
        d["Unanswered"] = d["Requests"] - d["Answered"]
    return devs


def tree(out):
    """{device: {"frames": n, device id: {node: [numbers...]}}} of the tap text."""
    lines = out.splitlines()
    try:
        start = lines.index("MCP5A/Devices:")
    except ValueError:
        return None
    col = lines[start + 1].index("Count")
    devs, dev, ident = {}, None, None
    for line in lines[start + 3:]:
        if line.startswith("="):
            break
        name = line[:col].rstrip()
        depth = len(name) - len(name.lstrip(" "))
        name, nums = name.strip(), line[col:].split()
        if depth == 1:
            dev = devs.setdefault(name, {"frames": int(nums[0])})
        elif depth == 2:
            ident = dev.setdefault(name, {})
        elif depth == 3:
            ident[name] = nums
    return devs


def check_one(dumps, name, cap, truth):
    _, records = mt.read_truth(truth)
    packets, out = dumps.one_pass(name)
    want = expected(cap, packets, [l for l in records if l["type"] == "pdu"])
    got = tree(out)
    if got is None:
        return mt.verdict(cap, ["no MCP5A/Devices tree in tshark's output"], "")
    errors = []
    if set(got) != set(want):
        errors.append(f"devices {sorted(got)}, truth {sorted(want)}")
    ms = Decimal("0.001")
    for dev in sorted(set(got) & set(want)):
        g, w = got[dev], want[dev]
        ids = {k: v for k, v in g.items() if k != "frames"}
        sums = {c: sum(int(i[c][0]) for i in ids.values() if c in i) for c in COUNTERS}
        for c in ("frames",) + COUNTERS:
            have = g["frames"] if c == "frames" else sums[c]
            if have != w[c]:
                errors.append(f"{dev} {c}: {have}, truth {w[c]}")
        for ident, nodes in ids.items():
            if int(nodes.get("Answered", ["0"])[0]) > int(nodes.get("Requests", ["0"])[0]):
                errors.append(f"{dev} {ident}: more answered than requests")
        rtts = [nodes[RTT] for nodes in ids.values() if RTT in nodes]
        n = sum(int(r[0]) for r in rtts)
        t = w[RTT]
        if n != len(t):
            errors.append(f"{dev} response times: {n}, truth {len(t)}")
        elif t:
            lo = min(Decimal(r[2]) for r in rtts)
            hi = max(Decimal(r[3]) for r in rtts)
            avg = sum(Decimal(r[1]) * int(r[0]) for r in rtts) / n
            if abs(lo - min(t)) > ms or abs(hi - max(t)) > ms or abs(avg - sum(t) / n) > Decimal("0.01"):
                errors.append(f"{dev} response time min/avg/max {lo}/{avg:.3f}/{hi}, truth "
                              f"{min(t):.6f}/{sum(t) / n:.3f}/{max(t):.6f}")
    total = sum(w["frames"] for w in want.values())
    return mt.verdict(cap, errors, f"{len(want)} devices, {total} frames, as the truth says",
                      limit=20)


if __name__ == "__main__":
    sys.exit(mt.dumps_main(lambda dumps: lambda name, cap, truth:
                           check_one(dumps, name, cap, truth)))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""--devices and --latency mean in mcpgen what they mean in mcpsim (docs/options.md, issue 14):

- --devices LIST names device ids: with 1-2,7 the capture's devices are exactly the hosts of
  ids 1, 2 and 7 (10.0.0.101, .102, .107: host 100+id), every device answers, and a serial
  line's requests name only those ids and 255, the WRITE to all (read from the frames'
  bytes, §2: READ/WRITE carry the device id as their first payload byte);
- --latency MS:JITTER_MS: every answer comes MS +- JITTER_MS ms after its request (read from
  the capture's nanosecond timestamps and the answer key's request/response pairs),
  spread over the range; --latency MS alone: exactly MS (no jitter), as in mcpsim.

    meanings.py MCPGEN
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import capfile  # noqa: E402

MCPGEN = sys.argv[1]
errors = []


def check(ok, what):
    print(("ok: " if ok else "not ok: ") + what)
    if not ok:
        errors.append(what)


def gen(work, name, *args):
    pcap, truth = os.path.join(work, name + ".pcap"), os.path.join(work, name + ".jsonl")
    r = subprocess.run([MCPGEN, "--nano", "-w", pcap, "--truth", truth] + list(args),
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise SystemExit(f"mcpgen {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    with open(truth) as f:
        lines = [json.loads(line) for line in f]
    return read_pcap(pcap), lines, r.stderr


def read_pcap(path):
    """Records of a nanosecond pcap: [(t_ns, bytes)], 1-based like the answer key."""
    ifaces, recs = capfile.read(path, "pcap")
    assert ifaces[0].units == 10**9, f"{path}: not a nanosecond pcap"
    return [None] + [(r.ts, r.data) for r in recs]


with tempfile.TemporaryDirectory(prefix="mcpgen-meanings.") as work:
    # --devices LIST on UDP: the devices are the hosts of those ids, and they answer
    _, truth, _ = gen(work, "list", "--transport", "udp", "--devices", "1-2,7", "--limit", "300",
                      "--seed", "3")
    hosts = {p["sender"].split(">")[1].split(":")[0] for p in truth
             if p["type"] == "pdu" and p["sender"].split(">")[0].endswith(":40001")}
    check(hosts == {"10.0.0.101", "10.0.0.102", "10.0.0.107"},
          f"--devices 1-2,7: the requests go to 10.0.0.101, .102 and .107 ({sorted(hosts)})")
    answered = {p["sender"].split(">")[0].split(":")[0] for p in truth
                if p["type"] == "pdu" and p["request_in"] is not None}
    check(answered == {"10.0.0.101", "10.0.0.102", "10.0.0.107"},
          f"--devices 1-2,7: all three answer ({sorted(answered)})")
    # a bare number is the old count for one release (ids 1..N), with a notice
    _, old, notice = gen(work, "count", "--transport", "udp", "--devices", "3", "--limit", "100")
    _, new, _ = gen(work, "range", "--transport", "udp", "--devices", "1-3", "--limit", "100")
    check(old == new and "--devices 1-3" in notice,
          f"--devices 3 (a count in 0.2, with a notice) = --devices 1-3: {notice.strip()!r}")

    # --devices LIST on a serial line: READ/WRITE requests name only ids of the list, apart
    # from the ones made to be refused as unknown (above the highest id, §2 UNKNOWN_DEVICE)
    recs, truth, _ = gen(work, "serial", "--transport", "serial", "--devices", "2,5-6",
                         "--limit", "400", "--bad-request", "0", "--split", "0", "--seed", "4")
    seen = set()
    for p in truth:
        if p["type"] != "pdu" or p["cmd"] not in (0x02, 0x03) or p["sender"] != "serial:0":
            continue
        payload = recs[p["frame"]][1]
        # the exported PDU's tags end with an end-of-options tag (0, 0); the frame follows
        i = payload.find(b"\x5a", payload.find(b"\x00\x00\x00\x00") + 4)
        while i >= 0 and payload[i + 4] != p["cmd"]:
            i = payload.find(b"\x5a", i + 1)
        if i >= 0 and payload[i + 1] == p["seq"]:
            seen.add(payload[i + 5])
    check(seen == {2, 5, 6, 0xFF},
          f"serial --devices 2,5-6: READ/WRITE name ids {sorted(seen)} (255: WRITE to all)")

    # --latency MS:JITTER_MS: answers 15..25 ms after their request, spread over the range
    def latencies(*args):
        recs, truth, _ = gen(work, "lat", "--transport", "udp", "--devices", "1", "--burst", "0",
                             "--split", "0", "--busy", "0", "--limit", "400", "--rate", "20",
                             *args)
        return [recs[p["frame"]][0] - recs[p["request_in"]][0] for p in truth
                if p["type"] == "pdu" and p["request_in"] is not None]
    lat = latencies("--latency", "20:5", "--seed", "5")
    check(len(lat) > 100 and min(lat) >= 15_000_000 and max(lat) <= 25_000_000,
          f"--latency 20:5: {len(lat)} answers after {min(lat) / 1e6:.3f}..{max(lat) / 1e6:.3f} ms")
    check(min(lat) < 16_000_000 and max(lat) > 24_000_000,
          "--latency 20:5: the answers spread over 15..25 ms (uniform)")
    lat = latencies("--latency", "20", "--seed", "5")
    check(len(lat) > 100 and set(lat) == {20_000_000},
          f"--latency 20: every answer exactly 20 ms after its request ({sorted(set(lat))[:3]})")
    lat = latencies("--latency", "0:3", "--seed", "5")
    check(len(lat) > 100 and min(lat) >= 0 and max(lat) <= 3_000_000 and max(lat) > 2_000_000,
          f"--latency 0:3: answers after 0..3 ms ({min(lat) / 1e6:.3f}..{max(lat) / 1e6:.3f})")

if errors:
    print(f"{len(errors)} check(s) failed", file=sys.stderr)
    sys.exit(1)

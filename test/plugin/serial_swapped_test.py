#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Serial lines seen from the ends (issue 23): the ports-swapped expert infos,
the master/device Source and Destination columns and the stats tree's
senders.

From captures/serial-faults.pcap and its truth file (every frame's sender,
command and the record it shows in), this script writes pcapng captures
itself:
  right.pcapng    the records as captured, on a line named /dev/ttyMCP0, and
                  again on a second line without a name;
  swapped.pcapng  the same records with every direction tag flipped (0 <-> 1),
                  as mcpserialdump writes them when its two ports were given
                  the wrong way round.
Expected, from docs/PROTOCOL.md §2 and §5 (not from the plugin's code): a
response (bit 7 set) or an EVENT comes from a device, a request (bit 7 clear,
not EVENT, NAK or SYNC; unknown ones too) from the master; NAK and SYNC from
either end. So in swapped.pcapng every device frame of the truth but NAK and
SYNC carries "Response or EVENT in the master -> device direction: ports
swapped?" and every master request "Request in the device -> master
direction: ports swapped?", once per frame, in the record the truth names;
right.pcapng carries none, nor does a half-duplex bus capture (records without
a direction, whose directions the same rule gives).

Columns: a record in direction 0 has Source "master (LINE)" and Destination
"device (LINE)", direction 1 the reverse, LINE the pcapng interface name, or
"line N" for an unnamed line other than the first; a pcap (no interface names)
shows "master" and "device". Bus records: each frame's sender. The stats
tree's "Frames by sender" counts the truth's frames per end and line.

  serial_swapped_test.py --runner test/tshark-unpriv.sh CAPTURES_DIR
(MCP5A_PLUGIN set, as for every plugin test.)
"""
import argparse
import collections
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import capfile  # noqa: E402
import mcp5a_tshark as mt  # noqa: E402
from capfile import EXP_PDU_TAG_DISSECTOR_NAME, EXP_PDU_TAG_P2P_DIRECTION  # noqa: E402
from mcp_crc import frame  # noqa: E402

LINE0 = "/dev/ttyMCP0"
RESPONSE_SWAPPED = "Response or EVENT in the master \u2192 device direction: ports swapped?"
REQUEST_SWAPPED = "Request in the device \u2192 master direction: ports swapped?"
EVENT, NAK, SYNC = 0x04, 0x05, 0x06


def sent_by(cmd):
    """§2/§5: 1 (a device) for a response or EVENT, 0 (the master) for a request,
    None for NAK and SYNC (either end)."""
    if cmd in (NAK, SYNC):
        return None
    return 1 if cmd & 0x80 or cmd == EVENT else 0


def end(direction, line_name):
    """Source of a record in `direction`, as the columns should show it."""
    who = "master" if direction == 0 else "device"
    return f"{who} ({line_name})" if line_name else who


def flip_direction(data):
    """The record with its P2P direction tag 0 <-> 1."""
    out, o = bytearray(data), 0
    while True:
        tag, tlen = struct.unpack_from(">HH", out, o)
        o += 4
        if tag == 0:
            return bytes(out)
        if tag == EXP_PDU_TAG_P2P_DIRECTION:
            d = struct.unpack_from(">I", out, o)[0]
            struct.pack_into(">I", out, o, 1 - d)
        o += tlen


def _block(btype, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", btype, len(body) + 12) + body + struct.pack("<I", len(body) + 12)


def _option(code, value):
    return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def write_pcapng(path, names, records):
    """pcapng (microseconds), one LINKTYPE_WIRESHARK_UPPER_PDU interface per name
    (None: no if_name); records: [(iface, ts_us, data)]."""
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    for name in names:
        opts = (_option(2, name.encode()) if name else b"") + _option(0, b"")
        out += _block(1, struct.pack("<HHI", capfile.LINKTYPE_WIRESHARK_UPPER_PDU, 0, 0) + opts)
    for iface, ts, data in records:
        out += _block(6, struct.pack("<IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, len(data),
                                     len(data)) + data)
    with open(path, "wb") as f:
        f.write(out)
    os.chmod(path, 0o644)


def write_bus_pcap(path, frames):
    """pcap of one record per frame, no direction tag (§5, a half-duplex bus)."""
    name = b"mcp5a.serial"
    name += b"\0" * (-len(name) % 4)
    tags = struct.pack(">HH", EXP_PDU_TAG_DISSECTOR_NAME, len(name)) + name + b"\0\0\0\0"
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535,
                            capfile.LINKTYPE_WIRESHARK_UPPER_PDU))
        for i, fr in enumerate(frames):
            rec = tags + fr
            f.write(struct.pack("<IIII", 1000, i * 1000, len(rec), len(rec)) + rec)
    os.chmod(path, 0o644)


class Tshark:
    def __init__(self, runner, prefs):
        self.runner, self.prefs = runner, prefs
        self._cols = None

    def run(self, *args):
        p = subprocess.run([self.runner, *args], capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            sys.exit(f"tshark {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()[-500:]}")
        return p.stdout

    def column_fields(self):
        """Wireshark 4.2+ registers _ws.col.def_src/def_dst; 4.0 names column
        fields by their title (_ws.col.Source, _ws.col.Destination)."""
        if self._cols is None:
            listed = self.run("-G", "fields")
            self._cols = (["_ws.col.def_src", "_ws.col.def_dst"]
                          if "\t_ws.col.def_src\t" in listed
                          else ["_ws.col.Source", "_ws.col.Destination"])
        return self._cols

    def records(self, path):
        """{record number: (source, destination, [expert messages])}."""
        src, dst = self.column_fields()
        out = self.run("-r", path, *self.prefs, "-T", "fields", "-E", "occurrence=a",
                       "-E", "aggregator=\x1f", "-e", "frame.number", "-e", src, "-e", dst,
                       "-e", "_ws.expert.message")
        rows = {}
        for line in out.splitlines():
            cols = line.split("\t")
            cols += [""] * (4 - len(cols))
            rows[int(cols[0])] = (cols[1], cols[2], [m for m in cols[3].split("\x1f") if m])
        return rows

    def taps(self, path):
        """(expert rows {summary: count} of MCP5A, stats tree senders {name: count})."""
        out = self.run("-r", path, *self.prefs, "-q", "-z", "expert", "-z", "mcp5a,tree")
        expert, senders, in_senders = {}, {}, False
        for line in out.splitlines():
            m = re.match(r"^\s*(\d+)\s+\S+\s+MCP5A\s+(.*?)\s*$", line)
            if m:
                expert[m.group(2)] = int(m.group(1))
            if line.startswith("Frames by sender"):
                in_senders = True
                continue
            if in_senders:
                m = re.match(r"^ (\S.*?)\s{2,}(\d+)\s", line)
                if not m:
                    in_senders = False
                else:
                    senders[m.group(1)] = int(m.group(2))
        return expert, senders


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("captures")
    args = ap.parse_args()
    cap = os.path.join(args.captures, "serial-faults.pcap")
    head, truth = mt.read_truth(os.path.join(args.captures, "serial-faults.truth.jsonl"))
    pdus = [p for p in truth if p["type"] == "pdu"]
    ts = Tshark(args.runner, mt.prefs_of(head))
    _, recs = capfile.read(cap)
    rec_dir = [capfile.upper_pdu(r.data)[1] for r in recs]
    fails = []

    def check(ok, text):
        print(("ok: " if ok else "not ok: ") + text, flush=True)
        if not ok:
            fails.append(text)

    # Per record, the swapped experts §5 predicts once the directions are flipped.
    want_swapped = collections.defaultdict(list)
    for p in pdus:
        sender = 1 if p["sender"] == "serial:1" else 0
        if p["crc_ok"] and sent_by(p["cmd"]) is not None:
            assert sent_by(p["cmd"]) == sender, f"truth: {p} is not sent by its command's end"
            want_swapped[p["frame"]].append(RESPONSE_SWAPPED if sender == 1 else REQUEST_SWAPPED)
    n_resp = sum(m.count(RESPONSE_SWAPPED) for m in want_swapped.values())
    n_req = sum(m.count(REQUEST_SWAPPED) for m in want_swapped.values())
    per_sender = collections.Counter(p["sender"] for p in pdus)

    with tempfile.TemporaryDirectory(prefix="mcp5a-swapped.") as work:
        os.chmod(work, 0o755)
        right, swapped, bus = (os.path.join(work, n)
                               for n in ("right.pcapng", "swapped.pcapng", "bus.pcap"))
        n = len(recs)
        # right.pcapng: records 1..n on line 0 (named), n+1..2n the same on line 1 (unnamed).
        write_pcapng(right, [LINE0, None],
                     [(0, r.ts, r.data) for r in recs] + [(1, r.ts, r.data) for r in recs])
        write_pcapng(swapped, [LINE0], [(0, r.ts, flip_direction(r.data)) for r in recs])

        # The capture as written: pcap, no interface names.
        rows = ts.records(cap)
        bad = [k for k, (s, d, _) in rows.items()
               if (s, d) != (end(rec_dir[k - 1], None), end(1 - rec_dir[k - 1], None))]
        check(len(rows) == n and not bad,
              f"pcap: {n} records, Source/Destination \"master\"/\"device\" by direction "
              f"(wrong: {bad[:5]})")

        rows = ts.records(right)
        bad_cols, extra = [], []
        for k, (s, d, msgs) in rows.items():
            line_name = LINE0 if k <= n else "line 1"
            dr = rec_dir[(k - 1) % n]
            if (s, d) != (end(dr, line_name), end(1 - dr, line_name)):
                bad_cols.append((k, s, d))
            if RESPONSE_SWAPPED in msgs or REQUEST_SWAPPED in msgs:
                extra.append(k)
        check(len(rows) == 2 * n and not bad_cols,
              f"right.pcapng: Source/Destination \"master ({LINE0})\"/\"device ({LINE0})\" by "
              f"direction, \"(line 1)\" on the unnamed line (wrong: {bad_cols[:3]})")
        check(not extra, f"right.pcapng: no ports-swapped expert info (found on {extra[:5]})")
        expert, senders = ts.taps(right)
        check(RESPONSE_SWAPPED not in expert and REQUEST_SWAPPED not in expert,
              f"right.pcapng: -z expert has no ports-swapped row ({expert})")
        want = {end(0, LINE0): per_sender["serial:0"], end(1, LINE0): per_sender["serial:1"],
                end(0, "line 1"): per_sender["serial:0"], end(1, "line 1"): per_sender["serial:1"]}
        check(senders == want, f"right.pcapng: stats tree frames by sender {senders} (want {want})")

        rows = ts.records(swapped)
        bad_cols, wrong = [], []
        for k, (s, d, msgs) in rows.items():
            dr = 1 - rec_dir[k - 1]
            if (s, d) != (end(dr, LINE0), end(1 - dr, LINE0)):
                bad_cols.append((k, s, d))
            got = sorted(m for m in msgs if m in (RESPONSE_SWAPPED, REQUEST_SWAPPED))
            if got != sorted(want_swapped.get(k, [])):
                wrong.append((k, got, want_swapped.get(k, [])))
        check(len(rows) == n and not bad_cols,
              f"swapped.pcapng: Source/Destination follow the flipped directions "
              f"(wrong: {bad_cols[:3]})")
        check(not wrong and n_resp > 0 and n_req > 0,
              f"swapped.pcapng: the expert infos sit on the {n_resp} responses/EVENTs and the "
              f"{n_req} requests the truth names, once each (wrong: {wrong[:3]})")
        expert, senders = ts.taps(swapped)
        check(expert.get(RESPONSE_SWAPPED) == n_resp and expert.get(REQUEST_SWAPPED) == n_req,
              f"swapped.pcapng: -z expert counts {expert.get(RESPONSE_SWAPPED)} and "
              f"{expert.get(REQUEST_SWAPPED)} (want {n_resp} and {n_req})")
        want = {end(1, LINE0): per_sender["serial:0"], end(0, LINE0): per_sender["serial:1"]}
        check(senders == want,
              f"swapped.pcapng: stats tree frames by sender {senders} (want {want})")

        # A half-duplex bus: one record per frame, no direction; each frame's
        # sender from how this script made the traffic.
        read = bytes([1, 0x00, 0x10, 0x00, 0x02])
        traffic = [(frame(1, 0x02, read), 0),
                   (frame(50, 0x82, bytes([1, 0, 1, 0x00, 0x10, 0x00, 0x02, 0, 1, 0, 2])), 1),
                   (frame(51, 0x04, bytes([1, 1, 0, 0, 0, 9])), 1),  # EVENT
                   (frame(2, 0x05, bytes([51, 1])), 0),  # the master NAKs it
                   (frame(51, 0x04, bytes([1, 1, 0, 0, 0, 9])), 1),  # resent
                   (frame(3, 0x06), 0),  # SYNC
                   (frame(3, 0x01), 0),  # HEARTBEAT
                   (frame(52, 0x05, bytes([3, 5])), 1),  # the device NAKs it BUSY
                   (frame(3, 0x01), 0),
                   (frame(53, 0x81, bytes([3, 0])), 1)]
        write_bus_pcap(bus, [f for f, _ in traffic])
        rows = ts.records(bus)
        got = [(rows[k][0], rows[k][1]) for k in sorted(rows)]
        want = [(end(s, None), end(1 - s, None)) for _, s in traffic]
        check(got == want, f"bus pcap: each record's Source/Destination is its frame's sender's "
                           f"({got if got != want else 'as made'})")
        flagged = [k for k, r in rows.items() if RESPONSE_SWAPPED in r[2] or REQUEST_SWAPPED in r[2]]
        check(not flagged, f"bus pcap: no ports-swapped expert info (found on {flagged})")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""PDU export of a half-duplex bus (docs/PROTOCOL.md §5, §6): a serial capture
whose records carry no direction tag. Each exported frame must carry, in its
EXP_PDU_TAG_P2P_DIRECTION tag, the direction of the station that sent it —
known here because this script writes the bus traffic itself, frame by frame,
from a master and a device (the §5 rule gives each of these frames its
sender's direction: requests and SYNC from the master, responses and EVENTs
from the device, a NAK the opposite way of the frame before it). Read back,
the export must link each response to its request and mark each NAKed
resend a retransmission, as the generated traffic says (§3, §4).

  export_busdir_test.py --runner test/tshark-unpriv.sh
(MCP5A_PLUGIN set, as for every plugin test.)
"""
import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
from mcp_crc import frame  # noqa: E402
import capfile  # noqa: E402
from capfile import EXP_PDU_TAG_DISSECTOR_NAME, LINKTYPE_WIRESHARK_UPPER_PDU  # noqa: E402


def bus_traffic():
    """[(frame bytes, sender)]: 0 = the master sent it, 1 = the device."""
    m = lambda seq, cmd, p=b"": (frame(seq, cmd, p), 0)
    d = lambda seq, cmd, p=b"": (frame(seq, cmd, p), 1)
    read = bytes([1, 0x00, 0x10, 0x00, 0x02])
    return [
        m(1, 0x02, read),  # READ
        d(50, 0x82, bytes([1, 0, 1, 0x00, 0x10, 0x00, 0x02, 0x12, 0x34, 0xAB, 0xCD])),
        m(2, 0x01),  # HEARTBEAT
        d(51, 0x05, bytes([2, 5])),  # the device NAKs it BUSY
        m(2, 0x01),  # the resend
        d(52, 0x81, bytes([2, 0])),  # HEARTBEAT response
        d(53, 0x04, bytes([1, 1, 0, 0, 0, 9])),  # EVENT
        m(3, 0x05, bytes([53, 1])),  # the master NAKs the EVENT
        d(53, 0x04, bytes([1, 1, 0, 0, 0, 9])),  # the EVENT resent
        m(10, 0x06),  # SYNC
        m(11, 0x03, bytes([2, 0x00, 0x20, 0x00, 0x01, 0x00, 0x07])),  # WRITE
        d(54, 0x83, bytes([11, 0, 2, 0x00, 0x20, 0x00, 0x01])),  # WRITE response
    ]


def write_bus_pcap(path, chunks):
    """pcap, LINKTYPE_WIRESHARK_UPPER_PDU: each record names "mcp5a.serial" and
    has no direction tag (§5 "Direction unknown")."""
    name = b"mcp5a.serial"
    pad = (4 - len(name) % 4) % 4
    tags = struct.pack(">HH", EXP_PDU_TAG_DISSECTOR_NAME, len(name) + pad) + name + b"\0" * pad
    tags += struct.pack(">HH", 0, 0)  # end of options
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535,
                            LINKTYPE_WIRESHARK_UPPER_PDU))
        for i, chunk in enumerate(chunks):
            rec = tags + chunk
            f.write(struct.pack("<IIII", 1000 + i // 100, (i % 100) * 1000, len(rec), len(rec)))
            f.write(rec)


def read_export(path):
    """[(direction or None, PDU bytes)] for every record of the pcapng export, each
    of a LINKTYPE_WIRESHARK_UPPER_PDU interface."""
    ifaces, recs = capfile.read(path, "pcapng")
    out = []
    for r in recs:
        if ifaces[r.iface].linktype != LINKTYPE_WIRESHARK_UPPER_PDU:
            raise ValueError(f"{path}: interface {r.iface} is linktype {ifaces[r.iface].linktype}")
        _, direction, pdu = capfile.upper_pdu(r.data)
        out.append((direction, pdu))
    return out


def tshark(runner, *args):
    p = subprocess.run([runner, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"tshark {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()}")
    return p.stdout


FIELDS = ["mcp5a.request_in", "mcp5a.analysis.retransmission", "mcp5a.analysis.duplicate",
          "mcp5a.analysis.gap", "mcp5a.analysis.out_of_order"]


def export_analysis(runner, path):
    """Per record of the export (one frame each): frame number, request_in,
    and whether any sequence verdict shows, from tshark -2 with the plugin."""
    out = tshark(runner, "-n", "-2", "-r", path, "-T", "fields",
                 *sum((["-e", f] for f in ["frame.number"] + FIELDS), []))
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        rows.append((int(cols[0]), cols[1], bool(cols[2]), any(cols[3:])))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    args = ap.parse_args()
    rng = random.Random(13)
    traffic = bus_traffic()
    # The bus's bytes in records of 1..9 bytes, cut anywhere (a UART delivers chunks).
    wire = b"".join(f for f, _ in traffic)
    chunks, i = [], 0
    while i < len(wire):
        n = rng.randint(1, 9)
        chunks.append(wire[i:i + n])
        i += n
    fails = []
    with tempfile.TemporaryDirectory(prefix="mcp5a-busdir.") as work:
        os.chmod(work, 0o777)  # tshark runs as nobody and writes the export here
        cap = os.path.join(work, "bus.pcap")
        exp = os.path.join(work, "bus-export.pcapng")
        write_bus_pcap(cap, chunks)
        os.chmod(cap, 0o644)
        want = [(sender, f) for f, sender in traffic]
        # One pass (tshark) and two passes (-2, as the GUI's File > Export PDUs retaps).
        for passes in ([], ["-2"]):
            tshark(args.runner, "-n", *passes, "-r", cap, "-U", "MCP5A", "-w", exp)
            got = read_export(exp)
            name = "two passes" if passes else "one pass"
            if [b for _, b in got] != [f for _, f in want]:
                fails.append(f"{name}: export holds {len(got)} records, not the {len(want)} "
                             "frames in order")
            bad = [f"frame {k} (cmd 0x{wb[4]:02x}): direction tag {gd}, its sender is {wd}"
                   for k, ((gd, _), (wd, wb)) in enumerate(zip(got, want)) if gd != wd]
            fails += [f"{name}: {b}" for b in bad]
            if not bad and len(got) == len(want):
                print(f"ok: {name}: the {len(want)} exported frames carry their senders' "
                      "directions")
        # Read back, the export links each response to its request (§4 needs the
        # two in opposite directions) and a NAK's resend is a retransmission.
        rows = export_analysis(args.runner, exp)
        nums = [r[0] for r in rows]
        want_links = {1: 0, 5: 4, 11: 10}  # response position -> request position
        want_retrans = {4, 8}  # the resent HEARTBEAT and EVENT
        if len(rows) != len(traffic):
            fails.append(f"read back: {len(rows)} records, not {len(traffic)}")
        else:
            links = {i: nums.index(int(r[1])) for i, r in enumerate(rows) if r[1]}
            retrans = {i for i, r in enumerate(rows) if r[2]}
            other = [i for i, r in enumerate(rows) if r[3]]
            if links != want_links or retrans != want_retrans or other:
                fails.append(f"read back: links {links} (want {want_links}), retransmissions "
                             f"{sorted(retrans)} (want {sorted(want_retrans)}), other verdicts "
                             f"on {other} (want none)")
            else:
                print("ok: read back, responses link to their requests and resends are "
                      "retransmissions")
    for f in fails:
        print("not ok: " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

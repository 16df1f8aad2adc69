#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End-to-end tests of mcpserialdump, one case per ctest test (no hardware:
pseudo-terminals are the serial lines).

    e2e.py CASE --build BUILD_DIR [--plugin PATH]

What the test wrote on the lines is the truth: the bytes of each line
(checked in the capture with a reader of the pcapng specification written
here) and the frames built here from docs/PROTOCOL.md (checked by tshark with
the mcp5a plugin: directions, sequence verdicts, request/response links).
Every process is bounded in time and stopped by its own pid.
"""
import argparse
import os
import pty
import random
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
from mcp_crc import frame  # noqa: E402
import capfile  # noqa: E402

ARGS = None
TMP = None
FAILS = []
SKIP_TSHARK = None  # a reason when tshark + plugin are unavailable
PLUGIN_CHECKED = []

# one exit-code table for every tool (docs/options.md): the port cases are all 3, told
# apart by the message
EXIT = {"ok": 0, "usage": 2, "missing": 3, "busy": 3, "open": 3, "settings": 3,
        "output": 6, "lost": 3, "filter": 2}


def fail(msg):
    FAILS.append(msg)
    print("not ok: " + msg, flush=True)


def check(cond, msg):
    if cond:
        print("ok: " + msg.split("\n")[0], flush=True)
    else:
        fail(msg)
    return cond


def tool(*parts):
    return os.path.join(ARGS.build, *parts)


def dump_bin():
    return tool("replay", "mcpserialdump", "mcpserialdump")


# ------------------------------------------------------------ frames (§1, §2)


def split_frames(stream):
    """The frames of a clean byte stream (no noise), by their length field."""
    out, i = [], 0
    while i + 6 <= len(stream):
        assert stream[i] == 0x5A, f"stream not clean at {i}"
        n = 6 + struct.unpack(">H", stream[i + 2:i + 4])[0]
        out.append(stream[i:i + n])
        i += n
    assert i == len(stream), "stream ends inside a frame"
    return out


def whole_frames(stream):
    """How many whole frames a clean byte stream begins with (a growing one may end
    inside one)."""
    n, i = 0, 0
    while i + 6 <= len(stream) and i + 6 + (stream[i + 2] << 8 | stream[i + 3]) <= len(stream):
        i += 6 + (stream[i + 2] << 8 | stream[i + 3])
        n += 1
    return n


assert frame(0, 0x01) == bytes.fromhex("5a00000001 20".replace(" ", ""))  # §1 vector


# ------------------------------------------------------------ the capture

def read_pcapng(path):
    """(interfaces [(linktype, name)], records [(iface, ts, dissector name, direction
    or None, bytes)]) of a pcapng file (test/libpy/capfile.py, from the pcapng spec
    and the exported-PDU tags)."""
    ifaces, recs = capfile.read(path, "pcapng")
    return ([(i.linktype, i.name) for i in ifaces],
            [(r.iface, r.ts) + capfile.upper_pdu(r.data) for r in recs])


def line_bytes(recs, iface, direction):
    return b"".join(r[4] for r in recs if r[0] == iface and r[3] == direction)


def check_records_format(recs, what):
    names = {r[2] for r in recs}
    check(names <= {b"mcp5a.serial"} and recs,
          f"{what}: {len(recs)} records, every one names mcp5a.serial (tag 12, 12 bytes: no padding needed)")
    ts = [r[1] for r in recs]
    check(ts == sorted(ts), f"{what}: timestamps never go backwards")


# ------------------------------------------------------------ ptys and the tool

class Pty:
    """A pseudo-terminal: the test writes into `master`; `path` is the serial port."""

    def __init__(self):
        self.master, self.slave = pty.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)  # raw before the capture opens it: no echo, no CR mapping
        self.path = os.ttyname(self.slave)

    def write(self, data, chunks=1, rng=None, pause=0.0):
        """Writes data, cut into `chunks` pieces at random places."""
        cuts = sorted(rng.sample(range(1, len(data)), min(chunks - 1, len(data) - 1))) if chunks > 1 else []
        last = 0
        for c in cuts + [len(data)]:
            os.write(self.master, data[last:c])
            last = c
            if pause:
                time.sleep(pause)

    def close(self):
        for fd in (self.master, self.slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.master = self.slave = None

    def close_master(self):
        os.close(self.master)
        self.master = None


class Dump:
    """mcpserialdump in standalone mode; waits for its start line."""

    def __init__(self, *args, out=None):
        self.out = out or os.path.join(TMP, f"cap{time.monotonic_ns()}.pcapng")
        self.p = subprocess.Popen([dump_bin()] + list(args) + ["-w", self.out],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Warnings (another process holds a port: the test's own pty ends) come first.
        self.start = ""
        while True:
            line = self.p.stderr.readline()
            self.start += line
            if not line or "capturing" in line or "relaying" in line:
                break
        self.started = "capturing" in self.start or "relaying" in self.start

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=10):
        try:
            out, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            out, err = self.p.communicate()
            err += "\n(killed: did not stop in time)"
        return self.p.returncode, self.start + err


def run_dump(*args, timeout=10):
    p = subprocess.run([dump_bin()] + list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def wait_bytes(path, ifaces_dirs, want, timeout=10):
    """Waits until the capture holds `want` bytes on each (iface, direction)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, recs = read_pcapng(path)
            if all(len(line_bytes(recs, i, d)) >= want[(i, d)] for (i, d) in ifaces_dirs):
                return True
        except (OSError, ValueError, struct.error):
            pass
        time.sleep(0.05)
    return False


# ------------------------------------------------------------ tshark with the plugin

def tshark_file(cap, *extra):
    """tshark -r CAP (two passes) with the plugin, unprivileged; returns stdout lines."""
    os.chmod(cap, 0o644)
    env = dict(os.environ, MCP5A_PLUGIN=ARGS.plugin, WIRESHARK_PLUGIN_DIR=empty_plugin_dir())
    unpriv = os.path.join(ARGS.source, "test", "tshark-unpriv.sh")
    if not PLUGIN_CHECKED:
        PLUGIN_CHECKED.append(True)
        g = subprocess.run([unpriv, "-G", "plugins"], capture_output=True, text=True, timeout=60, env=env)
        used = [l.split("\t")[-1] for l in g.stdout.splitlines() if l.startswith("mcp5a")]
        check(len(used) == 1 and "/.local/lib/wireshark/plugins/" in used[0],
              f"tshark loads the plugin built here (staged): {used}")
    p = subprocess.run([os.path.join(ARGS.source, "test", "tshark-unpriv.sh"), "-r", cap, "-2"] + list(extra),
                       capture_output=True, text=True, timeout=120, env=env)
    if p.returncode != 0:
        fail(f"tshark on {cap}: exit {p.returncode}: {p.stderr}")
    return p.stdout.splitlines()


FIELDS = ["frame.number", "frame.interface_id", "exported_pdu.p2p_dir", "mcp5a.seq", "mcp5a.cmd",
          "mcp5a.request_in", "mcp5a.response_in", "_ws.expert.message", "mcp5a.junk",
          "mcp5a.req_seq"]


def tshark_frames(cap):
    """One dict per MCP frame (several per record possible), in capture order."""
    args = ["-T", "fields", "-E", "separator=\t", "-E", "aggregator=|", "-E", "occurrence=a"]
    for f in FIELDS:
        args += ["-e", f]
    frames, records = [], 0
    for line in tshark_file(cap, *args):
        cols = line.split("\t")
        records += 1
        row = dict(zip(FIELDS, [c.split("|") if c else [] for c in cols]))
        seqs, cmds = row["mcp5a.seq"], row["mcp5a.cmd"]
        for k in range(len(seqs)):
            frames.append({"record": int(row["frame.number"][0]),
                           "iface": int(row["frame.interface_id"][0]) if row["frame.interface_id"] else 0,
                           "seq": int(seqs[k]), "cmd": int(cmds[k], 16),
                           "experts": row["_ws.expert.message"]})
        if row["mcp5a.junk"]:
            frames.append({"record": int(row["frame.number"][0]), "junk": True})
    return frames, records


def tshark_links(cap):
    """(record, seq, cmd) -> (request_in, response_in) for every frame, from -V-free fields."""
    args = ["-T", "fields", "-E", "separator=\t", "-E", "aggregator=|", "-E", "occurrence=a",
            "-e", "frame.number", "-e", "mcp5a.seq", "-e", "mcp5a.cmd", "-e", "mcp5a.request_in",
            "-e", "mcp5a.response_in", "-e", "mcp5a.analysis.duplicate", "-e", "mcp5a.analysis.gap",
            "-e", "mcp5a.analysis.out_of_order", "-e", "mcp5a.analysis.retransmission"]
    return [line.split("\t") for line in tshark_file(cap, *args)]


def stats_senders(cap):
    """Frames per sender from -z mcp5a,tree: {'serial:0': n, 'serial:1': m} for the tree's
    "master (LINE)" and "device (LINE)" (LINE: the interface name mcpserialdump wrote)."""
    out = {}
    for line in tshark_file(cap, "-q", "-z", "mcp5a,tree"):
        m = re.match(r"^ (master|device)(?: \(.*?\))?\s{2,}(\d+)\s", line)
        if m:
            out["serial:0" if m.group(1) == "master" else "serial:1"] = int(m.group(2))
    return out


def empty_plugin_dir():
    """A global plugin folder with nothing in it, so tshark loads the plugin built here (from
    the staged personal folder) even when another mcp5a.so is installed globally: tshark
    prefers the global one. WIRESHARK_PLUGIN_DIR works for an unprivileged tshark."""
    d = os.path.join(TMP, "no-global-plugins")
    os.makedirs(d, exist_ok=True)
    return d


def check_plugin_used(env, tshark):
    p = subprocess.run(tshark + ["-G", "plugins"], capture_output=True, text=True, env=env, timeout=60)
    used = [l.split("\t")[-1] for l in p.stdout.splitlines() if l.startswith("mcp5a")]
    check(len(used) == 1 and used[0].startswith(env["HOME"]), f"tshark loads the staged plugin: {used}")


def need_tshark():
    if SKIP_TSHARK:
        print(f"note: tshark checks skipped: {SKIP_TSHARK}", flush=True)
        return False
    return True


def decode_full(cap):
    """Every MCP frame tshark shows, with its direction and links (two passes)."""
    args = ["-T", "fields", "-E", "separator=\t", "-E", "aggregator=|", "-E", "occurrence=a",
            "-e", "frame.number", "-e", "frame.interface_id", "-e", "exported_pdu.p2p_dir",
            "-e", "mcp5a.seq", "-e", "mcp5a.cmd", "-e", "mcp5a.device", "-e", "mcp5a.response_in",
            "-e", "mcp5a.request_in", "-e", "mcp5a.junk", "-e", "mcp5a.analysis.gap",
            "-e", "mcp5a.analysis.duplicate", "-e", "mcp5a.analysis.out_of_order",
            "-e", "mcp5a.crc.bad"]
    rows = []
    for line in tshark_file(cap, *args):
        c = [x.split("|") if x else [] for x in line.split("\t")]
        while len(c) < 13:
            c.append([])
        rows.append({"num": int(c[0][0]), "iface": int(c[1][0]) if c[1] else 0,
                     "dir": int(c[2][0]) if c[2] else None,
                     "seq": [int(x) for x in c[3]], "cmd": [int(x, 16) for x in c[4]],
                     "device": c[5], "response_in": c[6], "request_in": c[7],
                     "junk": bool(c[8]), "gap": bool(c[9]), "dup": bool(c[10]), "ooo": bool(c[11]),
                     "crc_bad": bool(c[12])})
    return rows


def check_kept_apart(cap, responses, one, two):
    """tshark -2 over a capture of two lines (interfaces 0 and 1) with the same seqs
    on both: no duplicate, gap, out-of-order or junk, and each of the responses
    linked to the request on its own line (one, two: "bus", "buses")."""
    rows = decode_full(cap)
    check(not any(r["gap"] or r["dup"] or r["ooo"] or r["junk"] for r in rows),
          f"no duplicate, gap, out-of-order or junk across the two {two}")
    iface_of = {r["num"]: r["iface"] for r in rows}
    links = [(r["iface"], q) for r in rows for q in r["request_in"]]
    check(len(links) == responses and all(iface_of[int(q)] == i for i, q in links),
          f"{responses} responses, each linked to the request on its own {one} "
          f"({len(links)} links)")


# ------------------------------------------------------------ cases

def case_relay():
    """mcpreplay (master) -> pty -> relay -> pty -> mcpsim (device); the relay copies
    each direction into a tap pty, cut at random places; mcpserialdump taps both."""
    rng = random.Random(11)
    cap_in = os.path.join(TMP, "gen.pcap")
    subprocess.run([tool("replay", "mcpgen", "mcpgen"), "-t", "serial", "-o", cap_in, "-d", "2",
                    "-n", "120", "-r", "200", "--mix", "heartbeat=25,read=40,write=30,unknown=5",
                    "--bad-request", "0", "--busy", "0", "--burst", "0.2", "-s", "7"],
                   check=True, timeout=30)
    sim = subprocess.Popen([tool("replay", "mcpsim", "mcpsim"), "--pty", "-d", "1-2", "--seed", "3",
                            "--latency", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = sim.stdout.readline()
    sim_path = line.split("serial:")[1].strip() if "serial:" in line else None
    if not check(sim_path is not None, f"mcpsim serves a pty ({line.strip()})"):
        sim.kill()
        return
    sim_fd = os.open(sim_path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(sim_fd)
    master_side = Pty()  # mcpreplay writes into master_side.path
    tap = [Pty(), Pty()]
    dump = Dump("-i", tap[0].path, "-i", tap[1].path, "--baud", "115200")
    check(dump.started, f"mcpserialdump started: {dump.start.strip()}")
    seen = [bytearray(), bytearray()]
    stop = threading.Event()

    def relay():
        while not stop.is_set():
            r, _, _ = select.select([master_side.master, sim_fd], [], [], 0.05)
            for fd in r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return
                d = 0 if fd == master_side.master else 1
                seen[d] += data
                # The tap first, in random pieces, then the other side of the line.
                tap[d].write(data, chunks=rng.randint(1, 4), rng=rng, pause=0.0005)
                os.write(sim_fd if d == 0 else master_side.master, data)

    t = threading.Thread(target=relay)
    t.start()
    rp = subprocess.run([tool("replay", "mcpreplay", "mcpreplay"), "-t",
                         f"serial:{master_side.path}?baud=115200", cap_in],
                        capture_output=True, text=True, timeout=60)
    # The device's last answers may still be on their way: wait until it has answered
    # as many frames as the master sent (the checks below say it if it never does).
    deadline = time.monotonic() + 10
    while whole_frames(seen[1]) < whole_frames(seen[0]) and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    t.join()
    want = {(0, 0): len(seen[0]), (0, 1): len(seen[1])}
    wait_bytes(dump.out, want.keys(), want, timeout=5)
    rc, err = dump.stop()
    sim.terminate()
    sim.communicate(timeout=10)
    os.close(sim_fd)
    master_side.close()
    for p in tap:
        p.close()
    check(rp.returncode == 0, f"mcpreplay ran: {rp.stdout.strip().splitlines()[-1:] if rp.stdout else rp.stderr}")
    check(rc == EXIT["ok"] and "stopped by SIGTERM" in err, f"SIGTERM: exit {rc}: {err.strip()}")

    ifaces, recs = read_pcapng(dump.out)
    check(ifaces == [(252, tap[0].path)], f"one interface, LINKTYPE 252, named after the first port: {ifaces}")
    check_records_format(recs, "relay")
    for d in (0, 1):
        check(line_bytes(recs, 0, d) == bytes(seen[d]),
              f"direction {d}: the capture holds the {len(seen[d])} bytes the line carried, in order")
    master_frames, device_frames = split_frames(bytes(seen[0])), split_frames(bytes(seen[1]))
    check(len(master_frames) >= 50 and len(device_frames) == len(master_frames),
          f"traffic: {len(master_frames)} master frames, each answered: {len(device_frames)} device frames")
    cut = sum(1 for r in recs if r[4] and not split_ok(r[4]))
    check(cut > 10, f"{cut} records end or start inside a frame (bytes split across reads)")
    if not need_tshark():
        return
    rows = decode_full(dump.out)
    got = {0: [], 1: []}
    for r in rows:
        for s, c in zip(r["seq"], r["cmd"]):
            got[r["dir"]].append((s, c))
    check(got[0] == [(f[1], f[4]) for f in master_frames],
          f"tshark: the {len(master_frames)} master frames, in order, direction 0")
    check(got[1] == [(f[1], f[4]) for f in device_frames],
          f"tshark: the {len(device_frames)} device frames, in order, direction 1")
    check(not any(r["junk"] or r["gap"] or r["dup"] or r["ooo"] or r["crc_bad"] for r in rows),
          "tshark: no junk, gap, duplicate, out-of-order or bad CRC")
    unanswered = []
    for r in rows:
        if r["dir"] != 0:
            continue
        devs = list(r["device"])
        for k, (s, c) in enumerate(zip(r["seq"], r["cmd"])):
            if c in (0x04, 0x05, 0x06) or c & 0x80:
                continue
            if c in (0x02, 0x03) and devs and devs[0] == "255":
                continue
            if k >= len(r["response_in"]):
                unanswered.append((r["num"], s, c))
    check(not unanswered, f"tshark -2: every request is answered (response_in set); unanswered: {unanswered[:5]}")


def split_ok(chunk):
    """True when a record holds whole frames only."""
    try:
        split_frames(chunk)
        return True
    except AssertionError:
        return False


def oneline_traffic():
    """A half-duplex bus as §5 describes it: master and device frames interleaved on one
    wire. Returns [(bytes, direction §5 gives it)]."""
    m = lambda seq, cmd, p=b"": (frame(seq, cmd, p), 0)
    d = lambda seq, cmd, p=b"": (frame(seq, cmd, p), 1)
    read = bytes([1, 0x00, 0x10, 0x00, 0x02])
    return [
        m(1, 0x02, read),                                        # READ (request: 0)
        d(50, 0x82, bytes([1, 0, 1, 0x00, 0x10, 0x00, 0x02, 0x12, 0x34, 0xAB, 0xCD])),
        m(2, 0x01),                                              # HEARTBEAT
        d(51, 0x05, bytes([2, 5])),                              # NAK BUSY for seq 2: after a 0 frame -> 1
        m(2, 0x01),                                              # the resend: a retransmission
        d(52, 0x81, bytes([2, 0])),                              # HEARTBEAT response
        d(53, 0x04, bytes([1, 1, 0, 0, 0, 9])),                  # EVENT (1)
        m(3, 0x05, bytes([53, 1])),                              # NAK of the EVENT: after a 1 frame -> 0
        d(53, 0x04, bytes([1, 1, 0, 0, 0, 9])),                  # the EVENT resent: a retransmission
        m(10, 0x06),                                             # SYNC (0): the master restarts at 10
        m(11, 0x03, bytes([2, 0x00, 0x20, 0x00, 0x01, 0x00, 0x07])),  # WRITE
        d(54, 0x83, bytes([11, 0, 2, 0x00, 0x20, 0x00, 0x01])),  # WRITE response
    ]


def case_oneline():
    """One-line bus mode: no direction tags; tshark infers each frame's direction (§5)."""
    rng = random.Random(5)
    bus = Pty()
    dump = Dump("--one-line", "-i", bus.path)
    check(dump.started, f"started: {dump.start.strip()}")
    traffic = oneline_traffic()
    wire = b"".join(f for f, _ in traffic)
    for f, _ in traffic:
        bus.write(f, chunks=rng.randint(1, 3), rng=rng, pause=0.002)
        time.sleep(0.01)
    wait_bytes(dump.out, [(0, None)], {(0, None): len(wire)})
    rc, err = dump.stop()
    bus.close()
    check(rc == 0, f"exit 0 on SIGTERM: {err.strip()}")
    ifaces, recs = read_pcapng(dump.out)
    check_records_format(recs, "one-line")
    check(all(r[3] is None for r in recs), "no record carries a direction tag (tag 35)")
    check(line_bytes(recs, 0, None) == wire, f"the bus's {len(wire)} bytes, in order")
    if not need_tshark():
        return
    rows = decode_full(dump.out)
    frames = [(r, s, c) for r in rows for s, c in zip(r["seq"], r["cmd"])]
    check([(s, c) for _, s, c in frames] == [(f[1], f[4]) for f, _ in traffic],
          f"tshark shows the {len(traffic)} frames in order")
    check(not any(r["gap"] or r["dup"] or r["ooo"] or r["junk"] for r in rows),
          "no gap, duplicate, out-of-order or junk: master and device are separate senders")
    links = tshark_links(dump.out)
    by_frame = []
    for row in links:
        seqs = row[1].split("|") if row[1] else []
        for k in range(len(seqs)):
            col = lambda i: (row[i].split("|") if len(row) > i and row[i] else [])
            by_frame.append({"num": int(row[0]), "request_in": col(3), "response_in": col(4),
                             "retrans": bool(col(8))})
    nums = [b["num"] for b in by_frame]
    # Responses link to their requests (they need opposite directions to match, §4).
    resp = {1: 0, 5: 4, 11: 10}  # index of a response -> index of its request
    ok = len(by_frame) == len(traffic)
    for r_i, q_i in resp.items():
        ok = ok and by_frame[r_i]["request_in"][:1] == [str(nums[q_i])]
    check(ok, "READ, HEARTBEAT (the resend) and WRITE responses link to their requests")
    # The NAKs went the right way: each resend is a retransmission, not a duplicate.
    check(len(by_frame) == len(traffic) and by_frame[4]["retrans"] and by_frame[8]["retrans"],
          "the device's NAK (after a master frame) and the master's NAK (after a device EVENT) "
          "make the resends retransmissions")
    senders = stats_senders(dump.out)
    want0 = sum(1 for _, dr in traffic if dr == 0)
    check(senders == {"serial:0": want0, "serial:1": len(traffic) - want0},
          f"-z mcp5a,tree: frames per direction as §5 infers them: {senders}")
    # mcpreplay applies the same rule: it sends the master's frames only (§5 direction 0).
    target = Pty()
    p = subprocess.Popen([tool("replay", "mcpreplay", "mcpreplay"), "-q", "-t",
                          f"serial:{target.path}?baud=115200", dump.out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    want = b"".join(f for f, dr in traffic if dr == 0)
    got = bytearray()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(got) < len(want):
        r, _, _ = select.select([target.master], [], [], 0.1)
        if r:
            got += os.read(target.master, 65536)
    out, err = p.communicate(timeout=20)
    target.close()
    check(p.returncode == 0 and bytes(got) == want,
          f"mcpreplay replays the {want0} master frames of the bus (requests, NAK, SYNC) "
          f"byte-identical ({len(got)}/{len(want)} bytes; {err.strip()})")


def case_two_buses():
    """Two half-duplex buses in one pcapng: two interfaces, independent analysis."""
    rng = random.Random(9)
    a, b = Pty(), Pty()
    dump = Dump("--one-line", "-i", a.path, "-i", b.path)
    check(dump.started, f"started: {dump.start.strip()}")
    wires = [bytearray(), bytearray()]
    # The same seqs on both buses: were they one line, every second frame would be a duplicate.
    for k in range(10):
        for i, bus in enumerate((a, b)):
            req = frame(k, 0x02, bytes([1, 0, 0, 0, 1]))
            rsp = frame(100 + k, 0x82, bytes([k, 0, 1, 0, 0, 0, 1, 0, k]))
            for f in (req, rsp):
                bus.write(f, chunks=rng.randint(1, 3), rng=rng, pause=0.001)
                wires[i] += f
    want = {(0, None): len(wires[0]), (1, None): len(wires[1])}
    wait_bytes(dump.out, want.keys(), want)
    rc, err = dump.stop()
    a.close()
    b.close()
    check(rc == 0, f"exit 0: {err.strip()}")
    ifaces, recs = read_pcapng(dump.out)
    check(ifaces == [(252, a.path), (252, b.path)], f"two interfaces: {ifaces}")
    for i in (0, 1):
        check(line_bytes(recs, i, None) == bytes(wires[i]), f"bus {i}: its bytes on interface {i}")
    if need_tshark():
        check_kept_apart(dump.out, 20, "bus", "buses")


def case_two_taps():
    """Two full-duplex lines (four ports, two per line): two interfaces, each with both
    directions; the same seqs on both lines stay apart."""
    ports = [Pty() for _ in range(4)]
    dump = Dump(*[x for p in ports for x in ("-i", p.path)])
    check(dump.started, f"started: {dump.start.strip()}")
    sent = {}
    for k in range(8):
        for line in (0, 1):
            q, r = frame(k, 0x01), frame(k, 0x81, bytes([k, 0]))
            ports[2 * line].write(q)
            time.sleep(0.003)
            ports[2 * line + 1].write(r)
            sent[(line, 0)] = sent.get((line, 0), b"") + q
            sent[(line, 1)] = sent.get((line, 1), b"") + r
            time.sleep(0.003)
    wait_bytes(dump.out, sent.keys(), {k: len(v) for k, v in sent.items()})
    rc, err = dump.stop()
    for p in ports:
        p.close()
    check(rc == 0, f"exit 0: {err.strip()}")
    ifaces, recs = read_pcapng(dump.out)
    check(ifaces == [(252, ports[0].path), (252, ports[2].path)],
          f"two interfaces, named after each line's first port: {ifaces}")
    check(all(line_bytes(recs, i, d) == v for (i, d), v in sent.items()),
          "ports 1, 2 on interface 0 (directions 0, 1); ports 3, 4 on interface 1")
    if need_tshark():
        check_kept_apart(dump.out, 16, "line", "lines")


def case_port_closed():
    """A port closed mid-capture: exit 3, the message names it, every byte read is in the file."""
    a, b = Pty(), Pty()
    dump = Dump("-i", a.path, "-i", b.path)
    check(dump.started, f"started: {dump.start.strip()}")
    sent = [b"", b""]
    for k in range(20):
        f0, f1 = frame(k, 0x01), frame(k, 0x81, bytes([k, 0]))
        a.write(f0)
        b.write(f1)
        sent[0] += f0
        sent[1] += f1
    want = {(0, 0): len(sent[0]), (0, 1): len(sent[1])}
    check(wait_bytes(dump.out, want.keys(), want), "the bytes reached the capture")
    t0 = time.monotonic()
    b.close_master()  # the other side of port 2 goes away, as an unplugged adapter
    rc, err = dump.wait(timeout=10)
    a.close()
    b.close()
    check(rc == EXIT["lost"] and b.path in err and "disappeared" in err,
          f"exit 3 within {time.monotonic() - t0:.2f} s, the message names the port: {err.strip()}")
    ifaces, recs = read_pcapng(dump.out)
    check(line_bytes(recs, 0, 0) == sent[0] and line_bytes(recs, 0, 1) == sent[1],
          "the file is complete: every byte of both ports")


def case_sigterm():
    """SIGTERM and SIGINT stop cleanly; -c and -a stop on their own."""
    a = Pty()
    for sig, name in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
        dump = Dump("-i", a.path)
        data = b"".join(frame(k, 0x01) for k in range(30))
        a.write(data, chunks=7, rng=random.Random(1), pause=0.002)
        wait_bytes(dump.out, [(0, 0)], {(0, 0): len(data)})
        rc, err = dump.stop(sig)
        _, recs = read_pcapng(dump.out)
        check(rc == 0 and f"stopped by {name}" in err and line_bytes(recs, 0, 0) == data,
              f"{name}: exit {rc}, file complete ({err.strip()})")
    # -c 5: exactly five records.
    dump = Dump("-i", a.path, "-c", "5")
    for k in range(8):
        a.write(frame(k, 0x01))
        time.sleep(0.02)
    rc, err = dump.wait(timeout=10)
    _, recs = read_pcapng(dump.out)
    check(rc == 0 and len(recs) == 5 and "5 records captured (-c)" in err,
          f"-c 5: exit {rc}, {len(recs)} records ({err.strip()})")
    # -a duration:1 with a silent line.
    t0 = time.monotonic()
    dump = Dump("-i", a.path, "-a", "duration:1")
    rc, err = dump.wait(timeout=10)
    took = time.monotonic() - t0
    ifaces, recs = read_pcapng(dump.out)
    check(rc == 0 and 0.9 <= took < 5 and "duration" in err and ifaces and not recs,
          f"-a duration:1: exit {rc} after {took:.2f} s, a valid empty capture ({err.strip()})")
    # -w -: the reader going away (EPIPE) ends the capture cleanly.
    p = subprocess.Popen([dump_bin(), "-i", a.path, "-w", "-"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stderr.readline()
    head = p.stdout.read(28)  # the SHB
    p.stdout.close()
    for k in range(5):
        a.write(frame(k, 0x01))
        time.sleep(0.05)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    err = p.stderr.read().decode()
    check(head[:4] == b"\x0a\x0d\x0d\x0a" and p.returncode == 0 and "reader closed the output" in err,
          f"-w - with the reader gone: exit {p.returncode} ({err.strip()})")
    a.close()


def case_errors():
    """Missing, busy, unopenable ports, a bad baud, options: distinct exit codes, clear messages."""
    rc, out, err = run_dump("-i", "/dev/mcp-no-such-port", "-w", os.path.join(TMP, "x.pcapng"))
    check(rc == EXIT["missing"] and "no such port" in err, f"missing port: exit {rc}: {err.strip()}")
    check(not os.path.exists(os.path.join(TMP, "x.pcapng")), "no capture file left behind")
    a = Pty()
    rc, out, err = run_dump("-i", a.path, "--baud", "12345", "-w", os.path.join(TMP, "x.pcapng"))
    check(rc == EXIT["settings"] and "baud 12345" in err, f"bad baud: exit {rc}: {err.strip()}")
    dump = Dump("-i", a.path)
    rc, out, err = run_dump("-i", a.path, "-w", os.path.join(TMP, "y.pcapng"))
    check(rc == EXIT["busy"] and "busy" in err, f"busy port (another capture holds it): exit {rc}: {err.strip()}")
    dump.stop()
    plain = os.path.join(TMP, "plain-file")
    open(plain, "w").close()
    rc, out, err = run_dump("-i", plain, "-w", os.path.join(TMP, "z.pcapng"))
    check(rc == EXIT["open"] and "not a serial port" in err, f"not a tty: exit {rc}: {err.strip()}")
    rc, out, err = run_dump("-i", a.path, "-w", "/nonexistent-dir/x.pcapng")
    check(rc == EXIT["output"], f"unwritable output: exit {rc}: {err.strip()}")
    for bad in (["-i", a.path], ["-w", "x"], ["-i", a.path, "-w", "x", "--parity", "mark"],
                ["-i", a.path, "-w", "x", "-a", "packets:3"], ["-i", a.path, "-w", "x", "-c", "0"],
                ["--one-line", "-i", a.path, "--reverse-port", a.path + "x", "-w", "x"]):
        rc, out, err = run_dump(*bad)
        check(rc == EXIT["usage"] and "mcpserialdump:" in err, f"usage error {bad[-2:]}: exit {rc}: {err.strip()}")
    # the relay's messages name the relay, not -i (a tester's finding)
    rc, out, err = run_dump("--relay", "pty", f"serial:{a.path}?baud=12345", "-w", os.path.join(TMP, "r.pcapng"))
    check(rc == EXIT["usage"] and "--relay (device side): invalid endpoint" in err and "-i" not in err,
          f"relay, a bad device URL: named as the relay's: exit {rc}: {err.strip()}")
    rc, out, err = run_dump("--relay", "pty", f"serial:{a.path}")
    check(rc == EXIT["usage"] and "--relay records what it relays" in err and "-i DEV" not in err,
          f"relay without -w: says so: exit {rc}: {err.strip()}")
    rc, out, err = run_dump("--extcap-capture-filter", "tcp port 80", "--extcap-interface", "mcpserial-x")
    check(rc == EXIT["filter"] and "no capture filter" in out, f"capture filter refused: exit {rc}: {out.strip()}")
    rc, out, err = run_dump("--extcap-capture-filter", "", "--extcap-interface", "mcpserial-x")
    check(rc == 0, "an empty capture filter is valid")
    a.close()


def case_extcap():
    """The extcap protocol end to end: tshark (unprivileged, staged HOME with the plugin and
    the extcap) lists the ports and captures live traffic from one, with the reverse port and
    the baud rate set through the extcap options."""
    if not need_tshark():
        print("SKIP: tshark with the plugin is needed", flush=True)
        return
    stage = os.path.join(TMP, "home")
    plug = os.path.join(stage, ".local", "lib", "wireshark", "plugins", ARGS.ws_version, "epan")
    ext = os.path.join(stage, ARGS.extcap_subdir)
    os.makedirs(plug)
    os.makedirs(ext)
    shutil.copy(ARGS.plugin, os.path.join(plug, "mcp5a.so"))
    shutil.copy(dump_bin(), os.path.join(ext, "mcpserialdump"))
    ports = os.path.join(TMP, "ports")
    os.makedirs(ports)
    a, b = Pty(), Pty()
    os.symlink(a.path, os.path.join(ports, "ttyMCP0"))
    os.symlink(b.path, os.path.join(ports, "ttyMCP1"))
    for p in (a, b):
        os.chown(p.path, 65534, 65534) if os.geteuid() == 0 else None
    for root, dirs, files in os.walk(TMP):
        for n in dirs + files:
            os.chmod(os.path.join(root, n), 0o755, follow_symlinks=False) if not os.path.islink(
                os.path.join(root, n)) else None
    os.chmod(TMP, 0o755)
    env = dict(os.environ, HOME=stage, XDG_CONFIG_HOME=os.path.join(stage, ".config"),
               XDG_STATE_HOME=os.path.join(stage, ".local", "state"),
               MCPSERIALDUMP_PORTS=os.path.join(ports, "tty*"), WIRESHARK_ABORT_ON_DISSECTOR_BUG="1",
               WIRESHARK_PLUGIN_DIR=empty_plugin_dir())
    os.chmod(env["WIRESHARK_PLUGIN_DIR"], 0o755)
    tshark = [ARGS.tshark]
    if os.geteuid() == 0:
        tshark = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + tshark
    check_plugin_used(env, tshark)
    # A speed of our own on the port: discovery must leave it (ports are listed, never opened).
    attrs = termios.tcgetattr(a.slave)
    attrs[4] = attrs[5] = termios.B4800
    termios.tcsetattr(a.slave, termios.TCSANOW, attrs)
    d = subprocess.run(tshark + ["-D"], capture_output=True, text=True, env=env, timeout=60)
    listed = [l for l in d.stdout.splitlines() if "mcpserial-" in l and "mcpserial-relay" not in l]
    check(any("mcpserial-relay" in l for l in d.stdout.splitlines()),
          "tshark -D lists the relay interface (mcpserial-relay)")
    check(len(listed) == 2 and "mcpserial-ttyMCP0" in listed[0] and "mcpserial-ttyMCP1" in listed[1],
          f"tshark -D lists the two ports: {listed}")
    check(termios.tcgetattr(a.slave)[4] == termios.B4800,
          "tshark -D left the port's settings alone (listed, not opened)")

    stop = threading.Event()
    sent = [bytearray(), bytearray()]

    def feed():
        k = 0
        while not stop.is_set():
            q, r = frame(k, 0x01), frame(k, 0x81, bytes([k, 0]))
            os.write(a.master, q)
            sent[0] += q
            time.sleep(0.005)
            os.write(b.master, r)
            sent[1] += r
            k = (k + 1) & 0xFF
            time.sleep(0.05)

    iface = "mcpserial-ttyMCP0"
    pref = "extcap." + "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in iface.lower())
    cap = subprocess.Popen(tshark + ["-i", iface, "-a", "duration:3",
                                     "-o", f"{pref}.baud:9600",
                                     "-o", f"{pref}.reverseport:{os.path.join(ports, 'ttyMCP1')}",
                                     "-T", "fields", "-E", "aggregator=|",
                                     "-e", "exported_pdu.p2p_dir", "-e", "mcp5a.seq", "-e", "mcp5a.cmd",
                                     "-e", "mcp5a.request_in", "-e", "mcp5a.analysis.gap",
                                     "-e", "mcp5a.junk"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    speed_seen = None
    deadline = time.monotonic() + 40
    t = threading.Thread(target=feed)
    t.start()
    while cap.poll() is None and time.monotonic() < deadline:
        ispeed = termios.tcgetattr(a.slave)[4]
        if ispeed == termios.B9600:
            speed_seen = ispeed
        time.sleep(0.05)
    try:
        out, err = cap.communicate(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        cap.kill()
        out, err = cap.communicate()
    stop.set()
    t.join()
    rows = [l.split("\t") for l in out.splitlines() if l.strip()]
    frames = [(r[0], s, c, r[3] if len(r) > 3 else "") for r in rows
              for s, c in zip(r[1].split("|") if r[1] else [], r[2].split("|") if r[2] else [])]
    hb = [f for f in frames if f[2] == "0x01"]
    rsp = [f for f in frames if f[2] == "0x81"]
    check(cap.returncode == 0, f"tshark -i {iface} -a duration:3: exit {cap.returncode} ({err.strip()[-300:]})")
    check(speed_seen == termios.B9600, "the extcap set the port to 9600 baud (-o ...baud:9600)")
    check(len(hb) >= 5 and all(f[0] == "0" for f in hb),
          f"{len(hb)} live HEARTBEATs decoded, direction 0 (the interface's port)")
    check(len(rsp) >= 5 and all(f[0] == "1" for f in rsp),
          f"{len(rsp)} responses decoded, direction 1 (the reverse port from the dialog's option)")
    linked = sum(1 for f in rsp if f[3])
    check(rsp and linked >= len(rsp) - 1,
          f"{linked}/{len(rsp)} responses linked to their requests (one pass: request_in)")
    check(not any((len(r) > 4 and r[4]) for r in rows), "no gap in the live capture")
    # The first frame may be cut by the start of the capture; junk is allowed only there.
    junk_rows = [i for i, r in enumerate(rows) if len(r) > 5 and r[5]]
    check(all(i < 2 for i in junk_rows), f"no junk after the start ({junk_rows})")
    # A capture filter is refused, and tshark shows why (the extcap's stderr).
    f = subprocess.run(tshark + ["-i", iface, "-f", "tcp", "-a", "duration:2"], capture_output=True,
                       text=True, env=env, timeout=60)
    check(f.returncode != 0 and "takes no capture filter" in f.stderr,
          f"tshark -f refused with the extcap's message: {f.stderr.strip().splitlines()[-2:]}")
    a.close()
    b.close()


def case_extcap_remembered():
    """Stale per-port options (issue 23): Wireshark keeps an extcap interface's options as
    extcap.<iface>.<option> in its preferences file and warns "No such preference" at every
    start for those of an interface the extcap no longer lists. A port captured from through
    tshark is remembered and, once unplugged, still listed as not connected: no warning for
    its saved baud rate, which tshark still knows; a port never captured from (the control)
    does warn. Plugged in again it is listed as before; --forget takes it off the list."""
    if not need_tshark():
        print("SKIP: tshark is needed", flush=True)
        return
    stage = os.path.join(TMP, "home")
    ext = os.path.join(stage, ARGS.extcap_subdir)
    state = os.path.join(stage, ".local", "state")
    conf = os.path.join(stage, ".config", "wireshark")
    for d in (ext, state, conf):
        os.makedirs(d, exist_ok=True)
    shutil.copy(dump_bin(), os.path.join(ext, "mcpserialdump"))
    ports = os.path.join(TMP, "ports")
    os.makedirs(ports)
    a = Pty()
    link = os.path.join(ports, "ttyMCP0")
    os.symlink(a.path, link)
    if os.geteuid() == 0:
        os.chown(a.path, 65534, 65534)
    for root, dirs, files in os.walk(TMP):
        for n in dirs + files:
            if not os.path.islink(os.path.join(root, n)):
                os.chmod(os.path.join(root, n), 0o755)
    os.chmod(TMP, 0o755)
    if os.geteuid() == 0:
        os.chown(state, 65534, 65534)  # tshark's extcap (nobody) writes the list there
    env = dict(os.environ, HOME=stage, XDG_CONFIG_HOME=os.path.join(stage, ".config"),
               XDG_STATE_HOME=state, MCPSERIALDUMP_PORTS=os.path.join(ports, "tty*"),
               WIRESHARK_PLUGIN_DIR=empty_plugin_dir())
    os.chmod(env["WIRESHARK_PLUGIN_DIR"], 0o755)
    as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    tshark = as_user + [ARGS.tshark]

    def run(*args):
        return subprocess.run(tshark + list(args), capture_output=True, text=True, env=env,
                              timeout=90)

    def listed(out):
        return [l for l in out.splitlines() if "mcpserial-ttyMCP0" in l]

    c = run("-i", "mcpserial-ttyMCP0", "-o", "extcap.mcpserial_ttymcp0.baud:9600",
            "-a", "duration:1", "-w", os.devnull)
    check(c.returncode == 0, f"tshark -i mcpserial-ttyMCP0 -a duration:1: exit {c.returncode} "
                             f"({c.stderr.strip()[-300:]})")
    remembered = os.path.join(state, "mcpserialdump", "ports")
    text = open(remembered).read() if os.path.exists(remembered) else ""
    check(text == f"mcpserial-ttyMCP0\t{link}\n", f"the port is remembered: {text!r}")
    # What Wireshark saves after such a capture, and an entry of a port never captured from.
    with open(os.path.join(conf, "preferences"), "w") as f:
        f.write("extcap.mcpserial_ttymcp0.baud: 9600\nextcap.mcpserial_ttymcp7.baud: 9600\n")
    os.chmod(os.path.join(conf, "preferences"), 0o644)
    os.unlink(link)  # unplugged
    d = run("-D")
    check(any("not connected" in l for l in listed(d.stdout)),
          f"unplugged, tshark -D still lists it, not connected: {listed(d.stdout)}")
    check("mcpserial_ttymcp0" not in d.stderr, "no warning for its saved option: "
          + (d.stderr.strip()[-300:] or "stderr empty"))
    check("No such preference" in d.stderr and "mcpserial_ttymcp7" in d.stderr,
          "the port never captured from still warns (the check sees warnings)")
    p = run("-G", "currentprefs")
    check(re.search(r"^extcap\.mcpserial_ttymcp0\.baud: 9600$", p.stdout, re.M) is not None,
          "its baud rate is still known: extcap.mcpserial_ttymcp0.baud: 9600")
    os.symlink(a.path, link)  # plugged in again
    d = run("-D")
    check(len(listed(d.stdout)) == 1 and "not connected" not in listed(d.stdout)[0],
          f"plugged in again, listed once, as a port: {listed(d.stdout)}")
    os.unlink(link)
    f = subprocess.run(as_user + [dump_bin(), "--forget", "mcpserial-ttyMCP0"],
                       capture_output=True, text=True, env=env, timeout=30)
    d = run("-D")
    check(f.returncode == 0 and not listed(d.stdout) and "mcpserial_ttymcp0" in d.stderr,
          f"--forget: not listed any more ({f.stdout.strip()}), and Wireshark warns again")
    a.close()


def poll_frames(stderr_text, arrow):
    """The frames mcppoll -v printed as sent ("->") or received ("<-"), as bytes, in order."""
    out = []
    for line in stderr_text.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[2] == arrow:
            hexes = [w for w in parts if len(w) == 2 and all(c in "0123456789abcdef" for c in w)]
            k = hexes.index("5a")
            out.append(bytes.fromhex("".join(hexes[k:])))
    return out


def case_relay_program():
    """mcpserialdump --relay pty:LINK serial:SIM between mcppoll (the program) and mcpsim
    (the device, on its pty): mcppoll gets every answer, two sessions in a row (the program
    closes and reopens the pty); the capture holds exactly the frames mcppoll sent (direction
    0) and received (direction 1), in order, and mcpsim's own log agrees."""
    sim = subprocess.Popen([tool("replay", "mcpsim", "mcpsim"), "--pty", "-d", "1-2", "-v"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = sim.stdout.readline()
    sim_path = line.split("serial:")[1].strip() if "serial:" in line else None
    if not check(sim_path is not None, f"mcpsim serves a pty ({line.strip()})"):
        sim.kill()
        return
    link = os.path.join(TMP, "ttyRELAY")
    out = os.path.join(TMP, "relay.pcapng")
    relay = subprocess.Popen([dump_bin(), "--relay", "pty:" + link, f"serial:{sim_path}?baud=115200",
                              "-w", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    head = ""
    while "relaying" not in head:
        l = relay.stderr.readline()
        if not l:
            break
        head += l
    announced = [l.split("program side: ")[1].split()[0] for l in head.splitlines() if "program side: " in l]
    check(announced and os.path.realpath(link) == announced[0],
          f"the program side is announced and {link} links to it: {head.strip()}")
    sent, got, answers = [], [], []
    for args in (["-c", "25", "--interval", "20", "heartbeat"], ["-c", "25", "--interval", "20", "read", "1", "0", "4"]):
        p = subprocess.run([tool("replay", "mcppoll", "mcppoll"), "-v", "--json", f"serial:{link}"] + args,
                           capture_output=True, text=True, timeout=60)
        sent += poll_frames(p.stderr, "->")
        got += poll_frames(p.stderr, "<-")
        answers += [l for l in p.stdout.splitlines() if l.startswith("{")]
        check(p.returncode == 0, f"mcppoll {args[-1]} through the relay: exit {p.returncode}")
    check(len(answers) == 50 and all('"result":"answer"' in a for a in answers),
          f"mcppoll: {len(answers)} polls, every one answered")
    relay.send_signal(signal.SIGTERM)
    _, err = relay.communicate(timeout=10)
    sim.terminate()
    _, sim_log = sim.communicate(timeout=10)
    check(relay.returncode == 0 and "stopped by SIGTERM" in err, f"relay: exit {relay.returncode}: {err.strip()}")
    check("swapped" not in err and "not delivered" not in err, "no swapped-ports warning, nothing undelivered")
    check(not os.path.lexists(link), "the link is removed at the end")
    ifaces, recs = read_pcapng(out)
    check(len(ifaces) == 1 and ifaces[0][0] == 252, f"one interface, LINKTYPE 252: {ifaces}")
    check_records_format(recs, "relay_program")
    d0, d1 = line_bytes(recs, 0, 0), line_bytes(recs, 0, 1)
    check(d0 == b"".join(sent) and len(sent) >= 52,
          f"direction 0 (master -> device) is exactly the {len(sent)} frames mcppoll sent, in order")
    check(d1 == b"".join(got) and len(got) == 50,
          f"direction 1 (device -> master) is exactly the {len(got)} frames mcppoll received, in order")
    tx = [(int(w.split("=")[1]), int(c.split("=")[1], 16), int(n.split("=")[1]))
          for w, c, n in (re.search(r"(seq=\d+) (cmd=0x[0-9a-f]+).*?(len=\d+)", l).groups()
                          for l in sim_log.splitlines() if l.startswith("tx "))]
    rx = [(int(w.split("=")[1]), int(c.split("=")[1], 16), int(n.split("=")[1]))
          for w, c, n in (re.search(r"(seq=\d+) (cmd=0x[0-9a-f]+).*?(len=\d+)", l).groups()
                          for l in sim_log.splitlines() if l.startswith("rx "))]
    check(tx == [(f[1], f[4], len(f)) for f in split_frames(d1)],
          f"direction 1 matches mcpsim's {len(tx)} sent frames (seq, cmd, length), in order")
    check(rx == [(f[1], f[4], len(f)) for f in split_frames(d0)],
          f"direction 0 matches mcpsim's {len(rx)} received frames, in order")


def extcap_fifo_run(args):
    """Plays dumpcap: makes the fifo, starts the extcap, opens the fifo for reading (with a
    deadline: an extcap that never opens it fails the test) and reads all of it."""
    fifo = os.path.join(TMP, f"fifo{time.monotonic_ns()}")
    os.mkfifo(fifo)
    p = subprocess.Popen([dump_bin(), "--capture", "--fifo", fifo] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    data, opened, deadline = b"", False, time.monotonic() + 10
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            chunk = os.read(fd, 65536)
            if chunk:
                data += chunk
                opened = True
            elif opened or p.poll() is not None:
                break
    os.close(fd)
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return p.returncode, data, err


def shb_comment(data):
    """The opt_comment of a pcapng Section Header Block at the start of data (pcapng spec)."""
    if len(data) < 28 or struct.unpack("<I", data[:4])[0] != 0x0A0D0D0A:
        return None
    blen = struct.unpack("<I", data[4:8])[0]
    i = 24
    while i + 4 <= blen - 4:
        code, length = struct.unpack("<HH", data[i:i + 4])
        if code == 0:
            break
        if code == 1:
            return data[i + 4:i + 4 + length].decode()
        i += 4 + (length + 3) // 4 * 4
    return None


def case_extcap_errors():
    """The extcap started on a port it cannot open (missing; not a serial port; a bad baud; a
    relay without its device): it opens the fifo first, writes a pcapng header whose comment
    is the reason, exits with the documented code, and says it on stderr."""
    plain = os.path.join(TMP, "plain-file")
    open(plain, "w").close()
    a = Pty()
    for args, code, words in (
            (["--extcap-interface", "/dev/mcp-no-such-port"], EXIT["missing"], "no such port"),
            (["--extcap-interface", plain], EXIT["open"], "not a serial port"),
            (["--extcap-interface", a.path, "--baud", "12345"], EXIT["settings"], "baud 12345"),
            (["--extcap-interface", "mcpserial-relay"], EXIT["usage"], "device's port"),
            (["--extcap-interface", a.path, "--parity", "mark"], EXIT["usage"], "--parity")):
        rc, data, err = extcap_fifo_run(args)
        comment = shb_comment(data)
        check(rc == code and words in err, f"{args[1:]}: exit {rc} (want {code}), stderr: {err.strip()}")
        check(comment is not None and words in comment and comment.strip() in err,
              f"{args[1:]}: the fifo got a pcapng header whose comment is the reason: {comment!r}")
    a.close()


def case_swapped():
    """Ports given swapped (the device's port first): a warning at the end naming them; the
    right order: none. The truth is what the test wrote on each port."""
    for swapped in (True, False):
        req, rsp = Pty(), Pty()
        first, second = (rsp, req) if swapped else (req, rsp)
        dump = Dump("-i", first.path, "-i", second.path)
        check(dump.started, f"started: {dump.start.strip()}")
        sent = {0: b"", 1: b""}
        for k in range(10):
            q, r = frame(k, 0x02, bytes([1, 0, 0, 0, 1])), frame(k, 0x82, bytes([k, 0, 1, 0, 0, 0, 1, 0, k]))
            req.write(q)
            time.sleep(0.003)
            rsp.write(r)
            sent[1 if swapped else 0] += q
            sent[0 if swapped else 1] += r
            time.sleep(0.003)
        want = {(0, 0): len(sent[0]), (0, 1): len(sent[1])}
        wait_bytes(dump.out, want.keys(), want)
        rc, err = dump.stop()
        warned = "look swapped" in err
        if swapped:
            check(rc == 0 and warned and first.path in err and second.path in err,
                  f"swapped ports: a warning naming both: {err.strip()}")
        else:
            check(rc == 0 and not warned, f"right ports: no warning: {err.strip()}")
        req.close()
        rsp.close()


def case_held():
    """Issue 23: a port another process holds is named before capturing, with the relay
    suggested; the process that made the pty (it holds the master side: the line's far
    end, as mcpsim --pty is) is not a second reader and is not named."""
    p = Pty()  # this test holds the master and the slave: the pty's owner
    dump = Dump("-i", p.path)
    rc, err = dump.stop()
    check(dump.started and "also open" not in err, f"the pty's owner is not named: {err.strip()}")
    # A second reader of the same port (what a program pointed at the port is).
    reader = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; f = open(sys.argv[1], 'rb', buffering=0); "
                               "print('open', flush=True); time.sleep(60)", p.path],
                              stdout=subprocess.PIPE, text=True)
    check(reader.stdout.readline().strip() == "open", "the second reader opened the port")
    dump = Dump("-i", p.path)
    rc, err = dump.stop()
    named = f"(pid {reader.pid})" in err and "is also open in" in err
    check(dump.started and named and f"mcpserialdump --relay pty serial:{p.path}" in err,
          f"the second reader is named, the relay suggested: {err.strip()}")
    check(err.index("also open") < err.index("capturing"), "the warning comes before capturing")
    reader.kill()
    reader.wait()
    # The relay's device side held only by the pty's owner (the device): no warning.
    dump = Dump("--relay", "pty", f"serial:{p.path}")
    rc, err = dump.stop()
    check(dump.started and "also open" not in err, f"relay, device side: no warning: {err.strip()}")
    p.close()


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}


def main():
    global ARGS, TMP, SKIP_TSHARK
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--plugin", default="")
    ap.add_argument("--ws-version", default=None, help="X.Y (default: tshark --version's)")
    ap.add_argument("--extcap-subdir", default=".config/wireshark/extcap")
    ap.add_argument("--tshark", default=shutil.which("tshark") or "tshark")
    ARGS = ap.parse_args()
    if not ARGS.plugin or not os.path.exists(ARGS.plugin):
        SKIP_TSHARK = "the mcp5a plugin is not built"
    elif not shutil.which(ARGS.tshark):
        SKIP_TSHARK = "tshark is not installed"
    elif os.environ.get("MCP5A_TSHARK"):
        SKIP_TSHARK = "an instrumented plugin build"
    if ARGS.ws_version is None and not SKIP_TSHARK:
        v = subprocess.run([ARGS.tshark, "--version"], capture_output=True, text=True, timeout=60)
        words = v.stdout.split()
        ver = words[2] if len(words) > 2 and words[:2] == ["TShark", "(Wireshark)"] else "4.0"
        ARGS.ws_version = ".".join(ver.split(".")[:2])
    TMP = tempfile.mkdtemp(prefix="mcpserialdump-")
    os.chmod(TMP, 0o755)
    try:
        CASES[ARGS.case]()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    if FAILS:
        print(f"{len(FAILS)} check(s) failed", flush=True)
        sys.exit(1)
    print("all checks passed", flush=True)


if __name__ == "__main__":
    main()

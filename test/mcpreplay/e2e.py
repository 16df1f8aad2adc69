#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End-to-end tests of mcpreplay: one case per ctest test.

    e2e.py CASE --build BUILD_DIR [--plugin PATH]

Captures come from mcpreplay_mkcap (libpcap), which also writes the master's
frames as hex: what must arrive, byte for byte, in order. Targets are a
loopback sink written here, mcpsim, or a pty opened here. Every process and
socket is bounded in time; loopback only (and a network namespace of our own
for the layer-2 case).
"""
import json
import os
import pty
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import capfile  # noqa: E402
import e2e_common  # noqa: E402
from e2e_common import check, fail  # noqa: E402,F401

ARGS = None
TMP = None


def path(*parts):
    return os.path.join(ARGS.build, *parts)


def mcpreplay():
    return path("replay", "mcpreplay", "mcpreplay")


def mkcap(out, *extra, frames=True):
    cmd = [path("test", "mcpreplay", "mcpreplay_mkcap"), "--out", out]
    if frames:
        cmd += ["--frames-out", out + ".hex"]
    subprocess.run(cmd + list(extra), check=True, timeout=30)
    if frames:
        with open(out + ".hex") as f:
            return [bytes.fromhex(line.strip()) for line in f if line.strip()]
    return None


def run(args, timeout=60, expect_rc=None, what=""):
    p = subprocess.run([mcpreplay()] + args, capture_output=True, text=True, timeout=timeout)
    if expect_rc is not None and p.returncode != expect_rc:
        fail(f"{what}: exit {p.returncode}, expected {expect_rc}\n"
             f"args: {args}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


class Sink:
    """Loopback UDP or TCP receiver that keeps every payload (UDP) or the byte stream (TCP)."""

    def __init__(self, kind, family=socket.AF_INET):
        self.kind = kind
        host = "127.0.0.1" if family == socket.AF_INET else "::1"
        self.sock = socket.socket(family, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"{kind}://{host if family == socket.AF_INET else '[' + host + ']'}:{self.port}"
        self.datagrams = []
        self.stream = bytearray()
        self.stop = False
        if kind == "tcp":
            self.sock.listen(1)
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        # Until close(): then whatever is still queued (the sender has exited by then, so
        # every datagram or byte it sent is in our socket buffers) is read before the
        # thread ends, however late this thread got to run: nothing sent is missed.
        conn = None
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            stopping = self.stop
            socks = [self.sock] + ([conn] if conn else [])
            r, _, _ = select.select(socks, [], [], 0 if stopping else 0.05)
            if not r and stopping:
                break
            for s in r:
                if s is self.sock and self.kind == "tcp":
                    conn, _ = self.sock.accept()
                elif self.kind == "udp":
                    self.datagrams.append(self.sock.recv(65536))
                else:
                    data = s.recv(65536)
                    if not data:
                        conn.close()
                        conn = None
                    self.stream += data

    def close(self):
        """Call once the sender has exited: drains what it sent, then closes."""
        self.stop = True
        self.thread.join(30)
        self.sock.close()

    def frames(self):
        """The frames received, split by their length field (TCP) or one per datagram (UDP)."""
        if self.kind == "udp":
            return list(self.datagrams)
        out, b = [], bytes(self.stream)
        while len(b) >= 6:
            n = 6 + (b[2] << 8 | b[3])
            out.append(b[:n])
            b = b[n:]
        return out


class Sim(e2e_common.Sim):
    """mcpsim on loopback UDP + TCP + a pty (test/libpy/e2e_common.py)."""

    def __init__(self, *extra):
        super().__init__(ARGS.build, TMP, *extra)


def hexlist(frames):
    return [f.hex() for f in frames]


# ---------------------------------------------------------------- cases

def case_links():
    """Every link type and timestamp precision: each master frame arrives byte-identical, in order."""
    for link in ["eth", "vlan", "sll", "sll2", "raw", "null", "ipv6"]:
        for ns in ([], ["--ns"]):
            cap = os.path.join(TMP, f"{link}{len(ns)}.pcap")
            want = mkcap(cap, "--link", link, "--count", "30", "--gap-us", "200", "--responses", *ns)
            sink = Sink("udp")
            p = run(["-q", "-t", sink.url, cap], expect_rc=0, what=f"{link} {ns}")
            sink.close()
            check(hexlist(sink.frames()) == hexlist(want),
                  f"{link}{' ns' if ns else ''}: {len(sink.frames())}/{len(want)} frames byte-identical in order")
    # IPv6 target, and --from device picks the answers instead.
    cap = os.path.join(TMP, "v6.pcap")
    want = mkcap(cap, "--link", "ipv6", "--count", "10", "--gap-us", "100")
    sink = Sink("udp", socket.AF_INET6)
    run(["-q", "-t", sink.url, cap], expect_rc=0, what="ipv6 target")
    sink.close()
    check(hexlist(sink.frames()) == hexlist(want), "IPv6 target udp://[::1]:PORT")
    # Several files in order.
    cap2 = os.path.join(TMP, "second.pcap")
    want2 = mkcap(cap2, "--count", "5", "--gap-us", "100")
    sink = Sink("udp")
    run(["-q", "-t", sink.url, cap, cap2], expect_rc=0, what="two files")
    sink.close()
    check(hexlist(sink.frames()) == hexlist(want + want2), "two files replayed in order")


def case_select():
    cap = os.path.join(TMP, "sel.pcap")
    want = mkcap(cap, "--count", "12", "--gap-us", "100", "--responses")
    sink = Sink("udp")
    run(["-q", "-t", sink.url, "--cmd", "READ,heartbeat", cap], expect_rc=0, what="--cmd")
    sink.close()
    check(hexlist(sink.frames()) == hexlist([f for f in want if f[4] in (1, 2)]),
          "--cmd READ,heartbeat sends exactly the READ and HEARTBEAT frames")
    sink = Sink("udp")
    run(["-q", "-t", sink.url, "--frames", "1-6,11", cap], expect_rc=0, what="--frames")
    sink.close()
    # records 1,3,5 are requests 0,1,2 (each followed by its answer); 11 is request 5
    check(hexlist(sink.frames()) == hexlist([want[0], want[1], want[2], want[5]]),
          "--frames 1-6,11 selects by record number")
    sink = Sink("udp")
    run(["-q", "-t", sink.url, "--from", "device", cap], expect_rc=0, what="--from device")
    sink.close()
    got = sink.frames()
    check(len(got) == 12 and all(f[4] & 0x80 for f in got), "--from device sends the 12 answers")
    sink = Sink("udp")
    run(["-q", "-t", sink.url, "--from", "10.0.0.1:40001", "--limit", "4", cap], expect_rc=0,
        what="--from ADDR:PORT --limit")
    sink.close()
    check(hexlist(sink.frames()) == hexlist(want[:4]), "--from 10.0.0.1:40001 --limit 4")
    # Timing options, judged by the schedule (no timing assertions): the dry run's due times,
    # and --duration's count, which the schedule decides (frames due before 0.1 s: 0, 2 .. 98 ms).
    cap = os.path.join(TMP, "timing.pcap")
    frames = mkcap(cap, "--count", "101", "--gap-us", "2000")  # 200 ms of capture
    bits = 8 * sum(len(f) for f in frames[:100])
    for args, due, what in [(["--speed", "2"], 0.1, "--speed 2 halves the 0.2 s span"),
                            (["--pps", "1000"], 0.1, "--pps 1000: frame 101 due at 0.1 s"),
                            (["--mbps", "0.08"], bits / 80000, "--mbps 0.08: due after the bytes before it")]:
        p = run(["-n"] + args + [cap], expect_rc=0, what=what)
        last = float(p.stdout.splitlines()[-2].split()[0])
        check(abs(last - due) < 1e-6, f"{what} (last due {last:.6f} s, want {due:.6f})")
    # --duration: the frames due before it are sent, none after. It ends the run by the wall
    # clock after a send, so a frame sent late (a loaded machine) must not reach it: the last
    # frame due lies well before it (frames due at 0, 0.25, 0.5 .. s; 0.6 s: three frames,
    # the second may be 350 ms late).
    cap = os.path.join(TMP, "duration.pcap")
    frames = mkcap(cap, "--count", "8", "--gap-us", "250000")
    js = os.path.join(TMP, "timing.json")
    sink = Sink("udp")
    run(["-q", "-t", sink.url, "--json", js, "--duration", "0.6", cap], expect_rc=0, what="--duration")
    sink.close()
    j = json.load(open(js))
    check(j["sent"] == 3 and hexlist(sink.frames()) == hexlist(frames[:3]),
          f"--duration 0.6: the 3 frames due before 0.6 s ({j['sent']})")


def case_tcp():
    """TCP reassembly: split, retransmitted, overlapping, out-of-order segments and a hole."""
    variants = {
        "split": ["--tcp-split"],
        "retransmit": ["--tcp-split", "--tcp-retransmit"],
        "overlap": ["--tcp-split", "--tcp-overlap"],
        "ooo": ["--tcp-split", "--tcp-ooo"],
        "all": ["--tcp-split", "--tcp-retransmit", "--tcp-overlap", "--tcp-ooo"],
        "hole": ["--tcp-split", "--tcp-hole", "10"],
        "ipv6": ["--link", "ipv6"],
    }
    for name, extra in variants.items():
        cap = os.path.join(TMP, f"tcp-{name}.pcap")
        want = mkcap(cap, "--transport", "tcp", "--count", "40", "--gap-us", "100", "--responses", *extra)
        sink = Sink("tcp")
        # A hole loses frames: exit 4 unless --allow-skips (issue 8).
        accept = ["--allow-skips"] if name == "hole" else []
        p = run(["-t", sink.url, *accept, cap], expect_rc=0, what=f"tcp {name}")
        sink.close()
        check(hexlist(sink.frames()) == hexlist(want),
              f"tcp {name}: {len(sink.frames())}/{len(want)} frames byte-identical in order")
        if name == "hole":
            check("lost" in p.stderr and "resynchronising" in p.stderr, "tcp hole reported on stderr")
            check("1 TCP holes" in p.stdout, "tcp hole counted in the summary")
            check("skipped:" in p.stdout and "TCP bytes the capture missed" in p.stdout,
                  "tcp hole listed among the skips")
            d = run(["-n", cap], timeout=20)
            check(d.returncode == 4, f"tcp hole without --allow-skips: exit 4 ({d.returncode})")


def case_sim_udp():
    sim_case("udp")


def case_sim_tcp():
    sim_case("tcp")


def case_sim_pty():
    sim_case("serial")
    # Byte identity on a pty of our own: the master side must read exactly the frames.
    cap = os.path.join(TMP, "pty.pcap")
    want = mkcap(cap, "--transport", "serial", "--count", "40", "--gap-us", "200", "--serial-noise")
    master, slave = pty.openpty()
    tty.setraw(master)
    name = os.ttyname(slave)
    p = subprocess.Popen([mcpreplay(), "-q", "-t", f"serial:{name}?baud=115200", cap],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    got = bytearray()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(got) < sum(map(len, want)):
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            got += os.read(master, 65536)
    out, err = p.communicate(timeout=20)
    os.close(master)
    os.close(slave)
    check(p.returncode == 0 and bytes(got) == b"".join(want),
          f"pty: {len(got)} bytes, the 40 frames byte-identical in order without the line noise ({err.strip()})")


C26 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "field-cases",
                   "c26_serial_dlt_user0.pcap")
C26_MAP = '"User 0 (DLT=147)","mcp5a.serial","0","","0",""'
# The master's frames in c26 (test/field-cases/README.md): READ seq 1 and READ seq 2.
C26_MASTER = bytes.fromhex("5a01000502010010000202" "5a02000502010010000289")


def wireshark_env(user_dlts=None):
    """An environment whose Wireshark configuration folder is ours, with this user_dlts."""
    conf = tempfile.mkdtemp(prefix="wireshark.", dir=TMP)
    if user_dlts is not None:
        with open(os.path.join(conf, "user_dlts"), "w") as f:
            f.write(user_dlts)
    return dict(os.environ, WIRESHARK_CONFIG_DIR=conf, WIRESHARK_DATA_DIR=conf,
                HOME=conf, XDG_CONFIG_HOME=conf), os.path.join(conf, "user_dlts")


def case_dlt_user():
    """c26 (raw UART bytes as LINKTYPE_USER0) replayed to mcpsim's pty, mapped by --dlt-user or
    by the user's Wireshark table; the master's frames byte-identical on a pty of our own;
    the device's frames (§5 split) are the recorded answers for --expect; unmapped: exit 2."""
    env, table = wireshark_env(C26_MAP + "\n")
    for how, args, e in (("--dlt-user", ["--dlt-user", "147=mcp5a.serial"], wireshark_env()[0]),
                         ("Wireshark's user_dlts", [], env)):
        sim = Sim()
        js = os.path.join(TMP, "c26.json")
        p = subprocess.run([mcpreplay(), "-t", sim.urls["serial"], "--json", js] + args + [C26],
                           capture_output=True, text=True, timeout=60, env=e)
        stats = sim.close()
        check(p.returncode == 0, f"c26 via {how}: exit 0 ({p.stderr.strip()[:300]})")
        try:
            with open(js) as f:
                j = json.load(f)
            d = j["dlt_user"]["dlts"][0]
            check(j["sent"] == 2 and j["received"] == 2 and j["capture"]["junk_bytes"] == 1 and
                  d["dlt"] == 147 and d["dissector"] == "mcp5a.serial" and d["mcp"] and
                  d["records"] == 6 and d["junk_bytes"] == 1 and
                  j["dlt_user"]["table"] == ("--dlt-user" if args else table),
                  f"c26 via {how}: 2 READs sent, 2 answers, 1 junk byte, the table named "
                  f"({json.dumps(j.get('dlt_user'))})")
        except (OSError, ValueError, KeyError, IndexError) as err:
            fail(f"c26 via {how}: JSON: {err}")
        seq = (stats or {}).get("sequence", {})
        check(stats is not None and stats.get("frames_in", {}).get("total") == 2 and
              seq.get("in_order") == 1 and stats.get("crc_errors") == 0,
              f"c26 via {how}: mcpsim got READ 1 and READ 2 in order, good CRC "
              f"({json.dumps(stats)[:300]})")
    # Byte identity on our own pty: exactly the master's frames, the junk byte not sent.
    master, slave = pty.openpty()
    tty.setraw(master)
    p = subprocess.Popen([mcpreplay(), "-q", "-t", f"serial:{os.ttyname(slave)}?baud=115200", C26],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    got = bytearray()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(got) < len(C26_MASTER):
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            got += os.read(master, 65536)
    out, err = p.communicate(timeout=20)
    time.sleep(0.1)
    r, _, _ = select.select([master], [], [], 0)
    if r:
        got += os.read(master, 65536)
    os.close(master)
    os.close(slave)
    check(p.returncode == 0 and bytes(got) == C26_MASTER,
          f"c26 on a pty: the two READs byte-identical, nothing else ({bytes(got).hex()}; {err.strip()})")
    # The device's frames are the recorded answers: --expect matches both (mcpsim holds other
    # register values than the capture's 0x1234 0xabcd: --ignore value).
    sim = Sim()
    js = os.path.join(TMP, "c26-expect.json")
    p = subprocess.run([mcpreplay(), "-t", sim.urls["serial"], "--expect", "--ignore", "value",
                        "--json", js, C26], capture_output=True, text=True, timeout=60, env=env)
    sim.close()
    try:
        with open(js) as f:
            j = json.load(f)
        check(p.returncode == 0 and j["expect"]["matched"] == 2 and j["expect"]["missing"] == 0,
              f"c26 --expect: both recorded answers matched ({p.stdout.strip()[-300:]})")
    except (OSError, ValueError, KeyError) as err:
        fail(f"c26 --expect: JSON: {err}")
    # -Y: tshark (with the plugin) gets the --dlt-user mapping as -o uat:user_dlts:RECORD.
    if ARGS.plugin and os.path.exists(ARGS.plugin) and shutil.which("tshark"):
        shared = tempfile.mkdtemp(prefix="c26-Y.", dir=TMP)
        os.chmod(TMP, 0o755)
        os.chmod(shared, 0o755)
        cap = os.path.join(shared, "c26.pcap")
        shutil.copy(C26, cap)
        os.chmod(cap, 0o644)
        runner = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark-unpriv.sh")
        e = dict(wireshark_env()[0], MCPREPLAY_TSHARK=runner, MCP5A_PLUGIN=ARGS.plugin)
        p = subprocess.run([mcpreplay(), "-n", "--dlt-user", "147=mcp5a.serial", "-Y",
                            "mcp5a.cmd == 0x02", cap], capture_output=True, text=True, timeout=120,
                           env=e)
        rows = [l.split() for l in p.stdout.splitlines()[1:-1]]
        check(p.returncode == 0 and [r[2] for r in rows] == ["1", "2"],
              f"c26 -Y with --dlt-user: tshark selects READ 1 and READ 2 ({p.stdout} {p.stderr})")
    else:
        print("(-Y with --dlt-user not checked: no tshark or no plugin)")
    # No mapping anywhere: exit 2, the message names the DLT and the option, nothing sent.
    master, slave = pty.openpty()
    tty.setraw(master)
    p = subprocess.run([mcpreplay(), "-t", f"serial:{os.ttyname(slave)}", C26],
                       capture_output=True, text=True, timeout=30, env=wireshark_env()[0])
    r, _, _ = select.select([master], [], [], 0.2)
    sent = os.read(master, 65536) if r else b""
    os.close(master)
    os.close(slave)
    check(p.returncode == 2 and "DLT 147 (LINKTYPE_USER0)" in p.stderr and
          "--dlt-user 147=mcp5a.serial" in p.stderr and len(p.stderr.strip().splitlines()) == 1
          and not sent,
          f"c26 unmapped: exit 2, one line naming DLT 147 and --dlt-user, nothing sent "
          f"({p.returncode}: {p.stderr.strip()})")


def sim_case(kind):
    """Against mcpsim: frames arrive in order; --expect passes on a recording of mcpsim and
    fails (exit 1, with a diff) when mcpsim drops answers or holds other registers."""
    transport = "udp" if kind == "udp" else ("tcp" if kind == "tcp" else "serial")
    cap = os.path.join(TMP, f"sim-{kind}.pcap")
    want = mkcap(cap, "--transport", transport, "--count", "60", "--gap-us", "300", "--responses",
                 "--tcp-split", "--serial-noise")
    rec = os.path.join(TMP, f"rec-{kind}.pcap")
    sim = Sim("--seed", "5")
    p = run(["-t", sim.urls[kind], "--write", rec, cap], expect_rc=0, what=f"{kind}: record")
    stats = sim.close()
    check("received:  60 frames (0 failing the crc8-smbus check)" in p.stdout,
          f"{kind}: 60 answers came back")
    if stats is None:
        fail(f"{kind}: mcpsim wrote no stats")
    else:
        seq = stats.get("sequence", {})
        check(stats.get("frames_in", {}).get("total") == 60 and seq.get("in_order") == 59 and
              stats.get("crc_errors") == 0 and seq.get("gap") == 0,
              f"{kind}: mcpsim got 60 frames, in order, good CRC ({json.dumps(stats)[:300]})")
    # The recording holds exactly the frames sent, byte for byte, then the answers.
    frames = run(["-n", "--from", "all", rec], expect_rc=0, what=f"{kind}: read recording").stdout
    lines = [l for l in frames.splitlines()[1:-1]]
    check(len(lines) == 120, f"{kind}: recording holds 60 requests and 60 answers ({len(lines)})")
    # Replay the recording against a fresh mcpsim with the same registers: all as recorded.
    sim = Sim("--seed", "5")
    js = os.path.join(TMP, f"expect-{kind}.json")
    p = run(["-t", sim.urls[kind], "--expect", "--json", js, rec], expect_rc=0,
            what=f"{kind}: --expect on the recording")
    sim.close()
    try:
        with open(js) as f:
            j = json.load(f)
        check(j["expect"]["matched"] == 60 and j["expect"]["missing"] == 0 and j["exit_code"] == 0,
              f"{kind}: --expect matched 60/60, JSON written")
    except (OSError, ValueError, KeyError) as e:
        fail(f"{kind}: JSON: {e}")
    # Answers dropped: missing, exit 1.
    sim = Sim("--seed", "5", "--drop-rate", "0.3")
    p = run(["-t", sim.urls[kind], "--expect", "--timeout", "200", rec], expect_rc=1,
            what=f"{kind}: --expect with --drop-rate")
    sim.close()
    check(re.search(r"^missing: READ seq \d+ \(capture record \d+, seq \d+\): no answer", p.stdout, re.M),
          f"{kind}: dropped answers reported as missing")
    # Other registers: mismatches with a readable diff, exit 1.
    sim = Sim("--seed", "6")
    p = run(["-t", sim.urls[kind], "--expect", rec], expect_rc=1, what=f"{kind}: --expect other registers")
    sim.close()
    check("mismatch: READ" in p.stdout and "value[0]: recorded 0x" in p.stdout,
          f"{kind}: changed registers reported as a value diff")
    # --ignore value makes the same run pass.
    sim = Sim("--seed", "6")
    run(["-q", "-t", sim.urls[kind], "--expect", "--ignore", "value", rec], expect_rc=0,
        what=f"{kind}: --ignore value")
    sim.close()


def case_multi_sender():
    """Captures with two masters (UDP) or two connections (TCP): each captured sender gets its
    own socket to mcpsim, so every sender's seqs stay its own - zero NAKs (§3) - and --expect on
    a --write of that run matches every answer per socket (§4)."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    # How the captures were generated: UDP 2 masters x 3 devices = 6 conversations (§3 sender:
    # source address:port -> destination); TCP 2 connections.
    for kind, nsenders in (("udp", 6), ("tcp", 2)):
        cap = os.path.join(root, "captures", f"{kind}-clean.pcap")
        p = run(["-n", cap], expect_rc=0, what=f"{kind}: dry run")
        senders = {l.split()[5] for l in p.stdout.splitlines()[1:-1]}
        check(len(senders) == nsenders, f"{kind}: the capture has {nsenders} master senders ({sorted(senders)})")
        sent = len(p.stdout.splitlines()) - 2
        rec = os.path.join(TMP, f"multi-{kind}.pcap")
        js = os.path.join(TMP, f"multi-{kind}.json")
        for pace in (["--pps", "5000"], ["--topspeed"], ["--topspeed", "--renumber"]):
            sim = Sim("--devices", "1-3", "--seed", "5")
            run(["-q", "-t", sim.urls[kind], "--write", rec, "--json", js] + pace + [cap],
                expect_rc=0, what=f"{kind} {' '.join(pace)}: replay")
            stats = sim.close()
            j = json.load(open(js))
            naks = (stats or {}).get("naks_sent", {}).get("total")
            seq = (stats or {}).get("sequence", {})
            check(stats is not None and naks == 0 and seq.get("gap") == 0 and
                  seq.get("out_of_order") == 0 and seq.get("duplicate") == 0 and not j["naks"] and
                  j["sent"] == sent,
                  f"{kind} {' '.join(pace)}: {sent} frames from {nsenders} senders drew no NAK "
                  f"(mcpsim naks_sent {naks}, sequence {seq}, replay naks {j['naks']})")
        # The recording holds one conversation per socket, as many as the capture's senders.
        p = run(["-n", "--from", "all", rec], expect_rc=0, what=f"{kind}: read recording")
        port = sim.urls[kind].rsplit(":", 1)[1]
        rec_senders = {l.split()[5] for l in p.stdout.splitlines()[1:-1]
                       if l.split()[5].endswith(":" + port)}
        check(len(rec_senders) == nsenders,
              f"{kind}: the recording has {nsenders} conversations ({sorted(rec_senders)})")
        # The plugin reads it as that many clean conversations: no gap, every request answered.
        if ARGS.plugin and os.path.exists(ARGS.plugin):
            os.chmod(rec, 0o644)
            os.chmod(TMP, 0o755)
            env = dict(os.environ, MCP5A_PLUGIN=ARGS.plugin, WIRESHARK_ABORT_ON_DISSECTOR_BUG="1")
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark-unpriv.sh")
            t = subprocess.run([script, "-r", rec, "-2", "-d", f"{kind}.port=={port},mcp5a",
                                "-Y", "mcp5a.cmd.response == 0", "-T", "fields", "-e",
                                "frame.number"], capture_output=True, text=True, timeout=60, env=env)
            n = len(t.stdout.split())
            check(n == sent, f"{kind}: the plugin sees the {sent} requests ({n}; {t.stderr.strip()[:200]})")
            for flt, what in [("mcp5a.analysis.gap", "gap"), ("mcp5a.crc.bad", "bad CRC"),
                              ("mcp5a.analysis.duplicate or mcp5a.analysis.out_of_order",
                               "duplicate/out of order"),
                              ("mcp5a.cmd.response == 0 and !mcp5a.response_in and mcp5a.device != 255",
                               "unanswered request")]:
                t = subprocess.run([script, "-r", rec, "-2", "-d", f"{kind}.port=={port},mcp5a",
                                    "-Y", flt], capture_output=True, text=True, timeout=60, env=env)
                check(t.returncode == 0 and t.stdout.strip() == "",
                      f"{kind}: the plugin finds no {what} in the recording "
                      f"({(t.stdout + t.stderr).strip()[:200]})")
        else:
            print(f"{kind}: plugin not built, recording not checked with tshark")
        # --expect on the recording against a fresh mcpsim with the same registers: all match.
        sim = Sim("--devices", "1-3", "--seed", "5")
        run(["-q", "-t", sim.urls[kind], "--expect", "--json", js, rec], expect_rc=0,
            what=f"{kind}: --expect on the recording")
        stats = sim.close()
        j = json.load(open(js))
        e = j["expect"]
        check(e["requests"] > 0 and e["matched"] == e["requests"] and e["missing"] == 0 and
              j["master"]["unmatched"] == 0 and not j["naks"] and
              (stats or {}).get("naks_sent", {}).get("total") == 0,
              f"{kind}: --expect matched {e['matched']}/{e['requests']} per socket, no NAK")
        # More senders than --max-senders allows: a clear message, exit 2.
        sim = Sim("--devices", "1-3")
        p = run(["-q", "-t", sim.urls[kind], "--max-senders", "1", cap], expect_rc=2,
                what=f"{kind}: --max-senders 1")
        sim.close()
        check("raise --max-senders" in p.stderr and len(p.stderr.strip().splitlines()) == 1,
              f"{kind}: --max-senders 1 refused in one line ({p.stderr.strip()})")


def case_faults():
    """Injected faults draw the NAKs mcpsim should send (§3)."""
    cap = os.path.join(TMP, "faults.pcap")
    mkcap(cap, "--count", "100", "--gap-us", "100")
    sim = Sim("--seed", "5")
    js = os.path.join(TMP, "faults.json")
    run(["-q", "-t", sim.urls["udp"], "--corrupt-crc", "0.1", "--seed", "3", "--json", js, cap],
        expect_rc=0, what="--corrupt-crc")
    sim.close()
    j = json.load(open(js))
    n = j["faults"]["corrupt_crc"]
    check(n > 0 and j["naks"].get("BAD_CRC") == n,
          f"--corrupt-crc: {n} bad frames drew {j['naks'].get('BAD_CRC')} NAK BAD_CRC")
    sim = Sim("--seed", "5")
    run(["-q", "-t", sim.urls["udp"], "--drop", "0.1", "--seed", "4", "--json", js, cap],
        expect_rc=0, what="--drop")
    sim.close()
    j = json.load(open(js))
    n = j["faults"]["drop"]
    check(n > 0 and j["naks"].get("SEQ_GAP") == n,
          f"--drop: {n} dropped frames drew {j['naks'].get('SEQ_GAP')} NAK SEQ_GAP")
    # --expect with drops: the dropped requests are simply not expected; all others match.
    sim = Sim("--seed", "5")
    run(["-q", "-t", sim.urls["tcp"], "--duplicate", "0.2", "--reorder", "0.1", "--seed", "4",
         "--json", js, cap], expect_rc=0, what="--duplicate --reorder")
    sim.close()
    j = json.load(open(js))
    check(j["faults"]["duplicate"] > 0 and j["faults"]["reorder"] > 0 and
          j["sent"] == 100 + j["faults"]["duplicate"], "--duplicate/--reorder: counts and sent frames agree")
    # --loop renumbers: the device sees no duplicates.
    sim = Sim("--seed", "5")
    run(["-q", "-t", sim.urls["udp"], "--loop", "3", "--pps", "20000", "--json", js, cap],
        expect_rc=0, what="--loop 3")
    sim.close()
    j = json.load(open(js))
    check(j["sent"] == 300 and not j["naks"], f"--loop 3: 300 frames, no NAKs ({j['naks']})")


def case_bad_input():
    """Bad inputs: a clear one-line message and the documented exit code, never a hang."""
    sink = Sink("udp")
    for kind in ["empty", "notcap", "short-header", "truncated", "caplen", "zero"]:
        cap = os.path.join(TMP, f"bad-{kind}.pcap")
        mkcap(cap, "--broken", kind, frames=False)
        p = run(["-q", "-t", sink.url, cap], timeout=20)
        msg = p.stderr.strip()
        if kind == "zero":
            check(p.returncode == 0 and "record 4: zero-length record skipped" in msg,
                  f"zero-length record: warned and skipped ({p.returncode}: {msg})")
        else:
            check(p.returncode == 2 and cap in msg and "mcpreplay:" in msg,
                  f"{kind}: exit 2 with the file named ({p.returncode}: {msg})")
        if kind in ("truncated", "caplen"):
            check("record " in msg, f"{kind}: the record number is given")
        if kind == "truncated":  # read from a pipe: named "-", not mcpreplay's private copy
            with open(cap, "rb") as f:
                q = subprocess.run([mcpreplay(), "-q", "-t", sink.url, "-"], stdin=f,
                                   capture_output=True, text=True, timeout=20)
            check(q.returncode == 2 and "-: record " in q.stderr and "mcpreplay-in" not in q.stderr,
                  f"truncated on stdin: named '-' ({q.returncode}: {q.stderr.strip()})")
    sink.close()
    good = os.path.join(TMP, "good.pcap")
    mkcap(good, "--count", "5", "--gap-us", "100")
    # A port where nothing listens.
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = run(["-q", "-t", f"udp://127.0.0.1:{port}", good], timeout=20)
    check(p.returncode == 3 and "refused" in p.stderr, f"refused UDP port: exit 3 ({p.stderr.strip()})")
    p = run(["-q", "-t", f"tcp://127.0.0.1:{port}", good], timeout=20)
    check(p.returncode == 3 and "refused" in p.stderr.lower(),
          f"refused TCP port: exit 3 ({p.stderr.strip()})")
    for args, what in [(["-t", "ftp://x:1", good], "unknown URL scheme"),
                       (["-t", "udp://127.0.0.1:1", "--speed", "0", good], "bad --speed"),
                       (["-t", "udp://127.0.0.1:1", "--pps", "10", "--topspeed", good], "two pacing modes"),
                       (["-t", "udp://127.0.0.1:1", "--cmd", "FROB", good], "unknown --cmd"),
                       (["-t", "udp://127.0.0.1:1", "--ignore", "nonsense", good], "unknown --ignore"),
                       (["-t", "udp://127.0.0.1:1"], "no capture"),
                       (["-t", "udp://127.0.0.1:1", os.path.join(TMP, "absent.pcap")], "missing file")]:
        p = run(args, timeout=20)
        check(p.returncode == 2 and p.stderr.startswith("mcpreplay: ") and
              len(p.stderr.strip().splitlines()) == 1,
              f"{what}: exit 2, one line ({p.stderr.strip()})")
    p = run(["--help"], timeout=20)
    check(p.returncode == 0 and "--expect" in p.stdout and "Exit status" in p.stdout,
          "--help: options and exit codes, exit 0")
    # A target that stops answering (--expect): exit 1, missing; bounded by --timeout.
    rec = os.path.join(TMP, "answered.pcap")
    mkcap(rec, "--count", "5", "--gap-us", "100", "--responses")
    mute = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    mute.bind(("127.0.0.1", 0))
    t0 = time.monotonic()
    p = run(["-t", f"udp://127.0.0.1:{mute.getsockname()[1]}", "--expect", "--timeout", "300", rec], timeout=20)
    mute.close()
    # (an answer later than --timeout is late; one later than twice --timeout is missing)
    check(p.returncode == 1 and len(re.findall(r"^missing: .*: no answer", p.stdout, re.M)) == 5 and
          time.monotonic() - t0 < 5,
          "silent target under --expect: exit 1, 5 missing, within twice the timeout")
    # A TCP target that accepts but stops reading: lost after --stall-timeout (exit 3).
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    big = os.path.join(TMP, "big.pcap")
    mkcap(big, "--count", "10000", "--gap-us", "1", frames=False)
    t0 = time.monotonic()
    p = run(["-q", "--topspeed", "--loop", "400", "--stall-timeout", "500", "-t",
             f"tcp://127.0.0.1:{srv.getsockname()[1]}", big], timeout=60)
    srv.close()
    check(p.returncode == 3 and "stopped accepting data for 500 ms" in p.stderr and time.monotonic() - t0 < 30,
          f"TCP target that stops reading: exit 3 after the stall timeout ({p.returncode}: {p.stderr.strip()})")
    # A TCP reset mid-run: exit 3 (or reconnect with --reconnect).
    for reconnect in (False, True):
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)
        got = bytearray()

        def resetter():
            conn, _ = srv.accept()
            got.extend(conn.recv(20))
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()  # RST
            if reconnect:
                srv.settimeout(5)
                try:
                    c2, _ = srv.accept()
                    deadline = time.monotonic() + 20
                    c2.settimeout(0.5)
                    while time.monotonic() < deadline:
                        try:
                            if not c2.recv(65536):
                                break
                        except socket.timeout:
                            pass
                except OSError:
                    pass
        th = threading.Thread(target=resetter, daemon=True)
        th.start()
        # The reset must come mid-run, however late the resetter thread gets to run on a
        # loaded machine: the capture lasts 10 s (reset: exit 3 at once); with --reconnect,
        # --duration ends the run after 3 s, an ordinary end (exit 0).
        cap = os.path.join(TMP, "long.pcap")
        mkcap(cap, "--transport", "tcp", "--count", "2000", "--gap-us", "5000")
        args = ["-t", f"tcp://127.0.0.1:{srv.getsockname()[1]}", cap]
        if reconnect:
            args[:0] = ["--reconnect", "2", "--duration", "3"]
        p = run(args, timeout=30)
        th.join(10)
        srv.close()
        if reconnect:
            check(p.returncode == 0 and "reconnects: 1" in p.stdout,
                  f"TCP reset with --reconnect 2: reconnected, exit 0 ({p.returncode} {p.stderr.strip()})")
        else:
            check(p.returncode == 3 and "connection lost" in p.stderr,
                  f"TCP reset: exit 3 ({p.stderr.strip()})")


def case_empty():
    """Issue 21 #5: a capture with no record, or with records none of which is MCP, is exit 2
    with its one message and nothing else: no summary of a run that never started, no empty
    schedule header (-n), with or without -K; nothing reaches the target; --json holds the
    error."""
    import struct
    head = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)  # pcap, Ethernet
    empty = os.path.join(TMP, "empty.pcap")
    with open(empty, "wb") as f:
        f.write(head)
    nomcp = os.path.join(TMP, "nomcp.pcap")
    arp = bytes(12) + b"\x08\x06" + bytes(46)  # an Ethernet frame of ARP: not MCP
    with open(nomcp, "wb") as f:
        f.write(head + struct.pack("<IIII", 1, 0, len(arp), len(arp)) + arp)
    for cap in (empty, nomcp):
        name = os.path.basename(cap)
        for extra in ([], ["-K"], ["-n"], ["-n", "-K"], ["--progress", "0.01"]):
            sink = Sink("udp")
            args = extra + ([] if "-n" in extra else ["-t", sink.url]) + [cap]
            p = run(args, timeout=20)
            sink.close()
            what = f"{name} {' '.join(extra) or '(default)'}"
            check(p.returncode == 2, f"{what}: exit 2 ({p.returncode})")
            check(p.stderr == f"mcpreplay: no MCP frames in {cap}\n" and p.stdout == "",
                  f"{what}: the message alone\nstdout:\n{p.stdout}stderr:\n{p.stderr}")
            check(not sink.frames(), f"{what}: nothing sent ({len(sink.frames())})")
        js = os.path.join(TMP, name + ".json")
        sink = Sink("udp")
        p = run(["-t", sink.url, "--json", js, cap], timeout=20)
        sink.close()
        with open(js) as f:
            j = json.load(f)
        check(p.returncode == 2 and p.stdout == "" and j.get("exit_code") == 2 and j["sent"] == 0 and
              j.get("error") == f"no MCP frames in {cap}",
              f"{name} --json: exit 2, the error in the file ({p.returncode}, {j.get('error')})")
    # -n --json FILE: the listing's counts, not an empty file (a tester's finding); -n with
    # --expect, or with --json - (stdout is the listing), is refused before anything is made
    good = os.path.join(TMP, "listed.pcap")
    mkcap(good, "--count", "7", "--gap-us", "100")
    js = os.path.join(TMP, "listed.json")
    p = run(["-n", "--json", js, good], timeout=20)
    with open(js) as f:
        j = json.load(f)
    check(p.returncode == 0 and j["exit_code"] == 0 and j["sent"] == 7 and j["target"] == "(dry run)",
          f"-n --json: the listing's counts ({p.returncode}, sent {j.get('sent')})")
    xml = os.path.join(TMP, "never.xml")
    for args, what in ((["-n", "-e", "--junit", xml, good], "-n --expect"),
                       (["-n", "--json", "-", good], "-n --json -")):
        p = run(args, timeout=20)
        check(p.returncode == 2 and p.stdout == "" and not os.path.exists(xml),
              f"{what}: refused, exit 2, nothing written ({p.returncode}: {p.stderr.strip()})")
    # Not a capture at all, or no such file: --json is not left empty, it says why.
    garbage = os.path.join(TMP, "garbage.bin")
    with open(garbage, "wb") as f:
        f.write(bytes(range(256)) * 4)
    for cap, why in ((garbage, "not a readable capture"),
                     (os.path.join(TMP, "absent.pcap"), "No such file or directory")):
        js = os.path.join(TMP, os.path.basename(cap) + ".json")
        p = run(["-n", "--json", js, cap], timeout=20)
        with open(js) as f:
            j = json.load(f)
        check(p.returncode == 2 and j.get("exit_code") == 2 and cap in j.get("error", "") and
              why in j.get("error", "") and j["sent"] == 0,
              f"{os.path.basename(cap)} --json: exit 2 and the reason in the file "
              f"({p.returncode}, {j.get('error')})")


def case_mcpgen():
    """Captures from mcpgen (an independent generator with its own answer key): the frames
    mcpreplay extracts - record, seq, cmd, sender, in order - are exactly the truth file's."""
    gen = path("replay", "mcpgen", "mcpgen")
    if not os.access(gen, os.X_OK):
        print("SKIP: mcpgen is not built")
        return
    variants = [
        ("udp", []), ("udp", ["-6", "--format", "pcapng", "--nano"]), ("udp", ["--link", "vlan"]),
        ("udp", ["--link", "sll", "--masters", "3", "--broadcast", "0.1"]),
        ("udp", ["--crc", "crc8-maxim", "--length-le", "--bad-crc", "0.05"]),
        ("tcp", []), ("tcp", ["--masters", "2", "--split", "0.8", "--duplicate", "0.05",
                              "--reorder", "0.05", "--gap", "0.05", "--bad-crc", "0.05"]),
        ("tcp", ["-6", "--format", "pcapng"]),
        ("serial", []), ("serial", ["--noise", "0.3", "--split", "0.8", "--bad-crc", "0.05"]),
    ]
    for i, (transport, extra) in enumerate(variants):
        cap = os.path.join(TMP, f"gen{i}.pcap")
        truth = cap + ".truth"
        subprocess.run([gen, "-t", transport, "-o", cap, "--truth", truth, "-s", str(i + 1),
                        "-n", "300"] + extra, check=True, timeout=60, capture_output=True)
        want = []
        with open(truth) as f:
            head = json.loads(f.readline())
            for line in f:
                o = json.loads(line)
                if o["type"] == "pdu":
                    want.append((o["frame"], o["seq"], o["cmd"], o["sender"]))
        args = ["-n", "--from", "all", "--crc", head["crc"]] + (["--length-le"] if head["length_le"] else [])
        p = run(args + [cap], expect_rc=0, what=f"mcpgen {transport} {extra}")
        got = []
        for line in p.stdout.splitlines()[1:-1]:
            c = line.split()
            got.append((int(c[1]), int(c[2]), int(c[4], 16), c[5]))
        same = got == want
        detail = ""
        if not same:
            diff = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]), None)
            detail = f" first difference at #{diff}: got {got[diff] if diff is not None else None} " \
                     f"want {want[diff] if diff is not None else None}"
        check(same, f"mcpgen {transport} {' '.join(extra)}: {len(got)}/{len(want)} frames as in the truth file{detail}")
        # By default only the master's: sent to port 23130 (UDP/TCP client) or serial direction 0.
        p = run(["-n"] + args[3:] + [cap], expect_rc=0, what=f"mcpgen {transport} master")
        masters = [(int(c[1]), int(c[2])) for c in (l.split() for l in p.stdout.splitlines()[1:-1])]
        want_m = [(w[0], w[1]) for w in want if w[3].endswith(":23130") or w[3] == "serial:0"]
        check(masters == want_m, f"mcpgen {transport}: the {len(want_m)} master frames by default ({len(masters)})")


def recorded(dump, out, send, tag, timeout=30):
    """Markers instead of sleeps around tcpdump (dump, writing out packet-buffered: -U):
    sends a marker payload (send(payload), on the path the test's packets take) until
    tcpdump has written it to out. Then tcpdump records, and has written what was sent
    on that path before. Returns the payload (it names tag and this process), None when
    tcpdump ended or wrote no marker within timeout s."""
    payload = f"e2e marker {tag} {os.getpid()}".encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and dump.poll() is None:
        send(payload)
        try:
            with open(out, "rb") as f:
                if payload in f.read():
                    return payload
        except OSError:
            pass
        time.sleep(0.05)
    return None


# Sends each line of stdin (hex) as the UDP payload of a VLAN-tagged (id 100) IPv4
# broadcast frame out of interface argv[1], by a packet socket: run in a namespace.
VLAN_SENDER = r"""
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
def csum(b):
    t = sum(struct.unpack("!10H", b))
    t = (t & 0xFFFF) + (t >> 16)
    return ~((t & 0xFFFF) + (t >> 16)) & 0xFFFF
for line in sys.stdin:
    data = bytes.fromhex(line.strip())
    udp = struct.pack("!HHHH", 9, 9, 8 + len(data), 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([192, 0, 2, 255]))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.send(b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!HHH", 0x8100, 100, 0x0800)
           + ip + udp)
"""


def case_live_loop():
    """Replay against mcpsim while tcpdump records loopback; the plugin finds no gap, no bad
    CRC and every request answered."""
    plugin = ARGS.plugin
    if not plugin or not os.path.exists(plugin):
        print("SKIP: the mcp5a plugin is not built")
        return
    if shutil.which("tcpdump") is None or os.geteuid() != 0:
        print("SKIP: recording loopback needs tcpdump and root")
        return
    cap = os.path.join(TMP, "live-src.pcap")
    mkcap(cap, "--count", "200", "--gap-us", "500")
    sim = Sim("--seed", "5")
    port = sim.urls["udp"].rsplit(":", 1)[1]
    out = os.path.join(TMP, "live.pcap")
    # Markers to a port of our own (not MCP) tell when tcpdump really records and when it
    # has written everything sent before: no sleeps to guess it on a loaded machine.
    marker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    marker.bind(("127.0.0.1", 0))
    mport = marker.getsockname()[1]
    send = lambda payload: marker.sendto(payload, ("127.0.0.1", mport))  # noqa: E731
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", out, "--immediate-mode", "-B", "16384",
                             f"udp port {port} or udp port {mport}"], stderr=subprocess.DEVNULL)
    check(recorded(dump, out, send, "live_loop start"), "live loop: tcpdump records loopback")
    run(["-q", "-t", sim.urls["udp"], "--renumber", cap], expect_rc=0, what="live loop")
    sim.close()
    check(recorded(dump, out, send, "live_loop end"),
          "live loop: tcpdump wrote every packet sent before the end marker")
    dump.terminate()
    dump.wait(10)
    marker.close()
    os.chmod(out, 0o644)
    os.chmod(TMP, 0o755)
    env = dict(os.environ, MCP5A_PLUGIN=plugin, WIRESHARK_ABORT_ON_DISSECTOR_BUG="1")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark-unpriv.sh")

    def tshark(*a):
        return subprocess.run([script, "-r", out, "-2", "-d", f"udp.port=={port},mcp5a"] + list(a),
                              capture_output=True, text=True, timeout=60, env=env)
    total = tshark("-Y", "mcp5a", "-T", "fields", "-e", "frame.number")
    n = len(total.stdout.split())
    check(n == 400, f"live loop: the plugin sees 400 MCP frames ({n}; {total.stderr.strip()[:200]})")
    for flt, what in [("mcp5a.analysis.gap", "gap"), ("mcp5a.crc.bad", "bad CRC"),
                      ("mcp5a.analysis.duplicate or mcp5a.analysis.out_of_order", "duplicate/out of order"),
                      ("mcp5a.cmd.response == 0 and !mcp5a.response_in and mcp5a.device != 255",
                       "unanswered request")]:
        p = tshark("-Y", flt)
        check(p.returncode == 0 and p.stdout.strip() == "", f"live loop: no {what} ({p.stdout.strip()[:200]})")


def case_l2():
    """iface: mode injects whole captured packets on a veth pair inside our own network
    namespaces; tcpdump on the other end records exactly those packets."""
    if os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("tcpdump") is None:
        print("SKIP: needs root, ip and tcpdump")
        return
    ns_a, ns_b = f"mra{os.getpid()}", f"mrb{os.getpid()}"
    try:
        subprocess.run(["ip", "netns", "add", ns_a], check=True, capture_output=True, timeout=10)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        print(f"SKIP: network namespaces unavailable ({e})")
        return
    try:
        sh = lambda *c: subprocess.run(list(c), check=True, capture_output=True, timeout=10)
        sh("ip", "netns", "add", ns_b)
        sh("ip", "link", "add", "mrv0", "netns", ns_a, "type", "veth", "peer", "name", "mrv1",
           "netns", ns_b)
        sh("ip", "-n", ns_a, "link", "set", "mrv0", "up")
        sh("ip", "-n", ns_b, "link", "set", "mrv1", "up")
        cap = os.path.join(TMP, "l2.pcap")
        mkcap(cap, "--count", "50", "--gap-us", "200", "--responses", "--link", "vlan")
        out = os.path.join(TMP, "l2-out.pcap")
        dump = subprocess.Popen(["ip", "netns", "exec", ns_b, "tcpdump", "-i", "mrv1", "-U", "-w", out,
                                 "--immediate-mode", "-B", "16384", "-Q", "in", "vlan and udp"],
                                stderr=subprocess.DEVNULL)
        # Markers (VLAN-tagged UDP, sent on mrv0 as the replayed packets are) tell when
        # tcpdump records and when it has written what was sent before: no sleeps.
        sender = subprocess.Popen(["ip", "netns", "exec", ns_a, sys.executable, "-c", VLAN_SENDER,
                                   "mrv0"], stdin=subprocess.PIPE, text=True)

        def send(payload):
            sender.stdin.write(payload.hex() + "\n")
            sender.stdin.flush()
        try:
            start = recorded(dump, out, send, "l2 start")
            check(start is not None, "iface: tcpdump records on the peer")
            p = subprocess.run(["ip", "netns", "exec", ns_a, mcpreplay(), "-q", "-t", "iface:mrv0", cap],
                               capture_output=True, text=True, timeout=30)
            check(p.returncode == 0, f"iface: replay exit 0 ({p.stderr.strip()})")
            end = recorded(dump, out, send, "l2 end")
            check(end is not None, "iface: tcpdump wrote every packet sent before the end marker")
        finally:
            sender.stdin.close()
            sender.wait(10)
        dump.terminate()
        dump.wait(10)
        # Compare the packets' bytes, record by record, the markers left out.
        # (tcpdump's default buffer dropped a few packets in immediate mode here: -B 16384.)
        a = [r.data for r in capfile.read(cap)[1]]
        b = [r.data for r in capfile.read(out)[1] if b"e2e marker" not in r.data]
        check(a == b and len(a) > 0,
              f"iface: the {len(a)} packets arrive on the peer byte-identical and in order "
              f"({len(b)} arrived)")
        # Without CAP_NET_RAW: a clear message.
        os.chmod(TMP, 0o755)
        os.chmod(cap, 0o644)
        if shutil.which("setpriv"):
            p = subprocess.run(["ip", "netns", "exec", ns_a, "setpriv", "--reuid=65534", "--regid=65534",
                                "--clear-groups", "--inh-caps=-all", mcpreplay(), "-q", "-t", "iface:mrv0", cap],
                               capture_output=True, text=True, timeout=30)
            check(p.returncode == 3 and "CAP_NET_RAW" in p.stderr,
                  f"iface without CAP_NET_RAW: exit 3, says so ({p.stderr.strip()})")
        # A capture whose link type the interface cannot carry is refused, not sent.
        sll = os.path.join(TMP, "sll.pcap")
        mkcap(sll, "--count", "3", "--link", "sll")
        p = subprocess.run(["ip", "netns", "exec", ns_a, mcpreplay(), "-q", "-t", "iface:mrv0", sll],
                           capture_output=True, text=True, timeout=30)
        check(p.returncode == 2 and "cannot be injected" in p.stderr,
              f"iface: a Linux-cooked capture is refused ({p.stderr.strip()})")
    finally:
        for ns in (ns_a, ns_b):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)


if __name__ == "__main__":
    e2e_common.main(globals(), "mcpreplay-test-")

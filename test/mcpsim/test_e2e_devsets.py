#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end: mcpsim's per-listener device sets (--listen URL?devices=LIST).

    test_e2e_devsets.py MCPSIM map|plain|badopts|big

map: listeners A (udp, devices=5-9), B (tcp, devices=7,250), S (a serial line
on a pty pair this test owns, devices=7) and C, D (udp and tcp without
devices=, sharing --devices 1-2) with a register map: the device and item
counts of the start line; device 7 of A, B and S are different devices (a
WRITE on A freezes A's ramp, B's and S's move on; a broadcast WRITE on B acts
on B's devices only); ids outside a listener's set get UNKNOWN_DEVICE, as
unknown ids always have; `*` items apply to a listener's ids, an explicit
item to each set holding its id; `random` is the same for the same --seed and
the same requests to a device whatever else is asked, and differs between
listeners. plain: the same without a map (65,536-register devices, --seed,
--registers). badopts: bad devices= values exit 2 with one stderr line naming
--listen and devices=, before anything listens. big: 4 listeners x 250 ids
with a map of 100 items per device start (the "ready in" line) and answer a
READ of each listener's first and last id with that device's own const.

Expected values come from Python's struct and math and the map written here.
"""
import math
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_e2e_map as tm  # noqa: E402  (frames, CRC, Conn, §2 encoding)

OK, ILLEGAL_ADDRESS, UNKNOWN_DEVICE = 0, 1, 5

MAP = """device,addr,name,type,order,access,sim
*,100,ramp,f32,ABCD,rw,ramp 0 100 10
*,102,rnd,u16,,r,random 0 65535
*,103,ramp_le,f32,DCBA,rw,ramp 0 100 10
7,200,only7,u16,,rw,const 77
"""


class Sim:
    """mcpsim with the given --listen URLs (and options); urls: the listening lines'
    URLs in order, own: their devices=... (None for the shared set)."""

    def __init__(self, binary, listens, extra=(), map_lines=True):
        args = [binary]
        for u in listens:
            args += ["--listen", u]
        self.t_spawn = time.monotonic()
        self.p = subprocess.Popen(args + list(extra), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.start_ns = None
        if map_lines:
            err = self.p.stderr.readline().decode()
            m = re.match(r"mcpsim: map \S+: (\d+) devices, (\d+) items; t=0 at CLOCK_MONOTONIC "
                         r"(\d+)\.(\d{9}) s", err)
            assert m, f"no start line on stderr: {err!r}"
            self.devices, self.items = int(m.group(1)), int(m.group(2))
            self.start_ns = int(m.group(3)) * 10**9 + int(m.group(4))
        self.urls, self.own = [], []
        for _ in listens:
            line = self.p.stdout.readline().decode().split()
            assert line and line[0] == "listening", f"unexpected stdout {line!r}"
            self.urls.append(line[1])
            self.own.append(line[2] if len(line) > 2 else None)
        if map_lines:
            err = self.p.stderr.readline().decode()
            m = re.match(r"mcpsim: map \S+: ready in ([0-9.]+) ms \(map read in ([0-9.]+) ms; "
                         r"(\d+) devices share (\d+) item indexes\)$", err.strip())
            assert m, f"no ready line on stderr: {err!r}"
            self.ready_ms, self.indexes = float(m.group(1)), int(m.group(4))
            assert int(m.group(3)) == self.devices

    def t(self):
        return (tm.mono() - self.start_ns) / 1e9

    def conn(self, i):
        url = self.urls[i]
        kind = url.split(":")[0]
        if kind == "serial":
            raise AssertionError("serial: use pty_conn")
        return tm.Conn(type("S", (), {"urls": {kind: url}})(), kind)

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(10)
        assert rc == 0, f"mcpsim exit {rc}: {self.p.stderr.read().decode()}"


def pty_pair():
    """A pty pair: mcpsim opens the slave's path as its serial line, the test talks
    through the master."""
    master, slave = pty.openpty()
    tty.setraw(master)
    return master, slave, os.ttyname(slave)


def pty_conn(master):
    c = tm.Conn.__new__(tm.Conn)
    c.kind, c.fd, c.buf, c.seq = "pty", master, b"", 0
    return c


def f32(v):
    return tm.encode("f32", "ABCD", v)


def u16(v):
    return struct.pack(">H", v)


def ramp(t):
    return 100 * (math.fmod(t, 10) / 10)


def read_ramp(sim, c, dev):
    t0, t1, regs = c.timed_read(sim, dev, 100, 2)
    v = tm.decode("f32", "ABCD", regs)
    lo, hi = tm.span(ramp, t0, t1)
    tm.check_in(f"ramp of device {dev}", v, lo, hi, 1e-4)
    return v


def broadcast_write(c, addr, regs):
    seq = c.seq
    c.seq = (c.seq + 1) & 0xFF
    c.send(tm.frame(seq, tm.WRITE, struct.pack(">BHH", 255, addr, len(regs) // 2) + regs))


def draws(c, dev, n):
    out = []
    for _ in range(n):
        st, regs = c.read(dev, 102, 1)
        assert st == OK, f"rnd of device {dev}: status {st}"
        out.append(struct.unpack(">H", regs)[0])
    return out


def write_map(tmp):
    path = os.path.join(tmp, "sets.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(MAP)
    return path


def map_listens(slave_path):
    # (mcpsim opens, and lists, the serial line after the network listeners)
    return ["udp://127.0.0.1:0?devices=5-9", "tcp://127.0.0.1:0?devices=7,250",
            "udp://127.0.0.1:0", "tcp://127.0.0.1:0",
            f"serial:{slave_path}?baud=115200&devices=7"]


def case_map(binary):
    tmp = tempfile.mkdtemp()
    mapfile = write_map(tmp)
    master, slave, slave_path = pty_pair()
    sim = Sim(binary, map_listens(slave_path),
              ["--map", mapfile, "--devices", "1-2", "--seed", "7"])
    # shared set: 1, 2 (3 * items) and 7 (named: only7, no * items) = 3 devices, 7 items;
    # A: 5..9 (3 each, 7 also only7) = 5, 16; B: 7 (4), 250 (3) = 2, 7; S: 7 = 1, 4
    assert (sim.devices, sim.items) == (11, 34), (sim.devices, sim.items)
    # item sets: the * ones (ids 1, 2, 5, 6, 8, 9, 250), {only7}, * and only7
    assert sim.indexes == 3, sim.indexes
    assert sim.own == ["devices=5-9", "devices=7,250", None, None, "devices=7"], sim.own
    assert sim.urls[4] == f"serial:{slave_path}", sim.urls
    print(f"ok - map: 11 devices, 34 items, 3 item indexes, listening lines {sim.own}")
    a, b, c, d = sim.conn(0), sim.conn(1), sim.conn(2), sim.conn(3)
    s = pty_conn(master)

    # the explicit item on every set holding 7; * items where 7 is a listener's own id
    for name, conn in (("A", a), ("B", b), ("S", s), ("C", c)):
        assert conn.read(7, 200, 1) == (OK, u16(77)), name
    read_ramp(sim, a, 7)
    read_ramp(sim, b, 7)
    read_ramp(sim, s, 7)
    assert c.read(7, 100, 2)[0] == ILLEGAL_ADDRESS  # shared set: 7 is not in --devices
    read_ramp(sim, c, 1)
    read_ramp(sim, b, 250)
    print("ok - map: items per set (explicit on each set holding the id, * on its ids)")

    # one READ, one t: the two ramps (one behaviour, two byte orders) are the same value
    for conn, dev in ((a, 5), (b, 7), (c, 2), (s, 7)):
        t0, t1, regs = conn.timed_read(sim, dev, 100, 5)
        v, w = tm.decode("f32", "ABCD", regs[:4]), tm.decode("f32", "DCBA", regs[6:])
        lo, hi = tm.span(ramp, t0, t1)
        tm.check_in(f"ramp of device {dev}", v, lo, hi, 1e-4)
        assert v == w, f"device {dev}: ramp {v} (ABCD) and {w} (DCBA) in one READ"
        assert regs[:4] != regs[6:] or v == 0, "ABCD and DCBA gave the same bytes"
    print("ok - map: one behaviour in two byte orders, read together, the same value")

    # ids outside a set: UNKNOWN_DEVICE, as any unknown id
    for conn, dev in ((a, 1), (a, 250), (b, 5), (b, 1), (s, 5), (c, 5), (d, 250), (c, 9)):
        assert conn.read(dev, 100, 2)[0] == UNKNOWN_DEVICE, (conn.kind, dev)
    print("ok - map: ids outside a listener's set get UNKNOWN_DEVICE")

    # a WRITE on A freezes A's device 7 only
    assert a.write(7, 100, f32(12.5)) == OK
    assert a.write(7, 200, u16(5)) == OK
    b_first, s_first = read_ramp(sim, b, 7), read_ramp(sim, s, 7)
    time.sleep(0.3)
    for _ in range(3):
        assert a.read(7, 100, 2) == (OK, f32(12.5))
        assert a.read(7, 200, 1) == (OK, u16(5))
    assert read_ramp(sim, b, 7) != b_first, "B's device 7 stopped with A's"
    assert read_ramp(sim, s, 7) != s_first, "S's device 7 stopped with A's"
    assert b.read(7, 200, 1) == (OK, u16(77)) and s.read(7, 200, 1) == (OK, u16(77))
    assert c.read(7, 200, 1) == (OK, u16(77))
    read_ramp(sim, a, 8)  # A's other devices move on
    print("ok - map: a WRITE on A freezes A's device 7; B's, S's and the shared one move on")

    # listeners without devices= share their devices
    assert c.write(2, 100, f32(-3.0)) == OK
    assert d.read(2, 100, 2) == (OK, f32(-3.0))
    print("ok - map: C and D (no devices=) share the --devices set")

    # a broadcast WRITE acts on the devices of its listener only
    broadcast_write(b, 200, u16(9))
    assert b.read(7, 200, 1) == (OK, u16(9))
    assert a.read(7, 200, 1) == (OK, u16(5)) and s.read(7, 200, 1) == (OK, u16(77))
    assert c.read(7, 200, 1) == (OK, u16(77))
    print("ok - map: a broadcast WRITE on B reaches B's devices only")
    for conn in (a, b, c, d):
        conn.close()
    sim.stop()  # before the pty's master closes: that is a hangup (exit 3)
    s.close()
    os.close(slave)
    case_random(binary, mapfile)


def case_random(binary, mapfile):
    """random: per device, from --seed, the listener and the id."""

    def run(seed, noise):
        master, slave, slave_path = pty_pair()
        sim = Sim(binary, map_listens(slave_path),
                  ["--map", mapfile, "--devices", "1-2", "--seed", str(seed)])
        a, b, c = sim.conn(0), sim.conn(1), sim.conn(2)
        out = {}
        if noise:  # other devices' draws must not move device 7's
            draws(a, 8, 5)
            draws(b, 250, 3)
            draws(c, 2, 4)
        out["A7"] = draws(a, 7, 12)
        if noise:
            draws(a, 9, 2)
        out["B7"] = draws(b, 7, 12)
        out["A8"] = draws(a, 8, 12) if not noise else None
        out["C1"] = draws(c, 1, 12)
        for conn in (a, b, c):
            conn.close()
        sim.stop()
        os.close(master)
        os.close(slave)
        return out

    x, y, z = run(7, False), run(7, True), run(8, False)
    for k in ("A7", "B7", "C1"):
        assert x[k] == y[k], f"{k}: the same --seed gave {x[k]} and {y[k]}"
        assert x[k] != z[k], f"{k}: another --seed gave the same draws"
        assert len(set(x[k])) > 6, f"{k} hardly changes: {x[k]}"
    assert x["A7"] != x["B7"], "device 7 of A and of B draw the same"
    assert x["A7"] != x["A8"], "devices 7 and 8 of A draw the same"
    print("ok - map: random per device: the same --seed, the same draws whatever else is"
          " asked; another seed, listener or id, other draws")


def case_plain(binary):
    """Without a map: 65,536-register devices per set."""
    tmp = tempfile.mkdtemp()
    regs = os.path.join(tmp, "regs.txt")
    with open(regs, "w", encoding="utf-8") as f:
        f.write("7 0x10 0xBEEF 0x0102\n1 0x10 0x1111\n")
    listens = ["udp://127.0.0.1:0?devices=7", "tcp://127.0.0.1:0?devices=3-7",
               "udp://127.0.0.1:0", "tcp://127.0.0.1:0"]
    sim = Sim(binary, listens, ["--devices", "1,7", "--seed", "5", "--registers", regs],
              map_lines=False)
    a, b, c, d = (sim.conn(i) for i in range(4))
    assert sim.own == ["devices=7", "devices=3-7", None, None], sim.own
    # --registers reaches device 7 of every set; device 1 only the shared one
    for conn in (a, b, c):
        assert conn.read(7, 0x10, 2) == (OK, b"\xbe\xef\x01\x02"), conn.kind
    assert c.read(1, 0x10, 1) == (OK, b"\x11\x11")
    # --seed fills each set differently (set 0: the seed as before; others mixed)
    va, vb, vc = a.read(7, 0x100, 8), b.read(7, 0x100, 8), c.read(7, 0x100, 8)
    assert va[0] == vb[0] == vc[0] == OK
    assert len({va[1], vb[1], vc[1]}) == 3, "listeners' device 7 hold the same seeded registers"
    # the shared set is filled as before per-listener sets: splitmix64 from the seed, ids in
    # order (1, then 7), four registers per draw
    state = 5

    def splitmix():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & (2**64 - 1)
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
        return z ^ (z >> 31)

    for _ in range(65536 // 4):  # device 1
        splitmix()
    want = []
    for i in range(0, 0x108, 4):
        r = splitmix()
        want += [(r >> (16 * k)) & 0xFFFF for k in range(4)]
    assert vc[1] == struct.pack(">8H", *want[0x100:0x108]), (vc[1].hex(), want[0x100:0x108])
    # a WRITE on A leaves B's and the shared device 7 alone
    assert a.write(7, 0x20, u16(0x4242)) == OK
    assert a.read(7, 0x20, 1) == (OK, u16(0x4242))
    assert b.read(7, 0x20, 1) != (OK, u16(0x4242))
    assert c.read(7, 0x20, 1) != (OK, u16(0x4242))
    # C and D share
    assert c.write(7, 0x20, u16(0x1234)) == OK and d.read(7, 0x20, 1) == (OK, u16(0x1234))
    assert a.read(7, 0x20, 1) == (OK, u16(0x4242))
    # unknown ids
    assert a.read(1, 0, 1)[0] == UNKNOWN_DEVICE and b.read(1, 0, 1)[0] == UNKNOWN_DEVICE
    assert c.read(3, 0, 1)[0] == UNKNOWN_DEVICE
    assert b.read(3, 0, 1)[0] == OK
    for conn in (a, b, c, d):
        conn.close()
    sim.stop()
    # a --registers line for an id no set has is refused, naming the line
    r = subprocess.run([binary, "--listen", "udp://127.0.0.1:0?devices=7", "--registers", regs],
                       capture_output=True, timeout=10)
    assert r.returncode == 2 and f"{regs}:2: device is not simulated" in r.stderr.decode(), r
    print("ok - plain: own register stores per listener, --seed and --registers per set,"
          " unknown ids")
    case_events(binary)


def case_events(binary):
    """--events: a device of the client's listener reports."""
    sim = Sim(binary, ["udp://127.0.0.1:0?devices=7,9", "tcp://127.0.0.1:0"],
              ["--devices", "1", "--events", "200"], map_lines=False)
    seen = {}
    for i in range(2):
        c = sim.conn(i)
        c.send(tm.frame(0, 0x01, b""))  # a HEARTBEAT: now a client seen
        ids = set()
        end = time.monotonic() + 0.5
        while time.monotonic() < end and len(ids) < 3:
            cmd, p = c.recv_frame()
            if cmd == 0x04:  # EVENT: device, code, timestamp
                ids.add(p[0])
        seen[i] = ids
        c.close()
    sim.stop()
    assert seen[0] == {7, 9}, seen
    assert seen[1] == {1}, seen
    print(f"ok - plain: EVENTs name the devices of the client's listener {seen}")


def case_badopts(binary):
    bad = ["udp://127.0.0.1:0?devices=255", "udp://127.0.0.1:0?devices=300",
           "udp://127.0.0.1:0?devices=a-b", "udp://127.0.0.1:0?devices=",
           "tcp://127.0.0.1:0?devices=4-2", "tcp://127.0.0.1:0?devices=1,,2",
           "tcp://127.0.0.1:0?devices=-1", "udp://127.0.0.1:0?devices",
           "udp://127.0.0.1:0?devices=1&devices=2", "serial:/dev/null?baud=9600&devices=255",
           "serial:/dev/null?devices=x"]
    for url in bad:
        # a good listener first: nothing may listen before the bad one is refused
        r = subprocess.run([binary, "--listen", "udp://127.0.0.1:0", "--listen", url],
                           capture_output=True, timeout=10)
        err = r.stderr.decode()
        assert r.returncode == 2, f"{url}: exit {r.returncode} ({err})"
        assert err.count("\n") == 1 and err.startswith("mcpsim: --listen: ") and \
            "devices" in err, f"{url}: {err!r}"
        assert r.stdout == b"", f"{url}: stdout {r.stdout!r}"
        print(f"ok - bad {url}: {err.strip()}")
    # --devices that no listener would serve is refused, not silently unused
    r = subprocess.run([binary, "--listen", "udp://127.0.0.1:0?devices=1-3",
                        "--listen", "tcp://127.0.0.1:0?devices=5", "--devices", "4"],
                       capture_output=True, timeout=10)
    err = r.stderr.decode()
    assert r.returncode == 2 and "--devices 4 would serve nothing" in err and r.stdout == b"", r
    print(f"ok - unused --devices: {err.strip()}")
    # devices= is mcpsim's: another tool's URL refuses it
    mcpreplay = os.path.join(os.path.dirname(os.path.dirname(binary)), "mcpreplay", "mcpreplay")
    if os.path.exists(mcpreplay):
        r = subprocess.run([mcpreplay, "--target", "udp://127.0.0.1:9?devices=1", "/dev/null"],
                           capture_output=True, timeout=10)
        assert r.returncode == 2 and "unknown parameter 'devices=1'" in r.stderr.decode(), r
        print("ok - mcpreplay --target refuses devices=")


def case_big(binary):
    """4 listeners x 250 ids, 100 items per device (one map line per device and item)."""
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "big.csv")
    moving = ["ramp 0 100 10", "sine 50 20 7", "counter 13", "random 0 1000"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("device,addr,name,type,access,sim\n")
        for dev in range(1, 251):
            for k in range(100):
                sim_text = f"const {dev * 1000 + k}" if k % 10 == 9 else moving[k % 4]
                f.write(f"{dev},{2 * k},v{k:03d},u32,rw,{sim_text}\n")
    listens = [f"{t}://127.0.0.1:0?devices=1-250" for t in ("udp", "tcp", "udp", "tcp")]
    sim = Sim(binary, listens, ["--map", path, "--seed", "3"])
    spawn_to_ready = time.monotonic() - sim.t_spawn
    assert (sim.devices, sim.items) == (1000, 100000), (sim.devices, sim.items)
    assert sim.indexes == 250, sim.indexes
    # a pathological start-up (the figure to meet, < 1 s, is the benchmark's to measure)
    assert sim.ready_ms < 10000, sim.ready_ms
    for i in range(4):
        c = sim.conn(i)
        for dev in (1, 250):
            st, regs = c.read(dev, 18, 2)  # item 9: const dev * 1000 + 9
            assert (st, regs) == (OK, struct.pack(">I", dev * 1000 + 9)), (i, dev, st, regs)
            st, regs = c.read(dev, 190, 10)  # items 95..99, 99 const
            assert st == OK and regs[16:] == struct.pack(">I", dev * 1000 + 99), (i, dev)
        assert c.read(251, 0, 1)[0] == UNKNOWN_DEVICE
        c.close()
    # device 250 of listener 0 written, of listener 1 not
    a, b = sim.conn(0), sim.conn(1)
    assert a.write(250, 18, struct.pack(">I", 5)) == OK
    assert a.read(250, 18, 2) == (OK, struct.pack(">I", 5))
    assert b.read(250, 18, 2) == (OK, struct.pack(">I", 250009))
    a.close()
    b.close()
    sim.stop()
    print(f"ok - big: 1000 devices, 100000 items, 250 item indexes; ready in {sim.ready_ms} ms"
          f" ({spawn_to_ready * 1000:.0f} ms from spawn); first and last id of 4 listeners")


def case_output(binary):
    """The listening lines follow the --listen order (a listener's own devices draw by its
    position), --pty last; with --json - stdout carries the JSON counters alone and the text
    goes to stderr (a tester's findings)."""
    import json
    import pty as ptymod
    import signal
    m, s = ptymod.openpty()
    path = os.ttyname(s)
    p = subprocess.Popen([binary, "--listen", f"serial:{path}?devices=5-6",
                          "--listen", "tcp://127.0.0.1:0?devices=9", "--listen", "udp://127.0.0.1:0",
                          "--json", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    while len(lines) < 3:
        line = p.stderr.readline()
        assert line, f"mcpsim ended early: {lines}"
        if line.startswith("listening "):
            lines.append(line.split()[1])
    assert lines[0] == f"serial:{path}" and lines[1].startswith("tcp://") and \
        lines[2].startswith("udp://"), f"listening lines in --listen order: {lines}"
    print(f"ok - listening lines in --listen order, on stderr under --json -: {lines}")
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    os.close(m)
    os.close(s)
    doc = json.loads(out)  # stdout is one JSON document, nothing else
    assert p.returncode == 0 and "frames_in" in doc and "mcpsim stats" in err, (p.returncode, err)
    print("ok - --json -: stdout is the JSON counters alone, the text counters on stderr")


def main():
    binary, what = sys.argv[1], sys.argv[2]
    {"map": case_map, "plain": case_plain, "badopts": case_badopts, "big": case_big,
     "output": case_output}[what](binary)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end: mcpsim --map (docs/REGISTER-MAP.md §4) over UDP, TCP and a pty,
and every kind of bad map.

    test_e2e_map.py MCPSIM udp|tcp|pty|badmap

Every expected value is computed here from the contract with Python's math and
struct (frames with a CRC-8/SMBUS written out below), never by the library:
const items of every type and byte order exactly; ramp, sine, toggle and
counter against t read from CLOCK_MONOTONIC before the request and after the
answer, t = 0 being the start mcpsim reports on stderr; random within its
bounds and the same for the same --seed; writes of every type and order read
back (and freezing a moving item); the ILLEGAL_ADDRESS cases. badmap: each
bad map exits 2 with "mcpsim: FILE:LINE: ..." before any socket is bound.
"""
import json
import math
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tty

MAGIC = 0x5A
READ, WRITE = 0x02, 0x03
OK, ILLEGAL_ADDRESS, UNKNOWN_DEVICE = 0, 1, 5

ORDERS = ["ABCD", "CDAB", "BADC", "DCBA"]
# type -> (struct format, registers, a const value, a value to write)
TYPES = {
    "u16": (">H", 1, 51966, 4660),
    "i16": (">h", 1, -12345, 321),
    "u32": (">I", 2, 3735928559, 305419896),
    "i32": (">i", 2, -123456789, 987654321),
    "u64": (">Q", 4, 1234567890123456, 9007199254740991),
    "i64": (">q", 4, -1234567890123456, -42),
    "f32": (">f", 2, 23.4, -0.15625),
    "f64": (">d", 4, -1234.5678, 6.02214076e23),
    "bits": (">H", 1, 0x0009, 0x8001),
}


def crc8_smbus(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def frame(seq, cmd, payload):
    head = bytes([MAGIC, seq, len(payload) >> 8, len(payload) & 0xFF, cmd]) + payload
    return head + bytes([crc8_smbus(head)])


def wire_bytes(value_bytes, order):
    """§2: the registers' wire bytes (r0 hi, r0 lo, r1 hi, ...) of a big-endian value."""
    b = value_bytes
    if order == "ABCD":
        return b
    if order == "DCBA":
        return b[::-1]
    words = [b[i:i + 2] for i in range(0, len(b), 2)]
    if order == "CDAB":
        return b"".join(words[::-1]) if len(words) > 1 else b
    return b"".join(w[::-1] for w in words)  # BADC


def encode(typ, order, value):
    fmt = TYPES[typ][0]
    if typ == "f32":
        value = struct.unpack(">f", struct.pack(">f", value))[0]
    return wire_bytes(struct.pack(fmt, value), order)


def decode(typ, order, regs_bytes, scale=1.0, offset=0.0):
    # each order is its own inverse on bytes (CDAB/BADC/DCBA are involutions)
    raw = struct.unpack(TYPES[typ][0], wire_bytes(regs_bytes, order))[0]
    return raw * scale + offset


def mono():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


# ---------------------------------------------------------------- the map
def matrix_lines():
    """Every type x order, const on devices 1-2 (addresses from 1000)."""
    lines, items, addr = [], [], 1000
    for typ, (_, n, const, _w) in TYPES.items():
        for order in ORDERS:
            name = f"{typ}_{order.lower()}"
            lines.append(f"1-2,{addr},{name},{typ},{order},,,rw,const {const!r},")
            items.append((name, typ, order, addr, n))
            addr += n
    for order in ["ABCD", "BADC"]:
        name = f"s_{order.lower()}"
        lines.append(f'1-2,{addr},{name},str:4,{order},,,rw,"const SN-42",')
        items.append((name, "str", order, addr, 4))
        addr += 4
    return lines, items


MATRIX_LINES, MATRIX = matrix_lines()
MAP = "\n".join([
    "# §4 behaviours; * = the --devices ids (1-2 here)",
    "device;addr;name;type;order;scale;offset;access;sim;unit",
    "*;100;ramp;f32;ABCD;;;rw;ramp 0 100 10;%",
    "*;102;sine;f64;CDAB;;;rw;sine 50 10 4;bar",
    "*;106;toggle;u16;;;;rw;toggle 3 7 0.5;",
    "*;107;counter;u32;DCBA;;;rw;counter 100;",
    "*;109;rnd_f;f32;BADC;;;r;random 10 20;",
    "*;111;rnd_i;i16;;;;r;random -5 5;",
    "*;112;scaled;i16;;0.1;-40;r;const 23.4;°C",
    "*;113;sramp;i16;BADC;0.01;;r;ramp -100 100 8;",
    "*;200;ro;u16;;;;r;const 7;",
    "*;201;wo;u16;;;;w;;",
    "*;210;gap_a;u16;;;;rw;const 1;",
    "*;212;gap_b;u16;;;;rw;const 2;",
    "3;300;only3;u16;;;;rw;const 33;",
    "3;40000;far3;u16;;;;r;ramp 0 1000 100;",  # device 3 spans 39,701 registers
]).replace(";", ",") + "\n" + "\n".join(MATRIX_LINES) + "\n"


# ---------------------------------------------------------------- mcpsim
class Sim:
    def __init__(self, binary, mapfile, extra=()):
        self.p = subprocess.Popen(
            [binary, "--listen", "udp://127.0.0.1:0", "--listen", "tcp://127.0.0.1:0", "--pty",
             "--map", mapfile, "--devices", "1-2", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = self.p.stderr.readline().decode()
        m = re.match(r"mcpsim: map \S+: (\d+) devices, (\d+) items; t=0 at CLOCK_MONOTONIC "
                     r"(\d+)\.(\d{9}) s \(unix time [0-9.]+\)$", err.strip())
        assert m, f"no start line on stderr: {err!r}"
        self.devices, self.items = int(m.group(1)), int(m.group(2))
        self.start_ns = int(m.group(3)) * 10**9 + int(m.group(4))
        self.urls = {}
        while len(self.urls) < 3:
            line = self.p.stdout.readline().decode()
            assert line.startswith("listening "), f"unexpected stdout {line!r}"
            url = line.split()[1]
            self.urls[url.split(":")[0]] = url

    def t(self):
        return (mono() - self.start_ns) / 1e9

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(10)
        assert rc == 0, f"mcpsim exit {rc}"


class Conn:
    def __init__(self, sim, kind):
        self.kind, self.buf, self.seq = kind, b"", 0
        if kind == "pty":
            self.fd = os.open(sim.urls["serial"].split(":", 1)[1], os.O_RDWR | os.O_NOCTTY)
            tty.setraw(self.fd)
            termios.tcflush(self.fd, termios.TCIOFLUSH)
            return
        host, port = sim.urls[kind].split("//")[1].rsplit(":", 1)
        self.s = socket.socket(socket.AF_INET,
                               socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
        self.s.connect((host, int(port)))
        self.fd = self.s.fileno()

    def close(self):
        if self.kind == "pty":
            os.close(self.fd)
        else:
            self.s.close()

    def send(self, data):
        if self.kind == "pty":
            os.write(self.fd, data)
        else:
            self.s.send(data)

    def recv_frame(self, timeout=3.0):
        end = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 6:
                assert self.buf[0] == MAGIC, f"junk from mcpsim: {self.buf.hex()}"
                n = 6 + (self.buf[2] << 8 | self.buf[3])
                if len(self.buf) >= n:
                    f, self.buf = self.buf[:n], self.buf[n:]
                    assert crc8_smbus(f[:-1]) == f[-1], f"bad crc {f.hex()}"
                    return f[4], f[5:-1]
            left = end - time.monotonic()
            assert left > 0, "no answer from mcpsim"
            if select.select([self.fd], [], [], left)[0]:
                self.buf += os.read(self.fd, 65536) if self.kind == "pty" else self.s.recv(65536)

    def request(self, cmd, payload):
        seq = self.seq
        self.seq = (self.seq + 1) & 0xFF
        self.send(frame(seq, cmd, payload))
        rcmd, p = self.recv_frame()
        assert rcmd == cmd | 0x80 and p[0] == seq, f"answer {rcmd:#x} {p.hex()} to seq {seq}"
        return p

    def read(self, dev, addr, count):
        """(status, register bytes)."""
        p = self.request(READ, struct.pack(">BHH", dev, addr, count))
        if p[1] != OK:
            assert len(p) == 2
            return p[1], b""
        assert p[2:7] == struct.pack(">BHH", dev, addr, count), p.hex()
        assert len(p) == 7 + 2 * count
        return OK, p[7:]

    def write(self, dev, addr, regs_bytes):
        count = len(regs_bytes) // 2
        p = self.request(WRITE, struct.pack(">BHH", dev, addr, count) + regs_bytes)
        if p[1] == OK:
            assert p[2:] == struct.pack(">BHH", dev, addr, count), p.hex()
        return p[1]

    def timed_read(self, sim, dev, addr, count):
        t0 = sim.t()
        st, regs = self.read(dev, addr, count)
        t1 = sim.t()
        assert st == OK, f"read {dev}:{addr} status {st}"
        return t0, t1, regs


def span(f, t0, t1, steps=2000):
    vals = [f(t0 + (t1 - t0) * k / steps) for k in range(steps + 1)]
    return min(vals), max(vals)


def check_in(name, v, lo, hi, tol):
    assert lo - tol <= v <= hi + tol, f"{name}: {v} not in [{lo}, {hi}] +- {tol}"


# ---------------------------------------------------------------- cases
def case_const(sim, c):
    for name, typ, order, addr, n in MATRIX:
        st, regs = c.read(1, addr, n)
        assert st == OK, f"{name}: status {st}"
        if typ == "str":
            want = b"SN-42".ljust(8, b"\0")
            want = want if order == "ABCD" else wire_bytes(want, "BADC")
        else:
            want = encode(typ, order, TYPES[typ][2])
        assert regs == want, f"{name}: {regs.hex()} != {want.hex()}"
    # scale and offset: raw = round((23.4 - -40) / 0.1) = 634
    st, regs = c.read(1, 112, 1)
    assert regs == struct.pack(">h", 634), regs.hex()
    # one READ across many items equals the items read one by one
    first, last = MATRIX[0][3], MATRIX[6][3] + MATRIX[6][4]
    st, regs = c.read(1, first, last - first)
    assert st == OK and regs == b"".join(encode(t, o, TYPES[t][2]) for _, t, o, _, _ in MATRIX[:7])


def case_moving(sim, c):
    def ramp(t):
        return 0 + (100 - 0) * (math.fmod(t, 10) / 10)

    def sine(t):
        return 50 + 10 * math.sin(2 * math.pi * t / 4)

    def toggle(t):
        return 3 if math.fmod(math.floor(t / 0.5), 2) == 0 else 7

    def sramp(t):
        return -100 + 200 * (math.fmod(t, 8) / 8)

    last_counter = -1
    for rnd in range(12):
        t0, t1, regs = c.timed_read(sim, 1, 100, 2)
        lo, hi = span(ramp, t0, t1)
        check_in("ramp", decode("f32", "ABCD", regs), lo, hi, 1e-4)
        t0, t1, regs = c.timed_read(sim, 1, 102, 4)
        lo, hi = span(sine, t0, t1)
        check_in("sine", decode("f64", "CDAB", regs), lo, hi, 1e-9)
        t0, t1, regs = c.timed_read(sim, 1, 106, 1)
        v = decode("u16", "ABCD", regs)
        assert v in (toggle(t0), toggle(t1)), f"toggle {v} at t {t0}..{t1}"
        t0, t1, regs = c.timed_read(sim, 1, 107, 2)
        v = decode("u32", "DCBA", regs)
        check_in("counter", v, math.floor(100 * t0), math.ceil(100 * t1), 1)
        assert v > last_counter, f"counter {v} after {last_counter}"
        last_counter = v
        t0, t1, regs = c.timed_read(sim, 1, 113, 1)
        lo, hi = span(sramp, t0, t1)
        check_in("sramp", decode("i16", "BADC", regs, 0.01), lo, hi, 0.005 + 1e-9)
        time.sleep(0.13)  # walk the behaviours through their period


def case_random(binary, mapfile, kind):
    def draws(seed, n=25):
        sim = Sim(binary, mapfile, ["--seed", str(seed)])
        c = Conn(sim, kind)
        out = []
        for _ in range(n):
            st, regs = c.read(2, 109, 3)
            assert st == OK
            f, i = decode("f32", "BADC", regs[:4]), decode("i16", "ABCD", regs[4:])
            check_in("rnd_f", f, 10, 20, 0)
            check_in("rnd_i", i, -5, 5, 0)
            out.append((f, i))
        c.close()
        sim.stop()
        return out

    a, b, other = draws(7), draws(7), draws(8)
    assert a == b, "random differs for the same --seed"
    assert a != other, "random is the same for another --seed"
    assert len(set(a)) > 5, f"random hardly changes: {a}"


def case_writes(sim, c):
    for name, typ, order, addr, n in MATRIX:
        if typ == "str":
            want = b"AB\0\x7fXYZ "
        else:
            want = encode(typ, order, TYPES[typ][3])
        assert c.write(2, addr, want) == OK, name
        st, regs = c.read(2, addr, n)
        assert st == OK and regs == want, f"{name}: wrote {want.hex()} read {regs.hex()}"
        if typ != "str":
            v = decode(typ, order, regs)
            w = TYPES[typ][3]
            assert v == (struct.unpack(">f", struct.pack(">f", w))[0] if typ == "f32" else w), name
    # device 1 keeps its consts: devices do not share registers
    name, typ, order, addr, n = MATRIX[0]
    assert c.read(1, addr, n) == (OK, encode(typ, order, TYPES[typ][2]))
    # a WRITE freezes a moving item (the ramp of device 2), device 1's ramp moves on
    assert c.write(2, 100, encode("f32", "ABCD", 12.5)) == OK
    first1 = c.read(1, 100, 2)
    time.sleep(0.3)
    for _ in range(3):
        assert c.read(2, 100, 2) == (OK, encode("f32", "ABCD", 12.5))
    assert c.read(1, 100, 2) != first1, "device 1's ramp stopped too"
    # a WRITE of one register of a two-register item freezes it whole
    assert c.write(2, 108, b"\x12\x34") == OK  # counter's r1
    _, _, a = c.timed_read(sim, 2, 107, 2)
    time.sleep(0.2)
    _, _, b = c.timed_read(sim, 2, 107, 2)
    assert a == b and a[2:] == b"\x12\x34", f"{a.hex()} {b.hex()}"


def case_broadcast(sim, c):
    """A broadcast WRITE (device 255) acts on every device whose registers allow it, unanswered."""
    name, typ, order, addr, n = MATRIX[0]  # u16 ABCD, rw on devices 1-2
    seq = c.seq
    c.seq = (c.seq + 1) & 0xFF
    c.send(frame(seq, WRITE, struct.pack(">BHH", 255, addr, 1) + b"\xbe\xef"))
    c.send(frame(c.seq, WRITE, struct.pack(">BHH", 255, 200, 1) + b"\x00\x09"))  # r item
    c.seq = (c.seq + 1) & 0xFF
    for dev in (1, 2):
        assert c.read(dev, addr, 1) == (OK, b"\xbe\xef"), f"{name} of device {dev}"
        assert c.read(dev, 200, 1) == (OK, b"\0\x07"), f"ro of device {dev} was written"


def case_illegal(sim, c):
    assert c.read(1, 5000, 1)[0] == ILLEGAL_ADDRESS  # no item there
    assert c.write(1, 5000, b"\0\1") == ILLEGAL_ADDRESS
    assert c.read(1, 99, 2)[0] == ILLEGAL_ADDRESS  # starts before the ramp
    assert c.read(1, 200, 1) == (OK, b"\0\x07")  # r item: READ ok
    assert c.write(1, 200, b"\0\1") == ILLEGAL_ADDRESS  # WRITE to r item
    assert c.read(1, 200, 1) == (OK, b"\0\x07")  # and unchanged
    assert c.read(1, 201, 1)[0] == ILLEGAL_ADDRESS  # READ of w item
    assert c.read(1, 200, 2)[0] == ILLEGAL_ADDRESS  # READ touching a w item
    assert c.write(1, 201, b"\0\5") == OK  # WRITE to w item
    assert c.write(1, 200, b"\0\1\0\5") == ILLEGAL_ADDRESS  # WRITE touching an r item
    assert c.read(1, 210, 1) == (OK, b"\0\1")
    assert c.read(1, 212, 1) == (OK, b"\0\2")
    assert c.read(1, 210, 3)[0] == ILLEGAL_ADDRESS  # spans the gap at 211
    assert c.write(1, 210, b"\0\0\0\0\0\0") == ILLEGAL_ADDRESS
    assert c.read(1, 210, 1) == (OK, b"\0\1")  # a refused WRITE changes nothing
    assert c.read(1, 65535, 1)[0] == ILLEGAL_ADDRESS
    # device 3: only its own item (it is not in --devices, so no * items)
    assert c.read(3, 300, 1) == (OK, b"\0\x21")
    assert c.read(3, 100, 2)[0] == ILLEGAL_ADDRESS
    # ... and an item far away (a device spanning many registers)
    assert c.read(3, 40000, 1)[0] == OK
    for addr, count in ((301, 1), (299, 2), (39999, 1), (39999, 2), (40001, 1), (300, 125)):
        assert c.read(3, addr, count)[0] == ILLEGAL_ADDRESS, (addr, count)
    assert c.write(3, 40000, b"\0\1") == ILLEGAL_ADDRESS
    assert c.write(3, 300, b"\0\1") == OK and c.read(3, 300, 1) == (OK, b"\0\1")
    assert c.read(9, 100, 2)[0] == UNKNOWN_DEVICE
    assert c.read(1, 100, 0)[0] == 2  # ILLEGAL_VALUE before ILLEGAL_ADDRESS


def run_transport(binary, kind):
    tmp = tempfile.mkdtemp()
    mapfile = os.path.join(tmp, "plant.csv")
    with open(mapfile, "w", encoding="utf-8") as f:
        f.write(MAP)
    jsonfile = os.path.join(tmp, "stats.json")
    sim = Sim(binary, mapfile, ["--json", jsonfile])
    assert (sim.devices, sim.items) == (3, 2 * (12 + len(MATRIX)) + 2), (sim.devices, sim.items)
    c = Conn(sim, kind)
    cases = [case_const, case_moving, case_illegal, case_writes, case_broadcast]
    for case in cases:
        case(sim, c)
        print(f"ok - {kind} {case.__name__}")
    c.close()
    sim.stop()
    with open(jsonfile, encoding="utf-8") as f:
        assert json.load(f)["start_monotonic_ns"] == sim.start_ns
    print(f"ok - {kind} start_monotonic_ns in --json")
    case_random(binary, mapfile, kind)
    print(f"ok - {kind} case_random")


# ---------------------------------------------------------------- bad maps
HEAD = "device,addr,name,type"
BAD_MAPS = [
    # (contents, line the message must name, a word it must contain)
    ("device,addr,name\n1,0,x\n", 1, "type"),
    (HEAD + ",colour\n1,0,x,u16,red\n", 1, "colour"),
    ("# c\n\n" + HEAD + "\n1,0,x,u17\n", 4, "u17"),
    (HEAD + "\n1,70000,x,u16\n", 2, "70000"),
    (HEAD + "\n255,0,x,u16\n", 2, "255"),
    (HEAD + "\n1,0,Bad,u16\n", 2, "Bad"),
    (HEAD + ",order\n1,0,x,u32,ACBD\n", 2, "ACBD"),
    (HEAD + ",access\n1,0,x,u16,x\n", 2, "access"),
    (HEAD + ",sim\n1,0,x,u16,ramp 1\n", 2, "ramp"),
    (HEAD + ",sim\n1,0,x,str:2,sine 1 2 3\n", 2, "sine"),
    (HEAD + "\n1,0,x,u16\n1,5,x,u16\n", 3, "x"),
    (HEAD + "\n1,0,a,u32\n1,1,b,u16\n", 3, "a"),
    (HEAD + "\n1,65535,x,u32\n", 2, "0xffff"),
    (HEAD + "\n1,0,x,u16\n2,0,x,u32\n", 3, "x"),
    (HEAD + ",labels\n1,0,x,f32,0=off\n", 2, "label"),
    (HEAD + "\n1,0,x,str:65\n", 2, "str:65"),
    (HEAD + "\n1,0,x,str:0\n", 2, "str:0"),
]


def held_port():
    """A port held bound for UDP and TCP: reaching the listeners would be exit 3."""
    while True:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        t.listen()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", t.getsockname()[1]))
            return t, u, t.getsockname()[1]
        except OSError:
            t.close()
            u.close()


def run_badmap(binary):
    tmp = tempfile.mkdtemp()
    t, u, port = held_port()
    listen = ["--listen", f"udp://127.0.0.1:{port}", "--listen", f"tcp://127.0.0.1:{port}"]
    r = subprocess.run([binary, *listen], capture_output=True, timeout=10)
    assert r.returncode == 3, f"control: a held port gives {r.returncode}, want 3"
    for k, (text, line, word) in enumerate(BAD_MAPS):
        path = os.path.join(tmp, f"bad{k}.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        r = subprocess.run([binary, *listen, "--map", path], capture_output=True, timeout=10)
        err = r.stderr.decode()
        assert r.returncode == 2, f"{text!r}: exit {r.returncode} ({err})"
        assert err.startswith(f"mcpsim: {path}:{line}: ") and err.count("\n") == 1, \
            f"{text!r}: {err!r}"
        assert word in err, f"{text!r}: {err!r} does not name {word!r}"
        assert r.stdout == b"", f"{text!r}: stdout {r.stdout!r}"
        print(f"ok - bad map {k}: {err.strip()}")
    missing = os.path.join(tmp, "missing.csv")
    r = subprocess.run([binary, *listen, "--map", missing], capture_output=True, timeout=10)
    assert r.returncode == 2 and r.stderr.decode().startswith(f"mcpsim: {missing}: "), r
    good = os.path.join(tmp, "good.csv")
    with open(good, "w", encoding="utf-8") as f:
        f.write(HEAD + "\n1,0,x,u16\n")
    r = subprocess.run([binary, *listen, "--map", good, "--registers", good], capture_output=True,
                       timeout=10)
    assert r.returncode == 2 and b"--registers" in r.stderr, r
    print("ok - missing map file, --map with --registers")
    t.close()
    u.close()


def main():
    binary, what = sys.argv[1], sys.argv[2]
    if what == "badmap":
        run_badmap(binary)
    else:
        run_transport(binary, what)


if __name__ == "__main__":
    main()

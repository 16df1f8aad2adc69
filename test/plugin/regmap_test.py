#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The register map in the dissector (docs/REGISTER-MAP.md §3, preference
mcp5a.register_map), against values worked out here with struct from the
contract, never from the dissector's own output.

A capture and a map are built here: every type x order (§2) in READ responses
(status OK) and WRITE requests, with negative values, NaN, +-inf, 64-bit
extremes, scaled/offset values and labels; READ requests, non-OK responses and
WRITE responses around them (no item may show there); partial items at both
ends of a frame's range; several devices with different items at one address,
`*` and device lists/ranges. Checked: -T fields -e mcp5a.reg.NAME, the -V text
lines, display filters (==, >, a labelled bit, existence), a custom column,
and bad maps (reported once as FILE:LINE on stderr, frames dissected as
without a map). One pass and two.

  regmap_test.py --runner test/tshark-unpriv.sh   (MCP5A_PLUGIN set)
"""
import argparse
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
from mcp_crc import frame  # noqa: E402

MASTER, DEVICE = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 100])
NAN, INF = float("nan"), float("inf")
ORDERS = ["ABCD", "CDAB", "BADC", "DCBA"]
NREGS = {"u16": 1, "i16": 1, "bits": 1, "u32": 2, "i32": 2, "f32": 2,
         "u64": 4, "i64": 4, "f64": 4}
PACK = {"u16": ">H", "i16": ">h", "bits": ">H", "u32": ">I", "i32": ">i", "f32": ">f",
        "u64": ">Q", "i64": ">q", "f64": ">d"}
STRN = 5  # str:5, 10 bytes
# Values of the type x order matrix: set k of order number o takes VALUES[t][(k + o) % len].
VALUES = {
    "u16": [0, 65535, 0x1234, 1, 0x8000, 0xABCD],
    "i16": [-1, -32768, 32767, -1234, 0, 1],
    "u32": [0xFFFFFFFF, 0x12345678, 0, 1, 0x80000000, 0xDEADBEEF],
    "i32": [-2**31, 2**31 - 1, -1, -123456789, 0, 0x01020304],
    "u64": [2**64 - 1, 0x0123456789ABCDEF, 0, 2**63, 1, 0xFEDCBA9876543210],
    "i64": [-2**63, 2**63 - 1, -1, -1234567890123456789, 0, 0x0102030405060708],
    "f32": [23.4, NAN, INF, -INF, -1.5, 3.4028234663852886e38, 0.1, -0.0, 1e-45],
    "f64": [NAN, INF, -INF, -2.5e-300, 1.7976931348623157e308, 0.1, -0.0, 5e-324],
    "bits": [0x0009, 0x8001, 0, 0xFFFF, 0x0008, 0x0001],
    "str": [b"Hi", b"ABCDEFGHIJ", b"a\x01b\x7f\xff", b"  x  ", b"", b"\xc3\xa9t\xc3\xa9 \x00"],
}
BIT_LABELS = "0=alarm;3=door_open;15=top"
NSETS = 8


# ---- expected values, from the contract ----

def wire(value_bytes, order):
    """§2: the registers' wire bytes holding big-endian value_bytes in order."""
    words = [value_bytes[i:i + 2] for i in range(0, len(value_bytes), 2)]
    if order == "CDAB":
        words = words[::-1]
    elif order == "BADC":
        words = [w[::-1] for w in words]
    elif order == "DCBA":
        return value_bytes[::-1]
    return b"".join(words)


def shortest(v, lo=1, hi=17, as_float=False):
    """The shortest %.Ng that reads back as v (as a float32 when as_float)."""
    def same(s):
        if as_float:
            return to_f32(float(s)) == to_f32(v)
        return float(s) == v
    for d in range(lo, hi + 1):
        s = "%.*g" % (d, v)
        if same(s):
            break
    whole = int(math.floor(math.log10(abs(v)))) + 1 if abs(v) >= 1 else 1
    if whole > d and whole <= 17:
        s = "%.*g" % (whole, v)
    return s


def to_f32(x):
    """x rounded to binary32, as C's (float) does (to nearest, FLT_MAX holding
    up to half an ulp above it), as its 4 bytes."""
    try:
        return struct.pack(">f", x)
    except OverflowError:
        if abs(x) < 2.0**128 - 2.0**103:
            return struct.pack(">f", math.copysign(3.4028234663852886e38, x))
        return struct.pack(">f", math.copysign(INF, x))


def fmt_double(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "-inf" if v < 0 else "inf"
    return shortest(v)


def f32_value(x):
    """An f32 at its shortest decimal form, as a double."""
    f = struct.unpack(">f", struct.pack(">f", x))[0]
    if math.isnan(f) or math.isinf(f):
        return f
    return float(shortest(f, 1, 9, True))


def decimals(text):
    return len(text.split(".", 1)[1]) if "." in text else 0


def str_text(raw):
    raw = raw.rstrip(b"\0 ")
    return "".join(chr(c) if 0x20 <= c < 0x7F else "\\x%02x" % c for c in raw)


class Item:
    def __init__(self, devices, addr, name, typ, order="", scale="", offset="", unit="",
                 labels="", description=""):
        self.devices, self.addr, self.name, self.typ = devices, addr, name, typ
        self.order, self.scale, self.offset, self.unit = order, scale, offset, unit
        self.labels, self.description = labels, description
        self.nregs = STRN if typ.startswith("str") else NREGS[typ]
        self.scaled = bool(scale or offset)
        self.is_double = self.scaled or typ in ("f32", "f64")

    def row(self):
        return ",".join([self.devices, "0x%04x" % self.addr, self.name, self.typ, self.order,
                         self.scale, self.offset, self.unit, self.labels, self.description])

    def on(self, device):
        if self.devices == "*":
            return 1 <= device <= 254
        for part in self.devices.split(";") if ";" in self.devices else [self.devices]:
            for p in part.strip('"').split(","):
                lo, _, hi = p.partition("-")
                if int(lo) <= device <= int(hi or lo):
                    return True
        return False

    def encode(self, v):
        """The item's registers' wire bytes for the value v (raw value, or
        float, or bytes for str)."""
        order = self.order or "ABCD"
        if self.typ.startswith("str"):
            b = v.ljust(2 * STRN, b"\0")[:2 * STRN]
            return wire(b, "BADC") if order == "BADC" else b
        return wire(struct.pack(PACK[self.typ], v), order)

    def expect(self, v):
        """(field value for comparison, text after 'Title (name): ')."""
        title = self.description or self.name
        unit = " " + self.unit if self.unit else ""
        if self.typ.startswith("str"):
            t = str_text(v)
            return t, '%s (%s): "%s"' % (title, self.name, t)
        if self.typ == "bits":
            names = []
            for lab in self.labels.split(";") if self.labels else []:
                bit, name = lab.split("=")
                if v >> int(bit) & 1:
                    names.append((int(bit), name))
            tail = " (%s)" % ", ".join(n for _, n in sorted(names)) if names else ""
            return v, "%s (%s): 0x%04x%s%s" % (title, self.name, v, unit, tail)
        if self.typ in ("f32", "f64"):
            eng = f32_value(v) if self.typ == "f32" else v
            if self.scaled:
                eng = eng * float(self.scale or "1") + float(self.offset or "0")
            return eng, "%s (%s): %s%s" % (title, self.name, fmt_double(eng), unit)
        label = ""
        for lab in self.labels.split(";") if self.labels else []:
            k, name = lab.split("=")
            if int(k) == v:
                label = " (%s)" % name
        if self.scaled:
            d = max(decimals(self.scale), decimals(self.offset))
            eng = round(v * float(self.scale or "1") + float(self.offset or "0"), d)
            return eng, "%s (%s): %s%s%s" % (title, self.name, fmt_double(eng), unit, label)
        return v, "%s (%s): %d%s%s" % (title, self.name, v, unit, label)


# ---- the map ----

MATRIX_BASE = 0x0100
ITEMS = []
addr = MATRIX_BASE
for typ in ["u16", "i16", "bits", "u32", "i32", "f32", "u64", "i64", "f64", "str"]:
    for order in (["ABCD", "BADC"] if typ == "str" else ORDERS):
        it = Item("1", addr, "%s_%s" % (typ, order.lower()), "str:%d" % STRN if typ == "str" else typ,
                  order="" if order == "ABCD" and typ == "u16" else order,
                  labels=BIT_LABELS if typ == "bits" else "")
        it.vkey = typ
        ITEMS.append(it)
        addr += it.nregs
MATRIX = list(ITEMS)
MATRIX_COUNT = addr - MATRIX_BASE
assert MATRIX_COUNT <= 125

MISC = [
    Item("1", 0x0010, "pump", "u16", labels="0=off;1=on;2=fault", description="Pump"),
    Item("1", 0x0011, "neg", "i16", labels="-1=invalid;0=zero;7=seven"),
    Item("1", 0x0012, "tank_temp", "i16", scale="0.1", unit="°C", description="Tank temperature"),
    Item("1", 0x0013, "press", "u16", scale="0.01", offset="-1", unit="bar"),
    Item("1", 0x0014, "volt", "i32", order="CDAB", scale="0.001", offset="0.5", unit="V"),
    Item("1", 0x0016, "fscaled", "f32", order="DCBA", scale="10", offset="1"),
    Item("1", 0x0018, "energy", "u64", order="BADC", scale="0.5", unit="kWh"),
    Item("1", 0x001c, "pos", "u32", offset="-100", labels="0=home"),
]
MISC_COUNT = 0x20 - 0x10
STATUS = Item("*", 0x0020, "status", "bits", labels="0=alarm;3=door_open;15=fault",
              description="Status word")
DEV2 = [
    Item("2", 0x0010, "flow", "f32", unit="m³/h", description="Flow"),
    Item("2", 0x0012, "mid", "u16"),
    Item("2", 0x0013, "total", "u32", order="DCBA"),
    Item("2", 0x0030, "cnt", "u64"),
]
OTHER = [
    Item("3", 0x0010, "tank_temp", "i16", scale="0.1", unit="°C", description="Tank temperature"),
    Item('"4-6"', 0x0010, "speed", "u32", unit="rpm"),
    Item('"7,9,11-12"', 0x0010, "level", "f32", order="CDAB", unit="m"),
]
ALL_ITEMS = MATRIX + MISC + [STATUS] + DEV2 + OTHER
HEADER = "device,addr,name,type,order,scale,offset,unit,labels,description"
FIELD_NAMES = []
for it in ALL_ITEMS:
    if it.name not in FIELD_NAMES:
        FIELD_NAMES.append(it.name)
BIT_FIELDS = ["bits_abcd.door_open", "bits_dcba.top", "status.door_open", "status.alarm"]


def write_map(path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# register map of regmap_test.py\n" + HEADER + "\n")
        for it in ALL_ITEMS:
            f.write(it.row() + "\n")


# ---- the capture ----

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f">{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(to_device, payload):
    src, dst = (MASTER, DEVICE) if to_device else (DEVICE, MASTER)
    sport, dport = (40001, 23130) if to_device else (23130, 40001)
    u = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 0, 0x4000, 64, 17, 0, src, dst)
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + h + u


class Capture:
    """Frames with what each must show: {name: (field value, -V line)}."""

    def __init__(self):
        self.packets, self.expect, self.partial = [], [], []
        self.mseq = self.dseq = 0

    def add(self, to_device, cmd, payload, expect=None, partial=()):
        if to_device:
            self.mseq += 1
            seq = self.mseq
        else:
            self.dseq += 1
            seq = self.dseq
        self.packets.append(packet(to_device, frame(seq, cmd, payload)))
        self.expect.append(expect or {})
        self.partial.append(list(partial))
        return seq

    def block(self, device, start, count, values, items, fill=0xDEAD):
        """Register bytes of start..start+count-1 holding values[name] of items,
        and the expectation of the items wholly inside."""
        regs = bytearray(struct.pack(">H", fill) * count)
        expect = {}
        for it in items:
            if it.name not in values or not it.on(device):
                continue
            b = it.encode(values[it.name])
            first = it.addr - start
            if first >= 0 and first + it.nregs <= count:
                regs[2 * first:2 * first + len(b)] = b
                expect[it.name] = it.expect(values[it.name])
        return bytes(regs), expect

    def exchange(self, device, start, count, values, items, write=False):
        """READ request + OK response (or WRITE request + OK response)."""
        regs, expect = self.block(device, start, count, values, items)
        head = struct.pack(">BHH", device, start, count)
        if write:
            seq = self.add(True, 0x03, head + regs, expect)
            self.add(False, 0x83, bytes([seq, 0]) + head)
        else:
            seq = self.add(True, 0x02, head)
            self.add(False, 0x82, bytes([seq, 0]) + head + regs, expect)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for i, p in enumerate(self.packets):
                f.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)) + p)


def matrix_values(k):
    vals = {}
    for it in MATRIX:
        o = ORDERS.index(it.order or "ABCD")
        lst = VALUES[it.vkey]
        vals[it.name] = lst[(k + o) % len(lst)]
    return vals


MISC_SETS = [
    {"pump": 1, "neg": -1, "tank_temp": 234, "press": 1234, "volt": -1500, "fscaled": 23.4,
     "energy": 2**64 - 2, "pos": 0},
    {"pump": 2, "neg": 7, "tank_temp": -5, "press": 0, "volt": 2**31 - 1, "fscaled": -INF,
     "energy": 3, "pos": 4294967295},
    {"pump": 9, "neg": -32768, "tank_temp": 32767, "press": 65535, "volt": 0, "fscaled": NAN,
     "energy": 0, "pos": 100},
    {"pump": 0, "neg": 0, "tank_temp": -32768, "press": 100, "volt": -2**31, "fscaled": 0.1,
     "energy": 2**53 + 1, "pos": 1},
]


def build():
    cap = Capture()
    for k in range(NSETS):
        vals = matrix_values(k)
        cap.exchange(1, MATRIX_BASE, MATRIX_COUNT, vals, MATRIX)
        cap.exchange(1, MATRIX_BASE, MATRIX_COUNT, matrix_values(k + 3), MATRIX, write=True)
    for k, vals in enumerate(MISC_SETS):
        cap.exchange(1, 0x0010, MISC_COUNT + 1, dict(vals, status=[0x0009, 0x8000, 0x0008, 0][k]),
                     MISC + [STATUS], write=k % 2 == 1)
    # A non-OK READ response and a READ request over the same registers: nothing.
    seq = cap.add(True, 0x02, struct.pack(">BHH", 1, 0x0010, 0x10))
    cap.add(False, 0x82, bytes([seq, 1]))
    # Several devices, the same address 0x0010.
    cap.exchange(2, 0x0010, 5, {"flow": 23.4, "mid": 77, "total": 123456789}, DEV2)
    cap.exchange(3, 0x0010, 1, {"tank_temp": 234}, OTHER)
    cap.exchange(3, 0x0040, 1, {}, OTHER)  # device 3 has nothing there: nothing shown
    cap.exchange(5, 0x0010, 2, {"speed": 4000000001}, OTHER)
    cap.exchange(6, 0x0010, 2, {"speed": 7}, OTHER, write=True)
    cap.exchange(8, 0x0010, 2, {}, OTHER)  # device 8: no item at 0x0010
    cap.exchange(11, 0x0010, 2, {"level": -2.75}, OTHER)
    cap.exchange(12, 0x001f, 3, {"level": 1.0, "status": 0x0008}, OTHER + [STATUS])  # level not inside
    cap.exchange(254, 0x0020, 1, {"status": 0x0001}, [STATUS], write=True)
    # Partial items at both ends: flow (0x10-0x11) and total (0x13-0x14) around mid.
    regs, expect = cap.block(2, 0x0011, 3, {"mid": 5}, DEV2)
    seq = cap.add(True, 0x02, struct.pack(">BHH", 2, 0x0011, 3))
    cap.add(False, 0x82, bytes([seq, 0]) + struct.pack(">BHH", 2, 0x0011, 3) + regs, expect,
            ["flow: partial: 1 of 2 registers", "total: partial: 1 of 2 registers"])
    # cnt (u64 0x30-0x33): 3 of 4 at the frame's start (WRITE), 2 of 4 at its end.
    regs, _ = cap.block(2, 0x0031, 3, {}, DEV2)
    cap.add(True, 0x03, struct.pack(">BHH", 2, 0x0031, 3) + regs, {},
            ["cnt: partial: 3 of 4 registers"])
    regs, _ = cap.block(2, 0x002e, 4, {}, DEV2)
    seq = cap.add(True, 0x02, struct.pack(">BHH", 2, 0x002e, 4))
    cap.add(False, 0x82, bytes([seq, 0]) + struct.pack(">BHH", 2, 0x002e, 4) + regs, {},
            ["cnt: partial: 2 of 4 registers"])
    return cap


# ---- running tshark ----

class Checker:
    def __init__(self, runner, work):
        self.runner, self.work, self.errors = runner, work, []
        # A private copy of the plugin: a rebuild during the run changes nothing.
        self.env = dict(os.environ)
        plugin = os.path.join(work, "mcp5a.so")
        shutil.copy(os.environ["MCP5A_PLUGIN"], plugin)
        os.chmod(plugin, 0o755)
        self.env["MCP5A_PLUGIN"] = plugin

    def run(self, args, check=True):
        p = subprocess.run([self.runner] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=self.env)
        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        if check and (p.returncode != 0 or err.strip()):
            self.fail(f"tshark {' '.join(args)}: exit {p.returncode}, stderr {err.strip()!r}")
        return out, err

    def fail(self, msg):
        self.errors.append(msg)


def same_value(item, got, want):
    if isinstance(want, str):
        # tshark 4.2 and later escape a backslash in -T fields strings (4.0 does not)
        return got == want or got == want.replace("\\", "\\\\")
    if item.typ == "bits":
        return got == "0x%04x" % want
    if item.is_double:
        try:
            g = float(got)
        except ValueError:
            return False
        if math.isnan(want):
            return math.isnan(g)
        if got == "%.15g" % want:  # tshark 4.0 -T fields writes doubles as %.15g
            return True
        return g == want and math.copysign(1, g) == math.copysign(1, want)
    return got == str(want)


def split_frames(text):
    frames, cur = [], None
    for line in text.splitlines():
        if line.startswith("Frame ") and ":" in line:
            cur = []
            frames.append(cur)
        elif cur is not None:
            cur.append(line)
    return frames


def check_fields(ck, cap, base, passes):
    by_name = {}
    for it in ALL_ITEMS:
        by_name.setdefault(it.name, it)
    names = FIELD_NAMES + BIT_FIELDS
    args = passes + base + ["-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
                            "-e", "frame.number"] + [x for n in names for x in ("-e", "mcp5a.reg." + n)]
    out, _ = ck.run(args)
    rows = [line.split("|") for line in out.splitlines()]
    if len(rows) != len(cap.packets):
        ck.fail(f"{passes}: {len(rows)} frames in -T fields, {len(cap.packets)} written")
        return
    for i, row in enumerate(rows):
        exp = cap.expect[i]
        for n, got in zip(names, row[1:]):
            if "." in n:
                item, label = n.split(".")
                if item not in exp:
                    if got != "":
                        ck.fail(f"frame {i + 1}: mcp5a.reg.{n} = {got!r}, expected none")
                    continue
                it = by_name[item]
                bit = [int(b) for b, nm in (x.split("=") for x in it.labels.split(";")) if nm == label][0]
                want = "1" if exp[item][0] >> bit & 1 else "0"
                if got not in (want, {"1": "True", "0": "False"}[want]):
                    ck.fail(f"frame {i + 1}{passes}: mcp5a.reg.{n} = {got!r}, expected {want}")
                continue
            if n not in exp:
                if got != "":
                    ck.fail(f"frame {i + 1}{passes}: mcp5a.reg.{n} = {got!r}, expected none")
                continue
            # the field of that name as the frame's device has it
            it = [x for x in ALL_ITEMS if x.name == n][0]
            if not same_value(it, got, exp[n][0]):
                ck.fail(f"frame {i + 1}{passes}: mcp5a.reg.{n} = {got!r}, expected {exp[n][0]!r}")


def check_tree(ck, cap, base, passes):
    out, _ = ck.run(passes + base + ["-V"])
    frames = split_frames(out)
    if len(frames) != len(cap.packets):
        ck.fail(f"{passes}: {len(frames)} frames in -V, {len(cap.packets)} written")
        return
    for i, lines in enumerate(frames):
        stripped = [ln.strip() for ln in lines]
        reg_lines = [ln for ln in stripped if any(ln.startswith(f"{it.description or it.name} ({it.name}): ")
                                                  for it in ALL_ITEMS)]
        want = sorted(e[1] for e in cap.expect[i].values())
        if sorted(reg_lines) != want:
            extra = sorted(set(reg_lines) - set(want))
            missing = sorted(set(want) - set(reg_lines))
            ck.fail(f"frame {i + 1}{passes}: -V item lines: got {extra}, expected {missing}"
                    f" ({len(reg_lines)} lines, {len(want)} expected)")
        notes = [ln for ln in stripped if ln.startswith("[Expert Info (Note/Undecoded): ")]
        notes = [ln[len("[Expert Info (Note/Undecoded): "):] for ln in notes]
        if len(notes) != len(cap.partial[i]) or not all(
                any(n.startswith(p) for n in notes) for p in cap.partial[i]):
            ck.fail(f"frame {i + 1}{passes}: partial notes {notes}, expected {cap.partial[i]}")


def frames_where(ck, base, flt, passes=()):
    out, _ = ck.run(list(passes) + base + ["-Y", flt, "-T", "fields", "-e", "frame.number"])
    return [int(x) for x in out.split()]


def check_filters(ck, cap, base):
    def want(pred):
        return [i + 1 for i, e in enumerate(cap.expect) if pred(e)]
    cases = [
        ("mcp5a.reg.tank_temp == 23.4", want(lambda e: e.get("tank_temp", (None,))[0] == 23.4)),
        ("mcp5a.reg.f32_abcd == 23.4", want(lambda e: e.get("f32_abcd", (None,))[0] == 23.4)),
        ("mcp5a.reg.f32_cdab == 1e-45", want(lambda e: e.get("f32_cdab", (None,))[0] == 1e-45)),
        # (Wireshark 4.0's filter parser refuses 5e-324 and reads -32768 as -(32768))
        ("mcp5a.reg.f64_dcba == -2.5e-300", want(lambda e: e.get("f64_dcba", (None,))[0] == -2.5e-300)),
        ("mcp5a.reg.i16_abcd == -1234", want(lambda e: e.get("i16_abcd", (None,))[0] == -1234)),
        ("mcp5a.reg.neg == -1", want(lambda e: e.get("neg", (None,))[0] == -1)),
        ("mcp5a.reg.u64_dcba == 18446744073709551615",
         want(lambda e: e.get("u64_dcba", (None,))[0] == 2**64 - 1)),
        ("mcp5a.reg.press > 11", want(lambda e: "press" in e and e["press"][0] > 11)),
        ("mcp5a.reg.flow == 23.4", want(lambda e: e.get("flow", (None,))[0] == 23.4)),
        ("mcp5a.reg.u32_cdab > 4000000000",
         want(lambda e: "u32_cdab" in e and e["u32_cdab"][0] > 4000000000)),
        ("mcp5a.reg.i64_dcba < -1", want(lambda e: "i64_dcba" in e and e["i64_dcba"][0] < -1)),
        ("mcp5a.reg.speed > 10", want(lambda e: "speed" in e and e["speed"][0] > 10)),
        ("mcp5a.reg.status.door_open == 1", want(lambda e: "status" in e and e["status"][0] & 8)),
        ("mcp5a.reg.bits_badc.top == 1", want(lambda e: "bits_badc" in e and e["bits_badc"][0] & 0x8000)),
        ("mcp5a.reg.flow", want(lambda e: "flow" in e)),
        ("mcp5a.reg.str_badc", want(lambda e: "str_badc" in e)),
        ("mcp5a.reg.str_abcd == \"Hi\"", want(lambda e: e.get("str_abcd", (None,))[0] == "Hi")),
        ("mcp5a.reg.pump == 1", want(lambda e: e.get("pump", (None,))[0] == 1)),
        ("_ws.expert.message contains \"partial\"", want(lambda e: False) or
         [i + 1 for i, p in enumerate(cap.partial) if p]),
    ]
    # Wireshark 4.0 (ftype-double.c cmp_order) finds a NaN equal to any
    # number: a frame whose field is NaN may match `== 23.4` there.
    nan_frames = {}
    for i, e in enumerate(cap.expect):
        for n, (v, _) in e.items():
            if isinstance(v, float) and math.isnan(v):
                nan_frames.setdefault(n, set()).add(i + 1)
    for passes in ([], ["-2"]):
        for flt, exp in cases:
            got = frames_where(ck, base, flt, passes)
            field = flt.split()[0][len("mcp5a.reg."):]
            if "==" in flt:
                got = [f for f in got if f in exp or f not in nan_frames.get(field, ())]
            if got != exp:
                ck.fail(f"-Y '{flt}' {passes}: frames {got}, expected {exp}")


def check_column(ck, cap, base):
    out, _ = ck.run(base + ["-o", 'gui.column.format:"No","%m","Temp","%Cus:mcp5a.reg.tank_temp"'])
    got = {}
    for line in out.splitlines():
        parts = line.split()
        if parts:
            got[int(parts[0])] = " ".join(parts[1:])
    for i, e in enumerate(cap.expect):
        want = fmt_double(e["tank_temp"][0]) if "tank_temp" in e else ""
        if got.get(i + 1) != want:
            ck.fail(f"custom column Temp of frame {i + 1}: {got.get(i + 1)!r}, expected {want!r}")


SHORT = "device,addr,name,type"
BAD_MAPS = [  # (name, lines, the line reported)
    ("overlap", [SHORT, "1,0x10,a,u16", "# comment", "1,0x20,b,u32", "1,0x21,c,u16"], 5),
    ("dupname", [SHORT, "1,0x10,a,u16", "1-3,0x20,a,u16"], 3),
    ("unknowncol", ["# plant", "device,addr,name,type,unitz", "1,0x10,a,u16,x"], 2),
    ("badcell", [SHORT, "1,0x10,a,u16", "1,0x1G,b,u16"], 3),
    ("badtype", [SHORT, "", "1,0x10,a,u17"], 3),
    ("separator", ["device;addr;name;type", "1;0x10;a;u16", "2,0x10,b,u16"], 3),
]


def check_bad_maps(ck, work, cap_path):
    base = ["-r", cap_path]
    plain, _ = ck.run(base + ["-V"])
    for name, lines, line in BAD_MAPS:
        path = os.path.join(work, f"bad-{name}.csv")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(path, 0o644)
        for passes in ([], ["-2"]):
            out, err = ck.run(passes + base + ["-o", f"mcp5a.register_map:{path}", "-V"], check=False)
            if err.count(f"{path}:{line}:") != 1 or err.count(path) != 1:
                ck.fail(f"bad map {name} {passes}: stderr should name {path}:{line}: once: {err!r}")
            ref = plain if not passes else ck.run(passes + base + ["-V"])[0]
            if out != ref:
                ck.fail(f"bad map {name} {passes}: -V differs from the run without a map")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--keep", help="also write the capture and map here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mcp5a-regmap.") as work:
        os.chmod(work, 0o755)
        cap_path, map_path = os.path.join(work, "regmap.pcap"), os.path.join(work, "plant.csv")
        cap = build()
        cap.write(cap_path)
        write_map(map_path)
        os.chmod(cap_path, 0o644)
        os.chmod(map_path, 0o644)
        if args.keep:
            shutil.copy(cap_path, args.keep)
            shutil.copy(map_path, args.keep)
        ck = Checker(args.runner, work)
        base = ["-r", cap_path, "-o", f"mcp5a.register_map:{map_path}"]
        for passes in ([], ["-2"]):
            check_fields(ck, cap, base, passes)
            check_tree(ck, cap, base, passes)
        check_filters(ck, cap, base)
        check_column(ck, cap, base)
        check_bad_maps(ck, work, cap_path)
        for e in ck.errors:
            print("FAIL:", e)
        print(f"{len(cap.packets)} frames, {len(ALL_ITEMS)} items: "
              f"{'FAIL (%d)' % len(ck.errors) if ck.errors else 'ok'}")
        return 1 if ck.errors else 0


if __name__ == "__main__":
    sys.exit(main())

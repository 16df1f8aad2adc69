#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes test/lib/regval_vectors.h: register <-> value vectors for test_regval.c.

The expected values are computed here, independently of lib/src/regval.c, from
docs/REGISTER-MAP.md §2 (byte orders), Python's struct (IEEE 754 and two's
complement) and decimal (raw = round((v - offset) / scale), halves away from
zero; engineering values as the nearest double of the exact decimal).

    python3 test/lib/regval_vectors.py          # rewrite the header
    python3 test/lib/regval_vectors.py --check  # exit 1 if the header is stale
"""
import decimal
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "regval_vectors.h")

ORDERS = ["ABCD", "CDAB", "BADC", "DCBA"]


def registers(be, order):
    """The registers holding the big-endian bytes `be` in `order` (§2's table).

    r0 = A B, r1 = C D, ...: each register is its two wire bytes, high first."""
    n = len(be) // 2
    words = [be[2 * i:2 * i + 2] for i in range(n)]  # as the value reads them
    if n == 1:
        # One-register types: BADC and DCBA swap the word's two bytes.
        w = words[0]
        wire = [w[::-1]] if order in ("BADC", "DCBA") else [w]
    elif order == "ABCD":
        wire = words
    elif order == "CDAB":  # words reversed
        wire = words[::-1]
    elif order == "BADC":  # each word's bytes swapped, words in order
        wire = [w[::-1] for w in words]
    else:  # DCBA: all bytes reversed
        rev = be[::-1]
        wire = [rev[2 * i:2 * i + 2] for i in range(n)]
    return [(w[0] << 8) | w[1] for w in wire]


def shortest_g(v, max_digits=17, as_float=False):
    """The fewest %g digits that read back as v (as binary32 when as_float)."""
    for d in range(1, max_digits + 1):
        s = "%.*g" % (d, v)
        back = float(s)
        if as_float:
            try:
                if struct.pack(">f", back) == struct.pack(">f", v):
                    return d
            except OverflowError:  # beyond binary32's range: not v
                pass
        elif back == v:
            return d
    return max_digits


def number_text(v):
    """A double as the library prints it: shortest %g; a whole part of up to
    17 digits without an exponent (20, not 2e+01); nan, inf, -inf."""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    d = shortest_g(v)
    mag = abs(v)
    whole = int(math.floor(math.log10(mag))) + 1 if mag >= 1 else 1
    if d < whole <= 17:
        d = whole
    return "%.*g" % (d, v)


def f32_shortest(f):
    """The double nearest to a binary32's shortest decimal form (23.4f -> 23.4)."""
    if math.isnan(f) or math.isinf(f):
        return f
    return float("%.*g" % (shortest_g(f, 9, as_float=True), f))


def dbits(x):
    return struct.unpack(">Q", struct.pack(">d", x))[0]


INT_TYPES = {
    # type: (registers, struct code)
    "u16": (1, ">H"),
    "i16": (1, ">h"),
    "bits": (1, ">H"),
    "u32": (2, ">I"),
    "i32": (2, ">i"),
    "u64": (4, ">Q"),
    "i64": (4, ">q"),
}

INT_VALUES = {
    "u16": [0, 1, 0x1234, 0xABCD, 65535],
    "i16": [0, 234, -1, -234, -32768, 32767, 0x1234],
    "bits": [0x0009, 0x8001, 0xFFFF],
    "u32": [0, 0x12345678, 0xDEADBEEF, 4294967295],
    "i32": [-2, -2147483648, 2147483647, 0x12345678, -123456],
    "u64": [0, 0x0123456789ABCDEF, 18446744073709551615, 9007199254740993],
    "i64": [-1, -9223372036854775808, 9223372036854775807, 0x0123456789ABCDEF, -9007199254740993],
}

NAN32 = 0x7FC00000
NAN64 = 0x7FF8000000000000
F32_BITS = [
    0x41BB3333,  # 23.4f
    0xBFC00000,  # -1.5
    0x80000000,  # -0.0
    0x7F800000,  # inf
    0xFF800000,  # -inf
    NAN32,  # nan
    0x00000001,  # the smallest subnormal
    0x7F7FFFFF,  # FLT_MAX
    0x3DCCCCCD,  # 0.1f
    0x4B800000,  # 16777216
    0x3F800001,  # 1.0000001
    0x501502F9,  # 1e10f
]
F64_VALUES = [
    23.4, -23.4, -0.0, 0.0, math.inf, -math.inf, math.nan, 5e-324, 1.7976931348623157e308,
    0.1, 1e16, 123456789012.0, 1e-5, 2.0 ** 53 + 2, 20.0, 1e22,
]


def c_str(b):
    """A C string literal of bytes."""
    out = '"'
    for c in b:
        if c in (0x22, 0x5C):
            out += "\\" + chr(c)
        elif 0x20 <= c < 0x7F:
            out += chr(c)
        else:
            out += '\\%03o' % c
    return out + '"'


def vectors():
    rows = []
    for t, (n, code) in INT_TYPES.items():
        for v in INT_VALUES[t]:
            be = struct.pack(code, v)
            raw = struct.unpack(code.upper(), be)[0] if code[1].islower() else v
            # sraw: signed types sign-extended; the others their bits as int64_t
            sraw = v if code[1].islower() else struct.unpack(">q", be.rjust(8, b"\0"))[0]
            for o in ORDERS:
                rows.append(dict(type=t, order=o, regs=registers(be, o), raw=raw, sraw=sraw,
                                 eng=float(v), number=str(v), text=str(v), nan=False))
    for bits in F32_BITS:
        be = struct.pack(">I", bits)
        f = struct.unpack(">f", be)[0]
        eng = f32_shortest(f)
        if math.isnan(f):
            text = "nan"
        elif math.isinf(f):
            text = "inf" if f > 0 else "-inf"
        else:
            text = repr(eng)
        for o in ORDERS:
            rows.append(dict(type="f32", order=o, regs=registers(be, o), raw=bits,
                             sraw=bits, eng=eng, number=number_text(eng), text=text,
                             nan=math.isnan(f)))
    for x in F64_VALUES:
        be = struct.pack(">d", x)
        bits = struct.unpack(">Q", be)[0]
        if math.isnan(x):
            be = struct.pack(">Q", NAN64)
            bits = NAN64
        text = number_text(x) if not math.isnan(x) else "nan"
        if x == 0 and math.copysign(1, x) < 0:
            text = "-0.0"
        sraw = bits - (1 << 64) if bits >> 63 else bits
        for o in ORDERS:
            rows.append(dict(type="f64", order=o, regs=registers(be, o), raw=bits, sraw=sraw,
                             eng=x, number=number_text(x), text=text, nan=math.isnan(x)))
    return rows


# ---- scaled integers: (type, scale, offset, raw, written text or None) ----
D = decimal.Decimal
SCALED = [
    ("i16", "0.1", "", 234),
    ("i16", "0.1", "", -234),
    ("i16", "0.1", "", 255),
    ("i16", "0.1", "", 32767),
    ("i16", "0.1", "", -32768),
    ("u16", "0.01", "-273.15", 29815),
    ("u16", "0.01", "-273.15", 0),
    ("u16", "0.01", "-273.15", 65535),
    ("i32", "0.001", "", -123456),
    ("u32", "10", "5", 7),
    ("u32", "0.5", "", 4294967295),
    ("i16", "-0.5", "", 3),
    ("i16", "1", "0.25", -7),
    ("u16", "0.3", "", 3),
    ("i64", "0.1", "", 123),
    ("u16", "1e-9", "", 1234),
    ("u16", "0.000001", "", 5),
]

# (type, scale, offset, text) -> expected raw; halves away from zero
WRITES = [
    ("i16", "0.1", "", "25.5"),
    ("i16", "0.1", "", "0.15"),
    ("i16", "0.1", "", "-0.15"),
    ("i16", "0.1", "", "23.4"),
    ("i16", "0.1", "", "0.04"),
    ("i16", "0.1", "", "0.05"),
    ("i16", "0.1", "", "3276.74"),
    ("i16", "0.1", "", "-3276.8"),
    ("u16", "0.01", "-273.15", "25"),
    ("u16", "0.01", "-273.15", "-273.15"),
    ("u16", "0.01", "-273.15", "382.2"),
    ("u32", "10", "5", "75"),
    ("u32", "10", "5", "80"),
    ("i16", "-0.5", "", "1.5"),
    ("u16", "0.3", "", "0.9"),
    ("i32", "0.001", "", "-123.456"),
    ("u16", "1e-9", "", "0.000001234"),
]


def half_away(x):
    return int(x.quantize(D(1), rounding=decimal.ROUND_HALF_UP))


def scaled_rows():
    out = []
    for t, scale, offset, raw in SCALED:
        n, code = INT_TYPES[t]
        be = struct.pack(code, raw)
        eng_exact = D(raw) * D(scale) + (D(offset) if offset else D(0))
        eng = float(eng_exact)
        out.append(dict(type=t, scale=scale, offset=offset, regs=registers(be, "ABCD"),
                        eng=eng, number=number_text(eng)))
    writes = []
    for t, scale, offset, text in WRITES:
        n, code = INT_TYPES[t]
        raw = half_away((D(text) - (D(offset) if offset else D(0))) / D(scale))
        be = struct.pack(code, raw)
        writes.append(dict(type=t, scale=scale, offset=offset, text=text,
                           regs=registers(be, "ABCD")))
    return out, writes


# ---- str:N: (N, order, wire bytes, shown text) ----
def str_rows():
    cases = [
        (4, b"SN-0042\0"),
        (4, b"AB  \0\0  "),
        (3, b"A\0B\0\0\0"),
        (2, b"\xc3\xa9t\xe9"),
        (2, b"a\\b "),
        (1, b"\x01\x7f"),
        (2, b" x  "),
        (1, b"\0\0"),
    ]
    out = []
    for n, text in cases:
        assert len(text) == 2 * n
        stripped = text.rstrip(b"\0 ")
        shown = ""
        for c in stripped:
            shown += chr(c) if 0x20 <= c < 0x7F else "\\x%02x" % c
        for order in ("ABCD", "BADC"):
            # str: the text's bytes in register order; BADC swaps each word's bytes.
            regs = []
            for i in range(n):
                a, b = text[2 * i], text[2 * i + 1]
                regs.append((b << 8 | a) if order == "BADC" else (a << 8 | b))
            out.append(dict(n=n, order=order, bytes=text, regs=regs, shown=shown))
    return out


def render():
    lines = [
        "/* SPDX-License-Identifier: GPL-2.0-or-later */",
        "/* Generated by test/lib/regval_vectors.py: do not edit. Expected values",
        " * computed with Python's struct and decimal from docs/REGISTER-MAP.md §2. */",
        "#ifndef REGVAL_VECTORS_H",
        "#define REGVAL_VECTORS_H",
        "",
        "#include <stdbool.h>",
        "#include <stdint.h>",
        "",
        "struct rv_vector {",
        "    const char *type, *order;",
        "    uint16_t regs[4];",
        "    uint64_t raw;  /* zero-extended bits */",
        "    int64_t sraw;  /* sign-extended for i16/i32/i64 */",
        "    uint64_t eng;  /* the engineering value's IEEE 754 bits */",
        "    bool nan;",
        "    const char *number; /* mcp_reg_format_number */",
        "    const char *text;   /* written back with mcp_reg_encode_text */",
        "};",
        "",
        "static const struct rv_vector rv_vectors[] = {",
    ]
    for r in vectors():
        regs = ", ".join("0x%04x" % w for w in r["regs"])
        lines.append('    {"%s", "%s", {%s}, UINT64_C(0x%016x), INT64_C(%d) %s, UINT64_C(0x%016x), '
                     '%s, "%s", "%s"},' % (
                         r["type"], r["order"], regs, r["raw"] & (2 ** 64 - 1),
                         r["sraw"] if r["sraw"] != -2 ** 63 else -2 ** 63 + 1,
                         "- 1" if r["sraw"] == -2 ** 63 else "+ 0",
                         dbits(r["eng"]) if not r["nan"] else NAN64,
                         "true" if r["nan"] else "false", r["number"], r["text"]))
    lines += [
        "};",
        "",
        "struct rv_scaled {",
        "    const char *type, *scale, *offset; /* cells as written */",
        "    uint16_t regs[4];",
        "    uint64_t eng; /* bits of the nearest double of raw * scale + offset */",
        "    const char *number;",
        "};",
        "",
        "static const struct rv_scaled rv_scaled[] = {",
    ]
    scaled, writes = scaled_rows()
    for r in scaled:
        regs = ", ".join("0x%04x" % w for w in r["regs"])
        lines.append('    {"%s", "%s", "%s", {%s}, UINT64_C(0x%016x), "%s"},' % (
            r["type"], r["scale"], r["offset"], regs, dbits(r["eng"]), r["number"]))
    lines += [
        "};",
        "",
        "struct rv_write {",
        "    const char *type, *scale, *offset, *text;",
        "    uint16_t regs[4]; /* round((text - offset) / scale), halves away from zero */",
        "};",
        "",
        "static const struct rv_write rv_writes[] = {",
    ]
    for r in writes:
        regs = ", ".join("0x%04x" % w for w in r["regs"])
        lines.append('    {"%s", "%s", "%s", "%s", {%s}},' % (
            r["type"], r["scale"], r["offset"], r["text"], regs))
    lines += [
        "};",
        "",
        "struct rv_str {",
        "    unsigned n;",
        "    const char *order;",
        "    const char *bytes; /* 2n bytes as they lie in the text */",
        "    uint16_t regs[4];",
        "    const char *shown;",
        "};",
        "",
        "static const struct rv_str rv_strs[] = {",
    ]
    for r in str_rows():
        regs = ", ".join("0x%04x" % w for w in r["regs"])
        lines.append('    {%d, "%s", %s, {%s}, %s},' % (
            r["n"], r["order"], c_str(r["bytes"]), regs, c_str(r["shown"].encode())))
    lines += ["};", "", "#endif", ""]
    return "\n".join(lines)


def main():
    text = render()
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        path = sys.argv[2] if len(sys.argv) > 2 else OUT
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                print("%s is not what %s writes: rerun it" % (path, sys.argv[0]))
                return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds a small capture from a hand-written vector file, through text2pcap.

Vector file, one directive per line ('#' starts a comment):
  transport udp|tcp|serial   (default udp)
  crc NAME                   variant of frames written with F: (default crc8-smbus)
  length_le true|false       byte order of the length field F: writes
  ports MASTER,DEVICE        TCP/UDP ports (default 40001,23130)
  M|D TIME TOKEN...          one record from the master (M) or the device (D)
TIME is seconds (e.g. 1.000100). TOKENs are hex bytes, or
  F:SEQ:CMD:PAYLOADHEX  a whole frame with a correct check (SEQ, CMD in hex;
                        PAYLOADHEX may be empty; HEX/Zn adds n zero bytes),
  B:SEQ:CMD:PAYLOADHEX  the same frame with its check byte inverted,
  Zn                    n zero bytes,
  @NAME[A:B]            bytes A..B-1 of a byte string defined by
                        `bytes NAME TOKEN...` (to split frames across records).
Master is 10.0.0.1:40001, device 10.0.0.100:23130 (or serial direction 0/1).

  mkcap.py VECTORS OUT.pcap
"""
import os
import subprocess
import sys
import tempfile


def reflect8(v):
    return int(f"{v:08b}"[::-1], 2)


def crc_generic(data, poly, init, refin, xorout):
    c = init
    for b in data:
        if refin:
            b = reflect8(b)
        c ^= b
        for _ in range(8):
            c = ((c << 1) ^ poly) & 0xFF if c & 0x80 else (c << 1) & 0xFF
    if refin:
        c = reflect8(c)
    return c ^ xorout


# docs/PROTOCOL.md §1, written from the table (not from the project's code).
CRCS = {
    "crc8-smbus": lambda d: crc_generic(d, 0x07, 0x00, False, 0x00),
    "crc8-maxim": lambda d: crc_generic(d, 0x31, 0x00, True, 0x00),
    "crc8-autosar": lambda d: crc_generic(d, 0x2F, 0xFF, False, 0xFF),
    "xor8": lambda d: __import__("functools").reduce(lambda a, b: a ^ b, d, 0),
    "sum8": lambda d: sum(d) & 0xFF,
}
for name, fn in CRCS.items():  # the §1 check values guard the definitions above
    assert fn(b"123456789") == {"crc8-smbus": 0xF4, "crc8-maxim": 0xA1, "crc8-autosar": 0xDF,
                                "xor8": 0x31, "sum8": 0xDD}[name], name


def frame(seq, cmd, payload, crc, length_le, bad):
    n = len(payload)
    length = bytes([n & 0xFF, n >> 8]) if length_le else bytes([n >> 8, n & 0xFF])
    body = bytes([0x5A, seq]) + length + bytes([cmd]) + payload
    check = CRCS[crc](body)
    return body + bytes([check ^ 0xFF if bad else check])


def exported_pdu_header(direction):
    name = b"mcp5a.serial"
    padded = name + b"\0" * (-len(name) % 4)
    tags = (12).to_bytes(2, "big") + len(padded).to_bytes(2, "big") + padded
    tags += (35).to_bytes(2, "big") + (4).to_bytes(2, "big") + direction.to_bytes(4, "big")
    return tags + b"\0\0\0\0"  # end of options


def tokens(toks, cfg, strings):
    data = b""
    for tok in toks:
        if tok[:2] in ("F:", "B:"):
            _, seq, cmd, payload = (tok.split(":") + [""])[:4]
            # PAYLOADHEX/Zn appends n zero bytes (long payloads)
            parts = payload.split("/")
            body = b"".join(bytes(int(x[1:])) if x.startswith("Z") else bytes.fromhex(x)
                            for x in parts)
            data += frame(int(seq, 16), int(cmd, 16), body, cfg["crc"],
                          cfg["length_le"], tok[0] == "B")
        elif tok.startswith("@"):
            name, rng = tok[1:].rstrip("]").split("[")
            a, b = rng.split(":")
            s = strings[name]
            data += s[int(a or 0):int(b) if b else len(s)]
        elif tok.startswith("Z"):  # Zn: n zero bytes
            data += bytes(int(tok[1:]))
        else:
            data += bytes.fromhex(tok)
    return data


def parse(path):
    cfg = {"transport": "udp", "crc": "crc8-smbus", "length_le": False, "ports": "40001,23130"}
    records = []
    strings = {}
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        if line[0] in ("transport", "crc", "ports"):
            cfg[line[0]] = line[1]
        elif line[0] == "length_le":
            cfg["length_le"] = line[1] == "true"
        elif line[0] == "bytes":
            strings[line[1]] = tokens(line[2:], cfg, strings)
        elif line[0] in ("M", "D"):
            records.append((line[0], float(line[1]), tokens(line[2:], cfg, strings)))
        else:
            raise SystemExit(f"{path}: unknown directive {line[0]}")
    return cfg, records


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    cfg, records = parse(sys.argv[1])
    lines = []
    for who, t, data in records:
        if cfg["transport"] == "serial":
            data = exported_pdu_header(0 if who == "M" else 1) + data
        h, rem = divmod(t, 3600)
        m, s = divmod(rem, 60)
        # text2pcap -D: I keeps -4/-u as given (master -> device), O swaps them.
        lines.append(f"{'I' if who == 'M' else 'O'}{int(h):02d}:{int(m):02d}:{s:09.6f}")
        for off in range(0, max(len(data), 1), 16):
            chunk = data[off:off + 16]
            lines.append(f"{off:06x} " + " ".join(f"{b:02x}" for b in chunk))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as tmp:
        tmp.write("\n".join(lines) + "\n")
    args = ["text2pcap", "-q", "-D", "-t", "%H:%M:%S.%f"]
    if cfg["transport"] == "serial":
        args += ["-l", "252"]
    else:
        args += ["-4", "10.0.0.1,10.0.0.100"]
        args += ["-u" if cfg["transport"] == "udp" else "-T", cfg["ports"]]
    try:
        subprocess.run(args + [tmp.name, sys.argv[2]], check=True)
    finally:
        os.unlink(tmp.name)
    os.chmod(sys.argv[2], 0o644)


if __name__ == "__main__":
    main()

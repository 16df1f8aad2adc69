#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the fuzzers' seed corpus from docs/PROTOCOL.md §1's test vectors.

Run from anywhere: python3 test/fuzz/make_corpus.py. The files are committed;
rerun only when the seeds should change.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
from mcp_crc import crc8_smbus  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

HEARTBEAT = bytes.fromhex("5a 00 00 00 01 20")
READ = bytes.fromhex("5a 01 00 05 02 03 00 10 00 04 d4")
READ_RSP = bytes.fromhex("5a ff 00 0b 82 01 00 03 00 10 00 02 12 34 ab cd b3")
# READ with a little-endian length; its crc8-smbus trailer is appended below.
READ_LE = bytes.fromhex("5a 01 05 00 02 03 00 10 00 04")


READ_LE += bytes([crc8_smbus(READ_LE)])
BAD_CRC = HEARTBEAT[:-1] + b"\x21"
FALSE_START = bytes.fromhex("5a 07 00 08") + HEARTBEAT + bytes.fromhex("01 02 03 04")
TOO_LONG = bytes.fromhex("5a 00 10 01") + HEARTBEAT

FRAME_SEEDS = {
    "heartbeat": HEARTBEAT,
    "read": READ,
    "read_response": READ_RSP,
    "read_le": READ_LE,
    "bad_crc": BAD_CRC,
    "too_long": TOO_LONG,
    "prefix": READ_RSP[:9],
    "payload_write": bytes.fromhex("03 07 01 00 00 02 12 34 56 78"),
    "payload_event": bytes.fromhex("04 01 03 00 00 10 00 aa bb"),
    "payload_nak": bytes.fromhex("05 10 02"),
}

# Stream seeds: config byte, four chunk sizes, then the stream (see fuzz_stream.c).
STREAM = HEARTBEAT + READ + READ_RSP
STREAM_SEEDS = {
    "serial_vectors": bytes([0x00, 1, 5, 17, 0]) + STREAM,
    "framed_vectors": bytes([0x01, 3, 3, 7, 2]) + STREAM,
    "serial_junk": bytes([0x00, 2, 9, 1, 4]) + b"\xff\xee" + HEARTBEAT + b"\x00\x11\x22" + READ + b"\x33",
    "serial_false_start": bytes([0x00, 10, 3, 1, 0]) + FALSE_START,
    "framed_bad_crc": bytes([0x01, 6, 11, 0, 0]) + HEARTBEAT + READ[:-1] + b"\xd5" + READ_RSP,
    "unverified_false_start": bytes([0x02, 4, 4, 4, 4]) + FALSE_START,
    "le_serial": bytes([0x04, 1, 2, 3, 4]) + b"\x5a" + READ_LE + READ_LE,
    "too_long": bytes([0x00, 4, 1, 0, 0]) + TOO_LONG,
}

# Register maps (docs/REGISTER-MAP.md §1): every column, both separators, BOM,
# CRLF, quoted cells, comments, and a few refused ones.
REGMAP_SEEDS = {
    "plant": (
        "# plant map\n"
        "device,addr,name,type,order,scale,offset,unit,labels,access,sim,tolerance,description\n"
        "*,0x0000,tank_temp,i16,,0.1,,\u00b0C,,r,sine 20 5 60,0.5,Tank temperature\n"
        "1-8,0x0001,pump,u16,,,,,0=off;1=on;2=fault,rw,toggle 0 1 10,,\n"
        "\"1,3,9-12\",0x0002,status,bits,badc,,,,0=alarm;3=door_open,r,const 0x0009,,\n"
        "3,0x0010,flow,f32,CDAB,,,m3/h,,,ramp 0 100 30,0.1,\"Flow, total\"\n"
        "3,0x0012,energy,u64,DCBA,,,Wh,,,counter 10,,\n"
        "3,0x0016,delta,i64,BADC,,,,-1=none,,,,\n"
        "3,0x001a,pressure,f64,,2,1,bar,,,random 1 5,,\n"
        "3,0x001e,serial,str:8,BADC,,,,,r,const SN-0042,,\n"
        "3,0x0026,volts,u32,,0.001,,V,,,const 230,,\n"
        "3,0x0028,offset_i,i32,,,-273.15,K,,,,,\n"
    ).encode("utf-8"),
    "semicolon_bom_crlf": (
        "\ufeffDevice;ADDR;Name;Type;Unit;Description\r\n"
        "\r\n"
        ";;;;;\r\n"
        "1;0;temp;u16;\u00b0C;\"say \"\"hi\"\"; two\r\nlines\"\r\n"
        "1;1;name_2;str:2;;\r\n"
    ).encode("utf-8"),
    "header_only": b"device,addr,name,type\n",
    "overlap": b"device,addr,name,type\n5,10,a,u32\n5,11,b,u16\n",
    "past_end": b"device,addr,name,type\n1,0xFFFF,x,u32\n",
    "unclosed": b"device,addr,name,type,description\n1,0,a,u16,\"open\n",
    "not_utf8": b"device,addr,name,type,description\n1,0,a,u16,caf\xe9\n",
}

for name, seeds in (("frame", FRAME_SEEDS), ("stream", STREAM_SEEDS), ("regmap", REGMAP_SEEDS)):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for seed, data in seeds.items():
        with open(os.path.join(d, seed), "wb") as f:
            f.write(data)

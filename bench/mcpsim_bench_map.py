#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes mcpsim_bench.sh's register map: DEVICES devices (ids 1..DEVICES,
default 250) of ITEMS items each (default 100), one line per device and item
(DEVICES x ITEMS lines, as a vendor's per-device export would be). Item k is at
register 2k, two registers, the types and orders in turn (f32 ABCD, i32 CDAB
scaled, u32 DCBA, f32 BADC); nine items in ten move (ramp, sine, counter,
random, toggle in turn), the tenth is const.

  mcpsim_bench_map.py OUT.csv [DEVICES [ITEMS]]
"""
import sys

TYPES = [("f32", "ABCD", ""), ("i32", "CDAB", "0.1"), ("u32", "DCBA", ""), ("f32", "BADC", "")]
MOVING = ["ramp 0 100 10", "sine 50 20 7", "counter 13", "random 0 1000", "toggle 1 2 0.5"]


def main():
    out = sys.argv[1]
    devices = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    items = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    if not 1 <= devices <= 254 or not 1 <= items <= 32768:
        sys.exit("mcpsim_bench_map.py: DEVICES is 1..254, ITEMS 1..32768")
    with open(out, "w", encoding="utf-8") as f:
        f.write("device,addr,name,type,order,scale,access,sim\n")
        for d in range(1, devices + 1):
            for k in range(items):
                t, order, scale = TYPES[k % len(TYPES)]
                sim = "const 42" if k % 10 == 9 else MOVING[k % len(MOVING)]
                f.write(f"{d},{2 * k},v{k:03d},{t},{order},{scale},rw,{sim}\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes a register map of ITEMS items (default 1,000) for every device (`*`),
item k at register 4k, the types in turn: u16, i16 scaled, f32 CDAB, u32,
bits with labels, u64, f64 DCBA, str:4. Used by bench/plugin_regmap_instr.sh.

  regmap_bench_map.py OUT.csv [ITEMS]
"""
import sys

TYPES = [
    ("u16", "", "", ""),
    ("i16", "", "0.1", ""),
    ("f32", "CDAB", "", ""),
    ("u32", "", "", ""),
    ("bits", "", "", '"0=alarm;3=door_open"'),
    ("u64", "", "", ""),
    ("f64", "DCBA", "", ""),
    ("str:4", "", "", ""),
]


def main():
    out, items = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    if not 1 <= items <= 16384:
        sys.exit("regmap_bench_map.py: ITEMS is 1..16384 (register 4k must exist)")
    with open(out, "w", encoding="utf-8") as f:
        f.write("device,addr,name,type,order,scale,labels,description\n")
        for k in range(items):
            t, order, scale, labels = TYPES[k % len(TYPES)]
            f.write(f"*,{4 * k},v{k:05d},{t},{order},{scale},{labels},Value {k}\n")


if __name__ == "__main__":
    main()

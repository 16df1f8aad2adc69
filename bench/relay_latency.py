#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Latency mcpserialdump --relay adds per chunk (issue 23).

    relay_latency.py BUILD_DIR [--chunks N] [--rounds R]

Two paths at 115200 baud on pseudo-terminals, alternated R times:
  baseline: write a chunk into a pty, read it at the pty's other end (one hop);
  relay:    write into the relay's program side, read it at the far end of the device's pty
            (two pty hops and the relay; the relay records to a file).
Each chunk is an 8-byte MCP frame, sent every 2 ms; the time from write to the last byte read
is measured. Prints per path the median, p99 and max over all chunks, and the added latency
(relay - baseline) of the medians and p99s of each round: median and spread (min..max) over
rounds. The load average is printed: the machine may be shared.
"""
import argparse
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import time
import tty

CHUNK = bytes.fromhex("5a00000001 20".replace(" ", "")) + b"\0\0"


def measure(wfd, rfd, n):
    lat = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        os.write(wfd, CHUNK)
        got = 0
        while got < len(CHUNK):
            got += len(os.read(rfd, 64))
        lat.append(time.perf_counter_ns() - t0)
        time.sleep(0.002)
    return lat


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--chunks", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=6)
    a = ap.parse_args()
    dump = os.path.join(a.build, "replay", "mcpserialdump", "mcpserialdump")
    tmp = tempfile.mkdtemp(prefix="relaybench-")
    # baseline pty pair
    bm, bs = pty.openpty()
    tty.setraw(bm)
    tty.setraw(bs)
    # device side pty: the relay opens its slave; we read at its master
    dm, ds = pty.openpty()
    tty.setraw(dm)
    tty.setraw(ds)
    dev = os.ttyname(ds)
    os.close(ds)
    link = os.path.join(tmp, "prog")
    relay = subprocess.Popen([dump, "--relay", "pty:" + link, f"serial:{dev}?baud=115200",
                              "-w", os.path.join(tmp, "r.pcapng")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while True:
        line = relay.stderr.readline()
        if not line or "relaying" in line:
            break
    pfd = os.open(link, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(pfd)
    base_all, relay_all, add_med, add_p99 = [], [], [], []
    measure(pfd, dm, 50)  # warm-up
    for _ in range(a.rounds):
        b = measure(bs, bm, a.chunks)
        r = measure(pfd, dm, a.chunks)
        base_all += b
        relay_all += r
        add_med.append((statistics.median(r) - statistics.median(b)) / 1e3)
        add_p99.append((pct(r, 0.99) - pct(b, 0.99)) / 1e3)
    os.close(pfd)
    relay.terminate()
    _, err = relay.communicate(timeout=10)
    load = open("/proc/loadavg").read().split()[:3]
    us = lambda v: f"{v / 1e3:.1f}"
    print(f"load average {' '.join(load)} ({os.cpu_count()} cpus); {a.rounds} rounds x {a.chunks} chunks of 8 bytes, 115200 baud")
    for name, v in (("baseline (one pty hop)", base_all), ("relay (pty, relay, pty)", relay_all)):
        print(f"{name:26s} median {us(statistics.median(v))} us  p99 {us(pct(v, 0.99))} us  max {us(max(v))} us")
    print(f"added by the relay, per round: median {statistics.median(add_med):.1f} us "
          f"({min(add_med):.1f}..{max(add_med):.1f}), p99 {statistics.median(add_p99):.1f} us "
          f"({min(add_p99):.1f}..{max(add_p99):.1f})")
    print(f"relay p99 / baseline p99: {pct(relay_all, 0.99) / pct(base_all, 0.99):.2f}")
    print("relay:", err.strip().splitlines()[-1] if err.strip() else "")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Outputs and endings every tool must get right (h19 findings 1, 2, 4, 6, 17).

    outputs.py CASE BUILD_DIR

Cases: same_file (an output naming an input or the other output is refused, by device and
inode, before anything is opened: mcpreplay, mcpgen, mcppoll), interrupt (SIGINT/SIGTERM
during mcpreplay: exit 5, "interrupted after N of M", JSON), write_fail (--write to
/dev/full or a closed pipe, mcppoll --json=/dev/full, mcpsim --json /dev/full: a message and a
failing exit), no_match (a selection keeping no frame: exit 2 naming the options), speed
(--speed outside 1e-3..1e6: exit 2), write_alias (-w, --write and the hidden --record write
the same capture). Loopback only; every process bounded in time.
"""
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import e2e_common  # noqa: E402
from e2e_common import FAILS, check  # noqa: E402

BUILD = None
TMP = None


def tool(name):
    sub = "test/mcpreplay" if name == "mcpreplay_mkcap" else "replay/" + name
    return os.path.join(BUILD, sub, name)


def run(name, args, timeout=60, **kw):
    return subprocess.run([tool(name)] + args, capture_output=True, text=True, timeout=timeout,
                          **kw)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def capture(name, count=20, gap_us=1000):
    out = os.path.join(TMP, name)
    subprocess.run([tool("mcpreplay_mkcap"), "--out", out, "--count", str(count), "--gap-us",
                    str(gap_us), "--responses"], check=True, timeout=30)
    return out


def case_same_file():
    cap = capture("in.pcap")
    before = digest(cap)
    os.symlink(cap, os.path.join(TMP, "sym.pcap"))
    os.link(cap, os.path.join(TMP, "hard.pcap"))
    dotted = os.path.join(TMP, ".", "in.pcap")
    for opt in ("--write", "--json"):
        for out in (cap, dotted, os.path.join(TMP, "sym.pcap"), os.path.join(TMP, "hard.pcap")):
            for extra in (["-t", "udp://127.0.0.1:9"], ["-n"]):
                p = run("mcpreplay", extra + [opt, out, cap])
                check(p.returncode == 2 and opt in p.stderr and "in.pcap" in p.stderr
                      and digest(cap) == before,
                      f"mcpreplay {' '.join(extra)} {opt} {out} {cap}: exit 2, named, input kept "
                      f"(exit {p.returncode}: {p.stderr.strip()})")
    out = os.path.join(TMP, "o.json")
    p = run("mcpreplay", ["-n", "--json", out, "--write", os.path.join(TMP, ".", "o.json"), cap])
    check(p.returncode == 2 and "--write" in p.stderr and "--json" in p.stderr
          and not os.path.exists(out), f"mcpreplay --json X --write ./X: exit 2 ({p.stderr.strip()})")
    p = run("mcpreplay", ["-n", "--json", "-", "--write", "-", cap])
    check(p.returncode == 2 and "stdout" in p.stderr, "mcpreplay --json - --write -: exit 2")
    # mcpgen: -w and --truth naming one file through ./
    g = os.path.join(TMP, "g.pcap")
    p = run("mcpgen", ["-w", g, "--truth", os.path.join(TMP, ".", "g.pcap"), "-L", "10"])
    check(p.returncode == 2 and "--truth" in p.stderr and not os.path.exists(g),
          f"mcpgen -w X --truth ./X: exit 2, nothing written ({p.returncode}: {p.stderr.strip()})")
    # mcppoll: --json=X --write ./X, and both on stdout (nothing listens on port 9: refused
    # before anything is sent)
    s = os.path.join(TMP, "same.out")
    p = run("mcppoll", [f"--json={s}", "--write", os.path.join(TMP, ".", "same.out"),
                        "udp://127.0.0.1:9", "read", "1", "0", "1"])
    check(p.returncode == 2 and "--write" in p.stderr and "--json" in p.stderr
          and not os.path.exists(s), f"mcppoll --json=X --write ./X: exit 2 ({p.stderr.strip()})")
    p = run("mcppoll", ["--json=-", "--write", "-", "udp://127.0.0.1:9", "read", "1", "0", "1"])
    check(p.returncode == 2 and "--write" in p.stderr, "mcppoll --json=- --write -: exit 2")


def case_interrupt():
    cap = capture("slow.pcap", count=40, gap_us=100000)  # 4 s of requests
    sim = e2e_common.Sim(BUILD, TMP)
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            js = os.path.join(TMP, f"int{sig}.json")
            p = subprocess.Popen([tool("mcpreplay"), "-t", sim.urls["udp"], "-e", "--json", js, cap],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.0)
            p.send_signal(sig)
            out, err = p.communicate(timeout=30)
            check(p.returncode == 5, f"signal {sig}: exit 5 (got {p.returncode})\n{out}{err}")
            with open(js) as f:
                j = json.load(f)
            sent = j["sent"]
            check(0 < sent < 40 and f"interrupted after {sent} of 40 frames" in out
                  and f"({40 - sent} not sent)" in out and "result:    FAILED" in out,
                  f"signal {sig}: summary says interrupted after {sent} of 40\n{out}")
            check(j.get("interrupted") is True and j.get("not_sent") == 40 - sent
                  and j["exit_code"] == 5, f"signal {sig}: JSON interrupted, not_sent {j}")
        # a run that is not interrupted says so
        js = os.path.join(TMP, "whole.json")
        fast = capture("fast.pcap", count=5)
        p = run("mcpreplay", ["-t", sim.urls["udp"], "--json", js, fast])
        with open(js) as f:
            j = json.load(f)
        check(p.returncode == 0 and j.get("interrupted") is False and "not_sent" not in j,
              f"whole run: interrupted false, exit 0 ({p.returncode})")
    finally:
        sim.close()


def case_write_fail():
    import stat
    if not stat.S_ISCHR(os.stat("/dev/full").st_mode):
        print("SKIP: /dev/full is not the full device here (something replaced it)")
        return
    cap = capture("w.pcap", count=200, gap_us=100)
    sim = e2e_common.Sim(BUILD, TMP)
    try:
        p = run("mcpreplay", ["-t", sim.urls["udp"], "--write", "/dev/full", cap])
        check(p.returncode == 6 and "--write /dev/full" in p.stderr
              and "No space left" in p.stderr and "result:    ok" not in p.stdout,
              f"mcpreplay --write /dev/full: exit 6 named ({p.returncode}: {p.stderr.strip()})")
        # --write - into a reader that closes after 100 bytes
        rp = subprocess.Popen([tool("mcpreplay"), "-t", sim.urls["udp"], "--pps", "500",
                               "--write", "-", cap], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=False)
        rp.stdout.read(100)
        rp.stdout.close()
        err = rp.stderr.read().decode()
        rp.wait(30)
        check(rp.returncode == 6 and "reader closed the pipe" in err and "result:    ok" not in err,
              f"mcpreplay --write - | (closed): exit 6 named ({rp.returncode}: {err.strip()})")
        p = run("mcppoll", ["--json=/dev/full", sim.urls["udp"], "read", "1", "0", "1"])
        check(p.returncode != 0 and "/dev/full" in p.stderr,
              f"mcppoll --json=/dev/full: failing exit named ({p.returncode}: {p.stderr.strip()})")
    finally:
        sim.close()
    sp = subprocess.Popen([tool("mcpsim"), "--listen", "udp://127.0.0.1:0", "--json", "/dev/full"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sp.stdout.readline()  # listening ...
    sp.send_signal(signal.SIGINT)
    out, err = sp.communicate(timeout=30)
    check(sp.returncode != 0 and "/dev/full" in err and os.path.exists("/dev/full")
          and not os.path.isfile("/dev/full"),
          f"mcpsim --json /dev/full, SIGINT: failing exit named, /dev/full still a device "
          f"({sp.returncode}: {err.strip()})")


def case_no_match():
    cap = capture("sel.pcap", count=5)
    sim = e2e_common.Sim(BUILD, TMP)
    try:
        for sel, named in ((["--cmd", "EVENT"], "--cmd EVENT"), (["--from", "10.0.0.9"], "--from 10.0.0.9"),
                           (["--frames", "1000-"], "--frames 1000-")):
            for mode in (["-n"], ["-t", sim.urls["udp"], "-e"]):
                p = run("mcpreplay", mode + sel + [cap])
                check(p.returncode == 2 and "no frame matches the selection" in p.stderr
                      and named in p.stderr,
                      f"mcpreplay {' '.join(mode + sel)}: exit 2 naming {named} "
                      f"({p.returncode}: {p.stderr.strip()})")
        p = run("mcpreplay", ["-n", "--cmd", "READ", cap])
        check(p.returncode == 0, "a selection that matches still runs (exit 0)")
    finally:
        sim.close()


def case_speed():
    cap = capture("sp.pcap", count=3)
    for v in ("1e-12", "1e-300", "1e-4", "2e6"):
        p = run("mcpreplay", ["-n", "-x", v, cap])
        check(p.returncode == 2 and "--speed" in p.stderr and p.stderr.count("\n") == 1,
              f"--speed {v}: exit 2 naming it ({p.returncode}: {p.stderr.strip()})")
    for v in ("1e-3", "1e6"):
        p = run("mcpreplay", ["-n", "-x", v, cap])
        check(p.returncode == 0, f"--speed {v}: accepted ({p.returncode}: {p.stderr.strip()})")


class Doubler:
    """A UDP device on loopback that answers every request twice: it asks mcpsim (the real
    device) and sends its answer back, then the same answer again under its next seq (§1 frame,
    crc8-smbus recomputed). twice=False: once (the control)."""

    def __init__(self, sim_url, twice):
        import socket
        import threading
        host, port = sim_url[len("udp://"):].rsplit(":", 1)
        self.sim = (host, int(port))
        self.twice = twice
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.up.settimeout(1.0)
        self.url = f"udp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.seq = 0
        self.stop = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def frame(self, answer):
        from mcp_crc import crc8_smbus
        f = bytes([0x5A, self.seq]) + answer[2:-1]
        self.seq = (self.seq + 1) & 0xFF
        return f + bytes([crc8_smbus(f)])

    def loop(self):
        import socket
        while not self.stop:
            try:
                req, peer = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            self.up.sendto(req, self.sim)
            try:
                ans = self.up.recv(65536)
            except socket.timeout:
                continue
            for _ in range(2 if self.twice else 1):
                self.sock.sendto(self.frame(ans), peer)

    def close(self):
        self.stop = True
        self.thread.join(5)


def case_expect_unmatched():
    cap = capture("u.pcap", count=10)
    ref = os.path.join(TMP, "ref.pcap")
    sim = e2e_common.Sim(BUILD, TMP)  # the capture WRITEs: a fresh mcpsim for every run
    p = run("mcpreplay", ["-t", sim.urls["udp"], "--write", ref, cap])
    sim.close()
    check(p.returncode == 0, f"reference recorded ({p.returncode}: {p.stderr.strip()})")
    for twice, extra, rc in ((False, [], 0), (True, [], 1), (True, ["--allow-unmatched"], 0)):
        sim = e2e_common.Sim(BUILD, TMP)
        dev = Doubler(sim.urls["udp"], twice)
        js = os.path.join(TMP, "dbl.json")
        p = run("mcpreplay", ["-t", dev.url, "-e", "--json", js] + extra + [ref])
        dev.close()
        sim.close()
        with open(js) as f:
            j = json.load(f)
        unmatched = j.get("master", {}).get("unmatched", 0)
        named = "answers matching no request fail the run" in p.stdout
        # the last request's second answer may come after the run ended: 9 or 10 (a datagram
        # socket reads in order, so every earlier one is counted)
        want = unmatched in (9, 10) if twice else unmatched == 0
        check(p.returncode == rc and want and named == (rc == 1),
              f"answers {'twice' if twice else 'once'} {' '.join(extra)}: exit {rc}, "
              f"{unmatched} unmatched (exit {p.returncode})\n{p.stdout}{p.stderr}")


def pcap_lengths(path):
    """The captured length of every record of a pcap (any byte order, any resolution)."""
    import struct
    data = open(path, "rb").read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack_from(endian + "I", data, off + 8)[0]
        out.append(incl)
        off += 16 + incl
    return out


def case_write_alias():
    """-w, --write and the old --record (hidden for one release) write the same capture:
    the same records, in mcpreplay and mcppoll (issue 21 part 3)."""
    cap = capture("a.pcap", count=5)
    for name, args in (("mcpreplay", ["-q", "-T", "-t", "@UDP@", cap]),
                       ("mcppoll", ["@UDP@", "read", "1", "0", "2"])):
        got = {}
        for spelling in ("-w", "--write", "--record"):
            out = os.path.join(TMP, f"{name}{spelling}.pcap")
            sim = e2e_common.Sim(BUILD, TMP)  # a fresh one each time: the same answers
            p = run(name, [spelling, out] + [a.replace("@UDP@", sim.urls["udp"]) for a in args])
            sim.close()
            got[spelling] = pcap_lengths(out) if os.path.exists(out) else None
            check(p.returncode == 0 and got[spelling],
                  f"{name} {spelling} FILE: exit 0, a capture of {got[spelling]} "
                  f"({p.returncode}: {p.stderr.strip()})")
        check(got["-w"] == got["--write"] == got["--record"],
              f"{name}: -w, --write and --record write the same records: {got}")
    help_text = run("mcpreplay", ["--help"]).stdout + run("mcppoll", ["--help"]).stdout
    check("--record" not in help_text and help_text.count("-w, --write=FILE") == 2,
          "--help shows -w, --write only (--record is hidden)")


def main():
    global BUILD, TMP
    case, BUILD = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="mcp-outputs-") as tmp:
        TMP = tmp
        globals()["case_" + case]()
    print(f"{len(FAILS)} failed" if FAILS else "all ok")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())

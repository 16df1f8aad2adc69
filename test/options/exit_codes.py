#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""One exit-code table for every tool (issue 21, docs/options.md "Exit codes").

    exit_codes.py BUILD_DIR SOURCE_DIR

Reads the table in docs/options.md (one row per code, one column per tool, "—" where the
tool never exits with that code), then for every tool:
- its --help's "Exit status" lines list exactly the codes its column documents;
- its man page's EXIT STATUS lists exactly those codes (".B N" entries);
- the tool is driven into each case its column documents and must exit with that code
  (loopback, ptys and temporary files only; every process bounded in time). A documented
  code without a driver below fails the test, and so does a driver for a code the table
  does not document for that tool; the only case not driven is listed in NOT_DRIVEN with
  the reason.
"""
import os
import pty
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import e2e_common  # noqa: E402
from e2e_common import FAILS, check  # noqa: E402

TOOLS = ("mcpgen", "mcpsim", "mcpreplay", "mcppoll", "mcpserialdump")
BUILD = SRC = TMP = None

# The one case no input can provoke: mcpgen's cross-check disagreeing with its own
# bookkeeping is a generator bug (exit 7); it is documented so a user knows what it means.
NOT_DRIVEN = {("mcpgen", 7): "the cross-check disagreeing is a generator bug no input provokes"}


def tool(name):
    sub = "test/mcpreplay" if name == "mcpreplay_mkcap" else "replay/" + name
    return os.path.join(BUILD, sub, name)


def run(name, args, timeout=30, **kw):
    return subprocess.run([tool(name)] + args, capture_output=True, text=True, timeout=timeout,
                          **kw)


def read_table():
    """{tool: {code: cell}} for the cells that are not "—"."""
    with open(os.path.join(SRC, "docs", "options.md")) as f:
        text = f.read()
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    cols = {t: header.index(t) for t in TOOLS}
    table = {t: {} for t in TOOLS}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        code = int(cells[0])
        for t, i in cols.items():
            if cells[i] not in ("—", "-", ""):
                table[t][code] = cells[i]
    return table


def help_codes(name):
    out = run(name, ["--help"]).stdout
    lines = out.split("Exit status", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return {int(m.group(1)) for m in (re.match(r"^  (\d)  ", ln) for ln in lines) if m}


def man_codes(name):
    with open(os.path.join(SRC, "docs", name + ".1")) as f:
        text = f.read()
    section = text.split(".SH EXIT STATUS\n", 1)[1].split("\n.SH ", 1)[0]
    return {int(c) for c in re.findall(r"^\.TP\n\.B (\d)\n", section, re.M)}


# --- drivers: each returns (exit code, what ran, stderr) ---

def capture(name, *extra):
    out = os.path.join(TMP, name)
    subprocess.run([tool("mcpreplay_mkcap"), "--out", out] + list(extra), check=True, timeout=30)
    return out


def refused_port():
    """A TCP port on 127.0.0.1 nothing listens on (bound, never listened, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def held_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s


def result(p, what):
    return p.returncode, what, p.stderr.strip()[-400:]


def signalled(args, sig=signal.SIGTERM, wait=1.0, name=None):
    p = subprocess.Popen([tool(name)] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(wait)
    p.send_signal(sig)
    _, err = p.communicate(timeout=30)
    return p.returncode, f"{name} {' '.join(args)} + {sig.name}", err.strip()[-400:]


def fd_limit(n):
    resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))


class World:
    """What the drivers share: one mcpsim on loopback, captures, a pty."""

    def __init__(self):
        self.sim = e2e_common.Sim(BUILD, TMP)
        self.clean = capture("clean.pcap", "--count", "10", "--responses")
        self.master, slave = pty.openpty()
        self.tty = os.ttyname(slave)
        os.close(slave)

    def close(self):
        self.sim.close()
        os.close(self.master)


def drivers(w):
    udp, tcp = w.sim.urls["udp"], w.sim.urls["tcp"]
    gone = f"tcp://127.0.0.1:{refused_port()}"
    nodir = os.path.join(TMP, "no", "such", "dir")
    out = os.path.join(TMP, "o.pcap")
    d = {}

    def gen(code, args):
        d[("mcpgen", code)] = lambda: result(run("mcpgen", args), "mcpgen " + " ".join(args))
    gen(0, ["-L", "20", "-w", out])
    gen(2, ["-L", "x", "-w", out])
    gen(6, ["-L", "20", "-w", os.path.join(nodir, "x.pcap")])
    d[("mcpgen", 5)] = lambda: signalled(["-L", "100000000", "--rate", "1000", "-w", out],
                                         name="mcpgen")

    def sim_code(code, args, **kw):
        d[("mcpsim", code)] = lambda: result(run("mcpsim", args, **kw), "mcpsim " + " ".join(args))
    d[("mcpsim", 0)] = lambda: signalled(["--listen", "udp://127.0.0.1:0"], name="mcpsim")
    sim_code(2, ["--drop", "2"])

    def sim_held():
        s = held_port()
        try:
            args = ["--listen", f"udp://127.0.0.1:{s.getsockname()[1]}"]
            return result(run("mcpsim", args), "mcpsim " + " ".join(args) + " (port held)")
        finally:
            s.close()
    d[("mcpsim", 3)] = sim_held
    sim_code(6, ["--listen", "udp://127.0.0.1:0", "--json", os.path.join(nodir, "s.json")])

    def sim_no_fds():
        # a file-descriptor limit that leaves room for the dynamic loader and the listener
        # but none for the signalfd (the limit that does depends on the build: ASan opens
        # more): the first limit whose failure names epoll or signalfd
        args = ["--listen", "udp://127.0.0.1:0"]
        for n in range(4, 16):
            try:
                p = run("mcpsim", args, timeout=3, preexec_fn=lambda n=n: fd_limit(n))
            except subprocess.TimeoutExpired:
                break
            if "signalfd" in p.stderr or "epoll" in p.stderr:
                return result(p, f"mcpsim {' '.join(args)} (RLIMIT_NOFILE {n})")
        return -1, "mcpsim with few file descriptors", "no limit made epoll or signalfd fail"
    d[("mcpsim", 7)] = sim_no_fds

    def replay(code, args):
        d[("mcpreplay", code)] = lambda: result(run("mcpreplay", args),
                                                "mcpreplay " + " ".join(args))
    replay(0, ["-t", udp, "-T", w.clean])
    # mkcap's answers carry other register values than mcpsim's: --expect mismatches
    replay(1, ["-t", udp, "-e", "-T", w.clean])
    replay(2, ["-t", udp, "--speed", "x", w.clean])
    replay(3, ["-t", gone, w.clean])
    hole = capture("hole.pcap", "--transport", "tcp", "--count", "10", "--tcp-hole", "3")
    replay(4, ["-n", hole])
    slow = capture("slow.pcap", "--count", "40", "--gap-us", "100000")
    d[("mcpreplay", 5)] = lambda: signalled(["-t", udp, slow], name="mcpreplay")
    replay(6, ["-t", udp, "--json", os.path.join(nodir, "r.json"), w.clean])

    def poll(code, args):
        d[("mcppoll", code)] = lambda: result(run("mcppoll", args), "mcppoll " + " ".join(args))
    poll(0, [tcp, "read", "1", "0", "1"])
    poll(1, [tcp, "read", "9", "0", "1"])  # mcpsim has device 1 only: UNKNOWN_DEVICE
    poll(2, [tcp, "read", "1", "0", "0"])
    poll(3, [gone, "read", "1", "0", "1"])
    poll(6, ["--write", os.path.join(nodir, "p.pcap"), tcp, "read", "1", "0", "1"])

    def dump(code, args):
        d[("mcpserialdump", code)] = lambda: result(run("mcpserialdump", args),
                                                    "mcpserialdump " + " ".join(args))
    dump(0, ["-i", w.tty, "-a", "duration:1", "-w", os.path.join(TMP, "s.pcapng")])
    dump(2, ["-i", w.tty, "--baud", "x", "-w", os.path.join(TMP, "s.pcapng")])
    dump(3, ["-i", "/dev/nonexistent-tty", "-w", os.path.join(TMP, "s.pcapng")])
    dump(6, ["-i", w.tty, "-a", "duration:1", "-w", os.path.join(nodir, "s.pcapng")])
    return d


def main():
    global BUILD, SRC, TMP
    BUILD, SRC = sys.argv[1], sys.argv[2]
    table = read_table()
    check(all(table[t].get(0) for t in TOOLS), "every tool documents exit 0")
    for t in TOOLS:
        want = set(table[t])
        check(help_codes(t) == want,
              f"{t} --help lists the codes of docs/options.md {sorted(want)}: {sorted(help_codes(t))}")
        check(man_codes(t) == want,
              f"{t}.1 EXIT STATUS lists the codes of docs/options.md {sorted(want)}: "
              f"{sorted(man_codes(t))}")
    TMP = tempfile.mkdtemp(prefix="exit-codes.")
    w = World()
    try:
        d = drivers(w)
        for t in TOOLS:
            for code in sorted(set(table[t]) | {c for (tt, c) in d if tt == t}):
                if (t, code) in NOT_DRIVEN:
                    check(code in table[t], f"{t} {code}: documented, not driven "
                                            f"({NOT_DRIVEN[(t, code)]})")
                    continue
                if code not in table[t]:
                    check(False, f"{t} {code}: a driver for a code docs/options.md does not "
                                 "document for this tool")
                    continue
                if (t, code) not in d:
                    check(False, f"{t} {code}: documented ({table[t][code]}) but no driver")
                    continue
                got, what, err = d[(t, code)]()
                check(got == code, f"{t} exit {code} ({table[t][code][:60]}): {what}: "
                                   f"exit {got} {err}")
    finally:
        w.close()
        subprocess.run(["rm", "-rf", TMP])
    if FAILS:
        print(f"{len(FAILS)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

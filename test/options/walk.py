#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Walks every option of a tool (docs/options.md) and proves that every bad
value gives exit 2 (an output file that cannot be created: 6; an mcpserialdump
port: 3, as the one exit-code table says) and one stderr line naming the
option, before any work starts:

- the tool's --help-all must list exactly the options of the table below, so
  a new option without bad values fails this test;
- mcpgen: --write points into a folder that does not exist, so reaching the
  output would be exit 3, not 2; the first bad value of each option also runs
  into an empty folder, which must stay empty;
- mcpsim: --listen names UDP and TCP ports this test holds bound, so reaching
  the listeners would be exit 3 ("cannot listen"), not 2, and nothing is
  printed on stdout ("listening ...").

- mcpreplay, mcppoll: the target is a UDP port this test holds bound, which
  must receive nothing; --write and --json point into an empty folder, which
  must stay empty (mcpreplay replays captures/udp-clean.pcap);
- mcpserialdump: the port is a pseudo-terminal this test opens, -w points
  into an empty folder: nothing may be written there.

    walk.py mcpgen|mcpsim|mcpreplay|mcppoll|mcpserialdump BINARY
"""
import os
import re
import socket
import subprocess
import sys
import tempfile

# option -> (extra arguments that make the value reachable, [bad values], name the message
# must contain: this name or the option as typed). Flags (no value) map to None.
NUM = ["x", ""]
PROB = ["1.5", "-0.1", "nan", "x"]
SERIAL_BAD = ["serial:/dev/x?baud=12345", "serial:/dev/x?baud=0", "serial:/dev/x?parity=mark",
              "serial:/dev/x?data-bits=4", "serial:/dev/x?data-bits=9", "serial:/dev/x?stop-bits=0",
              "serial:/dev/x?stop-bits=3", "serial:/dev/x?flow=on", "serial:/dev/x?baud",
              "serial:/dev/x?baud=9600&baud=9600", "serial:/dev/x?"]
MCPGEN = {
    "transport": ([], ["carrier-pigeon", ""], "--transport"),
    "write": ([], [""], "--write"),
    "truth": ([], ["", "@OUT@"], "--truth"),
    "seed": ([], ["-1", "banana", "1.5"], "--seed"),
    "format": ([], ["pcapx", ""], "--format"),
    "nano": None,
    "link": ([], ["tokenring", ""], "--link"),
    "vlan-id": ([], ["0", "-1", "5000"] + NUM, "--vlan-id"),
    "ipv6": None,
    "port": ([], ["0", "-1", "65536", "40001"] + NUM, "--port"),
    "masters": ([], ["0", "100"] + NUM, "--masters"),
    "devices": ([], ["0", "151", "0-3", "1-151", "4-2", "1,,2", "1-", "-3"] + NUM, "--devices"),
    "limit": ([], ["0", "-1", "-5"] + NUM, "--limit"),
    "requests": ([], ["0", "-1"] + NUM, "--requests"),
    "rate": ([], ["0", "-1", "1e8", "nan"] + NUM, "--rate"),
    "steady": None,
    "latency": ([], ["-1", "70000", "nan", "5:-1", "5:x", "5:", "1:2:3", "5:70000", ":2"] + NUM,
                "--latency"),
    "broadcast": (["--transport", "udp"], PROB, "--broadcast"),
    "subnet-broadcast": None,
    "mix": ([], ["heartbeat=x", "nothing=1", "read=0", ""], "--mix"),
    "bad-request": ([], PROB, "--bad-request"),
    "busy": ([], PROB, "--busy"),
    "burst": ([], PROB, "--burst"),
    "split": ([], PROB, "--split"),
    "noise": (["--transport", "serial"], PROB, "--noise"),
    "corrupt-crc": ([], PROB + ["0.6 --drop 0.6"], "--corrupt-crc"),
    "drop": ([], PROB, "--drop"),
    "gap-size": ([], ["-1", "17"] + NUM, "--gap-size"),
    "duplicate": ([], PROB, "--duplicate"),
    "reorder": ([], PROB, "--reorder"),
    "nak": ([], PROB, "--nak"),
    "sync": ([], PROB, "--sync"),
    "fault-at": ([], ["drop", "explode:3", "drop:0", "drop:x", ""], "--fault-at"),
    "crc": ([], ["crc32", ""], "--crc"),
    "length-le": None,
    "first-seq": ([], ["-1", "256"] + NUM, "--first-seq"),
    "big-frames": (["--transport", "tcp"], ["-1", "1001"] + NUM, "--big-frames"),
    "progress": None,
    "no-progress": None,
    "version": None,
    # a map that cannot be read: "mcpgen: FILE: ..." (bad cells: test/mcpgen/bad_options.sh)
    "map": ([], ["/nonexistent/map.csv"], "/nonexistent/map.csv"),
    # hidden aliases kept for one release: the message names the new option
    "out": ([], [""], "--write"),
    "frames": ([], ["0", "x"], "--limit"),
    "bad-crc": ([], PROB, "--corrupt-crc"),
    "gap": ([], PROB, "--drop"),
    # the old spread as a share of --latency (now --latency MS:JITTER_MS)
    "jitter": ([], ["-0.1", "1.5", "nan", "0.5 --latency 5:1"] + NUM, "--jitter"),
}
MCPGEN_HIDDEN = {"out", "frames", "bad-crc", "gap", "jitter"}

MCPSIM = {
    "listen": ([], ["bogus", "udp://127.0.0.1:99999", "iface:lo", "", "tcp://[::1",
                    "udp://127.0.0.1:0?devices=300", "tcp://127.0.0.1:0?devices=",
                    "udp://127.0.0.1:0?device=1"] + SERIAL_BAD,
               "--listen"),
    "pty": None,
    "devices": ([], ["1-300", "4-2", "x", "", "255"], "--devices"),
    "registers": ([], ["/nonexistent/regs.txt"], "/nonexistent/regs.txt"),
    "map": ([], ["/nonexistent/map.csv"], "/nonexistent/map.csv"),
    "seed": ([], ["-1", "x", ""], "--seed"),
    "latency": ([], ["ten", "1:2:3", "-1", ""], "--latency"),
    "silence": ([], ["-1", "60001"] + NUM, "--silence"),
    "drop": ([], PROB, "--drop"),
    "busy": ([], PROB, "--busy"),
    "failure": ([], PROB, "--failure"),
    "nak": ([], PROB, "--nak"),
    "events": ([], ["-1", "2e6", "nan"] + NUM, "--events"),
    "stats-interval": ([], ["-1", "nan"] + NUM, "--stats-interval"),
    "json": ([], ["/nonexistent/dir/s.json", "/"], "--json"),
    "verbose": None,
    "cpu": ([], ["-2", "99999"] + NUM, "--cpu"),
    "max-udp-clients": ([], ["0", "-1"] + NUM, "--max-udp-clients"),
    "max-tcp-clients": ([], ["0", "-1"] + NUM, "--max-tcp-clients"),
    "udp-idle": ([], ["0", "-1", "nan"] + NUM, "--udp-idle"),
    "crc": ([], ["crc32", ""], "--crc"),
    "length-le": None,
    "version": None,
    # hidden aliases kept for one release
    "serial": (["--baud", "12345"], ["/dev/null"], "--baud"),
    "baud": (["--serial", "/dev/null"], ["0", "-1", "12345", "x", ""], "--baud"),
    "drop-rate": ([], PROB, "--drop"),
    "busy-rate": ([], PROB, "--busy"),
    "failure-rate": ([], PROB, "--failure"),
    "nak-busy-rate": ([], PROB, "--nak"),
    "stats-json": ([], ["/nonexistent/dir/s.json"], "--json"),
}
MCPSIM_HIDDEN = {"serial", "baud", "drop-rate", "busy-rate", "failure-rate", "nak-busy-rate",
                 "stats-json"}
# exit codes other than 2 that the tool documents for a bad value (still before any socket):
# an output that cannot be created is 6 (docs/options.md, Exit codes)
MCPSIM_EXIT = {"json": 6, "stats-json": 6}


MCPREPLAY = {
    # (serial:/nonexistent is a target that cannot be reached: exit 3, not a bad value)
    "target": ([], ["bogus", "udp://127.0.0.1:99999", "tcp://[::1", "", "serial:?baud=x",
                    "udp://127.0.0.1:9?devices=1"] + SERIAL_BAD, "--target"),
    "port": ([], ["0", "-1", "65536"] + NUM, "--port"),
    "from": ([], ["nobody", ""], "--from"),
    "cmd": ([], ["EXPLODE", "0x1ff", ""], "--cmd"),
    "frames": ([], ["x", "5-2", "0", ""], "--frames"),
    "crc": ([], ["crc32", ""], "--crc"),
    "length-le": None,
    "speed": ([], ["0", "-1", "nan", "inf", "x", "", "1e-12", "1e-300", "1e7"], "--speed"),
    "pps": ([], ["0", "-1", "nan", "x", ""], "--pps"),
    "mbps": ([], ["0", "-1", "nan", "x", ""], "--mbps"),
    "topspeed": None,
    "loop": ([], ["0", "-1"] + NUM, "--loop"),
    "limit": ([], ["0", "-1"] + NUM, "--limit"),
    "duration": ([], ["0", "-1", "nan", "x", ""], "--duration"),
    "retries": ([], ["-1"] + NUM, "--retries"),
    "busy-backoff": ([], ["-1"] + NUM, "--busy-backoff"),
    "progress": ([], ["0", "-1", "x", ""], "--progress"),
    "preload": None,
    "max-senders": ([], ["0", "-1"] + NUM, "--max-senders"),
    "reconnect": ([], ["-1"] + NUM, "--reconnect"),
    "renumber": None,
    "fix-crc": None,
    "corrupt-crc": ([], PROB, "--corrupt-crc"),
    "drop": ([], PROB, "--drop"),
    "duplicate": ([], PROB, "--duplicate"),
    "reorder": ([], PROB, "--reorder"),
    "seed": ([], ["-1", "x", ""], "--seed"),
    "expect": None,
    "ignore": ([], ["nothing", ""], "--ignore"),
    # a map's own errors are "FILE:LINE: what is wrong" (REGISTER-MAP.md §1), naming the file
    "map": (["--expect"], ["/nonexistent/m.csv", "", "/"], ("--map", "/nonexistent/m.csv", "/: ")),
    "timeout": ([], ["0", "-1"] + NUM, "--timeout"),
    "stall-timeout": ([], ["0", "-1"] + NUM, "--stall-timeout"),
    "silence": ([], ["-1", "60001"] + NUM, "--silence"),
    "write": ([], ["/nonexistent/dir/r.pcap", "", "/"], "--write"),
    "record": ([], ["/nonexistent/dir/r.pcap", ""], "--write"),  # hidden: old name of --write
    "json": ([], ["/nonexistent/dir/r.json", "", "/"], "--json"),
    "junit": (["--expect"], ["/nonexistent/dir/r.xml", "", "/"], "--junit"),
    "dry-run": None,
    "quiet": None,
    "realtime": None,
    "show-bytes": None,
    "allow-skips": None,
    "allow-unmatched": None,
    "display-filter": ([], ["mcp5a.cmd ==", "((", ""], "--display-filter"),
    "dlt-user": ([], ["147", "146=mcp5a.serial", "163=mcp5a.serial", "user16=mcp5a.serial", "147=",
                      "147=mcp5a.serial,header=x", "147=mcp5a.serial,header=-1",
                      "147=mcp5a.serial,header=1,header=2", "147=mcp5a.serial,bogus=1",
                      '"User 0 (DLT=999)","mcp5a.serial","0","","0",""',
                      '"User 0 (DLT=147)","mcp5a.serial","0",""', ""], "--dlt-user"),
    "version": None,
}

MCPPOLL = {
    "timeout": ([], ["0", "-1"] + NUM, "--timeout"),
    "retries": ([], ["-1"] + NUM, "--retries"),
    "busy-backoff": ([], ["-1"] + NUM, "--busy-backoff"),
    "crc": ([], ["crc32", ""], "--crc"),
    "length-le": None,
    "seq": ([], ["-1", "256"] + NUM, "--seq"),
    "no-sync": None,
    "count": ([], ["-1"] + NUM, "--count"),
    "interval": ([], ["-1"] + NUM, "--interval"),
    "json": ([], ["=", "=/nonexistent/dir/p.jsonl", "=/"], "--json"),
    "show": ([], ["decimal", ""], "--show"),
    "verbose": None,
    "write": ([], ["/nonexistent/dir/p.pcap", "", "/"], "--write"),
    "record": ([], ["/nonexistent/dir/p.pcap", ""], "--write"),  # hidden: old name of --write
    "raw-crc": None,
    "scan-addr": (["@SCAN@"], ["-1", "65536", "x", ""], "--scan-addr"),
    "stall-timeout": ([], ["0", "-1"] + NUM, "--stall-timeout"),
    "silence": ([], ["-1", "60001"] + NUM, "--silence"),
    "version": None,
    "map": ([], ["", "/nonexistent/m.csv"], ("--map", "/nonexistent/m.csv")),
    "type": ([], ["f33", "", "str:0", "str:65", "u16,x"], "--type"),
    "order": (["--type", "u32"], ["ZZZZ", "", "AB"], "--order"),
    "csv": ([], ["", "/nonexistent/dir/p.csv", "/"], "--csv"),
    # hidden aliases kept for one release
    "format": ([], ["decimal", ""], "--show"),
}
MCPPOLL_HIDDEN = {"format", "record"}

MCPSERIALDUMP = {
    "interface": ([], ["/nonexistent/tty", ""] + SERIAL_BAD,
                  ("-i '", "-i: invalid endpoint", "/nonexistent/tty: no such port")),
    "write": ([], ["/nonexistent/dir/s.pcapng", "", "/"], "for writing"),
    "baud": ([], ["0", "-1", "12345", "x", ""], ("--baud", "baud 12345 is not a rate")),
    "data-bits": ([], ["4", "9", "x", ""], "--data-bits"),
    "parity": ([], ["mark", ""], "--parity"),
    "stop-bits": ([], ["0", "3", "x", ""], "--stop-bits"),
    "one-line": None,
    "reverse-port": ([], ["/nonexistent/tty"], "/nonexistent/tty"),
    "relay": ([], ["", "pty:"], "--relay"),
    "relay-device": ([], ["/nonexistent/tty"], "--relay-device"),
    "count": ([], ["0", "-1", "x", ""], "-c"),
    "autostop": ([], ["duration:0", "duration:x", "size:5", ""], "-a"),
    "list-ports": None,
    "quiet": None,
    "forget": None,  # takes remembered ports off a list: any name is valid (none match: exit 0)
    "version": None,
    # the extcap protocol (Wireshark passes these; bad values are refused the same way)
    "extcap-interfaces": None,
    "extcap-version": None,
    "extcap-interface": None,
    "extcap-dlts": None,
    "extcap-config": None,
    "extcap-reload-option": None,
    "capture": None,
    "fifo": None,
    "extcap-capture-filter": None,
    "extcap-cleanup-postkill": None,
    "debug": None,
    "debug-file": None,
    "log-level": None,
    "log-file": None,
    "help-extcap": None,
}
# mcpserialdump's exit codes other than 2 (docs/options.md, Exit codes): 3 a port missing
# or refusing the line settings, 6 an output that cannot be created. Each still comes before
# a byte is captured or written.
MCPSERIALDUMP_EXIT = {"interface": 3, "reverse-port": 3, "write": 6, ("baud", "12345"): 3}
# -i serial:URL with bad parameters is a usage error (2), like a bad --baud 'x'
MCPSERIALDUMP_EXIT.update({("interface", bad): 2 for bad in SERIAL_BAD})
# an output file that cannot be created (a missing folder, a folder) is 6 in every tool
OUTPUT_EXIT = {(opt, bad): 6 for opt in ("write", "record", "json", "junit")
               for bad in ("/nonexistent/dir/r.pcap", "/nonexistent/dir/r.json",
                           "/nonexistent/dir/r.xml",
                           "/nonexistent/dir/p.pcap", "=/nonexistent/dir/p.jsonl", "/", "=/")}
OUTPUT_EXIT.update({("csv", "/nonexistent/dir/p.csv"): 6, ("csv", "/"): 6})


def listed_options(binary):
    out = subprocess.run([binary, "--help-all"], capture_output=True, text=True, check=True).stdout
    names = set(re.findall(r"^\s+(?:-\S, )?--([a-z0-9-]+)", out, re.M))
    return names - {"help", "help-all"}


def check_listing(tool, binary, table, hidden):
    listed = listed_options(binary)
    visible = set(table) - hidden
    errors = []
    if listed != visible:
        errors.append(f"{tool} --help-all lists {sorted(listed - visible)} not in the table, "
                      f"table has {sorted(visible - listed)} not listed")
    hidden_shown = listed & hidden
    if hidden_shown:
        errors.append(f"{tool}: hidden aliases shown in --help-all: {sorted(hidden_shown)}")
    return errors


def run(binary, args, timeout=10):
    return subprocess.run([binary] + args, capture_output=True, text=True, timeout=timeout)


def walk_mcpgen(binary):
    errors = check_listing("mcpgen", binary, MCPGEN, MCPGEN_HIDDEN)
    cases = 0
    with tempfile.TemporaryDirectory(prefix="mcpgen-walk.") as work:
        empty = os.path.join(work, "empty")
        os.mkdir(empty)
        for opt, spec in MCPGEN.items():
            if spec is None:
                continue
            extra, bads, name = spec
            for i, bad in enumerate(bads):
                # every value into a missing folder (reaching the output would be exit 3);
                # the first one also into an empty folder, which must stay empty
                for outdir in ("/nonexistent/dir", empty)[: 2 if i == 0 else 1]:
                    out = os.path.join(outdir, "x.pcap")
                    value = bad.replace("@OUT@", out).split(" ")
                    args = ["--" + opt, value[0]] + value[1:] + extra
                    if opt not in ("write", "out"):
                        args += ["--write", out]
                    if opt != "truth":
                        args += ["--truth", os.path.join(outdir, "x.jsonl")]
                    r = run(binary, args)
                    cases += 1
                    what = f"mcpgen {' '.join(args)}"
                    lines = r.stderr.splitlines()
                    if r.returncode != 2:
                        errors.append(f"{what}: exit {r.returncode}, want 2: {r.stderr.strip()}")
                    elif len(lines) != 1 or (name not in lines[0] and f"--{opt}" not in lines[0]):
                        errors.append(f"{what}: stderr does not name {name}: {r.stderr.strip()}")
                    if os.listdir(empty):
                        errors.append(f"{what}: left {os.listdir(empty)} behind")
                        for f in os.listdir(empty):
                            os.remove(os.path.join(empty, f))
    return errors, cases


def bound_port():
    """A port held bound for UDP and TCP on 127.0.0.1 (so mcpsim cannot listen on it)."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            t.close()
            u.close()
            continue
        t.listen(1)
        return port, (t, u)
    raise SystemExit("no free port")


def walk_mcpsim(binary):
    errors = check_listing("mcpsim", binary, MCPSIM, MCPSIM_HIDDEN)
    port, held = bound_port()
    cases = 0
    # the control: with good options mcpsim reaches the listeners and fails there (exit 3)
    r = run(binary, ["--listen", f"udp://127.0.0.1:{port}", "--listen", f"tcp://127.0.0.1:{port}"])
    if r.returncode != 3:
        errors.append(f"control: mcpsim on a held port exits {r.returncode}, want 3")
    for opt, spec in MCPSIM.items():
        if spec is None:
            continue
        extra, bads, name = spec
        for bad in bads:
            args = ["--" + opt, bad] + extra
            if opt != "listen" and "--serial" not in args:
                args += ["--listen", f"udp://127.0.0.1:{port}", "--listen",
                         f"tcp://127.0.0.1:{port}"]
            r = run(binary, args)
            cases += 1
            want = MCPSIM_EXIT.get(opt, 2)
            what = f"mcpsim {' '.join(args)}"
            lines = r.stderr.splitlines()
            if r.returncode != want:
                errors.append(f"{what}: exit {r.returncode}, want {want}: {r.stderr.strip()}")
            elif len(lines) != 1 or (name not in lines[0] and f"--{opt}" not in lines[0]):
                errors.append(f"{what}: stderr does not name {name}: {r.stderr.strip()}")
            if "listening" in r.stdout:
                errors.append(f"{what}: it listened: {r.stdout.strip()}")
    for s in held:
        s.close()
    return errors, cases


def udp_sink():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setblocking(False)
    return s


def received(sink):
    n = 0
    while True:
        try:
            sink.recv(65536)
            n += 1
        except BlockingIOError:
            return n


def walk_generic(tool, binary, table, hidden, base_args, exits=None):
    exits = exits or {}
    """Every bad value: exit 2, one stderr line naming the option, nothing sent or written."""
    errors = check_listing(tool, binary, table, hidden)
    sink = udp_sink()
    url = "udp://127.0.0.1:%d" % sink.getsockname()[1]
    cases = 0
    with tempfile.TemporaryDirectory(prefix=tool + "-walk.") as work:
        empty = os.path.join(work, "empty")
        os.mkdir(empty)
        for opt, spec in table.items():
            if spec is None:
                continue
            extra, bads, name = spec
            for bad in bads:
                if bad.startswith("="):
                    args = ["--" + opt + bad]
                else:
                    args = ["--" + opt, bad]
                args += base_args(opt, url, empty, extra)
                r = run(binary, args)
                cases += 1
                want = exits.get((opt, bad), exits.get(opt, exits.get(None, 2)))
                what = f"{tool} {' '.join(args)}"
                lines = r.stderr.splitlines()
                names = (name,) if isinstance(name, str) else name
                if r.returncode != want:
                    errors.append(f"{what}: exit {r.returncode}, want {want}: {r.stderr.strip()}")
                elif len(lines) != 1 or not any(n in lines[0] for n in names + (f"--{opt}",)):
                    errors.append(f"{what}: stderr does not name {name}: {r.stderr.strip()}")
                if received(sink):
                    errors.append(f"{what}: frames reached the target")
                if os.listdir(empty):
                    errors.append(f"{what}: left {os.listdir(empty)} behind")
                    for f in os.listdir(empty):
                        os.remove(os.path.join(empty, f))
    sink.close()
    return errors, cases


CAPTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "captures",
                       "udp-clean.pcap")


def walk_mcpreplay(binary):
    def base(opt, url, empty, extra):
        args = list(extra)
        if opt != "target":
            args += ["--target", url]
        if opt not in ("write", "record"):
            args += ["--write", os.path.join(empty, "r.pcap")]
        if opt != "json":
            args += ["--json", os.path.join(empty, "r.json")]
        return args + ["--topspeed" if opt not in ("speed", "pps", "mbps") else "-q", CAPTURE]
    return walk_generic("mcpreplay", binary, MCPREPLAY, {"record"}, base, OUTPUT_EXIT)


def walk_mcppoll(binary):
    def base(opt, url, empty, extra):
        args = []
        if opt not in ("write", "record"):
            args += ["--write", os.path.join(empty, "p.pcap")]
        if "@SCAN@" in extra:
            return args + [url, "scan", "1-2"]
        return args + list(extra) + [url, "read", "3", "0", "1"]
    return walk_generic("mcppoll", binary, MCPPOLL, MCPPOLL_HIDDEN, base, OUTPUT_EXIT)


def walk_mcpserialdump(binary):
    import pty
    master, slave = pty.openpty()
    tty = os.ttyname(slave)

    def base(opt, url, empty, extra):
        args = []
        if opt != "interface":
            args += ["-i", tty]
        if opt != "write":
            args += ["-w", os.path.join(empty, "s.pcapng")]
        return args + ["-c", "1"] if opt != "count" else args
    try:
        return walk_generic("mcpserialdump", binary, MCPSERIALDUMP, set(), base,
                            MCPSERIALDUMP_EXIT)
    finally:
        os.close(master)
        os.close(slave)


def check_version(tool, binary):
    """-V and --version: one line, exit 0, the toolkit version and what it was built with."""
    errors = []
    for flag in ("--version", "-V"):
        r = run(binary, [flag])
        if r.returncode != 0 or not re.fullmatch(
                tool + r" \d+\.\d+\.\d+ \(MCP v1; built with GLib \d+\.\d+\.\d+[^\n]*\)\n",
                r.stdout):
            errors.append(f"{tool} {flag}: exit {r.returncode}, stdout {r.stdout!r}")
    r = run(binary, ["--help"])
    if r.returncode != 0 or "Examples:" not in r.stdout or tool + " " not in r.stdout.split(
            "Examples:")[-1]:
        errors.append(f"{tool} --help does not end with examples")
    return errors


def main():
    walks = {"mcpgen": walk_mcpgen, "mcpsim": walk_mcpsim, "mcpreplay": walk_mcpreplay,
             "mcppoll": walk_mcppoll, "mcpserialdump": walk_mcpserialdump}
    if len(sys.argv) != 3 or sys.argv[1] not in walks:
        raise SystemExit(__doc__)
    tool, binary = sys.argv[1], sys.argv[2]
    errors, cases = walks[tool](binary)
    errors += check_version(tool, binary)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problems in {cases} bad values", file=sys.stderr)
        return 1
    print(f"{tool}: {cases} bad values of every option: exit 2 naming the option, no work done")
    return 0


if __name__ == "__main__":
    sys.exit(main())

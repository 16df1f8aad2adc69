#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End-to-end tests of mcppoll against mcpsim: one case per ctest test.

    e2e.py CASE --build BUILD_DIR [--plugin PATH] [--schema FILE]

Expected values come from the spec (docs/PROTOCOL.md: §1 test vectors, §2
status numbers and names, §3 NAK rules), from mcpsim's own counters, and from
tshark with the mcp5a plugin, never from mcppoll's output alone. Every --json
line any case produces is validated against test/mcppoll/answer.schema.json.
Loopback and ptys only; every process is bounded in time.
"""
import json
import struct
import os
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
from mcp_crc import frame  # noqa: E402
import e2e_common  # noqa: E402
from e2e_common import check, fail  # noqa: E402,F401

ARGS = None
TMP = None
SCHEMA = None

STATUS = {0: "OK", 1: "ILLEGAL_ADDRESS", 2: "ILLEGAL_VALUE", 3: "DEVICE_BUSY",
          4: "DEVICE_FAILURE", 5: "UNKNOWN_DEVICE", 6: "UNSUPPORTED_COMMAND"}  # §2


def mcppoll_path():
    return os.path.join(ARGS.build, "replay", "mcppoll", "mcppoll")


class Result:
    def __init__(self, p, args):
        self.rc = p.returncode
        self.out = p.stdout
        self.err = p.stderr
        self.args = args
        self.json = []
        if "--json" in args or "-j" in args:
            for line in p.stdout.splitlines():
                try:
                    obj = json.loads(line)
                except ValueError:
                    fail(f"--json line is not JSON: {line!r} ({args})")
                    continue
                validate(obj, args)
                self.json.append(obj)

    def __str__(self):
        return f"rc {self.rc}, args {self.args}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def validate(obj, args):
    try:
        import jsonschema
    except ImportError:
        fail("python3-jsonschema is missing (scripts/setup-debian.sh installs it)")
        return
    try:
        jsonschema.validate(obj, schema())
    except jsonschema.ValidationError as e:
        fail(f"--json object does not fit the schema: {e.message}\n{obj}\n({args})")


def poll(*args, timeout=30, rc=None, what=""):
    args = [str(a) for a in args]
    p = subprocess.run([mcppoll_path()] + args, capture_output=True, text=True, timeout=timeout)
    r = Result(p, args)
    if rc is not None:
        check(r.rc == rc, f"{what or ' '.join(args)}: exit {rc}" + ("" if r.rc == rc else f"\n{r}"))
    return r


class Sim(e2e_common.Sim):
    """mcpsim on loopback UDP + TCP + a pty (test/libpy/e2e_common.py); close() gives
    its counters, {} when it wrote none."""

    def __init__(self, *extra):
        super().__init__(ARGS.build, TMP, *extra)

    def close(self):
        return super().close() or {}


# Answers are slow only under load: a generous timeout where an answer must come.
T = ["--timeout", "5000"]


def statuses(kind):
    """Every §2 status, each produced by mcpsim's rules or knobs, with its exit code."""
    sim = Sim("--devices", "1-3", "--seed", "5")
    url = sim.urls[kind]
    cases = [
        (["read", 3, 0x10, 4], 0),
        (["read", 1, 0xFFFF, 2], 1),                                # runs past 0xFFFF
        (["raw", "5a 01 00 05 02 01 00 10 00 00"], 2),              # READ count 0 (raw: mcppoll refuses it)
        (["read", 9, 0, 1], 5),                                     # a device mcpsim does not have
        (["raw", "5a 01 00 00 10"], 6),                             # unknown request 0x10
    ]
    for cmd, status in cases:
        r = poll("--json", *T, url, *cmd)
        j = r.json[0] if len(r.json) == 1 else {}
        answer = bytes.fromhex(j.get("answer", ""))
        check(r.rc == (0 if status == 0 else 1) and j.get("result") == "answer" and
              len(answer) >= 8 and answer[6] == status and j.get("status") == STATUS[status] and
              j.get("status_code") == status,
              f"{kind}: {' '.join(map(str, cmd))} -> status {status} {STATUS[status]}, exit "
              f"{0 if status == 0 else 1}\n{r}")
        if cmd[0] == "raw" and status == 6:
            check(answer[4] == 0x90 and answer[5] == 1, f"{kind}: unknown cmd 0x10 answered by 0x90 to seq 1")
    sim.close()
    for knob, status in (("--busy-rate", 3), ("--failure-rate", 4)):
        sim = Sim(knob, "1")
        for cmd in (["heartbeat"], ["read", 1, 0, 1], ["write", 1, 0, 7]):
            r = poll("--json", *T, sim.urls[kind], *cmd)
            j = r.json[0] if r.json else {}
            check(r.rc == 1 and j.get("status") == STATUS[status] and
                  bytes.fromhex(j.get("answer", "00" * 8))[6] == status,
                  f"{kind}: {knob} 1: {cmd[0]} -> {STATUS[status]}, exit 1\n{r}")
        sim.close()


def commands(kind):
    """read, write, heartbeat, sync, raw and scan; -v shows the §1 test vector byte for byte."""
    sim = Sim("--devices", "1-3", "--seed", "5")
    url = sim.urls[kind]
    # -v prints the frames; READ seq=1 dev=3 addr=0x0010 count=4 is the spec's §1 vector.
    r = poll("-v", *T, url, "read", 3, "0x10", 4, rc=0, what=f"{kind}: read 3 0x10 4")
    check("5a 00 00 00 06 35" in r.err and "5a 01 00 05 02 03 00 10 00 04 d4" in r.err,
          f"{kind}: -v shows SYNC seq 0 and the §1 READ vector\n{r.err}")
    rows = [l.split() for l in r.out.splitlines() if l.startswith("0x00")]
    check([row[0] for row in rows] == ["0x0010", "0x0011", "0x0012", "0x0013"] and
          all(int(row[1], 16) == int(row[2]) and
              int(row[3]) == (int(row[2]) - 65536 if int(row[2]) > 32767 else int(row[2]))
              for row in rows),
          f"{kind}: the table lists addr, hex, unsigned and signed for 4 registers\n{r.out}")
    # write then read back, in decimal, hex and negative values.
    r = poll("--json", *T, url, "write", 3, "0x200", 1500, "0xBEEF", "--", -5, rc=0,
             what=f"{kind}: write 3 0x200 1500 0xBEEF -5")
    j = r.json[0] if r.json else {}
    check(j.get("status") == "OK" and j.get("addr") == 0x200 and j.get("count") == 3,
          f"{kind}: WRITE answered OK for 0x0200 x3 ({j})")
    r = poll("--json", *T, url, "read", 3, 512, 3, rc=0, what=f"{kind}: read back")
    check(r.json and r.json[0].get("values") == [1500, 0xBEEF, 0xFFFB],
          f"{kind}: read back [1500, 0xBEEF, 0xFFFB] ({r.json})")
    r = poll("--show", "signed", *T, url, "read", 3, 512, 3, rc=0, what=f"{kind}: --show signed")
    check("0x0202 -5" in r.out and "0x0201 -16657" in r.out, f"{kind}: --show signed\n{r.out}")
    poll(*T, url, "heartbeat", rc=0, what=f"{kind}: heartbeat")
    r = poll("--json", *T, url, "sync", 9, rc=0, what=f"{kind}: sync 9")
    check(r.json and r.json[0]["result"] == "sent", f"{kind}: sync is sent, never answered")
    # raw: a HEARTBEAT frame as typed; the check is added; answered to its own seq.
    r = poll("-v", "--json", *T, url, "raw", "5a 07 00 00 01", rc=0, what=f"{kind}: raw heartbeat")
    check(frame(7, 1).hex(" ") in r.err and r.json and r.json[0]["seq"] == 7 and
          bytes.fromhex(r.json[0]["answer"])[5] == 7,
          f"{kind}: raw sends 5a 07 00 00 01 + check, answer's req_seq 7\n{r.err}")
    # --raw-crc: the frame as typed, check included; a wrong one is NAKed BAD_CRC and resent fixed.
    good = frame(7, 1).hex()
    poll("--raw-crc", *T, url, "raw", good, rc=0, what=f"{kind}: raw --raw-crc with the right check")
    bad = good[:-2] + "%02x" % (int(good[-2:], 16) ^ 0xFF)
    r = poll("--raw-crc", "--json", *T, url, "raw", bad, rc=0, what=f"{kind}: raw --raw-crc bad check")
    check(r.json and r.json[0]["resends"] == 1 and r.json[0]["naks"] == ["BAD_CRC"],
          f"{kind}: a bad check draws NAK BAD_CRC and one corrected resend ({r.json})")
    r = poll("--raw-crc", "--retries", 0, "--json", *T, url, "raw", bad, rc=1,
             what=f"{kind}: raw bad check with --retries 0")
    check(r.json and r.json[0]["result"] == "naked" and r.json[0]["nak_reason"] == "BAD_CRC",
          f"{kind}: --retries 0: NAKed BAD_CRC, exit 1")
    r = poll(*T[:0], "--timeout", 2000, url, "scan", "1-5", rc=0, what=f"{kind}: scan 1-5")
    check("found 3 of 5 ids probed: 1-3" in r.out, f"{kind}: scan 1-5 finds 1-3\n{r.out}")
    stats = sim.close()
    seq = stats.get("sequence", {})
    check(stats.get("naks_sent", {}).get("SEQ_GAP") == 0 and seq.get("gap") == 0,
          f"{kind}: no session drew a gap NAK (each starts with SYNC): {seq}")


def record(kind):
    """--write: tshark with the plugin decodes the session: SYNC, READ, the answer linked to it."""
    if not ARGS.plugin or not os.path.exists(ARGS.plugin):
        print("plugin not built: --write not decoded")
        return
    sim = Sim("--devices", "1-3", "--seed", "5")
    rec = os.path.join(TMP, f"rec-{kind}.pcapng")
    r = poll("--json", "--write", rec, *T, "--count", 2, "--interval", 10, sim.urls[kind], "read",
             3, "0x10", 4, rc=0, what=f"{kind}: --write")
    sim.close()
    os.chmod(rec, 0o644)
    os.chmod(TMP, 0o755)
    env = dict(os.environ, MCP5A_PLUGIN=ARGS.plugin, WIRESHARK_ABORT_ON_DISSECTOR_BUG="1")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark-unpriv.sh")
    t = subprocess.run([script, "-2", "-r", rec, "-Y", "mcp5a", "-T", "fields", "-E",
                        "separator=;", "-e", "mcp5a.seq", "-e", "mcp5a.cmd", "-e", "mcp5a.status",
                        "-e", "mcp5a.value", "-e", "mcp5a.response_in", "-e", "mcp5a.crc.status",
                        "-e", "mcp5a.analysis.gap"],
                       capture_output=True, text=True, timeout=60, env=env)
    rows = [l.split(";") for l in t.stdout.splitlines()]
    cmds = [row[1] for row in rows]
    want_values = ",".join("0x%04x" % v for v in (r.json[0]["values"] if r.json else []))
    check(t.returncode == 0 and cmds == ["0x06", "0x02", "0x82", "0x02", "0x82"] and
          all(row[5] == "1" for row in rows) and all(row[6] == "" for row in rows) and
          rows[1][4] != "" and rows[3][4] != "" and rows[2][2] == "0" and
          rows[2][3] == want_values and rows[4][3] == want_values,
          f"{kind}: the plugin decodes SYNC, 2 READs answered OK with mcppoll's values, good "
          f"checks, no gap\n{t.stdout}{t.stderr[:300]}")


def record_stdout():
    """--write -: the capture on stdout (pcap magic, nanosecond), the table on stderr."""
    sim = Sim("--seed", "5")
    p = subprocess.run([mcppoll_path(), *T, "--write", "-", sim.urls["udp"], "read", "1", "0", "2"],
                       capture_output=True, timeout=30)
    sim.close()
    check(p.returncode == 0 and p.stdout[:4] in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") and
          b"device 1 READ 0x0000 x2  OK" in p.stderr and len(p.stdout) > 24 + 3 * 16,
          f"--write -: a pcap on stdout, the answer on stderr ({p.returncode}, {p.stdout[:8]!r})")


def case_udp():
    commands("udp")
    statuses("udp")
    record("udp")
    record_stdout()


def case_tcp():
    commands("tcp")
    statuses("tcp")
    record("tcp")


def case_pty():
    # ?baud=N&parity=P: the line is set up so (read back with tcgetattr on the pty mcpsim
    # holds). Linux's pty driver keeps the speed and the stop bits but clears PARENB whatever
    # is asked: parity=odd|even cannot take on a pty, and mcppoll, reading the settings back,
    # refuses to go on (exit 3 naming the parameter) rather than talk without the parity asked.
    import termios
    sim = Sim()
    path = sim.urls["pty"].split(":", 1)[1]
    for parity, speed in (("odd", "19200"), ("even", "38400")):
        r = poll(*T, f"{sim.urls['pty']}?parity={parity}&baud={speed}", "heartbeat", rc=3,
                 what=f"pty: parity={parity} cannot take on a pty")
        check(f"parity={parity}" in r.err, f"pty: the message names parity={parity}: {r.err!r}")
    for stop, cstopb in (("2", termios.CSTOPB), ("1", 0)):
        poll(*T, f"{sim.urls['pty']}?parity=none&baud=9600&stop-bits={stop}", "heartbeat", rc=0,
             what=f"pty: parity=none&baud=9600&stop-bits={stop}")
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        attrs = termios.tcgetattr(fd)
        os.close(fd)
        check(attrs[2] & (termios.PARENB | termios.CSTOPB) == cstopb and
              attrs[5] == termios.B9600,
              f"pty: no parity, {stop} stop bits and 9600 baud are set on the line "
              f"(c_cflag {attrs[2]:#o})")
    poll(f"{sim.urls['pty']}?parity=mark", "heartbeat", rc=2, what="pty: parity=mark is refused")
    sim.close()
    commands("pty")
    statuses("pty")
    record("pty")


def case_busy():
    """NAK BUSY: resent after --busy-backoff with the same seq until answered (§3)."""
    sim = Sim("--nak-busy-rate", "0.5", "--seed", "11")
    t0 = time.monotonic()
    r = poll("--json", *T, "--retries", 40, "--busy-backoff", 20, "--count", 10, "--interval", 0,
             sim.urls["udp"], "read", 1, 0, 2, rc=0, what="BUSY NAKs then answers")
    elapsed = time.monotonic() - t0
    stats = sim.close()
    resends = sum(j["resends"] for j in r.json)
    busy = stats.get("naks_sent", {}).get("BUSY")
    check(len(r.json) == 10 and all(j["status"] == "OK" for j in r.json) and resends > 0 and
          resends == busy and all(j["naks"] == (["BUSY"] if j["resends"] else []) for j in r.json),
          f"10 READs all answered OK after {resends} resends = mcpsim's {busy} BUSY NAKs")
    check(stats.get("sequence", {}).get("retransmission") == busy,
          f"mcpsim counts each resend as a retransmission (same seq): {stats.get('sequence')}")
    check(elapsed >= resends * 0.020, f"resends waited --busy-backoff 20 ms each ({elapsed:.3f} s)")
    # Every request refused: given up after --retries, exit 1.
    sim = Sim("--nak-busy-rate", "1")
    r = poll("--json", *T, "--retries", 2, "--busy-backoff", 1, sim.urls["udp"], "heartbeat", rc=1,
             what="NAKed past the retries")
    stats = sim.close()
    check(r.json and r.json[0]["result"] == "naked" and r.json[0]["resends"] == 2 and
          stats.get("naks_sent", {}).get("BUSY") == 3,
          f"--retries 2: sent 3 times, 3 BUSY NAKs, exit 1 ({r.json})")


def case_restart_gap():
    """A pty remembers the last session's seqs: without SYNC a jump is a gap (16 NAKs at most, §3);
    with SYNC (the default) the same jump draws none."""
    sim = Sim()
    url = sim.urls["pty"]
    poll(*T, "--seq", 5, url, "read", 1, 0, 1, rc=0, what="session 1 (SYNC 5, READ 6)")
    r = poll("-v", *T, "--no-sync", "--seq", 40, url, "read", 1, 0, 1, rc=0,
             what="session 2 without SYNC (READ 40)")
    naks = [l for l in r.err.splitlines() if " NAK " in l and "<-" in l]
    check(len(naks) == 16 and "16 NAKs named frames this session did not send" in r.err,
          f"no SYNC: 16 SEQ_GAP NAKs, ignored and reported, the READ answered\n{r.err}")
    s1 = sim.close()
    sim = Sim()
    url = sim.urls["pty"]
    poll(*T, "--seq", 5, url, "read", 1, 0, 1, rc=0, what="session 1 again")
    r = poll("-v", *T, "--seq", 40, url, "read", 1, 0, 1, rc=0, what="session 2 with SYNC 40")
    s2 = sim.close()
    check(" NAK " not in r.err and s2.get("naks_sent", {}).get("total") == 0 and
          s2.get("sequence", {}).get("gap") == 0,
          f"with SYNC: no NAK, mcpsim saw no gap ({s2.get('sequence')})\n{r.err}")
    check(s1.get("naks_sent", {}).get("SEQ_GAP") == 16 and s1.get("sequence", {}).get("gap") == 1,
          f"mcpsim's own count: one gap, 16 SEQ_GAP NAKs ({s1.get('naks_sent')})")


def case_broadcast():
    """WRITE to device 255: every device acts, none answers (§2); exit 0."""
    sim = Sim("--devices", "1-3")
    for kind in ("udp", "tcp", "pty"):
        t0 = time.monotonic()
        # With a 20 s timeout, returning well before it shows no answer was awaited.
        r = poll("--json", "--timeout", 20000, sim.urls[kind], "write", 255, "0x30", 42, 43,
                 rc=0, what=f"{kind}: broadcast write")
        check(r.json and r.json[0]["result"] == "sent" and r.json[0]["device"] == 255 and
              time.monotonic() - t0 < 10, f"{kind}: broadcast: sent, no answer awaited")
        for dev in (1, 2, 3):
            r = poll("--json", *T, sim.urls[kind], "read", dev, "0x30", 2)
            check(r.rc == 0 and r.json and r.json[0]["values"] == [42, 43],
                  f"{kind}: device {dev} applied the broadcast write")
    stats = sim.close()
    check(stats.get("broadcasts") == 3, f"mcpsim counted 3 broadcasts ({stats.get('broadcasts')})")


def case_scan():
    """scan finds exactly mcpsim's devices, on every transport."""
    sim = Sim("--devices", "1-3,7,200,254")
    for kind in ("udp", "tcp", "pty"):
        r = poll("--timeout", 2000, sim.urls[kind], "scan", rc=0, what=f"{kind}: scan")
        check("found 6 of 254 ids probed: 1-3,7,200,254" in r.out and
              "248 answered UNKNOWN_DEVICE, 0 no answer" in r.out,
              f"{kind}: scan finds 1-3,7,200,254\n{r.out}")
        found = [int(l.split()[0]) for l in r.out.splitlines()
                 if l.strip() and l.split()[0].isdigit()]
        check(found == [1, 2, 3, 7, 200, 254], f"{kind}: the table lists them ({found})")
    r = poll("--json", "--timeout", 2000, sim.urls["udp"], "scan", "5-8,1", rc=0)
    check([j["device"] for j in r.json] == [1, 5, 6, 7, 8] and
          [j["status"] for j in r.json] == ["OK", "UNKNOWN_DEVICE", "UNKNOWN_DEVICE", "OK",
                                            "UNKNOWN_DEVICE"],
          f"scan --json: one object per probe, in id order ({[j['device'] for j in r.json]})")
    r = poll("--timeout", 2000, sim.urls["udp"], "scan", "8-12", rc=1, what="scan finding nobody")
    sim.close()
    sim = Sim("--drop-rate", "1")
    t0 = time.monotonic()
    r = poll("--timeout", 50, sim.urls["udp"], "scan", "1-4", rc=3, what="scan, nobody answers")
    check("no answer from any device within 50 ms" in r.err and time.monotonic() - t0 < 10,
          f"scan with no answers: exit 3, says so\n{r.err}")
    sim.close()


def case_poll():
    """--count N: N timestamped rows and a latency summary; --count 0 runs until Ctrl-C."""
    sim = Sim("--seed", "5")
    r = poll("--json", *T, "--count", 5, "--interval", 50, sim.urls["udp"], "read", 1, 0, 2, rc=0,
             what="--count 5 --interval 50")
    times = [j["time"] for j in r.json]
    check(len(r.json) == 5 and [j["poll"] for j in r.json] == [1, 2, 3, 4, 5] and
          [j["seq"] for j in r.json] == [1, 2, 3, 4, 5], f"5 answers, polls and seqs 1..5")

    def secs(ts):
        return time.mktime(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) + float(ts[19:-1])
    gaps = [secs(b) - secs(a) for a, b in zip(times, times[1:])]
    check(all(g >= 0.045 for g in gaps), f"requests at least --interval apart ({gaps})")
    lat = [j["latency_us"] / 1000 for j in r.json]
    summary = [l for l in r.err.splitlines() if l.startswith("latency min/avg/max")]
    check(len(summary) == 1, f"--json: the summary goes to stderr\n{r.err}")
    if summary:
        mn, avg, mx = map(float, summary[0].split()[2].split("/"))
        check(abs(mn - min(lat)) < 0.002 and abs(mx - max(lat)) < 0.002 and
              abs(avg - sum(lat) / len(lat)) < 0.002,
              f"min/avg/max {mn}/{avg}/{mx} agree with the rows {lat}")
    r = poll(*T, "--count", 3, "--interval", 10, sim.urls["tcp"], "heartbeat", rc=0)
    rows = [l for l in r.out.splitlines() if "HEARTBEAT  OK" in l]
    check(len(rows) == 3 and all(l[:4].isdigit() and l[10] == "T" for l in rows) and
          "--- 3 requests: 3 answered (3 OK" in r.out, f"table rows are timestamped\n{r.out}")
    # --count 0: until Ctrl-C, then the summary and exit 0.
    p = subprocess.Popen([mcppoll_path(), "--count", "0", "--interval", "20", sim.urls["udp"],
                          "heartbeat"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.monotonic() + 20
    while len(lines) < 3 and time.monotonic() < deadline:
        lines.append(p.stdout.readline())
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    n = sum(1 for l in lines + out.splitlines() if "HEARTBEAT  OK" in l)
    check(p.returncode == 0 and n >= 3 and f"--- {n} requests: {n} answered" in out,
          f"--count 0 stops on Ctrl-C with the summary ({p.returncode}, {n} rows)\n{out}{err}")
    # Ctrl-C while the only request waits: no answer, exit 3, says so.
    sink = Sink()
    p = subprocess.Popen([mcppoll_path(), "--timeout", "20000", sink.url, "heartbeat"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while sink.received() < 2 and time.monotonic() < deadline:  # SYNC and HEARTBEAT are out
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    check(p.returncode == 3 and "interrupted before an answer" in err,
          f"Ctrl-C before the answer: exit 3 ({p.returncode}: {err.strip()})")
    sim.close()
    # Unsolicited EVENTs between the answers: matched around, counted in the summary.
    sim = Sim("--events", "50")
    r = poll(*T, "--count", 5, "--interval", 60, sim.urls["udp"], "heartbeat", rc=0,
             what="polling with EVENTs coming in")
    ev = [l for l in r.out.splitlines() if "EVENTs" in l]
    check("5 answered (5 OK" in r.out and ev and int(ev[0].split("EVENTs")[1]) > 0,
          f"EVENTs do not disturb the answers and are counted\n{r.out}")
    # Some answers missing: exit 3, counted.
    sim.close()
    # (--timeout 1000: a slow answer under load must not pass for a dropped one.)
    sim = Sim("--drop-rate", "0.3", "--seed", "4")
    r = poll("--json", "--timeout", 1000, "--count", 6, "--interval", 0, sim.urls["udp"],
             "heartbeat")
    stats = sim.close()
    missing = sum(1 for j in r.json if j["result"] == "no_answer")
    check(r.rc == 3 and missing == stats.get("dropped") and missing > 0 and len(r.json) == 6 and
          f"6 requests: {6 - missing} answered ({6 - missing} OK" in r.err and
          f"{missing} no answer" in r.err,
          f"dropped answers: {missing} no_answer rows = mcpsim's {stats.get('dropped')} drops, exit 3")


def case_codec():
    """--crc and --length-le as everywhere; a wrong check: nothing matches, exit 3 with a note."""
    sim = Sim("--crc", "crc8-maxim", "--length-le", "--seed", "5")
    r = poll("--json", *T, "--crc", "crc8-maxim", "--length-le", sim.urls["udp"], "read", 1, 0, 3,
             rc=0, what="crc8-maxim + little-endian length")
    check(r.json and len(r.json[0]["values"]) == 3, "values decoded under the device's codec")
    sim.close()
    # The device NAKs our crc8-smbus frames with crc8-maxim NAKs: they fail our check, are counted.
    sim = Sim("--crc", "crc8-maxim")
    r = poll("--timeout", 300, sim.urls["udp"], "read", 1, 0, 3, rc=3, what="default codec")
    stats = sim.close()
    check("frames received failed the crc8-smbus check" in r.err and
          "every one passes crc8-maxim: try --crc crc8-maxim" in r.err and
          stats.get("crc_errors") == 2,
          f"the failing check is named; mcpsim saw 2 bad checks ({stats.get('crc_errors')})\n{r.err}")


def case_docs():
    """--help shows the commands and examples; every long option is in the man page."""
    import re
    r = poll("--help", rc=0, what="--help")
    check("Examples:" in r.out and all(c in r.out for c in
                                       ("read DEVICE", "write DEVICE", "heartbeat", "sync",
                                        "raw HEX", "scan [DEVICES]", "Exit status")),
          "--help lists the commands, examples and exit codes")
    opts = sorted(set(re.findall(r"^\s+(?:-\w, )?--([a-z-]+)", r.out, re.M)) - {"help"})
    man = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                            "mcppoll.1")).read().replace("\\-", "-")
    missing = [o for o in opts if "--" + o not in man]
    check(len(opts) >= 15 and not missing, f"the man page documents every option ({missing})")


def case_schema():
    """The schema can fail: objects that break it are rejected (a check that cannot fail proves
    nothing)."""
    import jsonschema
    good = {"time": "2026-11-30T01:02:03.000004Z", "poll": 1, "command": "read", "device": 3,
            "seq": 1, "result": "answer", "status": "OK", "status_code": 0, "latency_us": 12,
            "resends": 0, "naks": [], "malformed": False, "answer": "5aff000b820100030010000212 34abcdb3".replace(" ", ""),
            "addr": 16, "count": 1, "values": [5]}
    jsonschema.validate(good, schema())
    item = {"name": "tank_temp", "addr": 16, "value": 23.4, "unit": "°C", "raw": 234, "label": None}
    jsonschema.validate(dict(good, items=[item]), schema())
    print("ok: a good object passes")
    broken = [dict(good, status="FINE"), dict(good, latency_us=None), dict(good, device=None),
              {k: v for k, v in good.items() if k != "status"},
              {k: v for k, v in good.items() if k != "values"},
              dict(good, result="no_answer"), dict(good, values=[70000]), dict(good, extra=1),
              dict(good, items=[{"name": "tank_temp"}]), dict(good, items=[dict(item, name="Bad")]),
              dict(good, items=[dict(item, value=None)]), dict(good, items=[]),
              dict(good, command="heartbeat", device=None, items=[item])]
    for obj in broken:
        try:
            jsonschema.validate(obj, schema())
            fail(f"the schema accepts a broken object: {obj}")
        except jsonschema.ValidationError:
            print("ok: rejected " + json.dumps(obj)[:100])


class Sink:
    """A UDP socket that counts what arrives: proves nothing was sent."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"udp://127.0.0.1:{self.sock.getsockname()[1]}"
        self.markers = 0
        self.count = 0

    def received(self, timeout=10):
        """Datagrams that arrived so far (markers not counted). A marker sent to the
        sink now is read last, so that what the tools sent before the call is counted,
        not guessed with a sleep (AssertionError when the marker never comes)."""
        self.markers += 1
        marker = f"sink marker {os.getpid()} {self.markers}".encode()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(marker, self.sock.getsockname())
        deadline = time.monotonic() + timeout
        while True:
            self.sock.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise AssertionError("the sink's marker never came back")
            if data == marker:
                return self.count
            self.count += 1


def case_bad_input():
    """Every bad input: exit 2 with a message, before anything is sent; unreachable: exit 3."""
    sink = Sink()
    u = sink.url
    bad = [
        [u, "read", 3, "0x1G", 4], [u, "read", 256, 0, 1], [u, "read", 3, 70000, 1],
        [u, "read", 3, 0, "abc"], [u, "read", 3, 0, 0], [u, "read", 3, 0, 126],
        [u, "read", 3, 0, "-1"], [u, "read", 3, 0], [u, "read", 3, 0, 1, 2], [u, "read", 255, 0, 1],
        [u, "read", 3, "", 1], [u, "read", "0x", 0, 1], [u, "read", "1.5", 0, 1],
        [u, "write", 3, 0, 70000], [u, "write", 3, 0], [u, "--", "write", 3, 0, "-40000"],
        [u, "write", 3, 0] + [1] * 126,
        [u, "frobnicate"], [u], [], [u, "heartbeat", 1], [u, "sync", 256], [u, "sync", 1, 2],
        [u, "raw"], [u, "raw", "5a0"], [u, "raw", "zz"], [u, "raw", "5a 00 00"],
        [u, "raw", "5a" * 4200], [u, "scan", "1-300"], [u, "scan", "5-3"], [u, "scan", "a"],
        [u, "scan", "255"], [u, "scan", "1,,2"],
        ["--seq", 300, u, "heartbeat"], ["--timeout", 0, u, "heartbeat"],
        ["--timeout", -5, u, "heartbeat"], ["--count", -1, u, "heartbeat"],
        ["--retries", -1, u, "heartbeat"], ["--busy-backoff", -1, u, "heartbeat"],
        ["--interval", -1, u, "heartbeat"], ["--crc", "crc9", u, "heartbeat"],
        ["--format", "octal", u, "read", 1, 0, 1], ["--bogus", u, "heartbeat"],
        ["--count", 2, u, "scan"], ["--seq", 3, u, "raw", "5a 00 00 00 01"],
        ["--scan-addr", "0x10000", u, "scan"],
        ["http://127.0.0.1:1", "heartbeat"], ["udp://127.0.0.1", "heartbeat"],
        ["iface:lo", "heartbeat"],
        ["--write", "/nonexistent-dir/x.pcapng", u, "heartbeat"],
    ]
    for args in bad:
        r = poll(*args, timeout=10)
        # an output that cannot be created is 6 (one exit-code table, docs/options.md)
        want = 6 if args[:1] == ["--write"] else 2
        check(r.rc == want and r.err.startswith("mcppoll: ") and len(r.err.splitlines()) == 1,
              f"bad input {args[:6]}: exit {want}, one line ({r.rc}: {r.err.strip()[:160]})")
    check(sink.received() == 0, "nothing was sent for any bad input")
    # Unreachable: a refused UDP port, a refused TCP port, a missing serial device - exit 3.
    free = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    for url, word in ((f"udp://127.0.0.1:{port}", "refused"), (f"tcp://127.0.0.1:{port}", "refused"),
                      ("serial:/dev/mcppoll-no-such-tty", "No such file")):
        r = poll("--timeout", 2000, url, "heartbeat", timeout=20)
        check(r.rc == 3 and "unreachable" in r.err and word in r.err,
              f"{url}: exit 3, unreachable ({r.err.strip()[:200]})")
    # No answer: the frame went out, nothing came back - exit 3, and says that it is a timeout.
    sink2 = Sink()
    t0 = time.monotonic()
    r = poll("--timeout", 200, sink2.url, "read", 1, 0, 1, timeout=20)
    check(r.rc == 3 and "no answer within 200 ms" in r.err and sink2.received() == 2 and
          time.monotonic() - t0 < 5, f"silent device: exit 3, 'no answer' ({r.err.strip()})")


def schema():
    """The answer schema (--schema), read once."""
    global SCHEMA
    if SCHEMA is None:
        with open(ARGS.schema) as f:
            SCHEMA = json.load(f)
    return SCHEMA


def case_junk():
    """A device answering every request with 'hello' (not MCP, h19 #12): the bytes are counted
    and named, and the verdict is no answer (exit 3), not silence."""
    import socket
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    stop = threading.Event()

    def serve_udp():
        u.settimeout(0.1)
        while not stop.is_set():
            try:
                _, peer = u.recvfrom(9000)
                u.sendto(b"hello", peer)
            except socket.timeout:
                pass

    def serve_tcp():
        lst.settimeout(0.1)
        while not stop.is_set():
            try:
                c, _ = lst.accept()
            except socket.timeout:
                continue
            c.settimeout(0.1)
            while not stop.is_set():
                try:
                    if not c.recv(9000):
                        break
                    c.sendall(b"hello")
                except socket.timeout:
                    pass
            c.close()

    threads = [threading.Thread(target=f, daemon=True) for f in (serve_udp, serve_tcp)]
    for t in threads:
        t.start()
    try:
        url = f"udp://127.0.0.1:{u.getsockname()[1]}"
        r = poll("--no-sync", "--timeout", 300, "-c", 2, "--interval", 10, url, "read", 1, 0, 2,
                 rc=3, what="udp junk device")
        check(f"received 2 datagrams, 10 bytes that are not MCP from {url}" in r.err and
              "only bytes that are not MCP came back" not in r.err, f"junk named (udp)\n{r.err}")
        r = poll("--no-sync", "--timeout", 300, url, "read", 1, 0, 2, rc=3, what="udp, one poll")
        check("only bytes that are not MCP came back" in r.err and
              "received 1 datagram, 5 bytes that are not MCP" in r.err, f"one poll\n{r.err}")
        url = f"tcp://127.0.0.1:{lst.getsockname()[1]}"
        r = poll("--no-sync", "--timeout", 300, url, "read", 1, 0, 2, rc=3, what="tcp junk device")
        check("only bytes that are not MCP came back" in r.err and
              "5 bytes that are not MCP" in r.err, f"junk named (tcp)\n{r.err}")
    finally:
        stop.set()
        for t in threads:
            t.join(2)
        u.close()
        lst.close()


# --- issue 19: typed values (--type/--order), register maps (--map), --csv ---------------

# REGISTER-MAP.md §1/§2: struct format and registers of each type
TYPES = {"u16": (">H", 1), "i16": (">h", 1), "u32": (">I", 2), "i32": (">i", 2),
         "u64": (">Q", 4), "i64": (">q", 4), "f32": (">f", 2), "f64": (">d", 4), "bits": (">H", 1)}
SAMPLES = {"u16": 0xBEEF, "i16": -1234, "u32": 0xDEADBEEF, "i32": -123456789,
           "u64": 0x0123456789ABCDEF, "i64": -1234567890123456789, "f32": -2.25,
           "f64": -1234.5678, "bits": 0x8001}


def registers(big_endian, order):
    """§2's table, by hand: the registers that hold a value whose big-endian bytes are given."""
    b = bytes(big_endian)
    if order == "DCBA":
        b = b[::-1]
    elif order == "BADC":
        b = b"".join(b[i + 1:i + 2] + b[i:i + 1] for i in range(0, len(b), 2))
    words = [b[i] << 8 | b[i + 1] for i in range(0, len(b), 2)]
    if order == "CDAB":
        words = words[::-1]
    return words


def case_typed():
    """--type T --order O without a map: every type in every order written, read back as
    plain registers (compared with struct's bytes laid out by §2's table) and as typed values."""
    sim = Sim("--devices", "1-3", "--seed", "5")
    url = sim.urls["udp"]
    addr = 0x400
    for t, (fmt, n) in TYPES.items():
        for order in ("ABCD", "CDAB", "BADC", "DCBA"):
            v = SAMPLES[t]
            values = [v, -v if t[0] in "if" else v // 3]
            text = [repr(x) if isinstance(x, float) else str(x) for x in values]
            want = sum((registers(struct.pack(fmt, x), order) for x in values), [])
            poll(*T, "--type", t, "--order", order, url, "write", 3, addr, "--", *text, rc=0,
                 what=f"write --type {t} --order {order} {text}")
            r = poll("--json", *T, url, "read", 3, addr, 2 * n, rc=0)
            got = r.json[0].get("values") if r.json else None
            check(got == want, f"{t} {order}: registers {got} = struct's {want}")
            r = poll("--json", *T, "--type", t, "--order", order, url, "read", 3, addr, 2, rc=0)
            items = r.json[0].get("items", []) if r.json else []
            check([i["value"] for i in items] == values and
                  [i["addr"] for i in items] == [addr, addr + n] and
                  r.json[0]["count"] == 2 * n,
                  f"{t} {order}: read back as typed values {values} ({items})")
            r = poll(*T, "--type", t, "--order", order, url, "read", 3, addr, 2, rc=0)
            rows = [l.split() for l in r.out.splitlines()[1:] if l.startswith("0x0")]
            check([(int(a, 16), float(x) if t[0] == "f" else int(x, 0)) for a, x in rows] ==
                  [(addr, values[0]), (addr + n, values[1])],
                  f"{t} {order}: the table shows addr and value\n{r.out}")
            addr += 8
    # str:N takes ABCD and BADC (§2)
    for order in ("ABCD", "BADC"):
        poll(*T, "--type", "str:3", "--order", order, url, "write", 3, addr, "SN-42", rc=0)
        r = poll("--json", *T, url, "read", 3, addr, 3, rc=0)
        check(r.json and r.json[0]["values"] == registers(b"SN-42\0", order),
              f"str:3 {order}: 'SN-42' padded with a NUL ({r.json[0]['values'] if r.json else r})")
        r = poll("--json", *T, "--type", "str:3", "--order", order, url, "read", 3, addr, 1, rc=0)
        check(r.json and r.json[0]["items"][0]["value"] == "SN-42", f"str:3 {order} read back")
        addr += 4
    # out of range, named with the range; nothing is sent
    sink = Sink()
    for t, bad, rng in (("u16", "65536", "0..65535"), ("i16", "40000", "-32768..32767"),
                        ("u32", "-1", "0..4294967295")):
        r = poll("--type", t, sink.url, "--", "write", 3, 0, 1, bad, rc=2, what=f"{t} {bad}")
        check("VALUE 2" in r.err and rng in r.err, f"{t} {bad}: refused naming {rng}: {r.err}")
    r = poll("--type", "f64", sink.url, "read", 3, 0, 32, rc=2, what="32 f64 = 128 registers")
    check("at most 125" in r.err and "31 values" in r.err, f"too many values: {r.err}")
    check(sink.received() == 0, "nothing was sent for a value out of range")
    sim.close()


MAP = """# a plant, by hand (REGISTER-MAP.md §1)
device,addr,name,type,order,scale,offset,unit,labels,access
3,0x10,tank_temp,i16,,0.1,,°C,,rw
3,0x11,state,u16,,,,,0=off;1=on;2=fault,rw
3,0x12,flow,f32,CDAB,,,m3/h,,rw
3,0x14,serial,str:4,,,,,,r
3,0x18,secret,u16,,,,,,w
3,0x19,after,u16,,,,,,rw
3,0x20,alarms,bits,,,,,0=alarm;3=door_open,rw
"""
# 0x200..: 40 u32 then 30 f32, one block of 140 registers without a gap
MAP += "".join(f"3,{0x200 + 2 * i},c{i},u32,,,,,,r\n" for i in range(40))
MAP += "".join(f"3,{0x250 + 2 * i},f{i},f32,,,,,,rw\n" for i in range(30))


def reads(r):
    """(addr, count) of every READ mcppoll sent, from -v's frames (§2 READ payload)."""
    out = []
    for line in r.err.splitlines():
        if "-> seq" in line and " READ " in line:
            b = bytes.fromhex("".join(line.split("READ", 1)[1].split()))
            out.append((b[6] << 8 | b[7], b[8] << 8 | b[9]))
    return out


def case_map():
    """--map: read by name and all in as few READs as fit, write by name with engineering
    values, access and range refused before anything is sent."""
    m = os.path.join(TMP, "plant.csv")
    with open(m, "w") as f:
        f.write(MAP)
    sim = Sim("--devices", "1-3", "--seed", "5")
    url = sim.urls["udp"]
    r = poll("--map", m, "--json", *T, url, "write", 3, "tank_temp=23.4", "state=on",
             "flow=1.5", "alarms=9", "after=7", rc=0, what="write by name")
    # contiguous 0x10..0x13 in one WRITE, then 0x19 and 0x20 alone
    check([(j["addr"], j["count"]) for j in r.json] == [(0x10, 4), (0x19, 1), (0x20, 1)],
          f"WRITEs of adjacent items are merged ({[(j.get('addr'), j.get('count')) for j in r.json]})")
    r = poll("--json", *T, url, "read", 3, 0x10, 4, rc=0)
    want = [234, 1] + registers(struct.pack(">f", 1.5), "CDAB")
    check(r.json and r.json[0]["values"] == want,
          f"registers: 23.4/0.1 = 234, on = 1, 1.5 as f32 CDAB: {want} ({r.json and r.json[0]['values']})")
    r = poll("--json", *T, url, "read", 3, 0x20, 1, rc=0)
    check(r.json and r.json[0]["values"] == [9], "alarms = 9")
    poll("--map", m, *T, url, "write", 3, *[f"f{i}={i + 0.5}" for i in range(30)], rc=0)
    # read all: by hand, runs without a gap of at most 125 registers; secret (w) left out and
    # no READ spans it: 0x10 x8 (tank_temp..serial), 0x19 x1, 0x20 x1, 0x200 x124, 0x27c x16
    r = poll("--map", m, "-v", *T, url, "read", 3, "all", rc=0, what="read all")
    want = [(0x10, 8), (0x19, 1), (0x20, 1), (0x200, 124), (0x27C, 16)]
    check(reads(r) == want, f"read all sends {len(want)} READs {want} ({reads(r)})")
    check("leaves out the write-only items (access w): secret" in r.err, f"note on secret\n{r.err}")
    rows = {l.split()[0]: l.split()[1:] for l in r.out.splitlines()[len(want):] if l.strip()}
    check(rows.get("tank_temp") == ["23.4", "°C"] and rows.get("state") == ["1", "on"] and
          rows.get("flow") == ["1.5", "m3/h"] and rows.get("alarms") == ["0x0009", "alarm,door_open"] and
          rows.get("f29") == ["29.5"] and "secret" not in rows and
          r.out.splitlines()[len(want)].split() == ["name", "value", "unit", "label"],
          f"the table: name, value, unit, label\n{r.out}")
    # by name: items between two asked for are read along when readable (state), never a
    # register of a write-only item (secret)
    r = poll("--map", m, "-v", "--json", *T, url, "read", 3, "flow", "tank_temp", rc=0)
    check(reads(r) == [(0x10, 4)], f"tank_temp and flow: one READ across state ({reads(r)})")
    items = [i for j in r.json for i in j.get("items", [])]
    check([(i["name"], i["value"], i["unit"], i["raw"]) for i in items] ==
          [("flow", 1.5, "m3/h", 0x3FC00000), ("tank_temp", 23.4, "°C", 234)],
          f"--json items in the order named: name, value, unit, raw (f32: its bits) ({items})")
    r = poll("--map", m, "-v", *T, url, "read", 3, "serial", "after", rc=0)
    check(reads(r) == [(0x14, 4), (0x19, 1)], f"no READ spans the write-only secret ({reads(r)})")
    r = poll("--map", m, "--json", *T, url, "read", 3, "state", rc=0)
    check(r.json and r.json[0]["items"][0]["label"] == "on", "a label in --json")
    # refused before anything is sent
    sink = Sink()
    r = poll("--map", m, sink.url, "write", 3, "tank_temp=1", "serial=AB", rc=2, what="write r")
    check("serial is read-only" in r.err and "nothing was sent" in r.err, r.err)
    r = poll("--map", m, sink.url, "read", 3, "secret", rc=2, what="read w")
    check("secret is write-only" in r.err, r.err)
    r = poll("--map", m, sink.url, "write", 3, "tank_temp=4000", rc=2, what="out of range")
    check("tank_temp: 4000 is out of range -3276.8..3276.7 °C" in r.err, r.err)
    r = poll("--map", m, sink.url, "write", 3, "state=broken", rc=2, what="no such label")
    r = poll("--map", m, sink.url, "read", 3, "tank_tmp", rc=2, what="unknown name")
    check("no item 'tank_tmp' for device 3" in r.err and "tank_temp" in r.err, r.err)
    r = poll("--map", m, sink.url, "read", 4, "all", rc=2, what="device without items")
    # "--json out.json" (no '='): out.json is a name; the message says so, not "no item 'all'"
    r = poll("--map", m, sink.url, "read", 3, "all", "--json", "out.json", rc=2, what="all + a name")
    check("'all' stands alone" in r.err and "'out.json'" in r.err and "--json=FILE" in r.err, r.err)
    r = poll(sink.url, "read", 3, "tank_temp", rc=2, what="a name without --map")
    check("--map" in r.err, r.err)
    check(sink.received() == 0, "nothing was sent for a refused item")
    sim.close()


BAD_MAPS = [  # (text, line, what the message says) - every error of REGISTER-MAP.md §1
    ("device,addr,name\n3,0,a\n", 1, "type"),                             # missing column
    ("device,addr,name,type,colour\n3,0,a,u16,red\n", 1, "colour"),       # unknown column
    ("device,addr,name,type\n3,0,a,u16\n3,0x1G,b,u16\n", 3, "addr"),      # bad cell
    ("device,addr,name,type\n3,0,a,u16\n3,1,a,u16\n", 3, "a"),            # name twice
    ("device,addr,name,type\n3,0,a,u32\n\n3,1,b,u16\n", 4, "b"),          # share a register
    ("device,addr,name,type\n3,0xFFFF,a,u32\n", 2, "0xffff"),             # past 0xFFFF
    ("device,addr,name,type\n3,0,a,u16\n4,0,a,i16\n", 3, "a"),            # one name, two types
    ("device,addr,name,type,labels\n3,0,a,f32,0=x\n", 2, "label"),        # label on f32
    ("# c\ndevice,addr,name,type\n3,0,a,str:65\n", 3, "str"),             # str:65
    ("device,addr,name,type,order\n3,0,a,u32,ABDC\n", 2, "order"),        # bad order
    ("device,addr,name,type,access\n3,0,a,u16,x\n", 2, "access"),         # bad access
    ("device,addr,name,type\n255,0,a,u16\n", 2, "255"),                   # broadcast device
]


def case_bad_map():
    """Every kind of bad map: exit 2 and FILE:LINE before anything is sent or written."""
    sink = Sink()
    out = os.path.join(TMP, "out")
    os.mkdir(out)
    for i, (text, line, word) in enumerate(BAD_MAPS):
        m = os.path.join(TMP, f"bad{i}.csv")
        with open(m, "w") as f:
            f.write(text)
        for cmd in (["read", 3, "all"], ["heartbeat"], ["read", 3, 0, 1]):
            r = poll("--map", m, "--csv", os.path.join(out, "x.csv"), "-w",
                     os.path.join(out, "x.pcap"), sink.url, *cmd) if cmd[0] == "read" else \
                poll("--map", m, "-w", os.path.join(out, "x.pcap"), sink.url, *cmd)
            check(r.rc == 2 and r.err.startswith(f"mcppoll: {m}:{line}: ") and word in r.err and
                  len(r.err.splitlines()) == 1,
                  f"bad map {i} ({cmd[0]}): exit 2, {m}:{line}: naming {word!r} ({r.rc}: {r.err.strip()})")
    r = poll("--map", os.path.join(TMP, "none.csv"), sink.url, "heartbeat", rc=2, what="no map file")
    check("none.csv" in r.err, r.err)
    check(sink.received() == 0 and os.listdir(out) == [],
          f"nothing sent, nothing written ({os.listdir(out)})")


def case_csv():
    """--csv: a header and one row per poll, read with Python's csv module: ISO 8601 UTC
    with milliseconds, the latency, the values as written."""
    import csv
    import datetime
    m = os.path.join(TMP, "plant.csv")
    with open(m, "w") as f:
        f.write(MAP)
    sim = Sim("--devices", "1-3", "--seed", "5")
    url = sim.urls["udp"]
    poll("--map", m, *T, url, "write", 3, "tank_temp=-12.5", "state=2", "flow=0.25",
         "after=65535", "alarms=8", rc=0)
    path = os.path.join(TMP, "poll.csv")
    r = poll("--map", m, "--csv", path, *T, "-c", 4, "--interval", 30, url, "read", 3,
             "tank_temp", "state", "flow", "after", "alarms", rc=0)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    check(rows and rows[0] == ["time", "latency_ms", "tank_temp", "state", "flow", "after",
                               "alarms"], f"header ({rows[:1]})")
    check(len(rows) == 5, f"one row per poll: 4 ({len(rows) - 1})")
    times = []
    for row in rows[1:]:
        try:
            t = datetime.datetime.strptime(row[0], "%Y-%m-%dT%H:%M:%S.%fZ")
            times.append(t)
            check(len(row[0]) == 24, f"milliseconds: {row[0]}")
        except ValueError:
            fail(f"not ISO 8601 UTC with ms: {row[0]}")
        check(float(row[1]) >= 0 and row[2:] == ["-12.5", "2", "0.25", "65535", "8"],
              f"latency and the values as written ({row})")
    check(all((b - a).total_seconds() >= 0.025 for a, b in zip(times, times[1:])),
          f"rows --interval apart ({times})")
    # no map: one column per register; --csv - is stdout (the summary goes to stderr)
    poll(*T, url, "write", 3, "0x300", 1, 2, "0xFFFF", rc=0)
    r = poll("--csv", "-", *T, "-c", 3, "--interval", 10, url, "read", 3, "0x300", 3, rc=0)
    rows = list(csv.reader(r.out.splitlines()))
    check(rows[0] == ["time", "latency_ms", "0x0300", "0x0301", "0x0302"] and len(rows) == 4 and
          all(row[2:] == ["1", "2", "65535"] for row in rows[1:]) and "--- 3 requests" in r.err,
          f"--csv -: registers by address\n{r.out}{r.err}")
    # --type: one column per value
    poll(*T, "--type", "f32", url, "write", 3, "0x300", "1.25", "--", "-3", rc=0)
    r = poll("--csv", "-", *T, "--type", "f32", "-c", 2, "--interval", 10, url, "read", 3,
             "0x300", 2, rc=0)
    rows = list(csv.reader(r.out.splitlines()))
    check(rows[0][2:] == ["0x0300", "0x0302"] and [row[2:] for row in rows[1:]] ==
          [["1.25", "-3"]] * 2, f"--csv with --type\n{r.out}")
    # a missing answer is an empty cell, the row is still there
    sim.close()
    sim = Sim("--drop", "1")
    r = poll("--csv", "-", "--timeout", 100, "-c", 2, "--interval", 0, sim.urls["udp"], "read",
             1, 0, 2, rc=3)
    rows = list(csv.reader(r.out.splitlines()))
    check(len(rows) == 3 and all(row[1:] == ["", "", ""] for row in rows[1:]),
          f"no answer: empty cells ({rows})")
    sim.close()


if __name__ == "__main__":
    e2e_common.main(globals(), "mcppoll-test-", lambda ap: ap.add_argument(
        "--schema", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                         "answer.schema.json")))

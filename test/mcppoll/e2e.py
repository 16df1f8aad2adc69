#!/usr/bin/env python3
"""End-to-end tests of mcppoll against mcpsim (UDP, TCP, a pty): one case per ctest test.

    e2e.py CASE --build BUILD_DIR

Expected values come from docs/PROTOCOL.md §2 (statuses, broadcast), §3 (SYNC, gaps, NAK and
resend) and from what mcpsim was told (devices, knobs), never from mcppoll's own output alone:
registers written are read back, statuses are forced with mcpsim's knobs or frames the spec
says draw them.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mcpreplay"))
import e2e  # noqa: E402  (Sim, check, fail)
from e2e import Sim, check, fail  # noqa: E402

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                      "mcppoll-answer.schema.json")


def mcppoll(*args, timeout=30):
    exe = os.path.join(e2e.ARGS.build, "replay", "mcppoll", "mcppoll")
    return subprocess.run([exe] + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)


def expect(p, rc, what):
    if p.returncode != rc:
        fail(f"{what}: exit {p.returncode}, expected {rc}\nstdout: {p.stdout}\nstderr: {p.stderr}")
        return False
    return True


def objects(p, what):
    """The --json lines, each validated against docs/mcppoll-answer.schema.json."""
    import jsonschema
    with open(SCHEMA) as f:
        v = jsonschema.Draft202012Validator(json.load(f))
    out = []
    for line in p.stdout.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            fail(f"{what}: not JSON: {line}")
            continue
        errors = list(v.iter_errors(o))
        if errors:
            fail(f"{what}: {errors[0].message} in {line}")
        out.append(o)
    return out


def crc8(data):  # crc8-smbus, spec §1 (check value 0xF4)
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def case_commands():
    """Every command over UDP, TCP and a pty; written registers read back; scan finds exactly
    mcpsim's devices; a broadcast write waits for nothing; --count polls."""
    assert crc8(b"123456789") == 0xF4
    sim = Sim("--devices", "1-3,7", "--seed", "4")
    try:
        for kind in ("udp", "tcp", "serial"):
            url = sim.urls[kind]
            p = mcppoll("--json", url, "write", 7, "0x0200", 1500, "0xBEEF", 3)
            o = objects(p, f"{kind} write")
            check(expect(p, 0, f"{kind} write") and o and o[0]["status"] == "OK" and
                  o[0]["addr"] == 0x200 and o[0]["count"] == 3,
                  f"{kind}: write 7 0x0200 1500 0xBEEF 3: OK, device echoes addr and count")
            p = mcppoll("--json", url, "read", 7, 512, 3)
            o = objects(p, f"{kind} read")
            check(expect(p, 0, f"{kind} read") and o and o[0]["values"] == [1500, 0xBEEF, 3] and
                  o[0]["device"] == 7 and o[0]["latency_us"] >= 0,
                  f"{kind}: read 7 512 3 gives back the values written ({o})")
            p = mcppoll(url, "read", 7, "0x200", 2)
            check(expect(p, 0, f"{kind} table") and "0x0200   0xbeef" not in p.stdout and
                  re.search(r"0x0201\s+0xbeef\s+48879\s+-16657", p.stdout),
                  f"{kind}: the table shows address, hex, unsigned and signed")
            p = mcppoll("--format", "signed", url, "read", 7, "0x201", 1)
            check(expect(p, 0, f"{kind} --format") and p.stdout.strip() == "-16657",
                  f"{kind}: --format signed prints the value alone")
            p = mcppoll("--json", url, "heartbeat")
            o = objects(p, f"{kind} heartbeat")
            check(expect(p, 0, f"{kind} heartbeat") and o and o[0]["status"] == "OK" and
                  o[0]["device"] is None, f"{kind}: heartbeat answered OK")
            p = mcppoll(url, "sync", 2)
            check(expect(p, 0, f"{kind} sync") and "sent (no answer expected)" in p.stdout,
                  f"{kind}: sync 2 is sent, never answered (§2)")
            # raw HEARTBEAT (the spec's first test vector without its check; the check is added)
            p = mcppoll("-v", url, "raw", "5a 07 00 00 01")
            check(expect(p, 0, f"{kind} raw") and "-> 5a 07 00 00 01 " in p.stderr and
                  re.search(r"<- 5a \w\w 00 02 81 07 00", p.stderr),
                  f"{kind}: raw frame sent with its check added, answered; -v shows both frames")
            frame = bytes([0x5A, 9, 0, 0, 1])
            p = mcppoll("--raw-crc", url, "raw", (frame + bytes([crc8(frame)])).hex())
            expect(p, 0, f"{kind} raw --raw-crc")
            # broadcast write: device 255, nobody answers (§2), exit 0 at once
            p = mcppoll("--json", url, "write", 255, "0x300", 9)
            o = objects(p, f"{kind} broadcast")
            check(expect(p, 0, f"{kind} broadcast") and o and o[0]["outcome"] == "sent",
                  f"{kind}: broadcast write sent, no answer awaited")
            p = mcppoll("--json", url, "read", 3, "0x300", 1)
            check(objects(p, "after broadcast") and json.loads(p.stdout)["values"] == [9],
                  f"{kind}: the broadcast write reached device 3")
            p = mcppoll(url, "scan", "1-10")
            found = re.findall(r"^\s+(\d+)\s+OK", p.stdout, re.M)
            check(expect(p, 0, f"{kind} scan") and found == ["1", "2", "3", "7"] and
                  "4 devices answered" in p.stdout, f"{kind}: scan 1-10 finds exactly 1,2,3,7 ({found})")
            p = mcppoll("--json", "-c", 3, "-i", 50, url, "read", 1, 0, 2)
            o = objects(p, f"{kind} poll")
            check(expect(p, 0, f"{kind} poll") and len(o) == 3 and [x["seq"] for x in o] == [1, 2, 3] and
                  re.search(r"3 requests, 3 answered, latency min/avg/max [\d.]+/[\d.]+/[\d.]+ ms", p.stderr),
                  f"{kind}: --count 3 polls three times with fresh seqs after the SYNC, then a summary")
    finally:
        sim.close()


def case_status():
    """Every status of §2 (forced with mcpsim's knobs or requests the spec says draw it): exit 1
    and its name; NAK BUSY resent until answered."""
    sim = Sim("--devices", "1")
    url = sim.urls["udp"]
    try:
        def status(*args):
            p = mcppoll("--json", url, *args)
            o = objects(p, " ".join(map(str, args)))
            return p.returncode, (o[0]["status"] if o else None)
        check(status("read", 1, 0, 1) == (0, "OK"), "OK: exit 0")
        check(status("read", 5, 0, 1) == (1, "UNKNOWN_DEVICE"), "unknown device: UNKNOWN_DEVICE, exit 1")
        # READ dev 1 addr 0xFFFF count 2 (runs past 0xFFFF): ILLEGAL_ADDRESS; count 0: ILLEGAL_VALUE
        check(status("raw", "5a 00 00 05 02 01 ff ff 00 02") == (1, "ILLEGAL_ADDRESS"),
              "registers past 0xFFFF: ILLEGAL_ADDRESS, exit 1")
        check(status("raw", "5a 00 00 05 02 01 00 00 00 00") == (1, "ILLEGAL_VALUE"),
              "count 0: ILLEGAL_VALUE, exit 1")
        check(status("raw", "5a 00 00 00 10") == (1, "UNSUPPORTED_COMMAND"),
              "unknown command 0x10: UNSUPPORTED_COMMAND, exit 1")
    finally:
        sim.close()
    for knob, name in (("--busy-rate", "DEVICE_BUSY"), ("--failure-rate", "DEVICE_FAILURE")):
        sim = Sim(knob, "1")
        p = mcppoll("--json", sim.urls["tcp"], "read", 1, 0, 1)
        sim.close()
        o = objects(p, knob)
        check(p.returncode == 1 and o and o[0]["status"] == name, f"mcpsim {knob} 1: {name}, exit 1")
    # NAK BUSY on half the requests: resent (same seq) until answered.
    sim = Sim("--nak-busy-rate", "0.5", "--seed", "9")
    p = mcppoll("--json", "--retries", "20", "--busy-backoff", "2", "-c", 10, "-i", 10,
                sim.urls["udp"], "read", 1, 0, 1)
    stats = sim.close()
    o = objects(p, "nak busy")
    busy = (stats or {}).get("naks_sent", {}).get("BUSY", 0)
    check(p.returncode == 0 and len(o) == 10 and all(x["status"] == "OK" for x in o) and
          sum(x["resends"] for x in o) == busy > 0 and any(x["naks"] == ["BUSY"] for x in o),
          f"NAK BUSY: every request answered OK after {busy} resends")
    sim = Sim("--nak-busy-rate", "1")
    p = mcppoll("--json", "--retries", "2", "--busy-backoff", "1", sim.urls["udp"], "heartbeat")
    sim.close()
    o = objects(p, "always busy")
    check(p.returncode == 1 and o and o[0]["outcome"] == "naked" and o[0]["resends"] == 2,
          "always NAK BUSY: NAKed after the retries, exit 1")


def case_session():
    """A pty keeps the device's view of our sequence across runs: without SYNC a new run starting
    elsewhere draws SEQ_GAP NAKs (§3); with the SYNC every session starts with, none."""
    sim = Sim()
    url = sim.urls["serial"]
    try:
        p = mcppoll("-c", 3, "-i", 10, url, "read", 1, 0, 1)
        expect(p, 0, "first session")
        p = mcppoll("-v", "--no-sync", "--seq", 100, url, "read", 1, 0, 1)
        naks = re.findall(r"^<- .*\(NAK seq", p.stderr, re.M)
        check(expect(p, 0, "--no-sync elsewhere") and len(naks) == 16,
              f"--no-sync --seq 100 after seq 3: 16 SEQ_GAP NAKs, still answered ({len(naks)})")
        p = mcppoll("-v", "--seq", 200, url, "read", 1, 0, 1)
        check(expect(p, 0, "sync elsewhere") and "(NAK seq" not in p.stderr and
              "-> 5a c8 00 00 06" in p.stderr,
              "a session opened with SYNC (seq 200) draws no NAK")
    finally:
        sim.close()


def case_bad_input():
    """Bad input: exit 2 with one line; refused port and no answer: exit 3, saying which."""
    sim = Sim()
    url = sim.urls["udp"]
    try:
        for args in (["read", 1, "0x1G", 4], ["read", 1, 0, 0], ["read", 1, 0, 126], ["read", 256, 0, 1],
                     ["read", 1, 0], ["write", 1, 0], ["write", 1, 0, 70000], ["frobnicate"], [],
                     ["read", 1, "0xFFFF", 2], ["raw", "5a0"], ["raw", "00 00 00 00 01"], ["scan", "10-1"],
                     ["scan", "0"], ["sync", 300]):
            p = mcppoll(url, *args)
            check(p.returncode == 2 and p.stderr.count("\n") == 1 and p.stderr.startswith("mcppoll: "),
                  f"{' '.join(map(str, args)) or '(no command)'}: exit 2, one line ({p.stderr.strip()})")
        for opts in (["--timeout", 0], ["--count", -1], ["--interval", 0], ["--seq", 256], ["--crc", "crc9"],
                     ["--format", "octal"]):
            p = mcppoll(*opts, url, "heartbeat")
            check(p.returncode == 2, f"{' '.join(map(str, opts))}: exit 2 ({p.stderr.strip()})")
        p = mcppoll("udp://nonsense", "heartbeat")
        check(p.returncode == 2, f"a bad URL: exit 2 ({p.stderr.strip()})")
    finally:
        sim.close()
    p = mcppoll("tcp://127.0.0.1:1", "heartbeat")
    check(p.returncode == 3 and "cannot connect" in p.stderr, f"refused TCP port: exit 3 ({p.stderr.strip()})")
    mute = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    mute.bind(("127.0.0.1", 0))
    p = mcppoll("--timeout", 200, f"udp://127.0.0.1:{mute.getsockname()[1]}", "read", 1, 0, 1)
    mute.close()
    check(p.returncode == 3 and "no answer within 200 ms" in p.stdout,
          f"a silent device: exit 3, 'no answer within 200 ms' ({p.stdout.strip()})")


def case_record():
    """--record: the session as a capture the mcp5a plugin decodes (UDP, TCP, pty): the SYNC,
    the requests and their answers, linked (§4), no gap (§3), no bad check."""
    plugin = e2e.ARGS.plugin
    if not plugin or not os.path.exists(plugin) or not shutil.which("tshark"):
        print("SKIP: the plugin or tshark is not there")
        return
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark-unpriv.sh")
    env = dict(os.environ, MCP5A_PLUGIN=plugin, WIRESHARK_ABORT_ON_DISSECTOR_BUG="1")
    os.chmod(e2e.TMP, 0o755)
    sim = Sim("--devices", "1-2")
    try:
        for kind in ("udp", "tcp", "serial"):
            out = os.path.join(e2e.TMP, f"poll-{kind}.pcapng")
            p = mcppoll("--record", out, "-c", 3, "-i", 10, sim.urls[kind], "read", 2, "0x10", 2)
            expect(p, 0, f"{kind} --record")
            os.chmod(out, 0o644)
            port = sim.urls[kind].rsplit(":", 1)[-1]
            decode = [] if kind == "serial" else ["-d", f"{kind}.port=={port},mcp5a"]
            t = subprocess.run([script, "-r", out, "-2"] + decode +
                               ["-Y", "mcp5a", "-T", "fields", "-e", "mcp5a.cmd", "-e", "mcp5a.seq",
                                "-e", "mcp5a.response_in", "-e", "mcp5a.crc.status", "-e", "mcp5a.analysis.gap"],
                               capture_output=True, text=True, timeout=60, env=env)
            rows = [l.split("\t") for l in t.stdout.splitlines()]
            cmds = [int(r[0], 0) for r in rows]
            check(cmds == [6, 2, 0x82, 2, 0x82, 2, 0x82] and
                  all(r[3] == "1" for r in rows) and not any(r[4] for r in rows) and
                  all(r[2] for r in rows if int(r[0], 0) == 2),
                  f"{kind}: the plugin decodes SYNC and 3 answered READs, good checks, no gap ({rows}; "
                  f"{t.stderr.strip()[:200]})")
    finally:
        sim.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--build", required=True)
    ap.add_argument("--plugin", default="")
    e2e.ARGS = ap.parse_args()
    e2e.TMP = tempfile.mkdtemp(prefix="mcppoll-test-")
    try:
        globals()["case_" + e2e.ARGS.case]()
    finally:
        shutil.rmtree(e2e.TMP, ignore_errors=True)
    if e2e.FAILS:
        print(f"{len(e2e.FAILS)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every example line of every tool's --help works (h19 finding 9: mcppoll's own
`--count 0 --interval 500 --json udp://... read 3 0 2` failed with "unknown command '3'").

Each tool's --help is read, its "Examples:" block split into command lines (the text after
three spaces is the comment), and each line run as written, with only the names of things
this machine does not have replaced:

- udp://10.0.0.5:23130, tcp://plc:23130, udp://[fd00::5]:23130 -> an mcpsim (devices 1-32)
  this test starts on 127.0.0.1 / [::1] port 0;
- /dev/ttyUSB0 -> that mcpsim's pty (mcppoll, mcpreplay) or a pty the test owns (mcpsim,
  mcpserialdump), /dev/ttyUSB1 and /dev/ttyS1 -> other ptys of the test;
- mcpsim's own --listen addresses -> 127.0.0.1 port 0 (and when an example has no --listen,
  one is added: the default 127.0.0.1:23130 may be in use by anyone on a shared machine);
- the capture files mcpreplay reads are made first with mcpgen (UDP, serial, and uart.pcap
  as DLT_USER0 = 147 records holding mcpgen's serial bytes); regs.txt is a register file,
  plant.csv a register map;
- `A | tshark ...`: A runs and its stdout must start with a pcap or pcapng magic.

Tools that run until stopped (mcpsim, mcpserialdump capturing or relaying, mcppoll --count 0) are
stopped with SIGINT/SIGTERM once running and must exit 0 (mcpsim after announcing every
listener). A Linux pty refuses parity (8N only, drivers/tty/pty.c), so an example asking
for parity=even on a serial line can only be checked as far as the line: it must be
refused with the tool's "cannot open/configure the line" exit naming the parity, which
shows every option before it was understood. Everything else must exit 0.

    help_examples.py BUILD_DIR
"""
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(sys.argv[1])
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLUGIN = os.path.join(BUILD, "plugin", "mcp5a.so")
TOOLS = ["mcpgen", "mcpsim", "mcpreplay", "mcppoll", "mcpserialdump"]
# exit code of a line a pty refuses (parity), per tool (docs: each tool's EXIT STATUS)
REFUSED_LINE_EXIT = {"mcppoll": 3, "mcpreplay": 3, "mcpserialdump": 3, "mcpsim": 3}
failures = []


def tool(name):
    return os.path.join(BUILD, "replay", name, name)


def examples(name):
    text = subprocess.run([tool(name), "--help"], capture_output=True, text=True,
                          check=True).stdout
    m = re.search(r"\nExamples:\n((?:  .*\n)+)", text)
    if m is None:
        failures.append(f"{name} --help has no Examples: block")
        return []
    return [re.split(r"\s{3,}", line.strip())[0] for line in m.group(1).splitlines()]


def read_until(proc, needle, count, timeout):
    """Reads proc's stdout until needle was seen count times; returns what was read."""
    got, end = "", time.monotonic() + timeout
    while got.count(needle) < count and time.monotonic() < end:
        r, _, _ = select.select([proc.stdout], [], [], 0.1)
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096).decode(errors="replace")
            if not chunk:
                break
            got += chunk
    return got


def start_sim():
    proc = subprocess.Popen([tool("mcpsim"), "--listen", "udp://127.0.0.1:0", "--listen",
                             "tcp://127.0.0.1:0", "--listen", "udp://[::1]:0", "--pty",
                             "--devices", "1-32"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    out = read_until(proc, "listening", 4, 10)
    urls = re.findall(r"listening (\S+)", out)
    if len(urls) != 4:
        proc.kill()
        sys.exit(f"mcpsim did not start: {out!r}")
    return proc, {"udp": urls[0], "tcp": urls[1], "udp6": urls[2],
                  "pty": urls[3].split(":", 1)[1]}


def make_inputs(tmp):
    gen = tool("mcpgen")
    for args in (["-L", "20", "--format", "pcapng", "-w", "gen.pcapng"],
                 ["-L", "20", "-w", "f.pcap"], ["-L", "20", "-w", "big.pcap"],
                 ["--transport", "serial", "-L", "20", "--format", "pcapng", "-w",
                  "line.pcapng"],
                 ["--transport", "serial", "-L", "20", "-w", "line.pcap"]):
        subprocess.run([gen] + args, cwd=tmp, check=True, capture_output=True)
    # uart.pcap: DLT_USER0 (147) records holding the serial bytes of line.pcap's
    # exported-PDU records (tags: 2-byte type, 2-byte length, padded to 4; type 0 ends)
    data = open(os.path.join(tmp, "line.pcap"), "rb").read()
    out, off = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 147)], 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack_from("<IIII", data, off)
        rec = data[off + 16:off + 16 + incl]
        off += 16 + incl
        p = 0
        while p + 4 <= len(rec):
            t, ln = struct.unpack_from(">HH", rec, p)
            p += 4 + ((ln + 3) & ~3)
            if t == 0:
                break
        body = rec[p:]
        out.append(struct.pack("<IIII", sec, usec, len(body), len(body)) + body)
    open(os.path.join(tmp, "uart.pcap"), "wb").write(b"".join(out))
    open(os.path.join(tmp, "regs.txt"), "w").write("1 0x10 0x1234\n")
    # plant.csv: a register map (docs/REGISTER-MAP.md) for the --map examples
    open(os.path.join(tmp, "plant.csv"), "w").write(
        "device,addr,name,type,scale,unit,labels,access\n"
        "1-32,0x10,tank_temp,i16,0.1,°C,,r\n1-32,0x11,setpoint,i16,0.1,°C,,rw\n"
        "1-32,0x12,mode,u16,,,0=off;1=auto;2=manual,rw\n")


def record_field(tmp, sim):
    """field.pcapng: mcpgen's requests as answered by the mcpsim, so -e can pass."""
    subprocess.run([tool("mcpreplay"), "-t", sim["udp"], "--write", "field.pcapng",
                    "gen.pcapng"], cwd=tmp, check=True, capture_output=True)
    os.chmod(tmp, 0o755)  # tshark runs as nobody (test/tshark-unpriv.sh)
    for f in os.listdir(tmp):
        os.chmod(os.path.join(tmp, f), 0o644)


def substitute(name, argv, sim, ptys):
    out = []
    for a in argv:
        a = a.replace("udp://10.0.0.5:23130", sim["udp"])
        a = a.replace("tcp://plc:23130", sim["tcp"])
        a = a.replace("udp://[fd00::5]:23130", sim["udp6"])
        a = re.sub(r"udp://0\.0\.0\.0:\d+", "udp://127.0.0.1:0", a)
        if name in ("mcppoll", "mcpreplay"):
            a = a.replace("/dev/ttyUSB0", sim["pty"])
        for dev, path in ptys.items():
            a = a.replace(dev, path)
        out.append(a)
    if name == "mcpsim" and "--listen" not in out and "--pty" not in out:
        out += ["--listen", "udp://127.0.0.1:0", "--listen", "tcp://127.0.0.1:0"]
    return out


def check(name, line, sim, ptys, tmp):
    argv = shlex.split(line)
    piped = "|" in argv
    if piped:
        argv = argv[:argv.index("|")]
    assert argv[0] == name, line
    argv = [tool(name)] + substitute(name, argv[1:], sim, ptys)[0:]
    parity = re.search(r"parity[= ]even", line) is not None
    runs_until_stopped = (name == "mcpsim"
                          or (name == "mcpserialdump" and ("-i" in argv or "--relay" in argv))
                          or (name == "mcppoll" and re.search(r"(--count|-c) 0\b", line)))
    env = dict(os.environ)
    if "-Y" in argv and name == "mcpreplay":
        if not os.path.exists(PLUGIN) or shutil.which("tshark") is None:
            print(f"skip {line} (no tshark or no built plugin)")
            return
        env.update(MCPREPLAY_TSHARK=os.path.join(SOURCE, "test", "tshark-unpriv.sh"),
                   MCP5A_PLUGIN=PLUGIN)
    proc = subprocess.Popen(argv, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    head = b""
    if runs_until_stopped and not parity:
        if name == "mcpsim":
            want = max(1, argv.count("--listen") + argv.count("--pty"))
            read_until(proc, "listening", want, 10)
        else:
            time.sleep(1.2)
            if piped:
                r, _, _ = select.select([proc.stdout], [], [], 2)
                head = os.read(proc.stdout.fileno(), 8) if r else b""
        proc.send_signal(signal.SIGTERM if name == "mcpsim" else signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        failures.append(f"{line}: did not end within 60 s")
        return
    out, err = head + out, err.decode(errors="replace")
    if parity:
        want = REFUSED_LINE_EXIT[name]
        ok = proc.returncode == want and ("parity" in err or "refuses the settings" in err)
        verdict = f"refused by the pty (exit {want}, naming parity or the refused settings)"
    else:
        ok = proc.returncode == 0
        verdict = "exit 0"
        if ok and piped and not (out.startswith(b"\xd4\xc3\xb2\xa1") or out[:4] in (
                b"\x4d\x3c\xb2\xa1", b"\x0a\x0d\x0d\x0a", b"\xa1\xb2\xc3\xd4")):
            ok, verdict = False, "a capture on stdout"
    if ok:
        print(f"ok   {line}")
    else:
        failures.append(f"{line}\n    ran {shlex.join(argv)}\n    wanted {verdict}, got exit "
                        f"{proc.returncode}: {err.strip()[-400:]}")
        print(f"FAIL {line}")


def main():
    with tempfile.TemporaryDirectory(prefix="help-examples-") as tmp:
        make_inputs(tmp)
        ptys, keep = {}, []
        for dev in ("/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyS1"):
            master, slave = pty.openpty()
            keep += [master, slave]
            ptys[dev] = os.ttyname(slave)
        sim, urls = start_sim()
        try:
            record_field(tmp, urls)
            for name in TOOLS:
                for line in examples(name):
                    check(name, line, urls, ptys, tmp)
        finally:
            sim.terminate()
            sim.wait(10)
            for fd in keep:
                os.close(fd)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

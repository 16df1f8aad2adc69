#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Serial settings as URL parameters (issue 14, docs/options.md rule 3): every tool that opens
a serial line applies serial:/dev/X?baud=N&parity=P&data-bits=D&stop-bits=S with termios.

For each tool, a pseudo-terminal this test owns is first set to other settings (9600, and
the other stop bits), so a tool that ignored the parameters leaves those; the tool opens it,
and tcgetattr on the test's own handle must show the settings asked for (a pty keeps them as
long as one side is open):

- mcpsim --listen URL             (checked while it serves the line)
- mcppoll URL read ...            (checked after it gave up waiting for an answer)
- mcpreplay --target URL          (checked after it replayed one frame)
- mcpserialdump -i URL            (checked after a 0.3 s capture)
- mcpserialdump -i DEV --baud ... (the separate options still work)

Linux ptys keep the baud rate and the stop bits but force 8 data bits and no parity
(drivers/tty/pty.c, pty_set_termios), so data-bits and parity are checked the other way
round: asking a pty for parity=even or data-bits=7 must fail with the tool's "cannot open
the line" exit and a message naming that parameter (the tools read the settings back),
never go on with settings the line did not take. That they take on a real UART is not
tested here (no UART on the test machines).

    serial_line.py BUILD_DIR SOURCE_DIR
"""
import os
import pty
import subprocess
import sys
import termios
import time

CASES = [
    # (parameters, initial CSTOPB, baud constant, c_cflag bits set, bits clear)
    ("baud=19200&stop-bits=2", False, termios.B19200, termios.CS8 | termios.CSTOPB,
     termios.PARENB),
    ("stop-bits=1&data-bits=8&parity=none&baud=57600", True, termios.B57600, termios.CS8,
     termios.PARENB | termios.CSTOPB),
    ("baud=115200", False, termios.B115200, termios.CS8, termios.PARENB | termios.CSTOPB),
]
# refused on a pty: (parameters, the part the message must name)
REFUSED = [("baud=19200&parity=even", "parity=even"), ("data-bits=7", "data-bits=7"),
           ("parity=odd&stop-bits=2", "parity=odd")]
# each tool's exit code for a line it cannot open or configure
REFUSED_EXIT = {"mcppoll": 3, "mcpreplay": 3, "mcpserialdump": 3, "mcpsim": 3}


def open_pty(cstopb=False):
    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[2] = (attrs[2] & ~(termios.CSIZE | termios.PARENB | termios.PARODD | termios.CSTOPB)) \
        | termios.CS8 | (termios.CSTOPB if cstopb else 0)
    attrs[4] = attrs[5] = termios.B9600
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    return master, slave, os.ttyname(slave)


def check(what, slave, baud, on, off):
    attrs = termios.tcgetattr(slave)
    cflag = attrs[2]
    errors = []
    if attrs[4] != baud or attrs[5] != baud:
        errors.append(f"{what}: speed {attrs[4]}/{attrs[5]}, want {baud}")
    size = on & termios.CSIZE
    if (cflag & termios.CSIZE) != size:
        errors.append(f"{what}: CSIZE {cflag & termios.CSIZE:#o}, want {size:#o}")
    if (cflag & (on & ~termios.CSIZE)) != (on & ~termios.CSIZE):
        errors.append(f"{what}: c_cflag {cflag:#o} lacks {on & ~termios.CSIZE:#o}")
    if cflag & off:
        errors.append(f"{what}: c_cflag {cflag:#o} has {cflag & off:#o} set")
    return errors


def drain(master):
    os.set_blocking(master, False)
    n = 0
    try:
        while True:
            n += len(os.read(master, 4096))
    except (BlockingIOError, OSError):
        pass
    return n


def run_mcpsim(build, src, url):
    sim = subprocess.Popen([f"{build}/replay/mcpsim/mcpsim", "--listen", url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = sim.stdout.readline()
    return sim, line


def main():
    build, src = sys.argv[1], sys.argv[2]
    tools = {
        "mcppoll": lambda url: [f"{build}/replay/mcppoll/mcppoll", "--timeout", "100",
                                "--retries", "0", url, "read", "1", "0", "1"],
        "mcpreplay": lambda url: [f"{build}/replay/mcpreplay/mcpreplay", "--target", url,
                                  "--limit", "1", "--topspeed", "--timeout", "100", "-q",
                                  f"{src}/captures/udp-clean.pcap"],
        "mcpserialdump": lambda url: [f"{build}/replay/mcpserialdump/mcpserialdump", "-i", url,
                                      "-w", os.devnull, "-a", "duration:0.3", "-q"],
    }
    errors = []
    checks = 0
    for params, cstopb, baud, on, off in CASES:
        for tool, argv in tools.items():
            master, slave, tty = open_pty(cstopb)
            url = f"serial:{tty}?{params}"
            r = subprocess.run(argv(url), capture_output=True, text=True, timeout=30)
            what = f"{tool} {url} (exit {r.returncode}: {r.stderr.strip()[:200]})"
            if tool == "mcpserialdump" and r.returncode != 0:
                errors.append(f"{what}: want exit 0")
            if tool == "mcpreplay" and drain(master) == 0:
                errors.append(f"{what}: nothing reached the line")
            errors += check(what, slave, baud, on, off)
            checks += 1
            os.close(master)
            os.close(slave)
        master, slave, tty = open_pty(cstopb)
        url = f"serial:{tty}?{params}"
        sim, line = run_mcpsim(build, src, url)
        if not line.startswith("listening serial:"):
            errors.append(f"mcpsim --listen {url}: printed {line!r}")
        else:
            errors += check(f"mcpsim --listen {url}", slave, baud, on, off)
        checks += 1
        sim.terminate()
        sim.wait(timeout=10)
        os.close(master)
        os.close(slave)

    for params, name in REFUSED:
        for tool in list(tools) + ["mcpsim"]:
            master, slave, tty = open_pty()
            url = f"serial:{tty}?{params}"
            if tool == "mcpsim":
                argv = [f"{build}/replay/mcpsim/mcpsim", "--listen", url]
            else:
                argv = tools[tool](url)
            r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            what = f"{tool} {url}: exit {r.returncode}, stderr {r.stderr.strip()[:200]!r}"
            if r.returncode != REFUSED_EXIT[tool] or name not in r.stderr:
                errors.append(f"{what}: want exit {REFUSED_EXIT[tool]} naming {name}")
            if drain(master):
                errors.append(f"{what}: bytes reached a line it could not configure")
            if "listening" in r.stdout:
                errors.append(f"{what}: it served the line")
            checks += 1
            os.close(master)
            os.close(slave)

    # mcpserialdump's separate options (Wireshark's extcap dialog passes them) still apply
    master, slave, tty = open_pty()
    argv = [f"{build}/replay/mcpserialdump/mcpserialdump", "-i", tty, "--baud", "38400",
            "--stop-bits", "2", "-w", os.devnull, "-a", "duration:0.3", "-q"]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    errors += check(f"mcpserialdump -i DEV --baud 38400 --stop-bits 2 (exit {r.returncode})",
                    slave, termios.B38400, termios.CS8 | termios.CSTOPB, termios.PARENB)
    checks += 1
    os.close(master)
    os.close(slave)
    # -i URL and --baud that disagree: a usage error before the port is touched (exit 2, one exit-code table: docs/options.md)
    master, slave, tty = open_pty()
    r = subprocess.run([f"{build}/replay/mcpserialdump/mcpserialdump", "-i",
                        f"serial:{tty}?baud=19200", "--baud", "9600", "-w", os.devnull, "-c", "1"],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 2 or "baud=19200" not in r.stderr:
        errors.append(f"mcpserialdump -i ?baud=19200 --baud 9600: exit {r.returncode}, "
                      f"{r.stderr.strip()}")
    attrs = termios.tcgetattr(slave)
    if attrs[4] != termios.B9600:
        errors.append("mcpserialdump -i ?baud=19200 --baud 9600: it changed the line")
    checks += 1
    os.close(master)
    os.close(slave)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    print(f"serial settings: {checks} runs on ptys (mcpsim, mcppoll, mcpreplay, mcpserialdump)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

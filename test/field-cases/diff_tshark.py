#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Differential test: the frames mcpreplay extracts equal what tshark with the
plugin shows, for every capture given (globbed by the caller: a new capture
shape is one new file, not new test code).

For each file: `mcpreplay --dry-run --from all --show-bytes FILE` against
`tshark -r FILE -T json --no-duplicate-keys` (through test/tshark-unpriv.sh,
with the staged plugin). Compared per MCP frame, in capture order within each
record: record number, seq, cmd, bytes, timestamp (ns), and for TCP/UDP the
sender (source address and port, innermost headers).

  diff_tshark.py --mcpreplay BIN --runner tshark-unpriv.sh FILE...
With --dumps, a capture plugin.dissect dissected (test/plugin/dissect_all.py:
the same tshark run, with -n and these layers) is read from there instead.

Both tools see an empty Wireshark configuration (WIRESHARK_CONFIG_DIR), so
nobody's own DLT_USER table counts. A capture whose tshark.prefs line maps a
LINKTYPE_USER with `-o uat:user_dlts:RECORD` (c26) is compared twice:
mcpreplay reading that record from a user_dlts file in its Wireshark
configuration folder (what a user's Wireshark shows), and from --dlt-user RECORD;
there the frames per serial sender (§5 split of the undirected stream) are
compared too, from tshark's -z mcp5a,tree.
Exit 0 all equal, 1 a difference (printed), 77 when the plugin is absent.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import mcp5a_tshark as mt  # noqa: E402


def prefs_of(path):
    """Dissector preferences a capture needs (captures/README.md): from its truth file."""
    truth = re.sub(r"\.pcap(ng)?(\.gz)?$", ".truth.jsonl", path)
    crc, le = None, False
    if os.path.exists(truth):
        with open(truth) as f:
            head = json.loads(f.readline())
        crc, le = head.get("crc"), bool(head.get("length_le"))
    return crc, le


def listify(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


HERE = os.path.dirname(os.path.abspath(__file__))


def extra_prefs(path):
    """tshark.prefs beside the capture, or this folder's (FILE relative to it, e.g.
    own/X.pcap): FILE -o NAME:VALUE ... lines."""
    full = os.path.abspath(path)
    for prefs in (os.path.join(os.path.dirname(full), "tshark.prefs"),
                  os.path.join(HERE, "tshark.prefs")):
        if os.path.exists(prefs):
            for line in open(prefs):
                words = shlex.split(line, comments=True)
                if words and words[0] in (os.path.basename(path), os.path.relpath(full, HERE)):
                    return words[1:]
    return []


def user_dlts_of(extra):
    """The user_dlts records among tshark's -o uat:user_dlts:RECORD arguments."""
    return [a[len("uat:user_dlts:"):] for a in extra if a.startswith("uat:user_dlts:")]


def tshark_frames(runner, path, crc, le, extra, env=None):
    args = [runner, "-r", path, "-T", "json", "--no-duplicate-keys", "-J", "frame ip ipv6 tcp udp mcp5a"] + extra
    if crc:
        args += ["-o", f"mcp5a.crc_variant:{crc}"]
    if le:
        args += ["-o", "mcp5a.length_le:TRUE"]
    p = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    if not p.stdout.strip():
        return [], p.stderr
    return frames_of(json.loads(p.stdout), le), p.stderr


def frames_of(packets, le):
    """(record, seq, cmd, bytes hex, timestamp ns, sender) of every MCP frame tshark showed."""
    out = []
    for pkt in packets:
        layers = pkt["_source"]["layers"]
        fr = layers["frame"]
        if "mcp5a" not in layers:
            continue
        number = int(fr["frame.number"])
        epoch = fr["frame.time_epoch"]
        if "T" in epoch:  # 4.6 writes it as a UTC date
            ts = int(mt.time_epoch(epoch) * 10**9)
        else:
            sec, _, frac = epoch.partition(".")
            ts = int(sec) * 10**9 + int((frac + "000000000")[:9])
        sender = None
        for ipl, key in (("ip", "ip.src"), ("ipv6", "ipv6.src")):
            for layer in listify(layers.get(ipl)):
                if isinstance(layer, dict) and key in layer:
                    sender = listify(layer[key])[-1]
                    if ipl == "ipv6":
                        sender = f"[{sender}]"
        port = None
        for tl, key in (("tcp", "tcp.srcport"), ("udp", "udp.srcport")):
            for layer in listify(layers.get(tl)):
                if isinstance(layer, dict) and key in layer:
                    port = listify(layer[key])[-1]
        for m in listify(layers.get("mcp5a")):
            if not isinstance(m, dict) or "mcp5a.seq" not in m:
                continue
            if "mcp5a.crc" not in m:  # cut by the capture: not whole, mcpreplay names it a skip
                continue
            seq = int(m["mcp5a.seq"])
            cmd = int(m["mcp5a.cmd"], 0)
            ln = int(m["mcp5a.len"])
            payload = bytes.fromhex(m.get("mcp5a.payload", "").replace(":", "")) if ln else b""
            lb = ln.to_bytes(2, "little" if le else "big")
            raw = bytes([0x5A, seq]) + lb + bytes([cmd]) + payload + bytes([int(m["mcp5a.crc"], 0)])
            who = f"{sender}:{port}" if sender and port else None
            out.append((number, seq, cmd, raw.hex(), ts, who))
    return out


LINE = re.compile(r"^[0-9.]+\s+(\d+)\s+(\d+)\s+(\d+)\s+0x([0-9a-f]{2})\s+(\S+)")
AT = re.compile(r"^  at (-?\d+)\.(\d{9}) bytes ([0-9a-f]*)$")


def tshark_serial_senders(runner, path, extra, env):
    """{"serial:0": n, "serial:1": m}: frames per serial sender in tshark's stats tree,
    named as mcpreplay names them. The tree says "master" and "device", with "(line N)"
    for an unnamed line but the first (these captures have no interface names)."""
    p = subprocess.run([runner, "-r", path, "-q", "-z", "mcp5a,tree"] + extra,
                       capture_output=True, text=True, timeout=120, env=env)
    out = {}
    for m in re.finditer(r"^ (master|device)(?: \(line (\d+)\))?\s{2,}(\d+)", p.stdout, re.M):
        d = 0 if m.group(1) == "master" else 1
        name = f"serial@{m.group(2)}:{d}" if m.group(2) else f"serial:{d}"
        out[name] = int(m.group(3))
    return out


def serial_senders(binary, path, env, extra):
    """The same count from mcpreplay's dry-run listing."""
    p = subprocess.run([binary, "--dry-run", "--from", "all", path] + list(extra),
                       capture_output=True, text=True, timeout=120, env=env)
    out = {}
    for line in p.stdout.splitlines():
        m = LINE.match(line)
        if m and m.group(5).startswith("serial"):
            out[m.group(5)] = out.get(m.group(5), 0) + 1
    return out


def mcpreplay_frames(binary, path, crc, le, env=None, extra=()):
    args = [binary, "--dry-run", "--from", "all", "--show-bytes", path] + list(extra)
    if crc:
        args += ["--crc", crc]
    if le:
        args += ["--length-le"]
    p = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    out, cur = [], None
    for line in p.stdout.splitlines():
        m = LINE.match(line)
        if m:
            cur = m
            continue
        a = AT.match(line)
        if a and cur is not None:
            sender = cur.group(5)
            who = sender.split(">")[0] if ">" in sender else None
            ts = int(a.group(1)) * 10**9 + int(a.group(2))
            out.append((int(cur.group(1)), int(cur.group(2)), int(cur.group(4), 16), a.group(3),
                        ts, who))
            cur = None
    return out, p.returncode, p.stderr


def compare(what, want, got, rc, merr):
    """0 when mcpreplay's frames equal tshark's (printed either way), else 1."""
    # Frames keyed by record; within a record, capture order.
    w = sorted(want, key=lambda f: f[0])
    g = sorted(got, key=lambda f: f[0])
    # The sender is compared only where tshark names one (TCP/UDP).
    if all(f[5] is None for f in w):
        g = [f[:5] + (None,) for f in g]
    if w == g:
        print(f"ok: {what}: {len(w)} frames")
        return 0
    print(f"not ok: {what}: tshark {len(w)} frames, mcpreplay {len(g)} "
          f"(exit {rc}) {merr.strip()[:300]}")
    ws, gs = set(w), set(g)
    for f in w:
        if f not in gs:
            print(f"   only tshark:    {f}")
    for f in g:
        if f not in ws:
            print(f"   only mcpreplay: {f}")
    return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mcpreplay", required=True)
    ap.add_argument("--runner", required=True)
    ap.add_argument("--dumps", help="plugin.dissect's folder: its one-pass runs of the "
                    "captures it dissected stand for tshark runs here")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    dumps = mt.Dumps(a.dumps) if a.dumps else None
    if not os.path.exists(os.environ.get("MCP5A_PLUGIN", "")):
        print("SKIP: the mcp5a plugin was not built")
        return 77
    work = tempfile.mkdtemp(prefix="mcp-fcdiff.")
    os.chmod(work, 0o755)
    empty = os.path.join(work, "wireshark-empty")
    os.mkdir(empty)
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=empty, WIRESHARK_DATA_DIR=empty)
    bad = 0
    try:
        for path in a.files:
            crc, le = prefs_of(path)
            copy = os.path.join(work, os.path.basename(path))
            shutil.copy(path, copy)
            os.chmod(copy, 0o644)
            extra = extra_prefs(path)
            name = dumps.dissected(path) if dumps and not extra else None
            if name:
                want = frames_of(dumps.one_pass(name)[0], le)
            else:
                want, _ = tshark_frames(a.runner, copy, crc, le, extra, env)
            runs = [("", env, [])]
            records = user_dlts_of(extra)
            if records:  # the user's Wireshark table, and the option
                conf = os.path.join(work, "wireshark-" + os.path.basename(path))
                os.mkdir(conf)
                with open(os.path.join(conf, "user_dlts"), "w") as f:
                    f.write("".join(r + "\n" for r in records))
                runs = [(" (Wireshark's user_dlts)", dict(env, WIRESHARK_CONFIG_DIR=conf), []),
                        (" (--dlt-user)", env, [x for r in records for x in ("--dlt-user", r)])]
            senders = tshark_serial_senders(a.runner, copy, extra, env) if records else None
            for how, run_env, opts in runs:
                got, rc, merr = mcpreplay_frames(a.mcpreplay, copy, crc, le, run_env, opts)
                bad += compare(os.path.basename(path) + how, want, got, rc, merr)
                if senders is not None:
                    mine = serial_senders(a.mcpreplay, copy, run_env, opts)
                    same = mine == senders and bool(senders)
                    bad += 0 if same else 1
                    print(f"{'ok' if same else 'not ok'}: {os.path.basename(path)}{how}: frames "
                          f"per sender {mine}, tshark {senders}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{bad} file(s) differ" if bad else "all equal")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

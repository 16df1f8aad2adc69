# SPDX-License-Identifier: GPL-2.0-or-later
"""What the plugin tests share: the captures in captures/ and their truth files
(docs/truth-format.md), tshark with the staged plugin (test/tshark-unpriv.sh),
and one set of tshark runs per capture that the checking tests read
(dissect_all.py writes it, Dumps reads it), so that tshark starts once per
capture and configuration, not once per test.

Runs per capture with a truth file, with the preferences its header names:
  two_pass   -2 -T json -x -J "frame exported_pdu mcp5a" -z expert
  one_pass   -T json -J "frame ip ipv6 tcp udp mcp5a" -z mcp5a,srt -z mcp5a,tree
             -z mcp5a_devices,tree, writing the
             PDU export (-U MCP5A -w export.pcapng -P) in the same pass
  read_back  the export, as two_pass without the tap
and per capture (truth or not) the field dump compared across Wireshark
versions (scripts/plugin-matrix.sh): every mcp5a.* field, -T fields, one pass
and two passes.
"""
import argparse
import calendar
import datetime
import glob
import json
import os
import subprocess
import sys
from decimal import Decimal

CAPTURE_EXTS = (".pcap", ".pcapng")
TWO_PASS = ["-2", "-T", "json", "--no-duplicate-keys", "-x", "-J", "frame exported_pdu mcp5a"]
ONE_PASS = ["-T", "json", "--no-duplicate-keys", "-J", "frame ip ipv6 tcp udp mcp5a"]
TWO_PASS_TAPS = ["-z", "expert"]
ONE_PASS_TAPS = ["-z", "mcp5a,srt", "-z", "mcp5a,tree", "-z", "mcp5a_devices,tree"]


def read_truth(path):
    """(header, records) of a truth file: the header line, then every record."""
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    return lines[0], lines[1:]


def prefs_of(head, folder=None):
    """The -o preferences a truth header names: CRC variant, length byte order, and
    (mcpgen --map) the register map, a file NAME in folder (beside the truth file;
    without a folder the map is left out)."""
    prefs = ["-o", f"mcp5a.crc_variant:{head['crc']}",
             "-o", f"mcp5a.length_le:{'TRUE' if head['length_le'] else 'FALSE'}"]
    if head.get("map") and folder is not None:
        prefs += ["-o", f"mcp5a.register_map:{os.path.join(folder, head['map'])}"]
    return prefs


def with_truth(capdir):
    """(name, capture, truth) of every truth file in capdir, sorted; capture is
    NAME.pcap or NAME.pcapng beside it, None when there is none."""
    out = []
    for truth in sorted(glob.glob(os.path.join(capdir, "*.truth.jsonl"))):
        base = truth[: -len(".truth.jsonl")]
        caps = [base + e for e in CAPTURE_EXTS if os.path.exists(base + e)]
        out.append((os.path.basename(base), caps[-1] if caps else None, truth))
    return out


def all_captures(capdir):
    """Every NAME.pcap and NAME.pcapng in capdir, sorted."""
    return sorted(p for e in CAPTURE_EXTS for p in glob.glob(os.path.join(capdir, "*" + e)))


def tshark(runner, args, **kw):
    """stdout of one tshark run through the runner (exception on a non-zero exit)."""
    return subprocess.run([runner] + list(args), check=True, stdout=subprocess.PIPE, text=True,
                          **kw).stdout


def time_epoch(value):
    """frame.time_epoch as tshark -T json shows it, in seconds (Decimal): 4.0 and
    4.4 write "1700000000.000100000", 4.6 "2023-11-14T22:13:20.000100000Z" (UTC)."""
    if "T" not in value:
        return Decimal(value)
    if not value.endswith("Z"):
        raise ValueError(f"frame.time_epoch {value!r}: not UTC")
    whole, _, frac = value[:-1].partition(".")
    stamp = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S")
    return Decimal(calendar.timegm(stamp.timetuple())) + Decimal("0." + (frac or "0"))


def split_json(text):
    """A -T json run's output: (packets, the text around them: tap output)."""
    start = len(text) - len(text.lstrip())
    if not text.startswith("[", start):
        return [], text
    packets, end = json.JSONDecoder().raw_decode(text, start)
    return packets, text[end:]


class Dumps:
    """The runs dissect_all.py wrote into a folder, read back."""

    def __init__(self, folder):
        self.folder = folder
        self.failed = 0

    def _read(self, *parts):
        with open(os.path.join(self.folder, *parts), encoding="utf-8") as f:
            return f.read()

    def registered(self):
        """tshark -G fields rows of the mcp5a fields: [abbrev name, type, ...] lists."""
        return [l.split("\t") for l in self._read("fields.tsv").splitlines()]

    def two_pass(self, name):
        """(packets, tap text) of the two-pass run: JSON with bytes, -z expert."""
        return split_json(self._read(name, "two_pass.out"))

    def one_pass(self, name):
        """(packets, tap text) of the one-pass run: JSON, -z mcp5a,srt and mcp5a,tree."""
        return split_json(self._read(name, "one_pass.out"))

    def read_back(self, name):
        """Packets of the PDU export read back (two passes, with bytes)."""
        return split_json(self._read(name, "read_back.out"))[0]

    def has(self, name):
        return os.path.exists(os.path.join(self.folder, name, "read_back.out"))

    def each(self, capdir):
        """(name, capture, truth) of every truth file in capdir whose capture
        has its runs here. A truth file with no capture beside it, or a
        capture without runs, is named on stderr and sets self.failed to 1."""
        out = []
        for name, cap, truth in with_truth(capdir):
            if cap is None or not self.has(name):
                print(f"{truth}: {'no capture beside it' if cap is None else 'not dissected'}",
                      file=sys.stderr)
                self.failed = 1
                continue
            out.append((name, cap, truth))
        return out

    def check_each(self, capdir, check):
        """Runs check(name, capture, truth) -> 0 or 1 on every capture of each(capdir).
        Returns the test's exit status: 1 when a check failed or a capture had
        no runs, 77 (skipped) when capdir has no capture with a truth file."""
        status, count = 0, 0
        for name, cap, truth in self.each(capdir):
            status |= check(name, cap, truth)
            count += 1
        status |= self.failed
        if count == 0 and status == 0:
            print(f"no capture with a truth file in {capdir}: skipped")
            return 77
        return status

    def dissected(self, capture):
        """The name of capture's runs when they are here (the captures folder
        they came from is capture's, and it has a truth file), else None."""
        try:
            src = self._read("captures.txt").strip()
        except OSError:
            return None
        name = os.path.splitext(os.path.basename(capture))[0]
        same = os.path.realpath(os.path.dirname(capture)) == src
        return name if same and self.has(name) else None


def verdict(what, errors, ok, limit=40):
    """A check's outcome: with errors, "WHAT: N difference(s)" and the first
    limit of them on stderr, 1; without, "WHAT: OK" on stdout, 0."""
    if errors:
        print(f"{what}: {len(errors)} difference(s)", file=sys.stderr)
        for e in errors[:limit]:
            print("  " + e, file=sys.stderr)
        return 1
    print(f"{what}: {ok}")
    return 0


def dumps_main(make_check):
    """main() of a test that checks every capture with a truth file from the runs
    dissect_all.py wrote: "SCRIPT --dumps DISSECT_DIR CAPTURES_DIR". make_check(dumps)
    returns check(name, capture, truth) -> 0 or 1 (or None after printing why the
    whole test fails: then 1). Returns the exit status of Dumps.check_each."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--dumps", required=True)
    ap.add_argument("captures")
    args = ap.parse_args()
    dumps = Dumps(args.dumps)
    check = make_check(dumps)
    if check is None:
        return 1
    return dumps.check_each(args.captures, check)

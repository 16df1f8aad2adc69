#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Without a map nothing changes (docs/REGISTER-MAP.md §3): with the
preference mcp5a.register_map empty, naming an empty map (header only), or
naming a map whose only device is absent from every capture, tshark's -V
output and its -T fields output of every capture in captures/ and
test/field-cases/ are byte-identical to a run without the preference, in one
pass and two (-2).

To keep the tshark runs few, the captures mergecap can read whole are
concatenated into one pcapng (mergecap -a) and that file is run in every
configuration; a capture mergecap cannot read whole (cut short) is run on its
own in every configuration.

  regmap_nomap_test.py --runner test/tshark-unpriv.sh CAPTURE_DIR...   (MCP5A_PLUGIN set)
"""
import argparse
import concurrent.futures
import glob
import os
import shutil
import subprocess
import sys
import tempfile

FIELDS = ["frame.number", "mcp5a.magic", "mcp5a.seq", "mcp5a.len", "mcp5a.cmd",
          "mcp5a.cmd.response", "mcp5a.crc", "mcp5a.crc.status", "mcp5a.payload",
          "mcp5a.req_seq", "mcp5a.status", "mcp5a.device", "mcp5a.addr", "mcp5a.count",
          "mcp5a.value", "mcp5a.uptime", "mcp5a.event.code", "mcp5a.event.timestamp",
          "mcp5a.event.data", "mcp5a.nak.seq", "mcp5a.nak.reason", "mcp5a.sync.reason",
          "mcp5a.analysis.expected_seq", "mcp5a.analysis.missing", "mcp5a.analysis.behind",
          "mcp5a.response_in", "mcp5a.request_in", "mcp5a.time", "mcp5a.junk.len",
          "mcp5a.junk.data", "_ws.expert.message", "_ws.col.Info"]
FIELD_ARGS = ["-T", "fields", "-E", "occurrence=a", "-E", "separator=|"] + \
    [x for f in FIELDS for x in ("-e", f)]

# Device 200 appears in no capture; its items cover the registers the
# captures use, every type.
ABSENT_MAP = """device,addr,name,type,order,scale,offset,unit,labels,description
200,0x0000,a16,u16,,,,,0=off;1=on,
200,0x0001,b16,i16,BADC,0.1,,°C,,
200,0x0002,c32,u32,CDAB,,,,,
200,0x0004,d32,i32,DCBA,,,,,
200,0x0006,e32,f32,,,,,,
200,0x0008,f64,f64,,,,,,
200,0x000c,g64,u64,,,,,,
200,0x0010,h64,i64,,,,,,
200,0x0014,st,bits,,,,,0=alarm;3=door,
200,0x0015,txt,str:8,,,,,,
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    caps = sorted(p for d in args.dirs for p in glob.glob(os.path.join(d, "*.pcap*")))
    if not caps:
        print("no captures found")
        return 1
    errors = []
    with tempfile.TemporaryDirectory(prefix="mcp5a-regmap-nomap.") as work:
        os.chmod(work, 0o755)
        empty = os.path.join(work, "empty.csv")
        absent = os.path.join(work, "absent.csv")
        with open(empty, "w") as f:
            f.write("# header only\r\ndevice;addr;name;type\r\n")
        with open(absent, "w", encoding="utf-8") as f:
            f.write(ABSENT_MAP)  # and registers 0x20..0xff, one item each
            for a in range(0x20, 0x100):
                f.write(f"200,0x{a:04x},r{a:x},u16,,,,,,\n")
        for p in (empty, absent):
            os.chmod(p, 0o644)
        configs = {"none": [], "pref-empty": ["-o", "mcp5a.register_map:"],
                   "empty-map": ["-o", f"mcp5a.register_map:{empty}"],
                   "absent-map": ["-o", f"mcp5a.register_map:{absent}"]}

        whole, alone = [], []
        for c in caps:
            r = subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", os.devnull, c],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            (whole if r.returncode == 0 else alone).append(c)
        merged = os.path.join(work, "all.pcapng")
        subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + whole, check=True)
        os.chmod(merged, 0o644)
        local = []
        for c in alone:  # copies nobody can read
            dst = os.path.join(work, os.path.basename(c))
            shutil.copy(c, dst)
            os.chmod(dst, 0o644)
            local.append(dst)

        # A private copy of the plugin: a rebuild during the run changes nothing.
        env = dict(os.environ)
        plugin = os.path.join(work, "mcp5a.so")
        shutil.copy(os.environ["MCP5A_PLUGIN"], plugin)
        os.chmod(plugin, 0o755)
        env["MCP5A_PLUGIN"] = plugin
        jobs = []  # (key, args)
        for cap in [merged] + local:
            for cfg in configs:
                for passes in ([], ["-2"]):
                    for kind, out in (("V", ["-V"]), ("fields", FIELD_ARGS)):
                        jobs.append(((cap, cfg, tuple(passes), kind),
                                     passes + ["-r", cap] + configs[cfg] + out))

        def run(job):
            key, a = job
            p = subprocess.run([args.runner] + a, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env)
            return key, p.returncode, p.stdout, p.stderr

        results = {}
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for key, rc, out, err in pool.map(run, jobs):
                results[key] = (rc, out, err)
        for (cap, cfg, passes, kind), (rc, out, err) in sorted(results.items()):
            ref_rc, ref, ref_err = results[(cap, "none", passes, kind)]
            if ref_rc != 0 and cap not in local:  # (a capture cut short: tshark says so, exit 2)
                errors.append(f"{os.path.basename(cap)} {kind}: tshark exit {ref_rc}: {ref_err!r}")
            if cfg == "none":
                continue
            # stderr and exit as without the preference (c06, cut short, has a line)
            if (rc, err) != (ref_rc, ref_err):
                errors.append(f"{os.path.basename(cap)} {cfg} {' '.join(passes)} {kind}: exit {rc}, "
                              f"stderr {err!r}; without the preference exit {ref_rc}, {ref_err!r}")
            if out != ref:
                a, b = out.splitlines(), ref.splitlines()
                n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                errors.append(f"{os.path.basename(cap)} {cfg} {' '.join(passes)} {kind}: differs "
                              f"from the run without the preference at line {n + 1}: "
                              f"{a[n] if n < len(a) else '<end>'!r} vs {b[n] if n < len(b) else '<end>'!r}")
            if not ref.strip():
                errors.append(f"{os.path.basename(cap)} {kind}: no output")
    for e in errors:
        print("FAIL:", e)
    print(f"{len(caps)} captures ({len(whole)} merged), {len(jobs)} tshark runs: "
          f"{'FAIL' if errors else 'ok'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

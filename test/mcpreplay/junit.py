#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mcpreplay --junit FILE (issue 21 part 4): the --expect verdict as JUnit XML, parsed with
Python's xml and compared with --json of the same run.

    junit.py BUILD_DIR

Cases: answers that differ (failures named by record, seq, command, device, with the
verdict as message), answers as recorded (no failure, exit 0), a capture with a hole
(skipped cases, the run's failure, exit 4), an unreachable target (an error case, exit 3),
--junit - on stdout, and the refusals: without --expect, naming a capture, sharing stdout
with --json, a folder that does not exist (6). Loopback only.
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import e2e_common  # noqa: E402
from e2e_common import FAILS, check  # noqa: E402

BUILD = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="mcpreplay-junit.")
REPLAY = os.path.join(BUILD, "replay", "mcpreplay", "mcpreplay")


def mkcap(name, *args):
    out = os.path.join(TMP, name)
    subprocess.run([os.path.join(BUILD, "test", "mcpreplay", "mcpreplay_mkcap"), "--out", out]
                   + list(args), check=True, timeout=30)
    return out


def replay(args, timeout=60):
    return subprocess.run([REPLAY] + args, capture_output=True, text=True, timeout=timeout)


def read(xml_path, json_path):
    root = ET.parse(xml_path).getroot()
    with open(json_path) as f:
        return root, json.load(f)


def counts_agree(root, js, what, run_failures=0, run_errors=0):
    """The XML's counts are the summary's: every request a case, failures the verdicts that
    fail, every listed skip a skipped case; both levels carry the same attributes."""
    suites = root.findall("testsuite")
    check(root.tag == "testsuites" and len(suites) == 1, f"{what}: testsuites with one testsuite")
    suite = suites[0]
    cases = suite.findall("testcase")
    e = js.get("expect", {})
    fails = e.get("mismatched", 0) + e.get("late", 0) + e.get("naked", 0) + e.get("missing", 0)
    skips = len(js.get("skipped", []))
    run_cases = run_failures + run_errors
    want = {"tests": e.get("requests", 0) + skips + run_cases, "failures": fails + run_failures,
            "errors": run_errors, "skipped": skips}
    got = {k: int(suite.get(k)) for k in want}
    top = {k: int(root.get(k)) for k in want}
    counted = {"tests": len(cases),
               "failures": sum(1 for c in cases if c.find("failure") is not None),
               "errors": sum(1 for c in cases if c.find("error") is not None),
               "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
    check(got == want == top == counted,
          f"{what}: counts {got} = the summary's {want} = testsuites {top} = the cases {counted}")
    check(all(c.get("name") and c.get("classname") and c.get("time") is not None for c in cases)
          and suite.get("time") is not None, f"{what}: every testcase has name, classname, time")
    return cases


def case_mismatch(sim):
    cap = mkcap("diff.pcap", "--count", "10", "--responses")  # mkcap's values are not mcpsim's
    xml_path, js = os.path.join(TMP, "diff.xml"), os.path.join(TMP, "diff.json")
    p = replay(["-t", sim.urls["udp"], "-e", "-T", "--junit", xml_path, "--json", js, cap])
    root, j = read(xml_path, js)
    check(p.returncode == 1 and j["exit_code"] == 1, f"differing answers: exit 1 ({p.returncode})")
    cases = counts_agree(root, j, "differing answers")
    failed = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    check(len(failed) > 0, f"differing answers: {len(failed)} failures")
    for v in j["expect"]["verdicts"]:
        name = f"record {v['record']} seq {v['seq']} {v['cmd']}"
        hit = [n for n in failed if n == name or n.startswith(name + " device ")]
        f = failed.get(hit[0]) if hit else None
        check(f is not None and f.get("type") == v["category"] and f.get("message")
              and f"capture record {v['record']}" in f.get("message") and f.text,
              f"verdict {name} ({v['category']}): a failure with its message")


def case_as_recorded(sim_factory):
    cap = mkcap("ref-in.pcap", "--count", "10")
    ref = os.path.join(TMP, "ref.pcap")
    sim = sim_factory()
    p = replay(["-t", sim.urls["udp"], "-T", "-w", ref, cap])
    sim.close()
    check(p.returncode == 0, f"reference recorded ({p.stderr.strip()})")
    sim = sim_factory()
    xml_path, js = os.path.join(TMP, "ok.xml"), os.path.join(TMP, "ok.json")
    p = replay(["-t", sim.urls["udp"], "-e", "-T", "--junit", xml_path, "--json", js, ref])
    sim.close()
    root, j = read(xml_path, js)
    check(p.returncode == 0, f"answers as recorded: exit 0 ({p.returncode}: {p.stdout[-300:]})")
    cases = counts_agree(root, j, "answers as recorded")
    check(len(cases) == 10 and int(root.get("failures")) == 0,
          f"answers as recorded: 10 passing cases ({len(cases)})")


def case_skips(sim):
    cap = mkcap("hole.pcap", "--transport", "tcp", "--count", "10", "--tcp-hole", "3")
    xml_path, js = os.path.join(TMP, "hole.xml"), os.path.join(TMP, "hole.json")
    p = replay(["-t", sim.urls["tcp"], "-e", "-T", "--junit", xml_path, "--json", js, cap])
    root, j = read(xml_path, js)
    rc_ok = p.returncode in (1, 4)  # the hole also loses the answers the capture missed
    check(rc_ok and j["skipped_count"] > 0, f"a capture with a hole: exit {p.returncode}, "
                                           f"{j['skipped_count']} skipped")
    # the capture holds no answer (mkcap without --responses): nothing compared fails the run
    # (exit 1) with a run-level failure, as skips do (exit 4)
    check(j["expect"]["nothing_compared"], "a capture without answers: nothing compared")
    run_fail = 1 if p.returncode == 4 or j["expect"]["nothing_compared"] else 0
    cases = counts_agree(root, j, "a capture with a hole", run_failures=run_fail)
    run_case = [c for c in cases if c.get("name") == "run" and c.find("failure") is not None]
    check(p.returncode == 4 or (run_case and "nothing compared" in run_case[0].find("failure").get("message", "")),
          "the run's failure says nothing was compared")
    skipped = [c for c in cases if c.find("skipped") is not None]
    check(all(c.find("skipped").get("message") for c in skipped),
          f"{len(skipped)} skipped cases, each with its reason")


def case_unreachable():
    cap = mkcap("u.pcap", "--count", "3", "--responses")
    xml_path = os.path.join(TMP, "u.xml")
    p = replay(["-t", "tcp://127.0.0.1:1", "-e", "--junit", xml_path, cap])
    root = ET.parse(xml_path).getroot()
    err = root.find("testsuite/testcase/error")
    check(p.returncode == 3 and int(root.get("errors")) == 1 and err is not None
          and "exit 3" in err.get("message"),
          f"unreachable: exit 3, one error case ({p.returncode}: {ET.tostring(root)[:300]})")


def case_stdout_and_refusals(sim):
    cap = mkcap("s&<odd>.pcap", "--count", "3", "--responses")
    p = replay(["-t", sim.urls["udp"], "-e", "-T", "--junit", "-", cap])
    try:
        root = ET.fromstring(p.stdout)
        ok = root.tag == "testsuites" and "s&<odd>.pcap" in root.find("testsuite").get("name")
    except ET.ParseError as e:
        ok, root = False, e
    check(ok and "result:" in p.stderr, f"--junit -: the XML alone on stdout, escaped names, "
                                        f"the summary on stderr ({root})")
    for args, want, what in (
            (["--junit", os.path.join(TMP, "x.xml"), cap], 2, "--junit without --expect"),
            (["-e", "--junit", cap, cap], 2, "--junit naming the capture"),
            (["-e", "--junit", "-", "--json", "-", cap], 2, "--junit - and --json -"),
            (["-e", "--junit", os.path.join(TMP, "no", "dir", "x.xml"), cap], 6,
             "--junit into a folder that does not exist")):
        p = replay(["-t", sim.urls["udp"]] + args)
        check(p.returncode == want and "--junit" in p.stderr,
              f"{what}: exit {want} naming --junit ({p.returncode}: {p.stderr.strip()})")


def main():
    try:
        sim = e2e_common.Sim(BUILD, TMP)
        try:
            case_mismatch(sim)
            case_skips(sim)
            case_stdout_and_refusals(sim)
        finally:
            sim.close()
        case_as_recorded(lambda: e2e_common.Sim(BUILD, TMP))
        case_unreachable()
    finally:
        subprocess.run(["rm", "-rf", TMP])
    print(f"{len(FAILS)} failed" if FAILS else "all ok")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())

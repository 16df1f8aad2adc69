#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compares what tshark + the mcp5a plugin shows with the capture's truth file
(docs/truth-format.md), PDU by PDU, two passes and one pass.

  compare_truth.py --dumps DISSECT_DIR CAPTURES_DIR
      every capture with a truth file, from the runs dissect_all.py wrote
  compare_truth.py --runner test/tshark-unpriv.sh CAPTURE TRUTH
      one capture, tshark run here (the plugin comes from MCP5A_PLUGIN)

The preferences the truth header names (crc, length_le) are applied. One pass
cannot know a later response: response_in is not compared there, everything
else must still match. No _ws.malformed but the plugin's own. Exit 1 on any
difference, 77 (--dumps) when no capture has a truth file.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import mcp5a_tshark as mt  # noqa: E402

VERDICT_EXPERTS = {
    "mcp5a.analysis.gap": "gap",
    "mcp5a.analysis.duplicate": "duplicate",
    "mcp5a.analysis.out_of_order": "out_of_order",
    "mcp5a.analysis.retransmission": "retransmission",
}
PDU_KEYS = ["seq", "cmd", "crc_ok", "verdict", "missing", "expected_seq", "request_in",
            "response_in"]


def flatten(obj, out):
    """Every key/value below obj, values listed in order."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)):
                if not isinstance(v, list) or any(isinstance(x, (dict, list)) for x in v):
                    out.setdefault(k, []).append(None)
                    flatten(v, out)
                    continue
                for x in v:
                    out.setdefault(k, []).append(x)
            else:
                out.setdefault(k, []).append(v)
    elif isinstance(obj, list):
        for x in obj:
            flatten(x, out)
    return out


def number(fields, key):
    vals = [v for v in fields.get(key, []) if v is not None]
    return int(vals[0], 0) if vals else None


def layer_to_item(fields):
    if "mcp5a.junk.len" in fields:
        return {"type": "junk", "bytes": number(fields, "mcp5a.junk.len")}
    status = number(fields, "mcp5a.crc.status")
    verdict = None
    for key, name in VERDICT_EXPERTS.items():
        if key in fields:
            verdict = name
    expected = number(fields, "mcp5a.analysis.expected_seq")
    if verdict is None:
        if status == 0:
            verdict = "ignored"
        else:
            verdict = "in_order" if expected is not None else "none"
    return {
        "type": "pdu",
        "seq": number(fields, "mcp5a.seq"),
        "cmd": number(fields, "mcp5a.cmd"),
        "crc_ok": None if status not in (0, 1) else status == 1,
        "verdict": verdict,
        "missing": number(fields, "mcp5a.analysis.missing") or 0,
        "expected_seq": expected,
        "request_in": number(fields, "mcp5a.request_in"),
        "response_in": number(fields, "mcp5a.response_in"),
    }


def parse(packets):
    """PDUs by (frame, index), junk bytes by frame, and the frames tshark flags
    malformed, from tshark -T json packets."""
    pdus, junk, malformed = {}, {}, []
    for pkt in packets:
        layers = pkt["_source"]["layers"]
        num = int(layers["frame"]["frame.number"])
        text = json.dumps(layers)
        # A malformed payload is the plugin's own finding; any other
        # _ws.malformed is an exception escaping a dissector.
        if "_ws.malformed" in text and "mcp5a.payload.malformed" not in text:
            malformed.append(num)
        mcp = layers.get("mcp5a")
        if mcp is None:
            continue
        index = 0
        for layer in mcp if isinstance(mcp, list) else [mcp]:
            item = layer_to_item(flatten(layer, {}))
            if item["type"] == "junk":
                junk[num] = junk.get(num, 0) + item["bytes"]
            else:
                pdus[(num, index)] = item
                index += 1
    return pdus, junk, malformed


def compare(head, records, packets, one_pass):
    """Differences between what tshark showed (packets) and the truth, as text lines."""
    want_pdus = {(l["frame"], l["index"]): l for l in records if l["type"] == "pdu"}
    want_junk = {}
    for l in records:
        if l["type"] == "junk":
            want_junk[l["frame"]] = want_junk.get(l["frame"], 0) + l["bytes"]
    got_pdus, got_junk, malformed = parse(packets)
    errors = []
    keys = [k for k in PDU_KEYS if not (one_pass and k == "response_in")]
    for key in sorted(set(want_pdus) | set(got_pdus)):
        want, got = want_pdus.get(key), got_pdus.get(key)
        if want is None or got is None:
            errors.append(f"frame {key[0]} pdu {key[1]}: "
                          f"{'not in the truth' if want is None else 'not shown'}"
                          f" ({got if want is None else want})")
            continue
        for k in keys:
            if k == "crc_ok" and got[k] is None:
                continue  # the check was not verified
            if want[k] != got[k]:
                errors.append(f"frame {key[0]} pdu {key[1]}: {k} is {got[k]}, truth {want[k]}")
    for frame in sorted(set(want_junk) | set(got_junk)):
        if want_junk.get(frame, 0) != got_junk.get(frame, 0):
            errors.append(f"frame {frame}: {got_junk.get(frame, 0)} junk bytes, "
                          f"truth {want_junk.get(frame, 0)}")
    if len(want_pdus) != head["frames"]:
        errors.append(f"truth header says {head['frames']} frames, lists {len(want_pdus)}")
    for num in malformed:
        errors.append(f"frame {num}: _ws.malformed")
    return errors, len(want_pdus), sum(want_junk.values())


def report(capture, truth, runs):
    """Compares each (one_pass, packets) run with the truth; prints; 0 when all match."""
    head, records = mt.read_truth(truth)
    status = 0
    for one_pass, packets in runs:
        errors, n_pdus, n_junk = compare(head, records, packets, one_pass)
        mode = "one pass" if one_pass else "two passes"
        status |= mt.verdict(f"{capture} ({mode})", errors,
                             f"{n_pdus} PDUs and {n_junk} junk bytes match the truth")
    return status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", help="run tshark on CAPTURE (TRUTH beside it) through this")
    ap.add_argument("--dumps", help="read every capture's runs from this dissect_all.py folder")
    ap.add_argument("capture", help="a capture (--runner) or the captures folder (--dumps)")
    ap.add_argument("truth", nargs="?")
    args = ap.parse_args()
    if args.dumps:
        dumps = mt.Dumps(args.dumps)
        return dumps.check_each(args.capture, lambda name, cap, truth: report(
            cap, truth, [(False, dumps.two_pass(name)[0]), (True, dumps.one_pass(name)[0])]))
    if not args.runner or not args.truth:
        ap.error("give --runner CAPTURE TRUTH or --dumps DIR CAPTURES_DIR")
    prefs = mt.prefs_of(mt.read_truth(args.truth)[0],
                        os.path.dirname(os.path.abspath(args.truth)))
    runs = [(one, mt.split_json(mt.tshark(args.runner, ["-n", "-r", args.capture]
                                          + (mt.ONE_PASS if one else mt.TWO_PASS) + prefs))[0])
            for one in (False, True)]
    return report(args.capture, args.truth, runs)


if __name__ == "__main__":
    sys.exit(main())

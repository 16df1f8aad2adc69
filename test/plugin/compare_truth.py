#!/usr/bin/env python3
"""Dissects a capture with tshark + the mcp5a plugin and compares what it shows
with the capture's truth file (docs/truth-format.md), PDU by PDU.

  compare_truth.py --runner test/tshark-unpriv.sh CAPTURE TRUTH [--one-pass]

The plugin comes from MCP5A_PLUGIN (as for the runner). The preferences the
truth header names (crc, length_le) are applied. With --one-pass, tshark runs
a single pass, which cannot know a later response: response_in is not
compared, everything else must still match. Exit 1 on any difference.
"""
import argparse
import json
import subprocess
import sys

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


def dissect(runner, capture, prefs, two_pass):
    cmd = [runner, "-n", "-r", capture, "-T", "json", "--no-duplicate-keys", "-J", "frame mcp5a"]
    if two_pass:
        cmd.append("-2")
    for p in prefs:
        cmd += ["-o", p]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
    packets = json.loads(out) if out.strip() else []
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--one-pass", action="store_true")
    ap.add_argument("capture")
    ap.add_argument("truth")
    args = ap.parse_args()

    lines = [json.loads(l) for l in open(args.truth, encoding="utf-8") if l.strip()]
    head = lines[0]
    prefs = [f"mcp5a.crc_variant:{head['crc']}",
             f"mcp5a.length_le:{'TRUE' if head['length_le'] else 'FALSE'}"]
    want_pdus = {(l["frame"], l["index"]): l for l in lines[1:] if l["type"] == "pdu"}
    want_junk = {}
    for l in lines[1:]:
        if l["type"] == "junk":
            want_junk[l["frame"]] = want_junk.get(l["frame"], 0) + l["bytes"]

    got_pdus, got_junk, malformed = dissect(args.runner, args.capture, prefs, not args.one_pass)
    errors = []
    keys = [k for k in PDU_KEYS if not (args.one_pass and k == "response_in")]
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
    mode = "one pass" if args.one_pass else "two passes"
    if errors:
        print(f"{args.capture} ({mode}): {len(errors)} difference(s)", file=sys.stderr)
        for e in errors[:40]:
            print("  " + e, file=sys.stderr)
        return 1
    print(f"{args.capture} ({mode}): {len(want_pdus)} PDUs and "
          f"{sum(want_junk.values())} junk bytes match the truth")
    return 0


if __name__ == "__main__":
    sys.exit(main())

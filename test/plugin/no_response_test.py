#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mcp5a.analysis.no_response against the answer keys (docs/truth-format.md).

For every capture with a truth file, the requests that must carry the expert
info are worked out from the truth file alone, by the rule of
docs/PROTOCOL.md §4/§6:
  - a request: bit 7 of cmd clear, not EVENT (4), NAK (5) or SYNC (6);
  - its check matched (crc_ok), and the truth names no response_in;
  - not a broadcast: not to device 0xFF (READ/WRITE, device byte from
    tshark's mcp5a.device field), not to a broadcast address (the truth's
    sender names the destination: 255.255.255.255, *.255, ff02::1);
  - no resend of it was answered: following the same sender's next request
    with the same seq (checked frames only), while it has the same cmd, none
    has a response_in.
Two passes must show exactly those; one pass (which cannot know) none.

  no_response_test.py --dumps DISSECT_DIR CAPTURES_DIR
(the runs dissect_all.py wrote). Exit 77 when no capture has a truth file.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import compare_truth  # noqa: E402
import mcp5a_tshark as mt  # noqa: E402

NOTIFICATIONS = {4, 5, 6}


def destination(sender):
    if sender.startswith("serial:"):
        return None
    dst = sender.split(">", 1)[1]
    return dst.rsplit(":", 1)[0].strip("[]")


def to_broadcast(sender):
    dst = destination(sender)
    return dst is not None and (dst == "255.255.255.255" or dst.endswith(".255")
                                or dst.lower().startswith("ff"))


def expected(lines, devices):
    pdus = [l for l in lines if l["type"] == "pdu"]
    want = set()
    for i, p in enumerate(pdus):
        cmd = p["cmd"]
        if cmd & 0x80 or cmd in NOTIFICATIONS or not p["crc_ok"] or p["response_in"] is not None:
            continue
        key = (p["frame"], p["index"])
        if cmd in (2, 3) and devices.get(key) == 0xFF:
            continue
        if to_broadcast(p["sender"]):
            continue
        answered_resend = False
        cur = p
        for q in pdus[i + 1:]:
            if (q["sender"] != cur["sender"] or q["seq"] != cur["seq"] or not q["crc_ok"]
                    or q["cmd"] & 0x80 or q["cmd"] in NOTIFICATIONS):
                continue
            if q["cmd"] != cur["cmd"]:
                break  # the seq now names another request
            if q["response_in"] is not None:
                answered_resend = True
                break
            cur = q
        if not answered_resend:
            want.add(key)
    return want


def shown(packets):
    """The PDUs flagged no_response, and each PDU's device byte, by (frame, index)."""
    flagged, devices = set(), {}
    for pkt in packets:
        layers = pkt["_source"]["layers"]
        num = int(layers["frame"]["frame.number"])
        mcp = layers.get("mcp5a")
        index = 0
        for layer in (mcp if isinstance(mcp, list) else [mcp]) if mcp is not None else []:
            fields = compare_truth.flatten(layer, {})
            if "mcp5a.junk.len" in fields:
                continue
            dev = compare_truth.number(fields, "mcp5a.device")
            if dev is not None:
                devices[(num, index)] = dev
            if "mcp5a.analysis.no_response" in fields:
                flagged.add((num, index))
            index += 1
    return flagged, devices


def check(capture, truth, two_pass, one_pass):
    _, records = mt.read_truth(truth)
    got, devices = shown(two_pass)
    want = expected(records, devices)
    flagged_one, _ = shown(one_pass)
    errors = [f"frame {k[0]} pdu {k[1]}: no_response missing" for k in sorted(want - got)]
    errors += [f"frame {k[0]} pdu {k[1]}: no_response where the truth has none"
               for k in sorted(got - want)]
    errors += [f"frame {k[0]} pdu {k[1]}: no_response in one pass" for k in sorted(flagged_one)]
    return mt.verdict(capture, errors,
                      f"{len(want)} unanswered requests flagged, as the truth says")


if __name__ == "__main__":
    sys.exit(mt.dumps_main(lambda dumps: lambda name, cap, truth: check(
        cap, truth, dumps.two_pass(name)[0], dumps.one_pass(name)[0])))

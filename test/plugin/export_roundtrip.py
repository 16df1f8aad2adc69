#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""PDU export round trip (docs/PROTOCOL.md §6): exports CAPTURE with the tap
MCP5A, reads the export back with the plugin and checks that

  - there is one record per MCP frame of the original, in the same order,
    each naming the dissector "mcp5a" and holding exactly one MCP frame;
  - each record's original frame number is the frame that showed the PDU;
  - each record's bytes are exactly the frame's bytes in the original
    (read from the original capture by tshark, not from our export code);
  - the analysis (seq, cmd, CRC, verdict, missing, expected_seq, and the
    request/response links mapped back to original frame numbers) is the
    same, two passes each.

  export_roundtrip.py --dumps DISSECT_DIR CAPTURES_DIR

for every capture with a truth file, from the runs dissect_all.py wrote (the
export is written in its one-pass run, with the preferences the truth file
names: crc variant, length byte order). Exit 1 on any difference, 77 when no
capture has a truth file.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "libpy"))
import compare_truth  # noqa: E402
import mcp5a_tshark as mt  # noqa: E402

KEYS = ["seq", "cmd", "crc_ok", "verdict", "missing", "expected_seq"]


def as_list(x):
    return x if isinstance(x, list) else [x]


def raw_list(raw):
    """mcp5a_raw is [hex, ...] for one layer, [[hex, ...], ...] for several."""
    if raw is None:
        return []
    return raw if raw and isinstance(raw[0], list) else [raw]


def read(json_packets):
    """From a two-pass run with bytes: per packet its number, exported-PDU facts,
    record data (bytes after the exported-PDU tags) and MCP items (with their
    bytes when tshark shows them), plus the frames tshark flags malformed."""
    packets = []
    for pkt in json_packets:
        layers = pkt["_source"]["layers"]
        num = int(layers["frame"]["frame.number"])
        exp = compare_truth.flatten(layers.get("exported_pdu", {}), {})
        frame_raw = layers.get("frame_raw", [""])[0]
        tags_raw = layers.get("exported_pdu_raw", [""])[0]
        items = []
        mcps = layers.get("mcp5a")
        raws = raw_list(layers.get("mcp5a_raw"))
        for i, layer in enumerate(as_list(mcps) if mcps is not None else []):
            item = compare_truth.layer_to_item(compare_truth.flatten(layer, {}))
            item["raw"] = raws[i][0] if i < len(raws) else None
            items.append(item)
        text = json.dumps(layers)
        packets.append({
            "num": num,
            "orig_fno": compare_truth.number(exp, "exported_pdu.orig_fno"),
            "name": (exp.get("exported_pdu.prot_name") or [None])[0],
            "p2p_dir": compare_truth.number(exp, "exported_pdu.p2p_dir"),
            "data": frame_raw[len(tags_raw):] if tags_raw else None,
            "items": items,
            "malformed": "_ws.malformed" in text and "mcp5a.payload.malformed" not in text,
        })
    return packets


def pdus_of(packets):
    out = {}
    for pkt in packets:
        index = 0
        for item in pkt["items"]:
            if item["type"] == "pdu":
                out[(pkt["num"], index)] = item
                index += 1
    return out


def check(capture, orig_packets, back_packets):
    orig, back = pdus_of(orig_packets), pdus_of(back_packets)
    # Serial: each direction's byte stream, to find frames whose bytes span
    # records (tshark shows no raw bytes for those).
    streams = {}
    for pkt in orig_packets:
        if pkt["p2p_dir"] is not None and pkt["data"]:
            streams[pkt["p2p_dir"]] = streams.get(pkt["p2p_dir"], "") + pkt["data"]
    order = sorted(orig)  # (frame, index): the order the PDUs were shown
    errors = []
    if len(back_packets) != len(order):
        errors.append(f"{len(back_packets)} records exported, {len(order)} MCP frames in the original")
    # record number (1-based) -> original frame of that PDU
    to_orig = {i + 1: key[0] for i, key in enumerate(order)}
    for i, key in enumerate(order):
        rec = i + 1
        if i >= len(back_packets):
            break
        r = back_packets[i]
        fno, name, data = r["orig_fno"], r["name"], r["data"]
        n = len(r["items"])
        if name != "mcp5a" or n != 1:
            errors.append(f"record {rec}: dissector {name!r}, {n} mcp5a layers")
        if fno != key[0]:
            errors.append(f"record {rec}: original frame {fno}, expected {key[0]}")
        raw = orig[key]["raw"]
        if raw is not None:
            if data != raw:
                errors.append(f"record {rec}: bytes {data} differ from frame {key}: {raw}")
        elif r["p2p_dir"] is None or data is None or data not in streams.get(r["p2p_dir"], ""):
            errors.append(f"record {rec}: bytes {data} not in direction {r['p2p_dir']}'s stream")
        want, got = orig[key], back.get((rec, 0))
        if got is None:
            errors.append(f"record {rec}: no MCP frame shown")
            continue
        for k in KEYS:
            if want[k] != got[k]:
                errors.append(f"record {rec} (frame {key}): {k} is {got[k]}, original {want[k]}")
        for k in ("request_in", "response_in"):
            mapped = None if got[k] is None else to_orig.get(got[k], f"record {got[k]}?")
            if mapped != want[k]:
                errors.append(f"record {rec} (frame {key}): {k} maps to {mapped}, "
                              f"original {want[k]}")
    for pkt in orig_packets + back_packets:
        if pkt["malformed"]:
            errors.append(f"frame {pkt['num']}: _ws.malformed")
    return mt.verdict(f"{capture}: export", errors,
                      f"{len(order)} PDUs exported; export reads back with the same analysis")


if __name__ == "__main__":
    sys.exit(mt.dumps_main(lambda dumps: lambda name, cap, _: check(
        cap, read(dumps.two_pass(name)[0]), read(dumps.read_back(name)))))

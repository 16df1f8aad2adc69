# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture files read by the tests, written here from the specifications (not
from the tools' code): pcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html,
micro- and nanosecond, either byte order) and pcapng (SHB, IDB, EPB; other
blocks skipped), and the exported-PDU tags of LINKTYPE_WIRESHARK_UPPER_PDU
records (Wireshark's exported_pdu.h: 2-byte big-endian tag and length, tag 0
ends them).

    ifaces, recs = capfile.read(path)            (or read(path, "pcapng"): that format only)
    ifaces: [Iface(linktype, name or None, units per second of ts)]
    recs:   [Record(iface index, ts in its iface's units, captured bytes)]

A truncated or malformed file raises ValueError naming the offset.
"""
import collections
import struct

LINKTYPE_WIRESHARK_UPPER_PDU = 252
EXP_PDU_TAG_DISSECTOR_NAME = 12
EXP_PDU_TAG_P2P_DIRECTION = 35

Iface = collections.namedtuple("Iface", "linktype name units")
Record = collections.namedtuple("Record", "iface ts data")

PCAP_MAGIC = {  # magic as read little-endian: (byte order, units per second)
    0xA1B2C3D4: ("<", 10**6), 0xD4C3B2A1: (">", 10**6),
    0xA1B23C4D: ("<", 10**9), 0x4D3CB2A1: (">", 10**9),
}
PCAPNG_SHB = 0x0A0D0D0A


def read(path, fmt=None):
    """(ifaces, records) of the pcap or pcapng file at path; with fmt ("pcap" or
    "pcapng"), a file of the other format is a ValueError too."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path}: {len(data)} bytes, no capture file")
    magic = struct.unpack_from("<I", data)[0]
    found = "pcap" if magic in PCAP_MAGIC else "pcapng" if magic == PCAPNG_SHB else None
    if found is None:
        raise ValueError(f"{path}: magic {magic:#010x} is neither pcap nor pcapng")
    if fmt is not None and found != fmt:
        raise ValueError(f"{path}: {found}, not {fmt}")
    if found == "pcap":
        return _read_pcap(path, data, *PCAP_MAGIC[magic])
    return _read_pcapng(path, data)


def _read_pcap(path, data, endian, units):
    if len(data) < 24:
        raise ValueError(f"{path}: truncated pcap header")
    linktype = struct.unpack_from(endian + "I", data, 20)[0] & 0x0FFFFFFF
    recs, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError(f"{path}: truncated record header at {off}")
        sec, frac, caplen, _ = struct.unpack_from(endian + "IIII", data, off)
        if off + 16 + caplen > len(data):
            raise ValueError(f"{path}: truncated record at {off}")
        recs.append(Record(0, sec * units + frac, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return [Iface(linktype, None, units)], recs


def _idb_options(body, endian):
    """(if_name or None, units per second from if_tsresol, default 10^6)."""
    name, units, o = None, 10**6, 8
    while o + 4 <= len(body):
        code, olen = struct.unpack_from(endian + "HH", body, o)
        if code == 0:
            break
        value = body[o + 4:o + 4 + olen]
        if code == 2:
            name = value.decode()
        elif code == 9 and olen >= 1:
            units = 2 ** (value[0] & 0x7F) if value[0] & 0x80 else 10 ** value[0]
        o += 4 + ((olen + 3) & ~3)
    return name, units


def _read_pcapng(path, data):
    ifaces, recs, off, endian = [], [], 0, "<"
    while off < len(data):
        if off + 12 > len(data):
            raise ValueError(f"{path}: {len(data) - off} trailing bytes at {off}")
        btype = struct.unpack_from(endian + "I", data, off)[0]
        if btype == PCAPNG_SHB:
            endian = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []  # a new section numbers its interfaces anew
        blen = struct.unpack_from(endian + "I", data, off + 4)[0]
        if blen < 12 or off + blen > len(data):
            raise ValueError(f"{path}: truncated block at {off}")
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            linktype = struct.unpack_from(endian + "H", body)[0]
            ifaces.append(Iface(linktype, *_idb_options(body, endian)))
        elif btype == 6:
            iface, hi, lo, caplen = struct.unpack_from(endian + "IIII", body)
            if iface >= len(ifaces):
                raise ValueError(f"{path}: block at {off} names interface {iface} of "
                                 f"{len(ifaces)}")
            recs.append(Record(iface, (hi << 32) | lo, body[20:20 + caplen]))
        off += blen
    return ifaces, recs


def upper_pdu(pkt):
    """The exported-PDU tags of a LINKTYPE_WIRESHARK_UPPER_PDU record:
    (dissector name bytes or None, P2P direction or None, the PDU's bytes)."""
    o, name, direction = 0, None, None
    while True:
        if o + 4 > len(pkt):
            raise ValueError(f"exported-PDU tags run past the record ({len(pkt)} bytes)")
        tag, tlen = struct.unpack_from(">HH", pkt, o)
        o += 4
        if tag == 0:
            break
        if tag == EXP_PDU_TAG_DISSECTOR_NAME:
            name = pkt[o:o + tlen]
        elif tag == EXP_PDU_TAG_P2P_DIRECTION:
            direction = struct.unpack_from(">I", pkt, o)[0]
        o += tlen
    return name, direction, pkt[o:]

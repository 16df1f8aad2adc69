# SPDX-License-Identifier: GPL-2.0-or-later
"""The §1 default check, crc8-smbus (poly 0x07, init 0, no reflection), and a
frame built with it, for tests that build or read frames themselves: an oracle
written from the spec, independent of lib/."""


def crc8_smbus(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


assert crc8_smbus(b"123456789") == 0xF4  # §1 check value


def frame(seq, cmd, payload=b""):
    """A §1 frame: magic 0x5A, seq (0-255, taken mod 256), big-endian length of
    payload, cmd, payload, crc8-smbus over all of them."""
    body = bytes([0x5A, seq & 0xFF, len(payload) >> 8, len(payload) & 0xFF, cmd]) + payload
    return body + bytes([crc8_smbus(body)])


assert frame(0, 0x01) == bytes.fromhex("5a0000000120")  # §1 vector

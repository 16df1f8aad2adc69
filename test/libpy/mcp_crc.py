"""The §1 default check, crc8-smbus (poly 0x07, init 0, no reflection), for
tests that build or read frames themselves: an oracle written from the spec,
independent of lib/."""


def crc8_smbus(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


assert crc8_smbus(b"123456789") == 0xF4  # §1 check value

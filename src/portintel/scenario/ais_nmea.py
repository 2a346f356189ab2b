"""Write AIS messages as NMEA 0183 sentences behind NMEA 4.0 tag blocks.

The scenario's tracks go into portintel through the real ingestion path
(``portintel ais ingest``), so they are written as a receiver would log them:
``\\c:<unix time>,s:<station>*hh\\!AIVDM,...``. Encoded here: position reports
of class A (type 1) and class B (type 18), class A static and voyage data
(type 5, two sentences) and class B static data (type 24, parts A and B),
following ITU-R M.1371-5 bit layouts. Pure: text out, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIXBIT_TEXT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"
MAX_PAYLOAD_CHARS = 60


class _Bits:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def uint(self, value: int, width: int) -> _Bits:
        self.parts.append(format(value & ((1 << width) - 1), f"0{width}b"))
        return self

    def signed(self, value: int, width: int) -> _Bits:
        return self.uint(value if value >= 0 else (1 << width) + value, width)

    def text(self, value: str, chars: int) -> _Bits:
        cleaned = value.upper()[:chars].ljust(chars, "@")
        for char in cleaned:
            index = SIXBIT_TEXT.find(char)
            self.uint(index if index >= 0 else 0, 6)
        return self

    def armoured(self) -> tuple[str, int]:
        bits = "".join(self.parts)
        fill = (-len(bits)) % 6
        bits += "0" * fill
        chars = []
        for k in range(0, len(bits), 6):
            value = int(bits[k : k + 6], 2)
            chars.append(chr(value + 48 if value < 40 else value + 56))
        return "".join(chars), fill


def checksum(text: str) -> str:
    value = 0
    for char in text:
        value ^= ord(char)
    return f"{value:02X}"


def _coordinate(value: float) -> int:
    return round(value * 600_000)


@dataclass(frozen=True, slots=True)
class PositionReport:
    mmsi: int
    lat: float
    lon: float
    sog: float
    cog: float
    second: int
    class_b: bool = False
    nav_status: int = 0
    """0 under way using engine, 1 at anchor, 5 moored, 7 engaged in fishing (class A)."""

    def payload(self) -> tuple[str, int]:
        bits = _Bits()
        sog = min(round(self.sog * 10), 1022)
        cog = round(self.cog * 10) % 3600
        if self.class_b:
            bits.uint(18, 6).uint(0, 2).uint(self.mmsi, 30).uint(0, 8).uint(sog, 10).uint(0, 1)
            bits.signed(_coordinate(self.lon), 28).signed(_coordinate(self.lat), 27)
            bits.uint(cog, 12).uint(511, 9).uint(self.second, 6).uint(0, 2)
            bits.uint(1, 1).uint(0, 1).uint(1, 1).uint(1, 1).uint(1, 1).uint(0, 1).uint(0, 1)
            bits.uint(0b1100000000000000110, 20)
        else:
            bits.uint(1, 6).uint(0, 2).uint(self.mmsi, 30).uint(self.nav_status, 4)
            bits.signed(-128, 8).uint(sog, 10).uint(0, 1)
            bits.signed(_coordinate(self.lon), 28).signed(_coordinate(self.lat), 27)
            bits.uint(cog, 12).uint(511, 9).uint(self.second, 6).uint(0, 2).uint(0, 3)
            bits.uint(0, 1).uint(0, 19)
        return bits.armoured()


@dataclass(frozen=True, slots=True)
class StaticReport:
    mmsi: int
    name: str
    callsign: str
    ship_type: int
    imo: int | None = None
    class_b: bool = False
    part: int = 0
    """Class B only: 0 for part A (the name), 1 for part B (type and call sign)."""

    def payload(self) -> tuple[str, int]:
        bits = _Bits()
        if self.class_b and self.part == 0:
            bits.uint(24, 6).uint(0, 2).uint(self.mmsi, 30).uint(0, 2).text(self.name, 20)
            bits.uint(0, 8)
        elif self.class_b:
            bits.uint(24, 6).uint(0, 2).uint(self.mmsi, 30).uint(1, 2).uint(self.ship_type, 8)
            bits.text("PORTINT", 7).text(self.callsign, 7).uint(0, 30).uint(0, 6)
        else:
            bits.uint(5, 6).uint(0, 2).uint(self.mmsi, 30).uint(0, 2).uint(self.imo or 0, 30)
            bits.text(self.callsign, 7).text(self.name, 20).uint(self.ship_type, 8)
            bits.uint(40, 9).uint(12, 9).uint(5, 6).uint(5, 6).uint(1, 4)
            bits.uint(0, 4).uint(0, 5).uint(24, 5).uint(60, 6).uint(40, 8)
            bits.text("", 20).uint(0, 1).uint(0, 1)
        return bits.armoured()


def sentences(
    payload: tuple[str, int],
    *,
    unix_time: int,
    station: str,
    channel: str = "A",
    sequence: int = 0,
) -> list[str]:
    """The sentences of one message, each behind a tag block with time and station."""
    data, fill = payload
    chunks = [data[k : k + MAX_PAYLOAD_CHARS] for k in range(0, len(data), MAX_PAYLOAD_CHARS)]
    count = len(chunks)
    tag_body = f"c:{unix_time},s:{station}"
    tag = f"\\{tag_body}*{checksum(tag_body)}\\"
    lines = []
    for number, chunk in enumerate(chunks, start=1):
        sequence_id = str(sequence % 10) if count > 1 else ""
        chunk_fill = fill if number == count else 0
        body = f"AIVDM,{count},{number},{sequence_id},{channel},{chunk},{chunk_fill}"
        lines.append(f"{tag}!{body}*{checksum(body)}")
    return lines


def _put(bits: np.ndarray, offset: int, width: int, values: np.ndarray) -> int:
    values = np.asarray(values, dtype=np.int64) & ((1 << width) - 1)
    shifts = np.arange(width - 1, -1, -1, dtype=np.int64)
    bits[:, offset : offset + width] = (values[:, None] >> shifts[None, :]) & 1
    return offset + width


def position_payloads(
    mmsi: int,
    lat: np.ndarray,
    lon: np.ndarray,
    sog: np.ndarray,
    cog: np.ndarray,
    second: np.ndarray,
    status: np.ndarray,
    *,
    class_b: bool,
) -> tuple[list[str], np.ndarray]:
    """Many position reports of one vessel at once (type 18 or type 1): payloads and
    the XOR of each payload's characters (for the sentence checksum)."""
    n = len(lat)
    bits = np.zeros((n, 168), dtype=np.int64)
    speed = np.minimum(np.round(np.asarray(sog) * 10), 1022)
    course = np.round(np.asarray(cog) * 10) % 3600
    x = np.round(np.asarray(lon) * 600_000)
    y = np.round(np.asarray(lat) * 600_000)
    o = _put(bits, 0, 6, np.full(n, 18 if class_b else 1))
    o = _put(bits, o, 2, np.zeros(n))
    o = _put(bits, o, 30, np.full(n, mmsi))
    if class_b:
        o = _put(bits, o, 8, np.zeros(n))
    else:
        o = _put(bits, o, 4, np.asarray(status))
        o = _put(bits, o, 8, np.full(n, -128))
    o = _put(bits, o, 10, speed)
    o = _put(bits, o, 1, np.zeros(n))
    o = _put(bits, o, 28, x)
    o = _put(bits, o, 27, y)
    o = _put(bits, o, 12, course)
    o = _put(bits, o, 9, np.full(n, 511))
    o = _put(bits, o, 6, np.asarray(second))
    if class_b:
        o = _put(bits, o, 2, np.zeros(n))
        for flag in (1, 0, 1, 1, 1, 0, 0):
            o = _put(bits, o, 1, np.full(n, flag))
        o = _put(bits, o, 20, np.full(n, 0b1100000000000000110))
    else:
        o = _put(bits, o, 2, np.zeros(n))
        o = _put(bits, o, 3, np.zeros(n))
        o = _put(bits, o, 1, np.zeros(n))
        o = _put(bits, o, 19, np.zeros(n))
    values = bits.reshape(n, 28, 6) @ np.array([32, 16, 8, 4, 2, 1])
    chars = (values + 48 + 8 * (values >= 40)).astype(np.uint8)
    xor = np.bitwise_xor.reduce(chars, axis=1) if n else np.zeros(0, dtype=np.uint8)
    text = chars.tobytes().decode("ascii")
    return [text[k * 28 : (k + 1) * 28] for k in range(n)], xor


def position_lines(
    payloads: list[str], xor: np.ndarray, unix_times: np.ndarray, station: str
) -> list[str]:
    """Single-sentence ``!AIVDM`` lines behind tag blocks, checksums computed in bulk."""
    body_constant = 0
    for char in "AIVDM,1,1,,A,,0":
        body_constant ^= ord(char)
    tag_constant = 0
    for char in f"c:,s:{station}":
        tag_constant ^= ord(char)
    times = np.asarray(unix_times, dtype=np.int64)
    digits = np.zeros(times.shape, dtype=np.int64)
    rest = times.copy()
    while np.any(rest > 0):
        digits ^= np.where(rest > 0, rest % 10 + 48, 0)
        rest //= 10
    tag_sums = digits ^ tag_constant
    body_sums = np.asarray(xor, dtype=np.int64) ^ body_constant
    return [
        f"\\c:{when},s:{station}*{tag:02X}\\!AIVDM,1,1,,A,{payload},0*{body:02X}"
        for when, tag, payload, body in zip(
            times.tolist(), tag_sums.tolist(), payloads, body_sums.tolist(), strict=True
        )
    ]

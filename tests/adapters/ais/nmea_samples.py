"""Small NMEA inputs built with pyais's encoder, with NMEA 4.0 tag block times."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce
from typing import Any

import pyais

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def checksum(text: str) -> str:
    return f"{reduce(lambda acc, ch: acc ^ ord(ch), text, 0):02X}"


def tag(sentence: str, unix_time: int, station: str | None = None) -> str:
    """``sentence`` behind a tag block ``\\s:station,c:time*cs\\``."""
    body = (f"s:{station}," if station else "") + f"c:{unix_time}"
    return f"\\{body}*{checksum(body)}\\{sentence}"


def sentences(fields: dict[str, Any]) -> list[str]:
    return list(pyais.encode_dict(fields, radio_channel="A", talker_id="AI"))


def position(mmsi: int, lat: float, lon: float, *, seconds: int = 0, speed: float = 5.0) -> str:
    """A tagged type 1 position report ``seconds`` after T0."""
    (line,) = sentences(
        {"msg_type": 1, "mmsi": mmsi, "lat": lat, "lon": lon, "speed": speed, "course": 90.0}
    )
    return tag(line, int(T0.timestamp()) + seconds)


def static(mmsi: int, name: str, imo: int, *, seconds: int = 0) -> list[str]:
    """A tagged two-sentence type 5 static and voyage report."""
    parts = sentences(
        {
            "msg_type": 5,
            "mmsi": mmsi,
            "shipname": name,
            "callsign": "XUAB7",
            "imo": imo,
            "ship_type": 70,
            "to_bow": 80,
            "to_stern": 20,
            "to_port": 8,
            "to_starboard": 8,
            "draught": 6.1,
            "destination": "SIHANOUKVILLE",
        }
    )
    return [tag(part, int(T0.timestamp()) + seconds) for part in parts]


def corrupt_checksum(sentence: str) -> str:
    head, _, cs = sentence.rpartition("*")
    return f"{head}*{'00' if cs != '00' else '11'}"


# Gulf of Thailand, at sea off Sihanoukville
SEA = (10.45, 103.30)

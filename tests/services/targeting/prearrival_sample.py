"""AIS for the pre-arrival list, through the real decoder and ingest: vessels bound for
Sihanoukville by ETA, by course and speed, and others that are not expected there.

Built with pyais's encoder and ``ingest_paths``, exactly as a receiver's log is read,
so the ETA's year is inferred by the store (AIS sends month, day, hour and minute).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from portintel.services.maritime import ingest_paths
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import checksum, sentences

SENT = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
"""Just before a new year: an ETA of 2 January is next year's."""
PORT = (10.643, 103.506)  # KHKOS, Sihanoukville Autonomous Port

BY_ETA = 574200001  # destination "KOMPONG SOM", ETA 01-02 03:00: in 31 h
BY_COURSE = 574200002  # no voyage data; heading east for the port at 10 kn
LATE = 574200003  # destination SIHANOUKVILLE, ETA 01-06: after any window
STOPPED = 574200004  # drifting at 0.2 kn west of the port, no ETA
IN_PORT = 574200005  # alongside, destination the port itself
ELSEWHERE = 574200006  # heading away, destination Songkhla


def _tagged(line: str, when: datetime) -> str:
    body = f"c:{int(when.timestamp())}"
    return f"\\{body}*{checksum(body)}\\{line}"


def position_line(mmsi: int, lat: float, lon: float, sog: float, cog: float, when: datetime) -> str:
    (line,) = sentences(
        {"msg_type": 1, "mmsi": mmsi, "lat": lat, "lon": lon, "speed": sog, "course": cog}
    )
    return _tagged(line, when)


def _voyage(
    mmsi: int, name: str, destination: str, eta: tuple[int, int, int, int] | None
) -> list[str]:
    month, day, hour, minute = eta or (0, 0, 24, 60)  # the "not available" values
    fields: dict[str, Any] = {
        "msg_type": 5,
        "mmsi": mmsi,
        "shipname": name,
        "callsign": "XUAB7",
        "ship_type": 70,
        "month": month,
        "day": day,
        "hour": hour,
        "minute": minute,
        "destination": destination,
    }
    return [_tagged(part, SENT) for part in sentences(fields)]


def write_arrivals(ws: Workspace, folder: Path) -> Path:
    lat, lon = PORT
    lines: list[str] = []
    for step in range(3):  # three fixes each, ten minutes apart, the last at SENT
        when = SENT - timedelta(minutes=10 * (2 - step))
        lines += [
            position_line(BY_ETA, lat - 1.0, lon - 1.5, 0.0, 0.0, when),
            position_line(BY_COURSE, lat, lon - 1.0, 10.0, 90.0, when),
            position_line(LATE, lat - 0.5, lon - 0.5, 8.0, 45.0, when),
            position_line(STOPPED, lat, lon - 0.5, 0.2, 90.0, when),
            position_line(IN_PORT, lat + 0.005, lon, 0.0, 0.0, when),
            position_line(ELSEWHERE, lat - 0.3, lon - 0.3, 10.0, 225.0, when),
        ]
    lines += _voyage(BY_ETA, "EASTERN GRACE", "KOMPONG SOM", (1, 2, 3, 0))
    lines += _voyage(LATE, "LATE COMER", "SIHANOUKVILLE", (1, 6, 12, 0))
    lines += _voyage(IN_PORT, "HARBOUR QUEEN", "KHKOS", (12, 31, 18, 0))
    lines += _voyage(ELSEWHERE, "SOUTH WIND", "SONGKHLA", (1, 1, 9, 0))
    path = folder / "arrivals.nmea"
    path.write_text("\n".join(lines) + "\n")
    ingest_paths(ws, [path], source="rx-test")
    return path


__all__ = [
    "BY_COURSE",
    "BY_ETA",
    "ELSEWHERE",
    "IN_PORT",
    "LATE",
    "PORT",
    "SENT",
    "STOPPED",
    "write_arrivals",
]

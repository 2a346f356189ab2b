"""Hand-built tracks with known truth for the behaviour tests."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import polars as pl

T0 = datetime(2026, 3, 1, tzinfo=UTC)
KM_PER_DEG = 111.195


def fixes(
    mmsi: int,
    start: datetime,
    minutes: float,
    count: int,
    lat: float,
    lon: float,
    *,
    knots: float = 0.0,
    bearing_deg: float = 90.0,
    sog: float | None = None,
    shore_km: float | None = None,
) -> list[dict[str, object]]:
    """``count`` fixes every ``minutes`` moving at ``knots`` on ``bearing_deg`` from lat/lon."""
    rows = []
    for i in range(count):
        hours = i * minutes / 60
        km = knots * 1.852 * hours
        dlat = km * math.cos(math.radians(bearing_deg)) / KM_PER_DEG
        dlon = km * math.sin(math.radians(bearing_deg)) / (KM_PER_DEG * math.cos(math.radians(lat)))
        row: dict[str, object] = {
            "mmsi": mmsi,
            "ts": start + timedelta(minutes=i * minutes),
            "lat": lat + dlat,
            "lon": lon + dlon,
            "sog": knots if sog is None else sog,
        }
        if shore_km is not None:
            row["distance_to_shore_km"] = shore_km
        rows.append(row)
    return rows


def frame(*groups: list[dict[str, object]]) -> pl.DataFrame:
    rows = [row for group in groups for row in group]
    schema = {
        "mmsi": pl.Int64,
        "ts": pl.Datetime("us", "UTC"),
        "lat": pl.Float64,
        "lon": pl.Float64,
        "sog": pl.Float64,
    }
    if any("distance_to_shore_km" in r for r in rows):
        schema["distance_to_shore_km"] = pl.Float64
    return pl.DataFrame(rows, schema=schema)

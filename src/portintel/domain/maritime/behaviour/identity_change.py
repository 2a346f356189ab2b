"""Identity changes of one MMSI, from its static reports and its segments.

- ``field``: the name, call sign, IMO, ship type or flag (when the statics
  carry a ``flag`` column) changed between two consecutive reports that give it;
- ``mid_flag``: the country of the MMSI's MID differs from the declared flag;
- ``shared_imo``: one IMO number reported by several MMSIs;
- ``two_places``: two segments of the MMSI heard at the same time (within
  ``two_places_max_minutes``) farther apart than ``two_places_min_km``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from portintel.domain.identifiers.mmsi import mmsi_country
from portintel.domain.maritime.behaviour.common import (
    EventRow,
    Track,
    evidence,
    haversine_km,
)
from portintel.domain.maritime.behaviour.settings import BehaviourSettings

FIELDS = ("name", "callsign", "imo", "ship_type", "flag")


def _normalised(statics: pl.DataFrame, field: str) -> pl.Expr:
    column = pl.col(field)
    if statics.schema[field] == pl.Utf8:
        column = column.str.strip_chars().str.to_uppercase().str.replace_all(r"\s+", " ")
        return pl.when(column == "").then(None).otherwise(column)
    return column.cast(pl.Utf8)


def _at_instant(
    mmsi: Any,
    when: datetime,
    parameters: dict[str, Any],
    details: dict[str, Any],
    discriminator: str,
    other_mmsi: int | None = None,
) -> EventRow:
    """An identity change seen at one moment (start and end alike, no position)."""
    start = int(when.timestamp() * 1e6)
    return EventRow(
        type="identity_change",
        mmsi=int(mmsi),
        other_mmsi=other_mmsi,
        start=start,
        end=start,
        lat=None,
        lon=None,
        parameters=parameters,
        details=details,
        discriminator=discriminator,
    )


def detect_field_changes(statics: pl.DataFrame, settings: BehaviourSettings) -> list[EventRow]:
    """``field`` and ``mid_flag`` events of every MMSI in ``statics``."""
    rows: list[EventRow] = []
    if statics.height == 0:
        return rows
    statics = statics.filter(pl.col("ts").is_not_null() & pl.col("mmsi").is_not_null()).sort(
        ["mmsi", "ts"]
    )
    parameters = {"fields": ", ".join(f for f in FIELDS if f in statics.columns)}
    for field in FIELDS:
        if field not in statics.columns:
            continue
        values = (
            statics.select("mmsi", "ts", _normalised(statics, field).alias("value"))
            .drop_nulls("value")
            .with_columns(pl.col("value").shift(1).over("mmsi").alias("previous"))
            .filter(pl.col("previous").is_not_null() & (pl.col("value") != pl.col("previous")))
        )
        for row in values.iter_rows(named=True):
            details = {"kind": "field", "field": field, "old": row["previous"], "new": row["value"]}
            discriminator = f"field:{field}:{row['value']}"
            rows.append(_at_instant(row["mmsi"], row["ts"], parameters, details, discriminator))
    if "flag" in statics.columns:
        flags = statics.select("mmsi", "ts", _normalised(statics, "flag").alias("flag")).drop_nulls(
            "flag"
        )
        for row in flags.unique(subset=["mmsi", "flag"], keep="first").iter_rows(named=True):
            country = mmsi_country(str(row["mmsi"]).zfill(9))
            if country is not None and country != row["flag"]:
                details = {"kind": "mid_flag", "mid_country": country, "flag": row["flag"]}
                discriminator = f"mid_flag:{row['flag']}"
                rows.append(_at_instant(row["mmsi"], row["ts"], parameters, details, discriminator))
    return rows


def detect_shared_imo(statics: pl.DataFrame, settings: BehaviourSettings) -> list[EventRow]:
    """One event per MMSI whose IMO number other MMSIs also report."""
    if statics.height == 0 or "imo" not in statics.columns:
        return []
    first = (
        statics.filter(
            pl.col("imo").is_not_null() & pl.col("ts").is_not_null() & pl.col("mmsi").is_not_null()
        )
        .group_by("imo", "mmsi")
        .agg(pl.col("ts").min().alias("since"))
    )
    shared = first.filter(pl.col("mmsi").n_unique().over("imo") > 1).sort(["imo", "mmsi"])
    rows: list[EventRow] = []
    for (imo,), part in shared.partition_by("imo", as_dict=True).items():
        mmsis = [int(m) for m in part["mmsi"].to_list()]
        for row in part.iter_rows(named=True):
            others = [m for m in mmsis if m != row["mmsi"]]
            rows.append(
                _at_instant(
                    row["mmsi"],
                    row["since"],
                    {"rule": "one IMO number on several MMSIs"},
                    {"kind": "shared_imo", "imo": int(imo), "other_mmsis": others},
                    f"shared_imo:{imo}",
                    other_mmsi=others[0],
                )
            )
    return rows


def detect_two_places(track: Track, settings: BehaviourSettings) -> list[EventRow]:
    """One event per pair of segments of the MMSI heard far apart at the same time."""
    config = settings.identity_change
    segments = np.unique(track.segment)
    if segments.size < 2:
        return []
    tolerance = config.two_places_max_minutes * 60e6
    rows: list[EventRow] = []
    index = {int(s): np.flatnonzero(track.segment == s) for s in segments}
    spans = {s: (track.ts[i[0]], track.ts[i[-1]]) for s, i in index.items()}
    ordered = sorted(index)
    for x, s1 in enumerate(ordered):
        for s2 in ordered[x + 1 :]:
            (a0, a1), (b0, b1) = spans[s1], spans[s2]
            if a1 + tolerance < b0 or b1 + tolerance < a0:
                continue
            i1, i2 = index[s1], index[s2]
            # nearest fix of s2 in time for each fix of s1
            pos = np.clip(np.searchsorted(track.ts[i2], track.ts[i1]), 1, max(i2.size - 1, 1))
            cand = np.stack([i2[np.maximum(pos - 1, 0)], i2[np.minimum(pos, i2.size - 1)]])
            dt = np.abs(track.ts[cand] - track.ts[i1][None, :])
            pick = cand[dt.argmin(axis=0), np.arange(i1.size)]
            near = np.abs(track.ts[pick] - track.ts[i1]) <= tolerance
            d = haversine_km(track.lat[i1], track.lon[i1], track.lat[pick], track.lon[pick])
            hit = near & (d > config.two_places_min_km)
            if not hit.any():
                continue
            first, last = np.flatnonzero(hit)[[0, -1]]
            rows.append(
                EventRow(
                    type="identity_change",
                    mmsi=track.mmsi,
                    start=int(track.ts[i1[first]]),
                    end=int(track.ts[i1[last]]),
                    lat=float(track.lat[i1[first]]),
                    lon=float(track.lon[i1[first]]),
                    parameters=settings.section("identity_change"),
                    details={
                        "kind": "two_places",
                        "other_lat": float(track.lat[pick[first]]),
                        "other_lon": float(track.lon[pick[first]]),
                        "max_distance_km": round(float(d[hit].max()), 3),
                        "simultaneous_fixes": int(hit.sum()),
                    },
                    evidence=evidence(
                        track, [int(i1[first]), int(pick[first]), int(i1[last]), int(pick[last])]
                    ),
                    discriminator="two_places",
                )
            )
    return rows

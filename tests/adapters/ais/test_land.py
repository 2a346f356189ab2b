"""Positions on land: open sea and harbours pass, inland points are caught."""

from __future__ import annotations

import polars as pl

from portintel.adapters.ais.land import on_land


def test_sea_harbour_inland_and_unusable_points() -> None:
    points = [
        (10.45, 103.30),  # Gulf of Thailand
        (10.64, 103.50),  # Sihanoukville port, next to the quay
        (12.50, 104.90),  # inland Cambodia
        (48.85, 2.35),  # Paris
        (91.0, 181.0),  # "not available": not judged here
    ]
    flags = on_land(pl.Series([p[0] for p in points]), pl.Series([p[1] for p in points]))
    assert flags.to_list() == [False, False, True, True, False]

"""Positions on land: open sea and harbours pass, inland points are caught."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from portintel.adapters.ais.land import LandMask, on_land


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


def test_packed_cached_grid_answers_exactly_like_the_library(tmp_path: Path) -> None:
    from global_land_mask import globe

    rng = np.random.default_rng(7)
    lat = np.concatenate([rng.uniform(-90, 90, 20_000), [90.0, -90.0, 0.0, 10.64]])
    lon = np.concatenate([rng.uniform(-180, 180, 20_000), [180.0, -180.0, 0.0, 103.5]])
    built = LandMask(tmp_path)
    assert np.array_equal(built.is_land(lat, lon), globe.is_land(lat, lon))
    assert (tmp_path / "land-mask-v1.bits.npy").exists()
    cached = LandMask(tmp_path)  # a new process: memory-maps the cache, no rebuild
    assert np.array_equal(cached.is_land(lat, lon), globe.is_land(lat, lon))

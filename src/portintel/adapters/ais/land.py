"""Positions on land, with global-land-mask (a 1 km grid shipped inside the package).

The grid is coarse next to quays, in harbour basins and in narrow fjords,
so a vessel afloat can fall in a "land" cell (on the Norwegian coastal
sample a 1 km test refused a third of such fixes). A position counts as on
land only when it and a ring of points ``margin_metres`` around it are all
land: a ship in a dock or a fjord passes, a "ship" on a field inland is
caught. The margin is configurable; 2 km is the default.
"""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import cast

import numpy as np
import polars as pl

DEFAULT_MARGIN_METRES = 2000.0
RING_POINTS = 16
METRES_PER_DEGREE = 111_320.0


@cache
def _globe() -> ModuleType:
    """The land mask, loaded on first use: reading its grid takes seconds, not every command."""
    from global_land_mask import globe

    return cast(ModuleType, globe)


def load_land_mask() -> None:
    """Load the grid now (a listener does this before its socket fills up, not mid-stream)."""
    _globe()


def on_land(
    latitudes: pl.Series, longitudes: pl.Series, *, margin_metres: float = DEFAULT_MARGIN_METRES
) -> pl.Series:
    """Boolean per position; null or out-of-range coordinates are never "on land"."""
    lat = latitudes.cast(pl.Float64).to_numpy().astype(np.float64, copy=True)
    lon = longitudes.cast(pl.Float64).to_numpy().astype(np.float64, copy=True)
    usable = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    result = np.zeros(lat.shape[0], dtype=bool)
    if usable.any():
        globe = _globe()
        la, lo = lat[usable], lon[usable]
        land = np.asarray(globe.is_land(la, lo), dtype=bool)
        radius = margin_metres / METRES_PER_DEGREE
        stretch = 1.0 / np.maximum(np.cos(np.radians(la)), 0.01)
        for angle in np.linspace(0.0, 2 * np.pi, RING_POINTS, endpoint=False):
            if not land.any():
                break
            probe_lat = np.clip(la + radius * np.sin(angle), -90.0, 90.0)
            probe_lon = ((lo + radius * np.cos(angle) * stretch + 180.0) % 360.0) - 180.0
            land &= np.asarray(globe.is_land(probe_lat, probe_lon), dtype=bool)
        result[usable] = land
    return pl.Series("on_land", result)

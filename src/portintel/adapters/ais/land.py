"""Positions on land, with global-land-mask (a 1 km grid shipped inside the package).

The grid is coarse next to quays and in narrow harbour basins, so a vessel
at berth can fall in a "land" cell. A position counts as on land only when
it and the eight points about 1.1 km around it are all land: a ship on a
runway is caught, a ship in a dock is not.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from global_land_mask import globe

NEIGHBOURHOOD_DEGREES = 0.01


def on_land(latitudes: pl.Series, longitudes: pl.Series) -> pl.Series:
    """Boolean per position; null or out-of-range coordinates are never "on land"."""
    lat = latitudes.cast(pl.Float64).to_numpy().astype(np.float64, copy=True)
    lon = longitudes.cast(pl.Float64).to_numpy().astype(np.float64, copy=True)
    usable = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    result = np.zeros(lat.shape[0], dtype=bool)
    if usable.any():
        la, lo = lat[usable], lon[usable]
        land = np.ones(la.shape[0], dtype=bool)
        step = NEIGHBOURHOOD_DEGREES
        for dlat in (-step, 0.0, step):
            for dlon in (-step, 0.0, step):
                probe_lat = np.clip(la + dlat, -90.0, 90.0)
                probe_lon = ((lo + dlon + 180.0) % 360.0) - 180.0
                land &= np.asarray(globe.is_land(probe_lat, probe_lon), dtype=bool)
                if not land.any():
                    break
        result[usable] = land
    return pl.Series("on_land", result)

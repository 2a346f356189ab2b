"""Positions on land, with global-land-mask's 1 km grid, kept as memory-mapped packed bits.

global-land-mask ships its grid compressed; importing it inflates 933 MB
into memory and takes 6-11 s, in every process. The first use here packs
the grid to bits once (117 MB) into the data directory's cache and from
then on memory-maps that file: a lookup touches only the pages it needs
and starts in milliseconds. Lookups use the library's own index formula and
give exactly its answers (a test checks that).

The grid is coarse next to quays, in harbour basins and in narrow fjords,
so a vessel afloat can fall in a "land" cell (on the Norwegian coastal
sample a 1 km test refused a third of such fixes). A position counts as on
land only when it and a ring of points ``margin_metres`` around it are all
land: a ship in a dock or a fjord passes, a "ship" on a field inland is
caught. The margin is configurable; 2 km is the default.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

DEFAULT_MARGIN_METRES = 2000.0
RING_POINTS = 16
METRES_PER_DEGREE = 111_320.0
CACHE_NAME = "land-mask-v1"


class LandMask:
    """The land/sea grid as packed bits (1 = ocean, as in the library), built on first use."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self._bits: npt.NDArray[np.uint8] | None = None
        self._axes: npt.NDArray[np.float64] | None = None

    def load(self) -> None:
        """Load (or build and cache) the grid now, e.g. before a listener opens its socket."""
        if self._bits is not None:
            return
        bits_path = axes_path = None
        if self.cache_dir is not None:
            bits_path = self.cache_dir / f"{CACHE_NAME}.bits.npy"
            axes_path = self.cache_dir / f"{CACHE_NAME}.axes.npy"
            if bits_path.exists() and axes_path.exists():
                self._bits = np.load(bits_path, mmap_mode="r")
                self._axes = np.load(axes_path)
                return
        from global_land_mask import globe  # slow: inflates the whole grid

        ocean = np.asarray(globe._mask, dtype=bool)
        lat, lon = np.asarray(globe._lat), np.asarray(globe._lon)
        bits = np.packbits(ocean, axis=1)
        axes = np.array(
            [
                lat[0],
                lat[1] - lat[0],
                lat.min(),
                lat.max(),
                lon[0],
                lon[1] - lon[0],
                lon.min(),
                lon.max(),
                ocean.shape[1],
            ],
            dtype=np.float64,
        )
        if bits_path is not None and axes_path is not None:
            _save_atomically(bits_path, bits)
            _save_atomically(axes_path, axes)
        self._bits, self._axes = bits, axes

    def is_land(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.bool_]:
        """Like ``globe.is_land`` for coordinates already within -90..90 and -180..180."""
        self.load()
        assert self._bits is not None and self._axes is not None
        lat0, dlat, lat_min, lat_max, lon0, dlon, lon_min, lon_max, _width = self._axes
        lat_i = ((np.clip(lat, lat_min, lat_max) - lat0) / dlat).astype(np.int64)
        lon_i = ((np.clip(lon, lon_min, lon_max) - lon0) / dlon).astype(np.int64)
        byte = np.asarray(self._bits[lat_i, lon_i >> 3])
        ocean = (byte >> (7 - (lon_i & 7)).astype(np.uint8)) & 1
        return np.asarray(ocean == 0, dtype=np.bool_)

    def on_land(
        self,
        latitudes: pl.Series,
        longitudes: pl.Series,
        *,
        margin_metres: float = DEFAULT_MARGIN_METRES,
    ) -> pl.Series:
        """Boolean per position; null or out-of-range coordinates are never "on land"."""
        lat = latitudes.cast(pl.Float64).to_numpy().astype(np.float64, copy=True)
        lon = longitudes.cast(pl.Float64).to_numpy().astype(np.float64, copy=True)
        usable = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        result = np.zeros(lat.shape[0], dtype=bool)
        if usable.any():
            la, lo = lat[usable], lon[usable]
            land = self.is_land(la, lo)
            radius = margin_metres / METRES_PER_DEGREE
            stretch = 1.0 / np.maximum(np.cos(np.radians(la)), 0.01)
            for angle in np.linspace(0.0, 2 * np.pi, RING_POINTS, endpoint=False):
                if not land.any():
                    break
                probe_lat = np.clip(la + radius * np.sin(angle), -90.0, 90.0)
                probe_lon = ((lo + radius * np.cos(angle) * stretch + 180.0) % 360.0) - 180.0
                land &= self.is_land(probe_lat, probe_lon)
            result[usable] = land
        return pl.Series("on_land", result)


def _save_atomically(path: Path, array: npt.NDArray[np.generic]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        np.save(handle, array)
    os.replace(temporary, path)


_DEFAULT = LandMask()


def on_land(
    latitudes: pl.Series, longitudes: pl.Series, *, margin_metres: float = DEFAULT_MARGIN_METRES
) -> pl.Series:
    """``on_land`` with an uncached grid (tests, one-off scripts); services pass a cached mask."""
    return _DEFAULT.on_land(latitudes, longitudes, margin_metres=margin_metres)

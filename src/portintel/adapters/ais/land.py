"""Land and shore for AIS positions: global-land-mask's 1 km grid and a distance-to-shore raster.

Two cached files in the data directory, built once from the grid that
global-land-mask ships (2.5 MB of deflated booleans) and memory-mapped from
then on, so a lookup touches only the pages it needs:

- the grid as packed bits (117 MB, 1 = ocean as in the library): ``on_land``
  is exactly the library's answer at the position (a test checks it);
- a distance-to-shore raster (uint16, tenths of a kilometre): the
  great-circle distance from each cell to the nearest cell that holds the
  coastline, on a Mercator grid of 1/15 degree columns (7.4 km at the
  equator, 3.7 km at 60 degrees; conformal, so the nearest cell on the grid
  is the nearest on the ground) from 80 S to 80 N. A coarse cell holds the
  coastline when it contains both land and ocean 1 km cells, or is all land
  beside an all-ocean cell. The transform is scipy's exact Euclidean
  distance transform; the distance reported is the haversine between the
  position's cell and the coastline cell it found, so it is within about
  one cell (5-8 km in the tropics) of the true distance to the mask's
  coastline, and 0 means "within a cell of the coast".

The first build streams the deflated grid in slices (never the 933 MB of
booleans the library inflates at import), reports progress through a
callback, and takes a few seconds; later processes load in milliseconds.

What the mask cannot know: it marks only the ocean as water. Rivers, lakes,
canals, docks and berths come out as land (the Caspian and the Great Lakes
too), so ``on_land`` is a flag for an analyst, never a refusal on its own;
see the "Land and shore" section of docs/track-store.md for the rule that
does refuse (far inland and no navigable water near).
"""

from __future__ import annotations

import importlib.util
import math
import mmap
import os
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from portintel.adapters.ais.inland_waters import TABLE_COVERS_KM, near_inland_water

CACHE_NAME = "land-mask-v1"
SHORE_CACHE_NAME = "shore-distance-v1"
CACHE_VERSION = SHORE_CACHE_NAME
"""Changing how the shore raster is made means a new name: old caches are then not read."""
PAGE = mmap.PAGESIZE

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
FINE_PER_DEGREE = 120
BLOCK = 8
"""Fine cells per coarse column: one byte of packed bits."""
COARSE_PER_DEGREE = FINE_PER_DEGREE // BLOCK
MERCATOR_LIMIT_DEGREES = 80.0
WRAP_COLUMNS = 150
"""Columns (10 degrees) copied across the antimeridian so a shore on the other side is seen."""
SAMPLE = 8
"""Every 8th cell each way gets an exact great-circle search (about 60 km apart)."""
DISTANCE_UNIT_KM = 0.1
READ_ROWS = 720

_BUILT: dict[
    str, tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64], npt.NDArray[np.uint16]]
] = {}
"""Grids built in this process without a cache directory (a pure function of the library)."""
_BUILT_FILES: dict[str, tuple[Path, Path, Path]] = {}
"""Cache files built in this process: another data directory (a test's fresh one) links
them instead of building again."""

Progress = Callable[[int, int], None]
"""``progress(done, total)`` in bytes of the grid processed, for the face's progress bar."""


def _mercator_y(latitude_degrees: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    phi = np.radians(latitude_degrees)
    return np.asarray(np.log(np.tan(np.pi / 4 + phi / 2)), dtype=np.float64)


def _mercator_latitude(y: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2), dtype=np.float64)


_CELL_Y = math.radians(1.0 / COARSE_PER_DEGREE)
_TOP_Y = float(_mercator_y(np.array([MERCATOR_LIMIT_DEGREES]))[0])
SHORE_ROWS = math.ceil(2 * _TOP_Y / _CELL_Y)
SHORE_COLUMNS = 360 * COARSE_PER_DEGREE


def _shore_row(lat: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    clipped = np.clip(lat, -MERCATOR_LIMIT_DEGREES, MERCATOR_LIMIT_DEGREES)
    row = np.floor((_TOP_Y - _mercator_y(clipped)) / _CELL_Y).astype(np.int64)
    return np.asarray(np.clip(row, 0, SHORE_ROWS - 1), dtype=np.int64)


def _shore_column(lon: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    column = np.floor((lon + 180.0) * COARSE_PER_DEGREE).astype(np.int64)
    return np.asarray(column % SHORE_COLUMNS, dtype=np.int64)


def _unit_vectors(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)


class LandMask:
    """The land/sea grid and the shore raster, built into ``cache_dir`` on first use."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self._bits: npt.NDArray[np.uint8] | None = None
        self._axes: npt.NDArray[np.float64] | None = None
        self._shore: npt.NDArray[np.uint16] | None = None

    def _paths(self) -> tuple[Path, Path, Path] | None:
        if self.cache_dir is None:
            return None
        return (
            self.cache_dir / f"{CACHE_NAME}.bits.npy",
            self.cache_dir / f"{CACHE_NAME}.axes.npy",
            self.cache_dir / f"{SHORE_CACHE_NAME}.npy",
        )

    @property
    def cached(self) -> bool:
        """True when both files are in the cache: loading is then a memory map, no build."""
        paths = self._paths()
        return paths is not None and all(path.exists() for path in paths)

    def load(self, progress: Progress | None = None) -> None:
        """Load (or build and cache) both files now, e.g. before an ingest or a listener starts."""
        if self._bits is not None and self._shore is not None:
            return
        paths = self._paths()
        if paths is not None:
            _link_missing(paths)
            bits, axes, shore = _open(paths)
        else:
            bits, axes, shore = None, None, None
        if (bits is None or axes is None or shore is None) and CACHE_VERSION in _BUILT:
            built = _BUILT[CACHE_VERSION]
            bits, axes = (bits, axes) if bits is not None and axes is not None else built[:2]
            shore = shore if shore is not None else built[2]
        grid_bytes = 21_600 * 43_200
        total = grid_bytes + (grid_bytes if shore is None else 0)
        if bits is None or axes is None:
            bits, axes = _inflate_packed(progress, total)
        if shore is None:
            shore = _shore_raster(bits, progress, total)
        if paths is None:
            _BUILT[CACHE_VERSION] = (np.asarray(bits), np.asarray(axes), np.asarray(shore))
        else:
            arrays: tuple[npt.NDArray[np.generic], ...] = (bits, axes, shore)
            for path, array in zip(paths, arrays, strict=True):
                if not path.exists():
                    _save_atomically(path, array)
            _BUILT_FILES[CACHE_VERSION] = paths
            # memory-mapped from the files: pages on demand, not 160 MB resident
            bits, axes, shore = _open(paths)
            assert bits is not None and axes is not None and shore is not None
        if progress is not None:
            progress(total, total)
        self._bits, self._axes, self._shore = bits, axes, shore

    def is_land(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.bool_]:
        """Like ``globe.is_land`` for coordinates already within -90..90 and -180..180."""
        self.load()
        assert self._bits is not None and self._axes is not None
        lat0, dlat, lat_min, lat_max, lon0, dlon, lon_min, lon_max, _width = self._axes
        lat_i = ((np.clip(lat, lat_min, lat_max) - lat0) / dlat).astype(np.int64)
        lon_i = ((np.clip(lon, lon_min, lon_max) - lon0) / dlon).astype(np.int64)
        byte = _gather(self._bits, lat_i, lon_i >> 3)
        ocean = (byte >> (7 - (lon_i & 7)).astype(np.uint8)) & 1
        return np.asarray(ocean == 0, dtype=np.bool_)

    def distance_to_shore_km(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """Kilometres to the mask's coastline (either side of it), to about one raster cell."""
        self.load()
        assert self._shore is not None
        tenths = _gather(self._shore, _shore_row(lat), _shore_column(lon)).astype(np.float64)
        return tenths * DISTANCE_UNIT_KM

    def shore(self, latitudes: pl.Series, longitudes: pl.Series) -> pl.DataFrame:
        """``on_land``, ``distance_to_shore_km`` and ``inland_water`` per position.

        All three are null where the coordinates are unusable. ``inland_water``
        (within the corridor of a listed navigable inland water) is answered
        for positions on land farther than the table's reach from the coast
        and null for every other position (nothing nearer needs it).
        """
        lat = latitudes.cast(pl.Float64).to_numpy().astype(np.float64, copy=True)
        lon = longitudes.cast(pl.Float64).to_numpy().astype(np.float64, copy=True)
        usable = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        land = np.zeros(lat.shape[0], dtype=bool)
        distance = np.full(lat.shape[0], np.nan)
        if usable.any():
            land[usable] = self.is_land(lat[usable], lon[usable])
            distance[usable] = self.distance_to_shore_km(lat[usable], lon[usable])
        far = land & (np.nan_to_num(distance) > TABLE_COVERS_KM)
        water = np.zeros(lat.shape[0], dtype=bool)
        if far.any():
            water[far] = near_inland_water(lat[far], lon[far])
        return pl.DataFrame(
            {
                "on_land": pl.Series(land).set(pl.Series(~usable), None),
                "distance_to_shore_km": pl.Series(distance, nan_to_null=True),
                "inland_water": pl.Series(water).set(pl.Series(~far), None),
            },
            schema={
                "on_land": pl.Boolean,
                "distance_to_shore_km": pl.Float64,
                "inland_water": pl.Boolean,
            },
        )


class _Inflater:
    """A deflated zip member read with bounded output (zipfile inflates it all at once)."""

    def __init__(self, archive: Path, member: zipfile.ZipInfo) -> None:
        if member.compress_type != zipfile.ZIP_DEFLATED:
            raise ValueError(f"{member.filename} in {archive} is not deflated")
        with archive.open("rb") as raw:
            raw.seek(member.header_offset)
            header = raw.read(30)
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            raw.seek(member.header_offset + 30 + name_length + extra_length)
            self._pending = raw.read(member.compress_size)
        self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:
            size = 1 << 62  # all that is left; the grid is only ever read in slices
        parts: list[bytes] = []
        while size > 0:
            chunk = self._inflate.decompress(self._pending, size)
            self._pending = self._inflate.unconsumed_tail
            if not chunk:
                break
            parts.append(chunk)
            size -= len(chunk)
        return b"".join(parts)


def _inflate_packed(
    progress: Progress | None, total: int
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64]]:
    """The library's grid as packed bits, inflated slice by slice from its .npz."""
    # found without importing it: its __init__ inflates the whole grid (933 MB, seconds)
    spec = importlib.util.find_spec("global_land_mask")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("global-land-mask is not installed")
    package = Path(next(iter(spec.submodule_search_locations)))
    archive = package / "globe_combined_mask_compressed.npz"
    with zipfile.ZipFile(archive) as bundle:
        lat = np.load(bundle.open("lat.npy"))
        lon = np.load(bundle.open("lon.npy"))
        stream = _Inflater(archive, bundle.getinfo("mask.npy"))
        version = np.lib.format.read_magic(stream)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran, dtype = read_header(stream)
        if fortran or dtype != np.dtype(bool) or len(shape) != 2:
            raise ValueError(f"unexpected land grid layout {shape} {dtype} in {archive}")
        rows, width = shape
        bits = np.empty((rows, (width + 7) // 8), dtype=np.uint8)
        for start in range(0, rows, READ_ROWS):
            count = min(READ_ROWS, rows - start)
            raw = stream.read(count * width)
            block = np.frombuffer(raw, dtype=np.uint8).reshape(count, width)
            bits[start : start + count] = np.packbits(block, axis=1)
            if progress is not None:
                progress((start + count) * width, total)
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
            width,
        ],
        dtype=np.float64,
    )
    return bits, axes


def _shore_raster(
    bits: npt.NDArray[np.uint8], progress: Progress | None, total: int
) -> npt.NDArray[np.uint16]:
    """Distance to the coastline on the Mercator grid, in tenths of a kilometre."""
    from scipy import ndimage, spatial  # type: ignore[import-untyped]

    fine_rows = bits.shape[0]
    done = total - fine_rows * bits.shape[1] * 8
    # which fine rows (1/120 degree, from 90 N down) fall in each Mercator row
    edges_y = _TOP_Y - _CELL_Y * np.arange(SHORE_ROWS + 1, dtype=np.float64)
    edges_lat = _mercator_latitude(edges_y)
    first = np.floor((90.0 - edges_lat[:-1]) * FINE_PER_DEGREE).astype(np.int64)
    last = np.floor((90.0 - edges_lat[1:]) * FINE_PER_DEGREE).astype(np.int64)
    first = np.clip(first, 0, fine_rows - 1)
    last = np.clip(np.maximum(last, first + 1), 1, fine_rows)
    ocean_any = np.empty((SHORE_ROWS, bits.shape[1]), dtype=bool)
    land_any = np.empty((SHORE_ROWS, bits.shape[1]), dtype=bool)
    for row in range(SHORE_ROWS):
        # a byte is 8 fine cells of a row: any ocean bit set, or any land bit clear
        band = bits[first[row] : last[row]]
        ocean_any[row] = np.bitwise_or.reduce(band, axis=0) != 0
        land_any[row] = np.bitwise_and.reduce(band, axis=0) != 255
        if progress is not None and row % 512 == 0:
            progress(done + (int(last[row]) * bits.shape[1] * 8) // 4, total)
    pure_ocean = ocean_any & ~land_any
    pure_land = land_any & ~ocean_any
    beside_ocean = np.zeros_like(pure_land)
    beside_ocean[1:] |= pure_ocean[:-1]
    beside_ocean[:-1] |= pure_ocean[1:]
    beside_ocean |= np.roll(pure_ocean, 1, axis=1) | np.roll(pure_ocean, -1, axis=1)
    coast = (ocean_any & land_any) | (pure_land & beside_ocean)
    del ocean_any, land_any, pure_ocean, pure_land, beside_ocean
    wrapped = np.concatenate([coast[:, -WRAP_COLUMNS:], coast, coast[:, :WRAP_COLUMNS]], axis=1)
    del coast
    if progress is not None:
        progress(done + fine_rows * bits.shape[1] * 2, total)
    nearest = ndimage.distance_transform_edt(~wrapped, return_distances=False, return_indices=True)
    if progress is not None:
        progress(done + fine_rows * bits.shape[1] * 6, total)
    centre_lat = _mercator_latitude(
        _TOP_Y - _CELL_Y * (np.arange(SHORE_ROWS, dtype=np.float64) + 0.5)
    )
    columns = np.arange(SHORE_COLUMNS)
    column_lon = (columns + 0.5) / COARSE_PER_DEGREE - 180.0
    # The grid's nearest coast is the nearest on the ground only locally (Mercator's scale
    # grows poleward): far from any coast, a true great-circle search from one cell in
    # SAMPLE x SAMPLE bounds each cell's distance from above as well. The smaller bound wins.
    coast_rows, coast_columns = np.nonzero(wrapped[:, WRAP_COLUMNS : WRAP_COLUMNS + SHORE_COLUMNS])
    del wrapped
    sample_rows = np.arange(SAMPLE // 2, SHORE_ROWS, SAMPLE)
    sample_columns = np.arange(SAMPLE // 2, SHORE_COLUMNS, SAMPLE)
    # one coast cell in each 2 x 2 block is enough (a subset: still an upper bound, at most
    # 10 km more) and halves the search
    _, one_per_block = np.unique(
        (coast_rows // 2) * SHORE_COLUMNS + coast_columns // 2, return_index=True
    )
    coast_rows, coast_columns = coast_rows[one_per_block], coast_columns[one_per_block]
    tree = spatial.cKDTree(_unit_vectors(centre_lat[coast_rows], column_lon[coast_columns]))
    sample_lat, sample_lon = np.meshgrid(
        centre_lat[sample_rows], column_lon[sample_columns], indexing="ij"
    )
    chord, _ = tree.query(_unit_vectors(sample_lat.ravel(), sample_lon.ravel()))
    sampled = (2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))).reshape(sample_lat.shape)
    del tree
    if progress is not None:
        progress(done + fine_rows * bits.shape[1] * 7, total)
    sample_of_column = np.minimum(columns // SAMPLE, sample_columns.shape[0] - 1)
    # haversine from lookup tables (rows share a latitude, column gaps are whole cells),
    # in float32: a tenth of a kilometre needs 6 digits, and it halves the work
    phi = np.radians(centre_lat)
    cos_phi, sin_phi = np.cos(phi).astype(np.float32), np.sin(phi).astype(np.float32)
    gap_half = np.radians(np.arange(SHORE_COLUMNS + 2 * WRAP_COLUMNS + 1) / COARSE_PER_DEGREE) / 2
    sin2_gap = (np.sin(gap_half) ** 2).astype(np.float32)
    own_column = columns + WRAP_COLUMNS
    sample_offset_km = (column_lon - column_lon[sample_columns[sample_of_column]]) * KM_PER_DEGREE
    sample_km = sampled.astype(np.float32)[:, sample_of_column]
    shore = np.empty((SHORE_ROWS, SHORE_COLUMNS), dtype=np.uint16)
    block = 64
    for start in range(0, SHORE_ROWS, block):
        rows = np.arange(start, min(start + block, SHORE_ROWS))
        to_row = nearest[0, start : rows[-1] + 1, WRAP_COLUMNS : WRAP_COLUMNS + SHORE_COLUMNS]
        to_column = nearest[1, start : rows[-1] + 1, WRAP_COLUMNS : WRAP_COLUMNS + SHORE_COLUMNS]
        cos_here, sin_here = cos_phi[rows, None], sin_phi[rows, None]
        cos_to = cos_phi[to_row]
        a = (1.0 - cos_to * cos_here - sin_phi[to_row] * sin_here) / 2
        a += cos_here * cos_to * sin2_gap[np.abs(to_column - own_column)]
        on_grid = (2 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        # a sample is under 40 km away: the plane is exact enough for the step to it
        sample_row = np.minimum(rows // SAMPLE, sample_rows.shape[0] - 1)
        dy = ((centre_lat[rows] - centre_lat[sample_rows[sample_row]]) * KM_PER_DEGREE)[:, None]
        dx = sample_offset_km[None, :] * cos_here
        via_sample = sample_km[sample_row] + np.sqrt(dx * dx + dy * dy)
        km = np.minimum(on_grid, via_sample)
        shore[rows] = np.minimum(np.rint(km / DISTANCE_UNIT_KM), np.iinfo(np.uint16).max)
    return shore


def _gather(
    raster: npt.NDArray[np.generic], rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64]
) -> npt.NDArray[Any]:
    """``raster[rows, columns]``; from a memory-mapped cache by reading only the pages wanted.

    Indexing the memory map itself would fault each page in, and every page
    an ingest ever looked at would then count in its resident memory (up to
    160 MB for a feed spanning the world; releasing them with ``madvise``
    cost a fault per page per batch). Reading the few distinct pages a batch
    needs with ``pread`` goes through the page cache the same way, keeps
    nothing resident, and costs one call per distinct page (a batch of a
    port's traffic falls on a few hundred).
    """
    filename = getattr(raster, "filename", None)
    item = raster.dtype.itemsize
    offset = int(getattr(raster, "offset", 0))
    if (
        not isinstance(raster, np.memmap)
        or filename is None
        or raster.ndim != 2
        or not raster.flags.c_contiguous
        or offset % item
        or PAGE % item
    ):
        return np.asarray(raster[rows, columns])
    at = offset + (rows * raster.shape[1] + columns) * item
    pages, where = np.unique(at // PAGE, return_inverse=True)
    buffer = bytearray(len(pages) * PAGE)
    with open(filename, "rb", buffering=0) as handle:
        descriptor = handle.fileno()
        for index, page in enumerate(pages.tolist()):
            chunk = os.pread(descriptor, PAGE, page * PAGE)
            buffer[index * PAGE : index * PAGE + len(chunk)] = chunk
    values = np.frombuffer(buffer, dtype=raster.dtype)
    return np.asarray(values[(where.reshape(at.shape) * PAGE + at % PAGE) // item])


def _open(
    paths: tuple[Path, Path, Path],
) -> tuple[
    npt.NDArray[np.uint8] | None, npt.NDArray[np.float64] | None, npt.NDArray[np.uint16] | None
]:
    bits_path, axes_path, shore_path = paths
    bits = np.load(bits_path, mmap_mode="r") if bits_path.exists() else None
    axes = np.load(axes_path) if axes_path.exists() else None
    shore = np.load(shore_path, mmap_mode="r") if shore_path.exists() else None
    return bits, axes, shore


def _link_missing(paths: tuple[Path, Path, Path]) -> None:
    """Hard-link (or copy) files built earlier in this process; they are never rewritten."""
    earlier = _BUILT_FILES.get(CACHE_VERSION)
    if earlier is None or earlier == paths:
        return
    for source, target in zip(earlier, paths, strict=True):
        if target.exists() or not source.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copyfile(source, temporary)
        os.replace(temporary, target)


def _save_atomically(path: Path, array: npt.NDArray[np.generic]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        np.save(handle, np.asarray(array))
    os.replace(temporary, path)


_DEFAULT = LandMask()


def shore(latitudes: pl.Series, longitudes: pl.Series) -> pl.DataFrame:
    """``LandMask.shore`` with an uncached grid (tests, one-off scripts); services pass a cache."""
    return _DEFAULT.shore(latitudes, longitudes)

"""Land and shore: the mask's answer, the distance to its coast, and the inland waters it misses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.adapters.ais.inland_waters import TABLE_COVERS_KM, near_inland_water
from portintel.adapters.ais.land import CACHE_NAME, SHORE_CACHE_NAME, LandMask, _gather, shore

# Berths, river ports and canals that global-land-mask calls land (checked below): every one
# of them was refused as "position on land" before, and must now be kept, flagged.
PORTS_ON_LAND = {
    "Songkhla deep sea port": (7.219, 100.582),
    "Bangkok, Khlong Toei": (13.700, 100.570),
    "Belawan": (3.790, 98.690),
    "Tanjung Priok": (-6.100, 106.880),
    "Sihanoukville, south quay": (10.637, 103.508),
    "Auckland, Ports of Auckland": (-36.842, 174.775),
    "Tauranga": (-37.655, 176.178),
    "Port Harcourt": (4.770, 7.010),
    "Lagos, Apapa": (6.440, 3.370),
    "Matadi": (-5.820, 13.450),
    "Richards Bay": (-28.790, 32.070),
    "Yangtze, Nanjing": (32.100, 118.730),
    "Suez Canal, Great Bitter Lake": (30.350, 32.380),
    "Suez Canal, Port Said": (31.260, 32.300),
    "Suez Canal, Suez": (29.960, 32.550),
}
# Far from the mask's sea, on waters that carry ships: the inland water table must hold them.
FAR_INLAND_WATERS = {
    "Lake Baikal": (53.50, 108.00),
    "Yenisei, Krasnoyarsk": (56.00, 92.90),
    "Irkutsk, Angara": (52.28, 104.30),
    "Volga, Kazan": (55.80, 49.10),
    "Kama, Perm": (58.00, 56.25),
    "Irtysh, Omsk": (54.98, 73.37),
    "Caspian Sea, Turkmenbashi": (40.00, 52.90),
    "Lake Superior, Duluth": (46.77, -92.10),
    "Mississippi, Minneapolis": (44.95, -93.09),
    "Mississippi, St. Louis": (38.63, -90.19),
    "Amazon, Manaus": (-3.14, -60.02),
    "Madeira, Porto Velho": (-8.76, -63.90),
    "Paraguay, Corumba": (-19.00, -57.65),
    "Congo, Kisangani": (0.50, 25.19),
    "Ubangi, Bangui": (4.36, 18.58),
    "Lake Tanganyika, Kigoma": (-4.90, 29.60),
    "Niger, Mopti": (14.50, -4.20),
    "Yangtze, Chongqing": (29.56, 106.58),
}
FAR_FROM_ANY_WATER = {
    "central Mongolia": (47.00, 103.00),
    "Gobi": (43.00, 105.00),
    "Xinjiang": (44.00, 86.00),
    "Kansas, a wheat field": (38.50, -98.50),
}


def _frame(points: dict[str, tuple[float, float]]) -> pl.DataFrame:
    lat = pl.Series([p[0] for p in points.values()], dtype=pl.Float64)
    lon = pl.Series([p[1] for p in points.values()], dtype=pl.Float64)
    return shore(lat, lon).with_columns(pl.Series("name", list(points)))


def test_ports_are_land_in_the_mask_and_near_its_coast() -> None:
    from global_land_mask import globe

    lat = np.array([p[0] for p in PORTS_ON_LAND.values()])
    lon = np.array([p[1] for p in PORTS_ON_LAND.values()])
    assert globe.is_land(lat, lon).all()  # what the mask says: why ports were refused
    result = _frame(PORTS_ON_LAND)
    assert result["on_land"].all()
    # the farthest, Khlong Toei and Nanjing, lie up rivers; none is near "far inland"
    assert result["distance_to_shore_km"].max() < 300  # type: ignore[operator]
    assert result["inland_water"].null_count() == result.height  # not needed this near


def test_open_sea_harbours_and_unusable_points() -> None:
    lat = pl.Series([10.45, 10.6455, 9.93, 0.0, 91.0, None], dtype=pl.Float64)
    lon = pl.Series([103.30, 103.5105, 98.59, -150.0, 181.0, 103.0], dtype=pl.Float64)
    result = shore(lat, lon)
    assert result["on_land"].to_list() == [False, False, False, False, None, None]
    distance = result["distance_to_shore_km"].to_list()
    assert 5 < distance[0] < 30  # Gulf of Thailand, off Koh Rong
    assert distance[1] < 10  # Sihanoukville berth, water in the mask
    assert distance[2] < 10  # Ranong port
    assert distance[3] > 300  # mid-Pacific
    assert distance[4:] == [None, None]


def test_distances_follow_the_globe_not_the_grid() -> None:
    # a distance to a set moves no faster than the point: |d(p) - d(q)| <= |pq| (+ two cells)
    rng = np.random.default_rng(3)
    lat = rng.uniform(-75, 75, 5_000)
    lon = rng.uniform(-179, 179, 5_000)
    step_km, bearing = 40.0, rng.uniform(0, 2 * np.pi, 5_000)
    dlat = np.degrees(step_km / 6371.0088 * np.cos(bearing))
    dlon = np.degrees(step_km / 6371.0088 * np.sin(bearing)) / np.cos(np.radians(lat))
    here = shore(pl.Series(lat), pl.Series(lon))["distance_to_shore_km"].to_numpy()
    there = shore(pl.Series(lat + dlat), pl.Series(lon + dlon))["distance_to_shore_km"]
    # the far field is exact at every 8th cell and bounded between them (60 km apart)
    assert (np.abs(here - there.to_numpy()) <= step_km + 60.0).all()
    # and along one parallel at 60 N, a degree of longitude is 56 km, not 111
    siberia = shore(pl.Series([62.0, 62.0]), pl.Series([100.0, 104.0]))
    gap = abs(siberia["distance_to_shore_km"][0] - siberia["distance_to_shore_km"][1])
    assert gap <= 4 * 52.3 + 15


def test_far_inland_waters_are_known_and_a_field_is_not() -> None:
    waters = _frame(FAR_INLAND_WATERS)
    assert waters["on_land"].all()
    assert (waters["distance_to_shore_km"] > TABLE_COVERS_KM).all()
    missed = waters.filter(~pl.col("inland_water"))["name"].to_list()
    assert missed == []
    fields = _frame(FAR_FROM_ANY_WATER)
    assert (fields["distance_to_shore_km"] > 1000).all()
    assert fields["inland_water"].to_list() == [False] * len(FAR_FROM_ANY_WATER)


def test_corridors_are_measured_from_the_line_not_only_its_vertices() -> None:
    # halfway between Kazan and Nizhny Novgorod on the Volga, 30 km off the line, and 300 km off
    lat = np.array([56.10, 56.35, 58.80])
    lon = np.array([46.60, 46.60, 46.60])
    assert near_inland_water(lat, lon).tolist() == [True, True, False]


def test_cache_answers_like_the_library_and_loads_without_a_rebuild(tmp_path: Path) -> None:
    from global_land_mask import globe

    steps: list[tuple[int, int]] = []
    built = LandMask(tmp_path)
    assert not built.cached
    built.load(lambda done, total: steps.append((done, total)))
    assert built.cached
    assert steps[-1][0] == steps[-1][1] > 0
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    rng = np.random.default_rng(7)
    lat = np.concatenate([rng.uniform(-90, 90, 20_000), [90.0, -90.0, 0.0, 10.64]])
    lon = np.concatenate([rng.uniform(-180, 180, 20_000), [180.0, -180.0, 0.0, 103.5]])
    assert np.array_equal(built.is_land(lat, lon), globe.is_land(lat, lon))
    for name in (f"{CACHE_NAME}.bits.npy", f"{CACHE_NAME}.axes.npy", f"{SHORE_CACHE_NAME}.npy"):
        assert (tmp_path / name).exists()
    cached = LandMask(tmp_path)  # a new process: memory-maps the files, no rebuild
    never: list[tuple[int, int]] = []
    cached.load(lambda done, total: never.append((done, total)))
    assert np.array_equal(cached.is_land(lat, lon), globe.is_land(lat, lon))
    assert np.array_equal(
        cached.distance_to_shore_km(lat, lon), built.distance_to_shore_km(lat, lon)
    )
    assert len(never) <= 1  # at most the final "done"
    # another data directory in the same process links the files instead of building again
    other = LandMask(tmp_path / "other")
    again: list[tuple[int, int]] = []
    other.load(lambda done, total: again.append((done, total)))
    assert len(again) == 1
    for name in (f"{CACHE_NAME}.bits.npy", f"{SHORE_CACHE_NAME}.npy"):
        assert (tmp_path / "other" / name).stat().st_ino == (tmp_path / name).stat().st_ino
    assert np.array_equal(other.is_land(lat, lon), cached.is_land(lat, lon))


@pytest.mark.parametrize("name", sorted(PORTS_ON_LAND))
def test_each_port_is_within_reach_of_the_sea(name: str) -> None:
    lat, lon = PORTS_ON_LAND[name]
    result = shore(pl.Series([lat]), pl.Series([lon]))
    assert result["distance_to_shore_km"][0] < TABLE_COVERS_KM


@settings(max_examples=40)
@given(
    dtype=st.sampled_from([np.uint8, np.uint16]),
    shape=st.tuples(st.integers(1, 300), st.integers(1, 90)),
    picks=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.floats(0, 1, exclude_max=True))),
)
def test_raster_lookups_read_from_the_file_equal_indexing_it(
    tmp_path_factory: pytest.TempPathFactory,
    dtype: type[np.unsignedinteger[Any]],
    shape: tuple[int, int],
    picks: list[tuple[float, float]],
) -> None:
    """Lookups read the pages they need with pread: the same values as indexing the map."""
    grid = np.random.default_rng(shape[0] * 97 + shape[1]).integers(
        0, np.iinfo(dtype).max, size=shape, dtype=dtype
    )
    path = tmp_path_factory.mktemp("raster") / "grid.npy"
    np.save(path, grid)
    mapped = np.load(path, mmap_mode="r")
    rows = np.array([int(r * shape[0]) for r, _ in picks], dtype=np.int64)
    columns = np.array([int(c * shape[1]) for _, c in picks], dtype=np.int64)
    assert _gather(mapped, rows, columns).tolist() == grid[rows, columns].tolist()

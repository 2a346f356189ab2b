"""Navigable inland waters far from the sea: where a "position on land" may be a real vessel.

global-land-mask marks only the ocean as water, so a barge on the Volga, a
ferry on Lake Victoria or a tanker at Iquitos is "on land", 700-1,800 km
from the mask's coast, as far as a point in the Gobi. This table lists the
waters with commercial or passenger traffic (that may carry AIS) lying more
than :data:`TABLE_COVERS_KM` from the mask's ocean, as polylines along
rivers, canals and the long axis of lakes, each with a corridor width. A
position within a corridor is "near inland water" and is never refused as
far inland.

The lines are hand-drawn from published port and river coordinates and are
approximate (tens of km); the corridors are wide to absorb that. Waters
nearer the sea than the table's reach need no entry: nothing that near is
refused. Add a water here (a new line, or a wider corridor) when a unit
meets traffic the table misses; a test keeps every listed port inside.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

TABLE_COVERS_KM = 500.0
"""Every navigable water farther than this from the mask's ocean is meant to be listed."""

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class InlandWater:
    """A river system or lake: polylines of (lat, lon) and the corridor half-width around them."""

    name: str
    corridor_km: float
    lines: tuple[tuple[Point, ...], ...]


INLAND_WATERS: tuple[InlandWater, ...] = (
    InlandWater(
        "Great Lakes and St. Lawrence Seaway",
        150.0,
        (
            ((46.78, -92.10), (47.60, -88.50), (46.90, -85.50), (46.50, -84.35)),
            ((46.50, -84.35), (45.90, -84.70), (45.80, -86.50), (44.00, -87.30), (41.70, -87.45)),
            ((45.90, -84.70), (45.30, -82.60), (44.00, -82.20), (43.00, -82.42)),
            ((45.60, -81.00), (45.30, -82.60)),
            ((43.00, -82.42), (42.30, -83.05), (41.60, -82.60), (42.30, -80.00), (42.88, -78.90)),
            ((43.20, -79.80), (43.60, -77.50), (44.20, -76.50), (45.50, -73.55)),
        ),
    ),
    InlandWater(
        "Mississippi, Missouri, Ohio, Illinois, Tennessee and Arkansas rivers",
        60.0,
        (
            (
                (44.95, -93.10),
                (43.80, -91.25),
                (42.50, -90.65),
                (41.50, -90.55),
                (40.40, -91.40),
                (38.63, -90.19),
                (37.00, -89.18),
                (35.15, -90.05),
                (32.35, -90.88),
            ),
            ((38.63, -90.19), (40.70, -89.60), (41.50, -88.10), (41.85, -87.65)),
            (
                (38.80, -90.10),
                (38.60, -92.20),
                (39.10, -94.60),
                (40.00, -95.30),
                (41.26, -95.93),
                (42.50, -96.40),
            ),
            (
                (37.00, -89.18),
                (37.08, -88.60),
                (37.90, -87.60),
                (38.25, -85.76),
                (39.10, -84.50),
                (38.40, -82.60),
                (39.30, -81.50),
                (40.44, -80.00),
            ),
            ((37.08, -88.60), (36.16, -86.78)),
            ((37.00, -88.30), (35.00, -88.20), (34.80, -87.00), (35.05, -85.30), (35.96, -83.92)),
            ((33.80, -91.00), (34.75, -92.27), (35.40, -94.40), (36.15, -95.99)),
        ),
    ),
    InlandWater(
        "Caspian Sea",
        220.0,
        (((46.70, 50.50), (45.00, 50.00), (42.50, 50.50), (40.50, 51.50), (38.50, 51.50)),),
    ),
    InlandWater(
        "Volga, Kama, Don and the Volga-Baltic waterway",
        60.0,
        (
            (
                (46.35, 48.05),
                (48.70, 44.50),
                (51.53, 46.00),
                (53.20, 50.10),
                (55.80, 49.10),
                (56.33, 44.00),
                (57.63, 39.87),
                (58.05, 38.83),
                (56.86, 35.90),
            ),
            ((56.86, 35.90), (56.70, 37.20), (55.75, 37.60)),
            ((58.05, 38.83), (59.13, 37.90), (60.50, 36.50), (61.50, 35.50)),
            ((55.80, 49.10), (55.60, 51.50), (56.50, 53.50), (58.00, 56.25), (59.50, 56.80)),
            ((48.70, 44.50), (48.50, 43.00), (47.80, 40.50), (47.23, 39.70)),
        ),
    ),
    InlandWater(
        "Ob, Irtysh, Yenisei, Angara, Lena and Amur",
        60.0,
        (
            (
                (66.50, 66.60),
                (63.00, 65.50),
                (61.00, 69.00),
                (60.93, 76.55),
                (58.80, 81.00),
                (56.50, 84.97),
                (55.03, 82.92),
                (53.35, 83.76),
            ),
            ((61.00, 69.00), (58.20, 68.25), (56.50, 71.00), (54.98, 73.37), (52.30, 76.95)),
            ((52.30, 76.95), (50.40, 80.25)),
            (
                (69.40, 86.20),
                (67.47, 86.58),
                (63.00, 87.50),
                (60.50, 89.80),
                (58.45, 92.17),
                (56.00, 92.90),
            ),
            ((58.10, 92.90), (58.30, 97.00), (58.00, 102.66), (56.15, 101.60), (52.28, 104.30)),
            (
                (56.80, 105.70),
                (57.77, 108.10),
                (60.70, 114.90),
                (60.37, 120.40),
                (62.03, 129.70),
                (64.50, 126.50),
                (67.00, 123.40),
                (70.00, 127.00),
            ),
            ((48.48, 135.07), (48.50, 132.00), (49.70, 129.50), (50.26, 127.53), (53.30, 122.00)),
            ((47.70, 132.50), (46.80, 130.30), (45.75, 126.60)),
        ),
    ),
    InlandWater(
        "Lake Baikal",
        80.0,
        (((51.72, 103.70), (52.50, 106.00), (53.50, 108.00), (54.50, 109.30), (55.70, 109.60)),),
    ),
    InlandWater(
        "Yangtze",
        60.0,
        (
            (
                (29.70, 116.00),
                (30.60, 114.30),
                (29.90, 113.00),
                (30.30, 112.20),
                (30.70, 111.30),
                (31.00, 110.00),
                (30.80, 108.40),
                (29.56, 106.58),
                (28.87, 105.44),
                (28.77, 104.63),
            ),
        ),
    ),
    InlandWater(
        "Mekong, Irrawaddy, Brahmaputra and Ganges",
        60.0,
        (
            (
                (17.96, 102.60),
                (18.40, 101.60),
                (19.90, 102.10),
                (20.27, 100.08),
                (21.60, 101.20),
                (22.00, 100.80),
            ),
            ((21.97, 96.08), (23.00, 96.00), (24.27, 97.23), (25.38, 97.40)),
            ((26.00, 89.97), (26.18, 91.75), (26.60, 93.00), (27.48, 94.90)),
            ((25.60, 85.10), (25.30, 83.00), (25.43, 81.85)),
        ),
    ),
    InlandWater(
        "Amazon, Negro and Madeira",
        80.0,
        (
            (
                (-2.43, -54.70),
                (-1.90, -55.50),
                (-2.60, -57.50),
                (-3.14, -60.02),
                (-4.08, -63.14),
                (-3.35, -64.70),
                (-3.00, -66.50),
                (-3.40, -68.30),
                (-4.25, -69.94),
                (-3.74, -73.24),
                (-4.50, -73.58),
                (-5.00, -74.50),
            ),
            ((-3.14, -58.44), (-5.00, -60.50), (-7.50, -63.00), (-8.76, -63.90)),
            ((-3.14, -60.02), (-2.00, -61.50), (-0.97, -62.93), (-0.13, -67.09)),
        ),
    ),
    InlandWater(
        "Paraná and Paraguay",
        60.0,
        (
            (
                (-31.60, -60.70),
                (-29.00, -59.60),
                (-27.47, -58.83),
                (-25.28, -57.64),
                (-23.40, -57.43),
                (-21.00, -57.90),
                (-19.00, -57.65),
                (-16.07, -57.68),
            ),
            ((-27.47, -58.83), (-27.37, -55.90), (-25.40, -54.60)),
        ),
    ),
    InlandWater(
        "Congo, Ubangi and Kasai",
        60.0,
        (
            (
                (-4.30, 15.30),
                (-3.20, 16.20),
                (-1.00, 17.70),
                (0.05, 18.26),
                (1.30, 19.80),
                (2.15, 21.50),
                (2.19, 22.47),
                (1.30, 24.00),
                (0.50, 25.19),
            ),
            ((-1.00, 17.70), (1.62, 18.06), (3.00, 18.50), (4.36, 18.58)),
            ((-3.20, 16.20), (-3.40, 17.50), (-4.32, 20.58)),
        ),
    ),
    InlandWater(
        "White Nile and Lake Nasser",
        60.0,
        (
            ((4.85, 31.60), (7.00, 31.20), (9.53, 31.65), (13.17, 32.66), (15.60, 32.50)),
            ((21.80, 31.30), (23.00, 32.20), (24.00, 32.90)),
        ),
    ),
    InlandWater(
        "Lake Victoria",
        150.0,
        (
            ((0.30, 32.60), (-1.00, 33.00), (-2.50, 32.90)),
            ((-0.10, 34.75), (-1.00, 33.00)),
        ),
    ),
    InlandWater(
        "Lakes Tanganyika, Malawi, Kivu and Albert",
        70.0,
        (
            ((-3.40, 29.35), (-4.90, 29.60), (-6.50, 30.00), (-8.77, 31.10)),
            ((-9.60, 34.00), (-12.00, 34.50), (-14.30, 35.20)),
            ((-1.70, 29.20), (-2.50, 29.00)),
            ((2.40, 31.30), (1.20, 30.50)),
        ),
    ),
    InlandWater(
        "Niger and Benue",
        60.0,
        (
            (
                (12.65, -8.00),
                (13.45, -6.27),
                (14.50, -4.20),
                (16.70, -3.00),
                (16.27, -0.05),
                (13.50, 2.10),
                (11.90, 3.40),
                (9.90, 4.60),
            ),
            ((7.80, 6.74), (7.73, 8.54), (8.50, 10.50), (9.20, 12.50)),
        ),
    ),
    InlandWater(
        "Mackenzie, Great Slave Lake, Lake Winnipeg, Columbia and Yukon",
        70.0,
        (
            ((60.80, -115.80), (61.50, -114.00), (62.00, -111.00)),
            ((61.86, -121.35), (65.28, -126.83), (67.50, -133.50), (68.36, -133.72)),
            ((60.80, -115.80), (61.50, -118.00), (61.86, -121.35)),
            ((50.60, -96.90), (52.00, -97.50), (53.60, -98.50)),
            ((45.60, -122.70), (45.60, -121.20), (46.23, -119.10), (46.42, -117.02)),
            ((64.06, -139.43), (66.56, -145.27), (65.17, -152.08), (62.50, -160.00)),
        ),
    ),
)


def _segments() -> npt.NDArray[np.float64]:
    rows = [
        (a[0], a[1], b[0], b[1], water.corridor_km)
        for water in INLAND_WATERS
        for line in water.lines
        for a, b in itertools.pairwise(line)
    ]
    return np.array(rows, dtype=np.float64)


_SEGMENTS = _segments()
KM_PER_DEGREE = 111.195


def near_inland_water(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], *, chunk: int = 4096
) -> npt.NDArray[np.bool_]:
    """True where a position lies within the corridor of a listed inland water.

    Distances to each segment in a local equirectangular plane around the
    position: exact enough at corridor scale (tens to a few hundred km).
    """
    result = np.zeros(lat.shape[0], dtype=bool)
    lat1, lon1, lat2, lon2, corridor = (_SEGMENTS[:, i] for i in range(5))
    for start in range(0, lat.shape[0], chunk):
        la = lat[start : start + chunk, None]
        lo = lon[start : start + chunk, None]
        scale = np.cos(np.radians(la)) * KM_PER_DEGREE
        ax, ay = (lon1 - lo) * scale, (lat1 - la) * KM_PER_DEGREE
        bx, by = (lon2 - lo) * scale, (lat2 - la) * KM_PER_DEGREE
        dx, dy = bx - ax, by - ay
        length2 = np.maximum(dx * dx + dy * dy, 1e-9)
        t = np.clip(-(ax * dx + ay * dy) / length2, 0.0, 1.0)
        px, py = ax + t * dx, ay + t * dy
        result[start : start + chunk] = ((px * px + py * py) <= corridor * corridor).any(axis=1)
    return result

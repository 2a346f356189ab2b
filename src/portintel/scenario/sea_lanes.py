"""Sea lanes between the region"s ports, and the areas analysts watch: data, not code.

Each lane joins two entries of the ports gazetteer (``vocabularies/ports.csv``)
through waypoints in open water: the Gulf of Thailand, the Andaman Sea and
the Malacca Strait. A lane starts and ends at a berth (a point in the
harbour, within a kilometre or so of the gazetteer's position) and leaves it
through an approach waypoint offshore, so tracks stay at sea between ports.
Coordinates are WGS84 degrees (lat, lon), chosen from charts by hand at
about 1 km; a test checks that every waypoint lies in open water.

The areas are the polygons an analyst draws on the map (a coastal zone, the
approaches to a port, a landing beach), written as boxes and exported as
GeoJSON for the node's ``areas/`` folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SeaLane:
    name: str
    basin: str
    start_port: str
    """Gazetteer id of the port at the lane"s start."""
    end_port: str
    berths: tuple[tuple[float, float], tuple[float, float]]
    """Where vessels lie at the start and end ports (lat, lon)."""
    waypoints: tuple[tuple[float, float], ...]
    """Open-water points from the start port"s approach to the end port"s."""

    def path(self, *, reverse: bool = False) -> tuple[tuple[float, float], ...]:
        points = (self.berths[0], *self.waypoints, self.berths[1])
        return tuple(reversed(points)) if reverse else points


@dataclass(frozen=True, slots=True)
class WatchArea:
    """A box an analyst watches: ``lat`` and ``lon`` bounds in degrees."""

    id: str
    name: str
    lat: tuple[float, float]
    lon: tuple[float, float]

    def contains(self, lat: float, lon: float, *, margin_deg: float = 0.0) -> bool:
        return (
            self.lat[0] - margin_deg <= lat <= self.lat[1] + margin_deg
            and self.lon[0] - margin_deg <= lon <= self.lon[1] + margin_deg
        )

    def feature(self) -> dict[str, Any]:
        (south, north), (west, east) = self.lat, self.lon
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        return {
            "type": "Feature",
            "id": self.id,
            "properties": {"id": self.id, "name": self.name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }


# waypoints routed over the land mask at 0.01 degree (about 1 km) and simplified,
# keeping about 2 km off the coast; the berths are the two ends of each lane
LANES: tuple[SeaLane, ...] = (
    SeaLane(
        "Sihanoukville - Songkhla",
        "Gulf of Thailand",
        "KHKOS",
        "THSGZ",
        ((10.64, 103.5), (7.22, 100.6)),
        ((9.29, 102.68),),
    ),
    SeaLane(
        "Koh Kong - Sihanoukville",
        "Gulf of Thailand",
        "KH-KKG",
        "KHKOS",
        ((11.6, 102.975), (10.64, 103.5)),
        (
            (11.57, 102.94),
            (11.5, 102.9),
            (10.74, 103.065),
            (10.51, 103.325),
            (10.67, 103.455),
        ),
    ),
    SeaLane(
        "Sihanoukville - Map Ta Phut",
        "Gulf of Thailand",
        "KHKOS",
        "TH-MTP",
        ((10.64, 103.5), (12.655, 101.16)),
        (
            (10.61, 103.38),
            (10.51, 103.34),
            (10.59, 103.2),
        ),
    ),
    SeaLane(
        "An Thoi - Sihanoukville",
        "Gulf of Thailand",
        "VN-ATH",
        "KHKOS",
        ((10.015, 104.0), (10.64, 103.5)),
        ((10.615, 103.38),),
    ),
    SeaLane(
        "Pattani - An Thoi",
        "Gulf of Thailand",
        "TH-PAT",
        "VN-ATH",
        ((6.89, 101.28), (10.015, 104.0)),
        (
            (6.92, 101.22),
            (7.05, 101.3),
        ),
    ),
    SeaLane(
        "Chumphon - Sihanoukville",
        "Gulf of Thailand",
        "TH-CPN",
        "KHKOS",
        ((10.38, 99.28), (10.64, 103.5)),
        (
            (10.53, 103.36),
            (10.64, 103.42),
        ),
    ),
    SeaLane(
        "Ranong - Phuket",
        "Andaman Sea",
        "TH-RNG",
        "TH-HKT",
        ((9.95, 98.59), (7.83, 98.41)),
        (
            (9.97, 98.53),
            (9.96, 98.48),
            (9.71, 98.35),
            (9.01, 98.21),
            (7.87, 98.17),
            (7.71, 98.31),
            (7.71, 98.41),
        ),
    ),
    SeaLane(
        "Phuket - Langkawi",
        "Andaman Sea",
        "TH-HKT",
        "MY-LGK",
        ((7.83, 98.41), (6.31, 99.84)),
        (
            (7.14, 99.31),
            (6.82, 99.63),
            (6.42, 99.96),
            (6.27, 99.95),
            (6.27, 99.87),
        ),
    ),
    SeaLane(
        "Langkawi - Penang",
        "Malacca Strait",
        "MY-LGK",
        "MYPEN",
        ((6.31, 99.84), (5.42, 100.34)),
        (
            (6.27, 99.88),
            (5.6, 100.25),
        ),
    ),
    SeaLane(
        "Penang - Port Klang",
        "Malacca Strait",
        "MYPEN",
        "MYPKG",
        ((5.42, 100.34), (3.005, 101.355)),
        (
            (3.985, 100.39),
            (3.085, 101.32),
            (3.035, 101.35),
        ),
    ),
    SeaLane(
        "Port Klang - Singapore",
        "Malacca Strait",
        "MYPKG",
        "SGSIN",
        ((3.005, 101.355), (1.265, 103.85)),
        (
            (3.035, 101.355),
            (3.085, 101.325),
            (3.065, 101.205),
            (2.865, 101.205),
            (2.005, 102.345),
            (1.235, 103.475),
            (1.125, 103.765),
        ),
    ),
    SeaLane(
        "Satun - Langkawi",
        "Malacca Strait",
        "TH-STU",
        "MY-LGK",
        ((6.53, 100.05), (6.31, 99.84)),
        (
            (6.26, 99.93),
            (6.27, 99.87),
        ),
    ),
)

AREAS: tuple[WatchArea, ...] = (
    WatchArea("area-koh-kong-coast", "Koh Kong coastal zone", (11.150, 11.420), (102.750, 103.050)),
    WatchArea("area-songkhla-approach", "Songkhla approaches", (7.300, 7.500), (100.600, 100.950)),
    WatchArea("area-ranong-offshore", "Andaman Sea off Ranong", (9.150, 9.450), (97.900, 98.400)),
)

LANDING_BEACH = WatchArea(
    "area-pak-phanang-beaches",
    "Landing beaches north of Pak Phanang",
    (7.950, 8.150),
    (100.380, 100.550),
)
"""The demo's landing beach in southern Thailand, where the smuggling boat loiters."""


def areas_geojson(areas: tuple[WatchArea, ...]) -> dict[str, Any]:
    """The areas as one GeoJSON FeatureCollection (the node's ``areas/*.geojson``)."""
    return {"type": "FeatureCollection", "features": [area.feature() for area in areas]}

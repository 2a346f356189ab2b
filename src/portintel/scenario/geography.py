"""Real ports of the Gulf of Thailand, the Andaman Sea and the Malacca Strait,
points at sea where boats are intercepted, and the smuggling routes between them.

Coordinates are approximate town or harbour centres (WGS84, 3 decimals);
points at sea lie in open water (a test checks them against a land mask).
"""

from __future__ import annotations

from dataclasses import dataclass

from portintel.scenario.model import Place

PORTS: dict[str, Place] = {
    place.name: place
    for place in (
        Place("Sihanoukville", "KH", 10.627, 103.522),
        Place("Koh Kong", "KH", 11.615, 102.984),
        Place("Kampot", "KH", 10.610, 104.181),
        Place("Ream", "KH", 10.505, 103.611),
        Place("Ha Tien", "VN", 10.383, 104.488),
        Place("Phu Quoc", "VN", 10.227, 103.967),
        Place("Trat", "TH", 12.243, 102.515),
        Place("Ranong", "TH", 9.963, 98.638),
        Place("Satun", "TH", 6.624, 100.067),
        Place("Songkhla", "TH", 7.199, 100.595),
        Place("Kawthaung", "MM", 9.983, 98.550),
        Place("Cox's Bazar", "BD", 21.427, 92.005),
        Place("Teknaf", "BD", 20.862, 92.298),
        Place("Langkawi", "MY", 6.350, 99.800),
        Place("Penang", "MY", 5.414, 100.329),
        Place("Johor Bahru", "MY", 1.463, 103.760),
        Place("Belawan", "ID", 3.784, 98.694),
        Place("Lhokseumawe", "ID", 5.180, 97.150),
        Place("Batam", "ID", 1.130, 104.053),
        Place("Tanjung Pinang", "ID", 0.918, 104.446),
    )
}

SEA_POINTS: dict[str, Place] = {
    place.name: place
    for place in (
        Place("12 NM west of Koh Rong", "KH", 10.720, 103.050, at_sea=True),
        Place("off Koh Tang", "KH", 10.200, 102.950, at_sea=True),
        Place("Gulf of Thailand, 40 NM west of Koh Kong", "TH", 11.450, 102.300, at_sea=True),
        Place("off Phu Quoc, north channel", "VN", 10.450, 103.700, at_sea=True),
        Place("Andaman Sea, 30 NM west of Ranong", "TH", 9.800, 97.950, at_sea=True),
        Place("at the mouth of the Pak Chan river", "TH", 9.850, 98.350, at_sea=True),
        Place("Bay of Bengal, south of St Martin's Island", "BD", 20.450, 92.150, at_sea=True),
        Place("Andaman Sea, 120 NM north-west of Phuket", "TH", 8.900, 96.700, at_sea=True),
        Place("Malacca Strait, west of Langkawi", "MY", 6.300, 99.400, at_sea=True),
        Place("Malacca Strait, off Belawan", "ID", 4.100, 98.950, at_sea=True),
        Place("off Lhokseumawe", "ID", 5.450, 97.300, at_sea=True),
        Place("Singapore Strait, east of Batam", "ID", 1.200, 104.350, at_sea=True),
    )
}


@dataclass(frozen=True, slots=True)
class Route:
    """A smuggling route: where boats leave, where they head, who they carry, at what fee."""

    name: str
    departure: str
    destination: str
    sea_points: tuple[str, ...]
    migrant_nationalities: tuple[str, ...]
    fee_usd: tuple[int, int]
    boat_flags: tuple[str, ...]
    crew_nationalities: tuple[str, ...]
    group_size: tuple[int, int]


ROUTES: tuple[Route, ...] = (
    Route(
        "Bay of Bengal - Andaman Sea - Malaysia",
        "Teknaf",
        "Langkawi",
        (
            "Bay of Bengal, south of St Martin's Island",
            "Andaman Sea, 120 NM north-west of Phuket",
            "Malacca Strait, west of Langkawi",
        ),
        ("MM", "BD"),
        (1800, 4500),
        ("MM", "TH", "TG"),
        ("MM", "TH", "BD"),
        (60, 220),
    ),
    Route(
        "Cox's Bazar - Aceh",
        "Cox's Bazar",
        "Lhokseumawe",
        ("Bay of Bengal, south of St Martin's Island", "off Lhokseumawe"),
        ("MM", "BD"),
        (1500, 3500),
        ("MM", "BD"),
        ("MM", "BD"),
        (40, 180),
    ),
    Route(
        "Kawthaung - Ranong",
        "Kawthaung",
        "Ranong",
        ("at the mouth of the Pak Chan river", "Andaman Sea, 30 NM west of Ranong"),
        ("MM",),
        (150, 450),
        ("MM", "TH"),
        ("MM", "TH"),
        (8, 40),
    ),
    Route(
        "Sihanoukville - Gulf of Thailand - Songkhla",
        "Sihanoukville",
        "Songkhla",
        ("12 NM west of Koh Rong", "off Koh Tang"),
        ("KH", "VN"),
        (400, 1200),
        ("KH", "TH"),
        ("KH", "VN", "TH"),
        (10, 60),
    ),
    Route(
        "Koh Kong - Trat",
        "Koh Kong",
        "Trat",
        ("Gulf of Thailand, 40 NM west of Koh Kong",),
        ("KH", "VN"),
        (250, 700),
        ("KH",),
        ("KH",),
        (6, 30),
    ),
    Route(
        "Ha Tien - Kampot - Sihanoukville",
        "Ha Tien",
        "Sihanoukville",
        ("off Phu Quoc, north channel", "12 NM west of Koh Rong"),
        ("VN",),
        (300, 900),
        ("VN", "KH"),
        ("VN", "KH"),
        (8, 35),
    ),
    Route(
        "Satun - Langkawi",
        "Satun",
        "Langkawi",
        ("Malacca Strait, west of Langkawi",),
        ("BD", "MM", "KH"),
        (500, 1500),
        ("TH", "MY"),
        ("TH", "MY"),
        (6, 25),
    ),
    Route(
        "Belawan - Penang",
        "Belawan",
        "Penang",
        ("Malacca Strait, off Belawan",),
        ("ID",),
        (500, 1300),
        ("ID",),
        ("ID",),
        (15, 70),
    ),
    Route(
        "Batam - Johor",
        "Batam",
        "Johor Bahru",
        ("Singapore Strait, east of Batam",),
        ("ID",),
        (300, 800),
        ("ID",),
        ("ID",),
        (8, 40),
    ),
    Route(
        "Tanjung Pinang - Johor",
        "Tanjung Pinang",
        "Johor Bahru",
        ("Singapore Strait, east of Batam",),
        ("ID", "BD"),
        (400, 900),
        ("ID", "MY"),
        ("ID",),
        (8, 40),
    ),
)


def where(location: Place) -> str:
    """The location as it reads in a sentence: "off Koh Tang", "in the Andaman Sea, ..."."""
    first = location.name.split(" ", 1)[0]
    if first in {"off", "at"} or first[0].isdigit():
        return location.name
    return ("in the " if location.at_sea else "in ") + location.name


def place(name: str) -> Place:
    """A port or sea point by name; KeyError names the unknown place."""
    if name in PORTS:
        return PORTS[name]
    return SEA_POINTS[name]

"""AIS code tables (ITU-R M.1371): ship and cargo types, navigational status.

Used to label codes for people (the vessel registry's ``type``) and to read
archives that write the label instead of the code (the Danish Maritime
Authority's CSV says "Under way using engine", "Cargo").
"""

from __future__ import annotations

NAVIGATIONAL_STATUS: dict[int, str] = {
    0: "Under way using engine",
    1: "At anchor",
    2: "Not under command",
    3: "Restricted manoeuvrability",
    4: "Constrained by her draught",
    5: "Moored",
    6: "Aground",
    7: "Engaged in fishing",
    8: "Under way sailing",
    9: "Reserved for future amendment [HSC]",
    10: "Reserved for future amendment [WIG]",
    11: "Power-driven vessel towing astern",
    12: "Power-driven vessel pushing ahead or towing alongside",
    13: "Reserved for future use",
    14: "AIS-SART is active",
    15: "Undefined",
}

_SHIP_TYPE_RANGES: tuple[tuple[int, int, str], ...] = (
    (20, 29, "Wing in ground"),
    (30, 30, "Fishing"),
    (31, 32, "Towing"),
    (33, 33, "Dredging or underwater operations"),
    (34, 34, "Diving operations"),
    (35, 35, "Military operations"),
    (36, 36, "Sailing"),
    (37, 37, "Pleasure craft"),
    (40, 49, "High speed craft"),
    (50, 50, "Pilot vessel"),
    (51, 51, "Search and rescue vessel"),
    (52, 52, "Tug"),
    (53, 53, "Port tender"),
    (54, 54, "Anti-pollution equipment"),
    (55, 55, "Law enforcement"),
    (58, 58, "Medical transport"),
    (59, 59, "Noncombatant ship"),
    (60, 69, "Passenger"),
    (70, 79, "Cargo"),
    (80, 89, "Tanker"),
    (90, 99, "Other type"),
)

# Danish Maritime Authority "Ship type" labels -> a representative AIS code
DMA_SHIP_TYPES: dict[str, int] = {
    "wig": 20,
    "fishing": 30,
    "towing": 31,
    "towing long/wide": 32,
    "dredging": 33,
    "diving": 34,
    "military": 35,
    "sailing": 36,
    "pleasure": 37,
    "hsc": 40,
    "pilot": 50,
    "sar": 51,
    "tug": 52,
    "port tender": 53,
    "anti-pollution": 54,
    "law enforcement": 55,
    "medical": 58,
    "not party to conflict": 59,
    "passenger": 60,
    "cargo": 70,
    "tanker": 80,
    "other": 90,
}

# Labels archives use for the navigational status, lower-cased -> code
STATUS_LABELS: dict[str, int] = {
    **{label.lower(): code for code, label in NAVIGATIONAL_STATUS.items()},
    "restricted maneuverability": 3,
    "unknown value": 15,
    "unknown": 15,
}


def ship_type_label(code: int | None) -> str | None:
    """The category of an AIS ship type code, or None when unknown or not available (0)."""
    if code is None:
        return None
    for low, high, label in _SHIP_TYPE_RANGES:
        if low <= code <= high:
            return label
    return None

"""Bit layouts of the AIS message types portintel decodes, as data.

Each layout lists the fields of one message in payload order, with the names
pyais (the reference decoder) gives them in ``asdict()``, so decoded tables can
be compared with it column by column. Offsets follow from the widths. Spare
fields are listed (they move the offsets) but are not output, as in pyais.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How the raw bits of a field become a value (pyais's converters)."""

    UINT = "uint"  # unsigned integer (enums are output as their integer)
    SINT = "sint"  # two's-complement integer
    BOOL = "bool"
    TEXT = "text"  # 6-bit ASCII, trailing '@' and surrounding spaces stripped
    FLOAT = "float"  # float of the unsigned raw value, unscaled
    TENTH = "tenth"  # unsigned raw / 10 (speed, course, draught)
    LATLON = "latlon"  # signed raw in 1/10000 minute, rounded to 6 decimals
    LATLON_600 = "latlon_600"  # signed raw in 1/10 minute (type 27)
    TURN = "turn"  # signed rate of turn, squared scale of ITU-R M.1371
    CODE = "code"  # coded value folded like pyais's enum (see enumerations.py)
    SPARE = "spare"  # not output


@dataclass(frozen=True)
class Field:
    name: str
    width: int
    kind: Kind
    offset: int = 0


def _layout(*fields: tuple[str, int, Kind]) -> tuple[Field, ...]:
    placed: list[Field] = []
    offset = 0
    for name, width, kind in fields:
        placed.append(Field(name, width, kind, offset))
        offset += width
    return tuple(placed)


U, S, B, T, F = Kind.UINT, Kind.SINT, Kind.BOOL, Kind.TEXT, Kind.FLOAT
HEADER = (("msg_type", 6, U), ("repeat", 2, U), ("mmsi", 30, U))

POSITION_A = _layout(
    *HEADER,
    ("status", 4, U),
    ("turn", 8, Kind.TURN),
    ("speed", 10, Kind.TENTH),
    ("accuracy", 1, B),
    ("lon", 28, Kind.LATLON),
    ("lat", 27, Kind.LATLON),
    ("course", 12, Kind.TENTH),
    ("heading", 9, U),
    ("second", 6, U),
    ("maneuver", 2, U),
    ("spare_1", 3, Kind.SPARE),
    ("raim", 1, B),
    ("radio", 19, U),
)

BASE_STATION = _layout(
    *HEADER,
    ("year", 14, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("second", 6, U),
    ("accuracy", 1, B),
    ("lon", 28, Kind.LATLON),
    ("lat", 27, Kind.LATLON),
    ("epfd", 4, Kind.CODE),
    ("spare_1", 10, Kind.SPARE),
    ("raim", 1, B),
    ("radio", 19, U),
)

STATIC_VOYAGE = _layout(
    *HEADER,
    ("ais_version", 2, U),
    ("imo", 30, U),
    ("callsign", 42, T),
    ("shipname", 120, T),
    ("ship_type", 8, Kind.CODE),
    ("to_bow", 9, U),
    ("to_stern", 9, U),
    ("to_port", 6, U),
    ("to_starboard", 6, U),
    ("epfd", 4, Kind.CODE),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("draught", 8, Kind.TENTH),
    ("destination", 120, T),
    ("dte", 1, B),
    ("spare_1", 1, Kind.SPARE),
)

SAR_AIRCRAFT = _layout(
    *HEADER,
    ("alt", 12, U),
    ("speed", 10, F),
    ("accuracy", 1, B),
    ("lon", 28, Kind.LATLON),
    ("lat", 27, Kind.LATLON),
    ("course", 12, Kind.TENTH),
    ("second", 6, U),
    ("reserved_1", 8, U),
    ("dte", 1, B),
    ("spare_1", 3, Kind.SPARE),
    ("assigned", 1, B),
    ("raim", 1, B),
    ("radio", 20, U),
)

_CLASS_B_MOTION = (
    ("reserved_1", 8, U),
    ("speed", 10, Kind.TENTH),
    ("accuracy", 1, B),
    ("lon", 28, Kind.LATLON),
    ("lat", 27, Kind.LATLON),
    ("course", 12, Kind.TENTH),
    ("heading", 9, U),
    ("second", 6, U),
)

POSITION_B = _layout(
    *HEADER,
    *_CLASS_B_MOTION,
    ("reserved_2", 2, U),
    ("cs", 1, B),
    ("display", 1, B),
    ("dsc", 1, B),
    ("band", 1, B),
    ("msg22", 1, B),
    ("assigned", 1, B),
    ("raim", 1, B),
    ("radio", 20, U),
)

POSITION_B_EXTENDED = _layout(
    *HEADER,
    *_CLASS_B_MOTION,
    ("reserved_2", 4, U),
    ("shipname", 120, T),
    ("ship_type", 8, Kind.CODE),
    ("to_bow", 9, U),
    ("to_stern", 9, U),
    ("to_port", 6, U),
    ("to_starboard", 6, U),
    ("epfd", 4, Kind.CODE),
    ("raim", 1, B),
    ("dte", 1, B),
    ("assigned", 1, B),
    ("spare_1", 4, Kind.SPARE),
)

AID_TO_NAVIGATION = _layout(
    *HEADER,
    ("aid_type", 5, U),
    ("name", 120, T),
    ("accuracy", 1, B),
    ("lon", 28, Kind.LATLON),
    ("lat", 27, Kind.LATLON),
    ("to_bow", 9, U),
    ("to_stern", 9, U),
    ("to_port", 6, U),
    ("to_starboard", 6, U),
    ("epfd", 4, Kind.CODE),
    ("second", 6, U),
    ("off_position", 1, B),
    ("reserved_1", 8, U),
    ("raim", 1, B),
    ("virtual_aid", 1, B),
    ("assigned", 1, B),
    ("spare_1", 1, Kind.SPARE),
    ("name_ext", 88, T),
)

_STATIC_24 = (*HEADER, ("partno", 2, U))
STATIC_B_PART_A = _layout(*_STATIC_24, ("shipname", 120, T), ("spare_1", 8, Kind.SPARE))
_PART_B_HEAD = (
    *_STATIC_24,
    ("ship_type", 8, U),
    ("vendorid", 18, T),
    ("model", 4, U),
    ("serial", 20, U),
    ("callsign", 42, T),
)
STATIC_B_PART_B = _layout(
    *_PART_B_HEAD,
    ("to_bow", 9, U),
    ("to_stern", 9, U),
    ("to_port", 6, U),
    ("to_starboard", 6, U),
    ("spare_1", 6, Kind.SPARE),
)
STATIC_B_PART_B_AUXILIARY = _layout(
    *_PART_B_HEAD, ("mothership_mmsi", 30, U), ("spare_1", 6, Kind.SPARE)
)

LONG_RANGE = _layout(
    *HEADER,
    ("accuracy", 1, B),
    ("raim", 1, B),
    ("status", 4, U),
    ("lon", 18, Kind.LATLON_600),
    ("lat", 17, Kind.LATLON_600),
    ("speed", 6, F),
    ("course", 9, F),
    ("gnss", 1, B),
    ("spare_1", 1, Kind.SPARE),
)

LAYOUTS: dict[int, tuple[Field, ...]] = {
    1: POSITION_A,
    2: POSITION_A,
    3: POSITION_A,
    4: BASE_STATION,
    5: STATIC_VOYAGE,
    9: SAR_AIRCRAFT,
    11: BASE_STATION,
    18: POSITION_B,
    19: POSITION_B_EXTENDED,
    21: AID_TO_NAVIGATION,
    27: LONG_RANGE,
}
"""Message types with one layout. Type 24 picks its layout by part number."""

TYPE_24_LAYOUTS = (STATIC_B_PART_A, STATIC_B_PART_B, STATIC_B_PART_B_AUXILIARY)

AUXILIARY_CRAFT_MMSI = (980_000_000, 989_999_999)
"""MMSIs 98MIDxxxx: a type 24 part B then names its mother ship instead of dimensions."""

DECODED_TYPES = frozenset({*LAYOUTS, 24})

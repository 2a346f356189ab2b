"""Bit layouts of the AIS message types portintel decodes, as data.

Each layout lists the fields of one message in payload order, with the names
pyais (the reference decoder) gives them in ``asdict()``, so decoded tables can
be compared with it column by column. Offsets follow from the widths. Spare
fields are listed (they move the offsets) but are not output, as in pyais.

Every type 1-27 is decoded. Types 6, 8, 16, 22, 24, 25 and 26 have several
layouts (variants), chosen per message by :mod:`portintel.ais.messages` from
the bits pyais looks at: the DAC/FI of binary messages (with pyais's layout for
each application it knows, and ``dac``, ``fid`` and the raw ``data`` bytes for
the rest), the length (type 16), the addressed/structured flags (22, 25, 26)
or the part number (24). Variable-length fields (binary data, text) end where
the payload ends.

One name differs from pyais: the signal station name of type 8 DAC 1 FI 19
is ``signal_station`` (pyais: ``station``), because ``station`` is the
receiving station of every decoded table (see :data:`PYAIS_NAMES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


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
    BYTES = "bytes"  # binary data: the bits that are there, right-padded to whole bytes
    HUNDREDTH = "hundredth"  # raw / 100
    LATLON_60000 = "latlon_60000"  # signed raw in 1/1000 minute (binary applications)
    LOOKUP = "lookup"  # a table of pyais's conversion per raw value (see conversions.py)
    SPARE = "spare"  # not output


SIGNED_KINDS = frozenset({Kind.SINT, Kind.LATLON, Kind.LATLON_600, Kind.LATLON_60000, Kind.TURN})
"""Kinds whose raw bits are always a two's-complement number."""


@dataclass(frozen=True)
class Field:
    name: str
    width: int
    kind: Kind
    offset: int = 0
    signed: bool = False  # two's complement (always so for SIGNED_KINDS)
    table: str | None = None  # CODE and LOOKUP: the table's name (CODE: the field's name if None)

    @property
    def is_signed(self) -> bool:
        return self.signed or self.kind in SIGNED_KINDS


FieldSpec = tuple[str, int, Kind] | tuple[str, int, Kind, dict[str, Any]]


def _layout(*fields: FieldSpec) -> tuple[Field, ...]:
    placed: list[Field] = []
    offset = 0
    for spec in fields:
        name, width, kind = spec[0], spec[1], spec[2]
        options: dict[str, Any] = spec[3] if len(spec) == 4 else {}
        placed.append(Field(name, width, kind, offset, **options))
        offset += width
    return tuple(placed)


U, S, B, T, F, Y = Kind.UINT, Kind.SINT, Kind.BOOL, Kind.TEXT, Kind.FLOAT, Kind.BYTES
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

# Generated from pyais 3.3's message classes (field names, widths, conversions).

BINARY_ADDRESSED = _layout(
    *HEADER,
    ("seqno", 2, U),
    ("dest_mmsi", 30, U),
    ("retransmit", 1, B),
    ("spare_1", 1, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("data", 920, Y),
)

PERSONS_ON_BOARD_SHORT = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("persons", 13, U),
    ("spare_2", 3, Kind.SPARE),
)

PERSONS_ON_BOARD = _layout(
    *HEADER,
    ("seqno", 2, U),
    ("dest_mmsi", 30, U),
    ("retransmit", 1, B),
    ("spare_1", 1, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("persons", 13, U),
    ("spare_2", 35, Kind.SPARE),
)

CLEARANCE_TIME = _layout(
    *HEADER,
    ("seqno", 2, U),
    ("dest_mmsi", 30, U),
    ("retransmit", 1, B),
    ("spare_1", 1, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("port_name", 120, T),
    ("destination", 30, T),
    ("lon", 25, Kind.LATLON_60000),
    ("lat", 24, Kind.LATLON_60000),
    ("spare_2", 43, Kind.SPARE),
)

BERTHING_DATA_ADDRESSED = _layout(
    *HEADER,
    ("seqno", 2, U),
    ("dest_mmsi", 30, U),
    ("retransmit", 1, B),
    ("spare_1", 1, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("berth_length", 9, U),
    ("berth_depth", 8, Kind.TENTH),
    ("position", 3, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("availability", 1, B),
    ("agent", 2, U),
    ("fuel", 2, U),
    ("chandler", 2, U),
    ("stevedore", 2, U),
    ("electrical", 2, U),
    ("water", 2, U),
    ("customs", 2, U),
    ("cartage", 2, U),
    ("crane", 2, U),
    ("lift", 2, U),
    ("medical", 2, U),
    ("navrepair", 2, U),
    ("provisions", 2, U),
    ("shiprepair", 2, U),
    ("surveyor", 2, U),
    ("steam", 2, U),
    ("tugs", 2, U),
    ("solidwaste", 2, U),
    ("liquidwaste", 2, U),
    ("hazardouswaste", 2, U),
    ("ballast", 2, U),
    ("additional", 2, U),
    ("regional1", 2, U),
    ("regional2", 2, U),
    ("future1", 2, U),
    ("future2", 2, U),
    ("berth_name", 120, T),
    ("berth_lon", 25, Kind.LATLON_60000),
    ("berth_lat", 24, Kind.LATLON_60000),
)

AREA_NOTICE_ADDRESSED = _layout(
    *HEADER,
    ("seqno", 2, U),
    ("dest_mmsi", 30, U),
    ("retransmit", 1, B),
    ("spare_1", 1, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("notice", 7, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("duration", 18, U),
    ("area_data", 870, Y),
)

DANGEROUS_CARGO = _layout(
    *HEADER,
    ("seqno", 2, U),
    ("dest_mmsi", 30, U),
    ("retransmit", 1, B),
    ("spare_1", 1, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("unit", 2, U),
    ("amount", 10, U),
    ("cargo_data", 476, Y),
)

BINARY_ACKNOWLEDGE = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("mmsi1", 30, U),
    ("mmsiseq1", 2, U),
    ("mmsi2", 30, U),
    ("mmsiseq2", 2, U),
    ("mmsi3", 30, U),
    ("mmsiseq3", 2, U),
    ("mmsi4", 30, U),
    ("mmsiseq4", 2, U),
)

BINARY_BROADCAST = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("data", 952, Y),
)

TEXT_TELEGRAM = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("ack_required", 1, B),
    ("text_sequence", 11, U),
    ("text", 906, T),
)

METEO_HYDRO_LEGACY = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("lat", 24, Kind.LATLON_60000),
    ("lon", 25, Kind.LATLON_60000),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("wspeed", 7, U),
    ("wgust", 7, U),
    ("wdir", 9, U),
    ("wgustdir", 9, U),
    ("airtemp", 11, Kind.LOOKUP, dict(table="airtemp_legacy")),
    ("humidity", 7, U),
    ("dewpoint", 10, Kind.LOOKUP, dict(table="dewpoint_legacy")),
    ("pressure", 9, Kind.LOOKUP, dict(table="pressure_800")),
    ("pressuretend", 2, U),
    ("visibility", 8, Kind.TENTH),
    ("waterlevel", 9, Kind.LOOKUP, dict(table="water_level_legacy")),
    ("leveltrend", 2, U),
    ("cspeed", 8, Kind.TENTH),
    ("cdir", 9, U),
    ("cspeed2", 8, Kind.TENTH),
    ("cdir2", 9, U),
    ("cdepth2", 5, U),
    ("cspeed3", 8, Kind.TENTH),
    ("cdir3", 9, U),
    ("cdepth3", 5, U),
    ("waveheight", 8, Kind.TENTH),
    ("waveperiod", 6, U),
    ("wavedir", 9, U),
    ("swellheight", 8, Kind.TENTH),
    ("swellperiod", 6, U),
    ("swelldir", 9, U),
    ("seastate", 4, U),
    ("watertemp", 10, Kind.LOOKUP, dict(table="water_level_legacy")),
    ("preciptype", 3, U),
    ("salinity", 9, Kind.TENTH),
    ("ice", 2, U),
)

VTS_TARGETS = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("target_data", 840, Y),
)

VTS_SYNTHETIC_TARGETS = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("target_data", 480, Y),
)

MARINE_TRAFFIC_SIGNAL = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("signal_station", 120, T),
    ("lon", 25, Kind.LATLON_60000),
    ("lat", 24, Kind.LATLON_60000),
    ("status", 2, U),
    ("signal", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("nextsignal", 5, U),
    ("spare_2", 102, Kind.SPARE),
)

BERTHING_DATA = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("berth_length", 9, U),
    ("berth_depth", 8, Kind.TENTH),
    ("position", 3, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("availability", 1, B),
    ("agent", 2, U),
    ("fuel", 2, U),
    ("chandler", 2, U),
    ("stevedore", 2, U),
    ("electrical", 2, U),
    ("water", 2, U),
    ("customs", 2, U),
    ("cartage", 2, U),
    ("crane", 2, U),
    ("lift", 2, U),
    ("medical", 2, U),
    ("navrepair", 2, U),
    ("provisions", 2, U),
    ("shiprepair", 2, U),
    ("surveyor", 2, U),
    ("steam", 2, U),
    ("tugs", 2, U),
    ("solidwaste", 2, U),
    ("liquidwaste", 2, U),
    ("hazardouswaste", 2, U),
    ("ballast", 2, U),
    ("additional", 2, U),
    ("regional1", 2, U),
    ("regional2", 2, U),
    ("future1", 2, U),
    ("future2", 2, U),
    ("berth_name", 120, T),
    ("berth_lon", 25, Kind.LATLON_60000),
    ("berth_lat", 24, Kind.LATLON_60000),
)

WEATHER_OBSERVATION = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("wmo", 1, B),
    ("location", 120, T),
    ("lon", 25, Kind.LATLON_60000),
    ("lat", 24, Kind.LATLON_60000),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("weather", 4, U),
    ("vislimit", 1, B),
    ("visibility", 7, Kind.TENTH),
    ("humidity", 7, U),
    ("wspeed", 7, U),
    ("wdir", 9, U),
    ("pressure", 9, Kind.LOOKUP, dict(table="pressure_799")),
    ("pressuretend", 4, U),
    ("airtemp", 11, Kind.TENTH, dict(signed=True)),
    ("watertemp", 10, Kind.TENTH, dict(signed=True)),
    ("waveperiod", 6, U),
    ("waveheight", 8, Kind.TENTH),
    ("wavedir", 9, U),
    ("swellheight", 8, Kind.TENTH),
    ("swelldir", 9, U),
    ("swellperiod", 6, U),
    ("spare_2", 3, Kind.SPARE),
)

AREA_NOTICE = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("notice", 7, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("duration", 18, U),
    ("area_data", 870, Y),
)

EXTENDED_STATIC = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("airdraught", 13, Kind.HUNDREDTH),
    ("lastport", 30, T),
    ("nextport", 30, T),
    ("secondport", 30, T),
    ("ais_state", 2, Kind.CODE, dict(table="solas_status")),
    ("ata_state", 2, Kind.CODE, dict(table="solas_status")),
    ("bnwas_state", 2, Kind.CODE, dict(table="solas_status")),
    ("ecdisb_state", 2, Kind.CODE, dict(table="solas_status")),
    ("chart_state", 2, Kind.CODE, dict(table="solas_status")),
    ("sounder_state", 2, Kind.CODE, dict(table="solas_status")),
    ("epaid_state", 2, Kind.CODE, dict(table="solas_status")),
    ("steer_state", 2, Kind.CODE, dict(table="solas_status")),
    ("gnss_state", 2, Kind.CODE, dict(table="solas_status")),
    ("gyro_state", 2, Kind.CODE, dict(table="solas_status")),
    ("lrit_state", 2, Kind.CODE, dict(table="solas_status")),
    ("magcomp_state", 2, Kind.CODE, dict(table="solas_status")),
    ("navtex_state", 2, Kind.CODE, dict(table="solas_status")),
    ("arpa_state", 2, Kind.CODE, dict(table="solas_status")),
    ("sband_state", 2, Kind.CODE, dict(table="solas_status")),
    ("xband_state", 2, Kind.CODE, dict(table="solas_status")),
    ("hfradio_state", 2, Kind.CODE, dict(table="solas_status")),
    ("inmarsat_state", 2, Kind.CODE, dict(table="solas_status")),
    ("mfradio_state", 2, Kind.CODE, dict(table="solas_status")),
    ("vhfradio_state", 2, Kind.CODE, dict(table="solas_status")),
    ("grndlog_state", 2, Kind.CODE, dict(table="solas_status")),
    ("waterlog_state", 2, Kind.CODE, dict(table="solas_status")),
    ("thd_state", 2, Kind.CODE, dict(table="solas_status")),
    ("tcs_state", 2, Kind.CODE, dict(table="solas_status")),
    ("vdr_state", 2, Kind.CODE, dict(table="solas_status")),
    ("spare_2", 2, Kind.SPARE),
    ("iceclass", 4, Kind.CODE, dict(table="ice_class")),
    ("horsepower", 18, U),
    ("vhfchan", 12, U),
    ("lshiptype", 42, T),
    ("tonnage", 18, U),
    ("lading", 2, U),
    ("heavyoil", 2, U),
    ("lightoil", 2, U),
    ("dieseloil", 2, U),
    ("totaloil", 14, U),
    ("persons", 13, U),
    ("spare_3", 10, Kind.SPARE),
)

ENVIRONMENTAL = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("reports_data", 560, Y),
)

ROUTE_INFORMATION = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("sender", 3, U),
    ("rtype", 5, U),
    ("month", 4, U),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("duration", 18, U),
    ("waycount", 5, U),
    ("waypoints_data", 880, Y),
)

TEXT_DESCRIPTION = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("linkage", 10, U),
    ("description", 966, T),
)

METEO_HYDRO = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("lon", 25, Kind.LATLON_60000),
    ("lat", 24, Kind.LATLON_60000),
    ("accuracy", 1, B),
    ("day", 5, U),
    ("hour", 5, U),
    ("minute", 6, U),
    ("wspeed", 7, U),
    ("wgust", 7, U),
    ("wdir", 9, U),
    ("wgustdir", 9, U),
    ("airtemp", 11, Kind.TENTH, dict(signed=True)),
    ("humidity", 7, U),
    ("dewpoint", 10, Kind.TENTH, dict(signed=True)),
    ("pressure", 9, Kind.LOOKUP, dict(table="pressure_799")),
    ("pressuretend", 2, U),
    ("visgreater", 1, B),
    ("visibility", 7, Kind.TENTH),
    ("waterlevel", 12, Kind.LOOKUP, dict(table="water_level_31")),
    ("leveltrend", 2, U),
    ("cspeed", 8, Kind.TENTH),
    ("cdir", 9, U),
    ("cspeed2", 8, Kind.TENTH),
    ("cdir2", 9, U),
    ("cdepth2", 5, U),
    ("cspeed3", 8, Kind.TENTH),
    ("cdir3", 9, U),
    ("cdepth3", 5, U),
    ("waveheight", 8, Kind.TENTH),
    ("waveperiod", 6, U),
    ("wavedir", 9, U),
    ("swellheight", 8, Kind.TENTH),
    ("swellperiod", 6, U),
    ("swelldir", 9, U),
    ("seastate", 4, U),
    ("watertemp", 10, Kind.TENTH, dict(signed=True)),
    ("preciptype", 3, U),
    ("salinity", 9, Kind.TENTH),
    ("ice", 2, U),
)

INLAND_STATIC = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("vin", 48, T),
    ("length", 13, Kind.TENTH),
    ("beam", 10, Kind.TENTH),
    ("shiptype", 14, U),
    ("hazard", 3, U),
    ("draught", 11, Kind.HUNDREDTH),
    ("loaded", 2, Kind.CODE, dict(table="inland_loaded")),
    ("speed_q", 1, B),
    ("course_q", 1, B),
    ("heading_q", 1, B),
    ("spare", 8, Kind.SPARE),
)

INLAND_EMMA_WARNING = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("start_year", 8, U),
    ("start_month", 4, U),
    ("start_day", 5, U),
    ("end_year", 8, U),
    ("end_month", 4, U),
    ("end_day", 5, U),
    ("start_hour", 5, U),
    ("start_minute", 6, U),
    ("end_hour", 5, U),
    ("end_minute", 6, U),
    ("start_lon", 28, Kind.LATLON),
    ("start_lat", 27, Kind.LATLON),
    ("end_lon", 28, Kind.LATLON),
    ("end_lat", 27, Kind.LATLON),
    ("type", 4, Kind.CODE, dict(table="emma_type")),
    ("min", 9, S),
    ("max", 9, S),
    ("intensity", 2, U),
    ("wind", 4, Kind.CODE, dict(table="emma_wind")),
    ("spare_2", 6, Kind.SPARE),
)

INLAND_WATER_LEVEL = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("country", 12, T),
    ("gauge_id_1", 11, U),
    ("water_level_1", 14, S),
    ("gauge_id_2", 11, U),
    ("water_level_2", 14, S),
    ("gauge_id_3", 11, U),
    ("water_level_3", 14, S),
    ("gauge_id_4", 11, U),
    ("water_level_4", 14, S),
)

INLAND_SIGNAL_STATUS = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("lon", 28, Kind.LATLON),
    ("lat", 27, Kind.LATLON),
    ("form", 4, U),
    ("facing", 9, U),
    ("direction", 3, Kind.CODE, dict(table="signal_impact")),
    ("status_raw", 30, U),
    ("spare_2", 11, Kind.SPARE),
)

US_ENVIRONMENTAL = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dac", 10, U),
    ("fid", 6, U),
    ("reports_data", 896, Y),
)

UTC_INQUIRY = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("dest_mmsi", 30, U),
    ("spare_2", 2, Kind.SPARE),
)

SAFETY_ADDRESSED = _layout(
    *HEADER,
    ("seqno", 2, U),
    ("dest_mmsi", 30, U),
    ("retransmit", 1, B),
    ("spare_1", 1, Kind.SPARE),
    ("text", 936, T),
)

SAFETY_BROADCAST = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("text", 968, T),
)

INTERROGATION = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("mmsi1", 30, U),
    ("type1_1", 6, U),
    ("offset1_1", 12, U),
    ("spare_2", 2, Kind.SPARE),
    ("type1_2", 6, U),
    ("offset1_2", 12, U),
    ("spare_3", 2, Kind.SPARE),
    ("mmsi2", 30, U),
    ("type2_1", 6, U),
    ("offset2_1", 12, U),
    ("spare_4", 2, Kind.SPARE),
)

ASSIGNMENT_ONE = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("mmsi1", 30, U),
    ("offset1", 12, U),
    ("increment1", 10, U),
    ("spare_2", 4, Kind.SPARE),
)

ASSIGNMENT_TWO = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("mmsi1", 30, U),
    ("offset1", 12, U),
    ("increment1", 10, U),
    ("mmsi2", 30, U),
    ("offset2", 12, U),
    ("increment2", 10, U),
)

DGNSS_BROADCAST = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("lon", 18, Kind.TENTH),
    ("lat", 17, Kind.TENTH),
    ("spare_2", 5, Kind.SPARE),
    ("data", 736, Y),
)

DATA_LINK_MANAGEMENT = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("offset1", 12, U),
    ("number1", 4, U),
    ("timeout1", 3, U),
    ("increment1", 11, U),
    ("offset2", 12, U),
    ("number2", 4, U),
    ("timeout2", 3, U),
    ("increment2", 11, U),
    ("offset3", 12, U),
    ("number3", 4, U),
    ("timeout3", 3, U),
    ("increment3", 11, U),
    ("offset4", 12, U),
    ("number4", 4, U),
    ("timeout4", 3, U),
    ("increment4", 11, U),
)

CHANNEL_MANAGEMENT_BROADCAST = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("channel_a", 12, U),
    ("channel_b", 12, U),
    ("txrx", 4, U),
    ("power", 1, B),
    ("ne_lon", 18, Kind.TENTH, dict(signed=True)),
    ("ne_lat", 17, Kind.TENTH, dict(signed=True)),
    ("sw_lon", 18, Kind.TENTH, dict(signed=True)),
    ("sw_lat", 17, Kind.TENTH, dict(signed=True)),
    ("addressed", 1, B),
    ("band_a", 1, B),
    ("band_b", 1, B),
    ("zonesize", 3, U),
    ("spare_2", 23, Kind.SPARE),
)

CHANNEL_MANAGEMENT_ADDRESSED = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("channel_a", 12, U),
    ("channel_b", 12, U),
    ("txrx", 4, U),
    ("power", 1, B),
    ("dest1", 30, U),
    ("empty_1", 5, U),
    ("dest2", 30, U),
    ("empty_2", 5, U),
    ("addressed", 1, B),
    ("band_a", 1, B),
    ("band_b", 1, B),
    ("zonesize", 3, U),
    ("spare_2", 23, Kind.SPARE),
)

GROUP_ASSIGNMENT = _layout(
    *HEADER,
    ("spare_1", 2, Kind.SPARE),
    ("ne_lon", 18, Kind.TENTH, dict(signed=True)),
    ("ne_lat", 17, Kind.TENTH, dict(signed=True)),
    ("sw_lon", 18, Kind.TENTH, dict(signed=True)),
    ("sw_lat", 17, Kind.TENTH, dict(signed=True)),
    ("station_type", 4, Kind.CODE, dict(table="station_type")),
    ("ship_type", 8, Kind.CODE, dict(table="ship_type")),
    ("spare_2", 22, Kind.SPARE),
    ("txrx", 2, Kind.CODE, dict(table="transmit_mode")),
    ("interval", 4, Kind.CODE, dict(table="station_interval")),
    ("quiet", 4, U),
    ("spare_3", 6, Kind.SPARE),
)

SINGLE_SLOT_BROADCAST_UNSTRUCTURED = _layout(
    *HEADER,
    ("addressed", 1, B),
    ("structured", 1, B),
    ("data", 128, Y),
)

SINGLE_SLOT_BROADCAST_STRUCTURED = _layout(
    *HEADER,
    ("addressed", 1, B),
    ("structured", 1, B),
    ("app_id", 16, U),
    ("data", 112, Y),
)

SINGLE_SLOT_ADDRESSED_UNSTRUCTURED = _layout(
    *HEADER,
    ("addressed", 1, B),
    ("structured", 1, B),
    ("dest_mmsi", 30, U),
    ("data", 98, Y),
)

SINGLE_SLOT_ADDRESSED_STRUCTURED = _layout(
    *HEADER,
    ("addressed", 1, B),
    ("structured", 1, B),
    ("dest_mmsi", 30, U),
    ("app_id", 16, U),
    ("data", 82, Y),
)

MULTI_SLOT_BROADCAST_UNSTRUCTURED = _layout(
    *HEADER,
    ("addressed", 1, B),
    ("structured", 1, B),
    ("data", 1004, Y),
    ("radio", 20, U),
)

MULTI_SLOT_BROADCAST_STRUCTURED = _layout(
    *HEADER,
    ("addressed", 1, B),
    ("structured", 1, B),
    ("app_id", 16, U),
    ("data", 988, Y),
    ("radio", 20, U),
)

MULTI_SLOT_ADDRESSED_UNSTRUCTURED = _layout(
    *HEADER,
    ("addressed", 1, B),
    ("structured", 1, B),
    ("dest_mmsi", 30, U),
    ("app_id", 16, U),
    ("data", 958, Y),
    ("radio", 20, U),
)

MULTI_SLOT_ADDRESSED_STRUCTURED = _layout(
    *HEADER,
    ("addressed", 1, B),
    ("structured", 1, B),
    ("dest_mmsi", 30, U),
    ("app_id", 16, U),
    ("data", 958, Y),
    ("radio", 20, U),
)

LAYOUTS: dict[int, tuple[Field, ...]] = {
    1: POSITION_A,
    2: POSITION_A,
    3: POSITION_A,
    4: BASE_STATION,
    5: STATIC_VOYAGE,
    7: BINARY_ACKNOWLEDGE,
    9: SAR_AIRCRAFT,
    10: UTC_INQUIRY,
    11: BASE_STATION,
    12: SAFETY_ADDRESSED,
    13: BINARY_ACKNOWLEDGE,
    14: SAFETY_BROADCAST,
    15: INTERROGATION,
    17: DGNSS_BROADCAST,
    18: POSITION_B,
    19: POSITION_B_EXTENDED,
    20: DATA_LINK_MANAGEMENT,
    21: AID_TO_NAVIGATION,
    23: GROUP_ASSIGNMENT,
    27: LONG_RANGE,
}
"""Message types with one layout. The others pick theirs per message (VARIANTS)."""

TYPE_24_LAYOUTS = (STATIC_B_PART_A, STATIC_B_PART_B, STATIC_B_PART_B_AUXILIARY)

AUXILIARY_CRAFT_MMSI = (980_000_000, 989_999_999)
"""MMSIs 98MIDxxxx: a type 24 part B then names its mother ship instead of dimensions."""

BINARY_ADDRESSED_APPLICATIONS: dict[tuple[int, int], tuple[Field, ...]] = {
    (1, 16): PERSONS_ON_BOARD,
    (1, 18): CLEARANCE_TIME,
    (1, 20): BERTHING_DATA_ADDRESSED,
    (1, 23): AREA_NOTICE_ADDRESSED,
    (1, 25): DANGEROUS_CARGO,
}
"""Type 6 layouts by (DAC, FI) that pyais decodes; other applications keep their raw data."""

BINARY_BROADCAST_APPLICATIONS: dict[tuple[int, int], tuple[Field, ...]] = {
    (1, 0): TEXT_TELEGRAM,
    (1, 11): METEO_HYDRO_LEGACY,
    (1, 16): VTS_TARGETS,
    (1, 17): VTS_SYNTHETIC_TARGETS,
    (1, 19): MARINE_TRAFFIC_SIGNAL,
    (1, 20): BERTHING_DATA,
    (1, 21): WEATHER_OBSERVATION,  # the WMO variant (bit 56 set) keeps its raw data
    (1, 22): AREA_NOTICE,
    (1, 24): EXTENDED_STATIC,
    (1, 26): ENVIRONMENTAL,
    (1, 27): ROUTE_INFORMATION,
    (1, 29): TEXT_DESCRIPTION,
    (1, 31): METEO_HYDRO,
    (200, 10): INLAND_STATIC,
    (200, 23): INLAND_EMMA_WARNING,
    (200, 24): INLAND_WATER_LEVEL,
    (200, 40): INLAND_SIGNAL_STATUS,
    (367, 33): US_ENVIRONMENTAL,
}
"""Type 8 layouts by (DAC, FI) that pyais decodes; other applications keep their raw data."""

VARIANTS: dict[int, tuple[tuple[Field, ...], ...]] = {
    6: (BINARY_ADDRESSED, PERSONS_ON_BOARD_SHORT, *BINARY_ADDRESSED_APPLICATIONS.values()),
    8: (BINARY_BROADCAST, *BINARY_BROADCAST_APPLICATIONS.values()),
    16: (ASSIGNMENT_ONE, ASSIGNMENT_TWO),
    22: (CHANNEL_MANAGEMENT_BROADCAST, CHANNEL_MANAGEMENT_ADDRESSED),
    24: TYPE_24_LAYOUTS,
    25: (
        SINGLE_SLOT_BROADCAST_UNSTRUCTURED,
        SINGLE_SLOT_BROADCAST_STRUCTURED,
        SINGLE_SLOT_ADDRESSED_UNSTRUCTURED,
        SINGLE_SLOT_ADDRESSED_STRUCTURED,
    ),
    26: (
        MULTI_SLOT_BROADCAST_UNSTRUCTURED,
        MULTI_SLOT_BROADCAST_STRUCTURED,
        MULTI_SLOT_ADDRESSED_UNSTRUCTURED,
        MULTI_SLOT_ADDRESSED_STRUCTURED,
    ),
}
"""Message types with several layouts, in the order of their table's columns.

25 and 26 are indexed by 2 * addressed + structured (bits 38 and 39)."""

DECODED_TYPES = frozenset({*LAYOUTS, *VARIANTS})
"""Every message type 1-27."""

PYAIS_NAMES = {"signal_station": "station"}
"""Columns whose name in pyais's ``asdict()`` differs (``station`` is the receiving station)."""


def layouts_of(message_type: int) -> tuple[tuple[Field, ...], ...]:
    """Every layout a message type can have."""
    if message_type in LAYOUTS:
        return (LAYOUTS[message_type],)
    return VARIANTS[message_type]

"""Column layouts of AIS archives and the ``--map`` syntax for any other table.

A layout names, for each canonical field, the column of the archive that
holds it, and the time format. Two public archives are known by their
headers; anything else is described on the command line:
``--map mmsi=ID,timestamp=ais_pos_timestamp,lat=latitude,lon=longitude
--time-format '%d/%m/%Y %H:%M'``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from portintel.errors import InvalidInput

REQUIRED_FIELDS = ("mmsi", "timestamp", "lat", "lon")
"""Required, except that ``track_id`` (an archive's own vessel id) may stand in for ``mmsi``."""
CANONICAL_FIELDS = (
    *REQUIRED_FIELDS,
    "track_id",
    "sog",
    "cog",
    "heading",
    "nav_status",
    "name",
    "callsign",
    "imo",
    "ship_type",
    "length",
    "width",
    "draught",
    "destination",
    "eta",
)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each canonical field lives in an archive, and how its times are written."""

    name: str
    columns: Mapping[str, str]
    time_format: str | None = None
    eta_format: str | None = None
    null_values: tuple[str, ...] = field(default=("Unknown", "Undefined", "N/A", "NA"))

    def missing_in(self, header: Sequence[str]) -> list[str]:
        present = set(header)
        return [
            self.columns.get(name, name)
            for name in self.required
            if self.columns.get(name) not in present
        ]

    @property
    def required(self) -> tuple[str, ...]:
        if "track_id" in self.columns:
            return ("track_id", *(name for name in REQUIRED_FIELDS if name != "mmsi"))
        return REQUIRED_FIELDS

    @property
    def options(self) -> str:
        """The layout as text, for the manifest: a re-run with other options is told so."""
        mapped = ",".join(f"{name}={column}" for name, column in sorted(self.columns.items()))
        return f"{self.name}:{mapped}:{self.time_format or ''}"

    def with_id_column(self, column: str | None) -> Layout:
        """This layout with ``column`` as the vessel id (``track_id``), not an MMSI."""
        if column is None:
            return self
        columns = {
            name: mapped
            for name, mapped in self.columns.items()
            if not (name == "mmsi" and mapped == column)
        }
        columns["track_id"] = column
        return Layout(self.name, columns, self.time_format, self.eta_format, self.null_values)


NOAA = Layout(
    "noaa-marinecadastre",
    {
        "mmsi": "MMSI",
        "timestamp": "BaseDateTime",
        "lat": "LAT",
        "lon": "LON",
        "sog": "SOG",
        "cog": "COG",
        "heading": "Heading",
        "name": "VesselName",
        "imo": "IMO",
        "callsign": "CallSign",
        "ship_type": "VesselType",
        "nav_status": "Status",
        "length": "Length",
        "width": "Width",
        "draught": "Draft",
    },
    time_format="%Y-%m-%dT%H:%M:%S",
)

DMA = Layout(
    "danish-maritime-authority",
    {
        "timestamp": "# Timestamp",
        "mmsi": "MMSI",
        "lat": "Latitude",
        "lon": "Longitude",
        "nav_status": "Navigational status",
        "sog": "SOG",
        "cog": "COG",
        "heading": "Heading",
        "imo": "IMO",
        "callsign": "Callsign",
        "name": "Name",
        "ship_type": "Ship type",
        "width": "Width",
        "length": "Length",
        "draught": "Draught",
        "destination": "Destination",
        "eta": "ETA",
    },
    time_format="%d/%m/%Y %H:%M:%S",
    eta_format="%d/%m/%Y %H:%M:%S",
)

KNOWN_LAYOUTS = (NOAA, DMA)


def parse_column_map(text: str, *, id_column: str | None = None) -> dict[str, str]:
    """``"mmsi=ID,timestamp=ts"`` -> ``{"mmsi": "ID", "timestamp": "ts"}``, checked.

    With ``id_column`` (``--id-column``) the map needs no ``mmsi``: the id column names the track.
    """
    mapping: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        field_name, sep, column = item.partition("=")
        field_name, column = field_name.strip(), column.strip()
        if not sep or not field_name or not column:
            raise InvalidInput(
                f"column map item {item!r} is not FIELD=COLUMN",
                field="map",
                hint="write e.g. --map mmsi=ID,timestamp=pos_time,lat=latitude,lon=longitude",
            )
        if field_name not in CANONICAL_FIELDS:
            raise InvalidInput(
                f"column map names unknown field {field_name!r}",
                field="map",
                hint=f"fields are: {', '.join(CANONICAL_FIELDS)}",
            )
        mapping[field_name] = column
    has_id = "track_id" in mapping or id_column is not None
    required = [n for n in REQUIRED_FIELDS if n != "mmsi" or not has_id]
    missing = [name for name in required if name not in mapping]
    if missing:
        raise InvalidInput(
            f"column map lacks {', '.join(missing)}",
            field="map",
            hint="mmsi (or track_id for vessel ids that are not MMSIs), timestamp, lat and lon "
            "are required",
        )
    return mapping


def choose_layout(
    header: Sequence[str],
    *,
    location: str,
    column_map: Mapping[str, str] | None = None,
    time_format: str | None = None,
    id_column: str | None = None,
) -> Layout:
    """The layout for a table with ``header``: the given map, else a known archive's.

    ``id_column`` names a column of vessel ids that are not MMSIs (``--id-column``).
    """
    if id_column is not None and id_column not in header:
        raise InvalidInput(
            f"{location}: the --id-column {id_column!r} is not in the header",
            field="id_column",
            hint=f"the header has: {', '.join(header)}",
        )
    if column_map is not None:
        layout = Layout(
            "custom", dict(column_map), time_format=time_format, eta_format=time_format
        ).with_id_column(id_column)
        missing = layout.missing_in(header)
        if missing:
            raise InvalidInput(
                f"{location}: columns {', '.join(missing)} named in --map are not in the header",
                field="map",
                hint=f"the header has: {', '.join(header)}",
            )
        return layout
    for layout in KNOWN_LAYOUTS:
        if not layout.missing_in(header):
            if time_format:
                layout = Layout(layout.name, layout.columns, time_format, layout.eta_format)
            return layout.with_id_column(id_column)
    raise InvalidInput(
        f"{location}: the columns are neither the NOAA MarineCadastre nor the Danish "
        "Maritime Authority layout",
        field="map",
        hint="describe them with --map mmsi=COL,timestamp=COL,lat=COL,lon=COL [--time-format ...]",
    )

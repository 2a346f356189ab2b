"""Maps of intelligence in the reader's scope: incidents, reports and places, and their exports.

The incidents come with their report (an inner join: an incident whose report
the reader may not read is absent), filtered in SQL by the reader's report
predicate, like every read of intelligence; the reports with a position the
same. Departure points, landing sites and routes are drawn from those
readable incidents only, placed by the node's gazetteer of places and ports
(``vocabularies/places.csv`` with the node's own ``places.csv``). Reads are
audited (``map.read``), exports too (``map.exported``, with the format and
the number of features).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, func, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import readable_reports, report_condition
from portintel.adapters.places import load_places
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.analysis.intelligence_map import (
    KnownPlace,
    MapIncident,
    MapLayer,
    MapReport,
    PlaceFinder,
    feature_collection,
    incident_features,
    periods,
    place_features,
    report_features,
    window_of,
)
from portintel.domain.analysis.map_export import to_geojson, to_kml
from portintel.errors import InvalidInput
from portintel.services import audit
from portintel.services.workspace import Workspace

MAX_FEATURES = 20_000
"""Incidents or reports one map reads (the newest first): a map is not an archive export."""
_I = tables.incidents.c
_R = tables.reports.c

ExportFormat = Literal["geojson", "kml"]
MEDIA_TYPES: dict[str, str] = {
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
}


@dataclass(frozen=True, slots=True)
class MapRequest:
    """Which layers, and which dates: a period (``2025``, ``2025-Q3``, ``2025-09``) or a
    window (``since``, ``until``, either open)."""

    layers: frozenset[MapLayer] = frozenset(MapLayer)
    since: datetime | None = None
    until: datetime | None = None
    period: str | None = None

    def window(self) -> tuple[datetime | None, datetime | None]:
        try:
            return window_of(self.since, self.until, self.period)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="period" if self.period else "since") from exc


@dataclass(frozen=True, slots=True)
class IntelligenceMap:
    features: list[dict[str, Any]]
    periods: dict[str, int]
    """Readable incidents by month over all dates: what the period selector offers."""
    unplaced: list[str]
    """Departure and destination names the gazetteer does not know (not drawn)."""
    since: datetime | None = None
    until: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def collection(self) -> dict[str, Any]:
        return feature_collection(
            self.features,
            since=self.since.isoformat() if self.since else None,
            until=self.until.isoformat() if self.until else None,
            periods=self.periods,
            unplaced=self.unplaced,
            counts=self.counts,
        )


def _finder(ws: Workspace) -> PlaceFinder:
    table = load_places(ws.settings.data_dir)
    return PlaceFinder(
        KnownPlace(place.name, place.names, place.kind, place.lat, place.lon)
        for place in table.places
    )


def _incidents(connection: Connection, actor: Actor) -> list[MapIncident]:
    query = (
        select(
            _I.id,
            _I.report_id,
            _I.occurred_at,
            _I.kind,
            _I.place,
            _I.latitude,
            _I.longitude,
            _I.migrants,
            _I.minors,
            _I.deaths,
            _I.route,
            _I.departure,
            _I.destination,
        )
        .select_from(tables.incidents.join(tables.reports, _R.id == _I.report_id))
        .where(report_condition(reader_scope(actor).reports))
        .order_by(_I.occurred_at.desc(), _I.id)
        .limit(MAX_FEATURES)
    )
    return [
        MapIncident(
            id=row.id,
            report_id=row.report_id,
            occurred_at=row.occurred_at,
            kind=row.kind,
            place=row.place,
            latitude=row.latitude,
            longitude=row.longitude,
            migrants=int(row.migrants),
            minors=int(row.minors or 0),
            deaths=int(row.deaths or 0),
            route=row.route,
            departure=row.departure,
            destination=row.destination,
        )
        for row in connection.execute(query)
    ]


def _reports(
    connection: Connection, actor: Actor, since: datetime | None, until: datetime | None
) -> list[MapReport]:
    when = func.coalesce(_R.occurred_at, _R.reported_at)
    query = readable_reports(
        reader_scope(actor).reports,
        _R.id,
        _R.title,
        when.label("happened"),
        _R.place,
        _R.latitude,
        _R.longitude,
    ).where(_R.latitude.is_not(None), _R.longitude.is_not(None))
    if since is not None:
        query = query.where(when >= since)
    if until is not None:
        query = query.where(when <= until)
    rows = connection.execute(query.order_by(_R.reported_at.desc(), _R.id).limit(MAX_FEATURES))
    return [
        MapReport(row.id, row.title, row.happened, row.place, row.latitude, row.longitude)
        for row in rows
    ]


def _within(when: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or when >= since) and (until is None or when <= until)


def _read(
    ws: Workspace, connection: Connection, actor: Actor, request: MapRequest
) -> IntelligenceMap:
    since, until = request.window()
    every = _incidents(connection, actor)
    chosen = [i for i in every if _within(i.occurred_at, since, until)]
    features: list[dict[str, Any]] = []
    unplaced: list[str] = []
    if MapLayer.INCIDENTS in request.layers:
        features += incident_features(chosen)
    if request.layers & {MapLayer.DEPARTURES, MapLayer.LANDINGS, MapLayer.ROUTES}:
        placed, unplaced = place_features(chosen, _finder(ws))
        features += [f for f in placed if MapLayer(f["properties"]["layer"]) in request.layers]
    if MapLayer.REPORTS in request.layers:
        features += report_features(_reports(connection, actor, since, until))
    counts = {layer.value: 0 for layer in request.layers}
    for feature in features:
        counts[feature["properties"]["layer"]] += 1
    return IntelligenceMap(
        features=features,
        periods=periods(i.occurred_at for i in every),
        unplaced=unplaced,
        since=since,
        until=until,
        counts=dict(sorted(counts.items())),
    )


def intelligence_map(
    ws: Workspace, actor: Actor, request: MapRequest | None = None
) -> IntelligenceMap:
    """The layers of intelligence the reader may see, for the map page (audited ``map.read``)."""
    chosen = request or MapRequest()
    with ws.engine.begin() as connection:
        found = _read(ws, connection, actor, chosen)
        audit.record(
            connection,
            actor,
            "map.read",
            object_type="map",
            object_id="intelligence",
            detail={"layers": sorted(layer.value for layer in chosen.layers), **found.counts},
            at=ws.clock(),
        )
    return found


@dataclass(frozen=True, slots=True)
class MapExport:
    content: bytes
    media_type: str
    filename: str
    features: int


def export_map(
    ws: Workspace, actor: Actor, export_format: str, request: MapRequest | None = None
) -> MapExport:
    """The layers the reader sees as a GeoJSON or KML file (audited ``map.exported``)."""
    if export_format not in MEDIA_TYPES:
        raise InvalidInput(
            f"unknown map format {export_format!r}", field="format", hint="geojson or kml"
        )
    chosen = request or MapRequest()
    with ws.engine.begin() as connection:
        found = _read(ws, connection, actor, chosen)
        stamp = ws.clock().strftime("%Y%m%d-%H%M")
        title = "portintel map of intelligence" + (f", {chosen.period}" if chosen.period else "")
        content = (
            to_geojson(found.collection())
            if export_format == "geojson"
            else to_kml(found.collection(), title)
        )
        audit.record(
            connection,
            actor,
            "map.exported",
            object_type="map",
            object_id="intelligence",
            detail={
                "format": export_format,
                "features": len(found.features),
                "layers": sorted(layer.value for layer in chosen.layers),
                "period": chosen.period,
            },
            at=ws.clock(),
        )
    return MapExport(
        content=content,
        media_type=MEDIA_TYPES[export_format],
        filename=f"portintel-map-{stamp}.{export_format}",
        features=len(found.features),
    )


def layers_of(names: Iterable[str]) -> frozenset[MapLayer]:
    """Layer names from a request (all when none); InvalidInput names an unknown one."""
    chosen = list(names)
    try:
        return frozenset(MapLayer(name) for name in chosen) if chosen else frozenset(MapLayer)
    except ValueError as exc:
        raise InvalidInput(
            f"unknown layer in {chosen!r}", field="layer", hint=", ".join(MapLayer)
        ) from exc

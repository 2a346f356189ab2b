"""Maps of intelligence as data: incidents, reports and places as GeoJSON features.

The map page shows, beside the AIS picture, what the reader's intelligence
says happened where: each readable incident where it happened (an
interception, a rescue, a detection, a capsizing), each readable report with
a position, and the places the incidents name: where the boats left from
(departure points) and where they were bound (landing sites), with a route
line from one to the other. Places are found by name in the node's gazetteer
(:class:`PlaceFinder`); a name it does not know is reported as unplaced, never
guessed. A heat map weighs each incident by its migrants; a period (a month,
a quarter, a year) narrows the incidents to its dates.

Everything here is pure: the service hands in what the reader may read, so
a feature can only come from a readable incident or report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any


class MapLayer(StrEnum):
    INCIDENTS = "incidents"
    REPORTS = "reports"
    DEPARTURES = "departures"
    LANDINGS = "landings"
    ROUTES = "routes"


LAYER_LABELS = {
    MapLayer.INCIDENTS: "Incidents",
    MapLayer.REPORTS: "Reports with a position",
    MapLayer.DEPARTURES: "Departure points",
    MapLayer.LANDINGS: "Landing sites",
    MapLayer.ROUTES: "Routes",
}

INCIDENT_LABELS = {
    "detected": "Detected",
    "intercepted": "Interception",
    "rescued": "Rescue at sea",
    "capsized": "Capsized",
}
INTERCEPTIONS = frozenset({"intercepted", "rescued"})
"""Incident kinds where officers stopped or took in a boat: the interception locations."""

PLACE_PREFERENCE = (
    "landing_site", "port", "fishing_harbour", "anchorage", "town", "island", "district",
    "province",
)  # fmt: skip
"""Which of several gazetteer entries of one name a map uses: the most precise first."""


@dataclass(frozen=True, slots=True)
class MapIncident:
    id: str
    report_id: str
    occurred_at: datetime
    kind: str
    place: str | None
    latitude: float | None
    longitude: float | None
    migrants: int
    minors: int
    deaths: int
    route: str | None
    departure: str | None
    destination: str | None


@dataclass(frozen=True, slots=True)
class MapReport:
    id: str
    title: str
    when: datetime
    place: str | None
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class KnownPlace:
    name: str
    names: tuple[str, ...]
    kind: str
    latitude: float
    longitude: float


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


class PlaceFinder:
    """A place by one of its names (any case), the most precise entry first."""

    def __init__(self, places: Iterable[KnownPlace]) -> None:
        rank = {kind: n for n, kind in enumerate(PLACE_PREFERENCE)}
        self._by_name: dict[str, KnownPlace] = {}
        ordered = sorted(places, key=lambda p: (rank.get(p.kind, len(rank)), p.name))
        for place in ordered:
            for name in (place.name, *place.names):
                self._by_name.setdefault(_key(name), place)

    def find(self, name: str | None) -> KnownPlace | None:
        return self._by_name.get(_key(name)) if name else None


# --- periods --------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")


def period_window(period: str) -> tuple[datetime, datetime]:
    """``2025``, ``2025-Q3`` or ``2025-09`` as [start, end) in UTC; ValueError otherwise."""
    found = _PERIOD.match(period.strip())
    if found is None:
        raise ValueError(f"{period!r} is not a period: use 2025, 2025-Q3 or 2025-09")
    year = int(found["year"])
    if found["month"]:
        first, months = int(found["month"]), 1
    elif found["quarter"]:
        first, months = 3 * int(found["quarter"]) - 2, 3
    else:
        first, months = 1, 12
    start = datetime(year, first, 1, tzinfo=UTC)
    last = first + months
    end = datetime(year + (last - 1) // 12, (last - 1) % 12 + 1, 1, tzinfo=UTC)
    return start, end


def periods(dates: Iterable[datetime]) -> dict[str, int]:
    """Incidents by month (``2025-09``), in order: what a period selector offers."""
    counts: dict[str, int] = defaultdict(int)
    for when in dates:
        counts[when.astimezone(UTC).strftime("%Y-%m")] += 1
    return dict(sorted(counts.items()))


# --- features -------------------------------------------------------------------------------


def _point(longitude: float, latitude: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]}


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _located(latitude: float | None, longitude: float | None) -> bool:
    return (
        latitude is not None
        and longitude is not None
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


def incident_features(incidents: Iterable[MapIncident]) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = []
    for incident in incidents:
        if not _located(incident.latitude, incident.longitude):
            continue
        kind = INCIDENT_LABELS.get(incident.kind, incident.kind.capitalize())
        features.append(
            {
                "type": "Feature",
                "id": f"incident:{incident.id}",
                "geometry": _point(incident.longitude, incident.latitude),  # type: ignore[arg-type]
                "properties": {
                    "layer": MapLayer.INCIDENTS.value,
                    "id": incident.id,
                    "kind": incident.kind,
                    "kind_label": kind,
                    "interception": incident.kind in INTERCEPTIONS,
                    "name": f"{kind}: {incident.migrants} migrants"
                    + (f", {incident.place}" if incident.place else ""),
                    "when": _iso(incident.occurred_at),
                    "place": incident.place or "",
                    "migrants": incident.migrants,
                    "minors": incident.minors,
                    "deaths": incident.deaths,
                    "route": incident.route or "",
                    "report_id": incident.report_id,
                    "link": f"/reports/{incident.report_id}",
                },
            }
        )
    return features


def report_features(reports: Iterable[MapReport]) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "id": f"report:{report.id}",
            "geometry": _point(report.longitude, report.latitude),
            "properties": {
                "layer": MapLayer.REPORTS.value,
                "id": report.id,
                "name": report.title,
                "when": _iso(report.when),
                "place": report.place or "",
                "link": f"/reports/{report.id}",
            },
        }
        for report in reports
        if _located(report.latitude, report.longitude)
    ]


def place_features(
    incidents: Iterable[MapIncident], finder: PlaceFinder
) -> tuple[list[dict[str, Any]], list[str]]:
    """Departure points, landing sites and routes of the incidents, and the place names
    the gazetteer does not know (sorted)."""
    departures: dict[str, list[MapIncident]] = defaultdict(list)
    landings: dict[str, list[MapIncident]] = defaultdict(list)
    routes: dict[tuple[str, str], list[MapIncident]] = defaultdict(list)
    unplaced: set[str] = set()
    places: dict[str, KnownPlace] = {}
    for incident in incidents:
        start, end = finder.find(incident.departure), finder.find(incident.destination)
        for name, known in ((incident.departure, start), (incident.destination, end)):
            if name and known is None:
                unplaced.add(name)
        if start is not None:
            departures[start.name].append(incident)
            places[start.name] = start
        if end is not None:
            landings[end.name].append(incident)
            places[end.name] = end
        if start is not None and end is not None and start.name != end.name:
            routes[(start.name, end.name)].append(incident)
    features: list[dict[str, Any]] = []
    for layer, grouped, said in (
        (MapLayer.DEPARTURES, departures, "Departure point"),
        (MapLayer.LANDINGS, landings, "Landing site"),
    ):
        for name, found in sorted(grouped.items()):
            place = places[name]
            features.append(
                {
                    "type": "Feature",
                    "id": f"{layer.value}:{name}",
                    "geometry": _point(place.longitude, place.latitude),
                    "properties": {
                        "layer": layer.value,
                        "name": f"{said}: {name}",
                        "place": name,
                        "incidents": len(found),
                        "migrants": sum(i.migrants for i in found),
                        "first": _iso(min(i.occurred_at for i in found)),
                        "last": _iso(max(i.occurred_at for i in found)),
                    },
                }
            )
    for (start_name, end_name), found in sorted(routes.items()):
        start, end = places[start_name], places[end_name]
        features.append(
            {
                "type": "Feature",
                "id": f"route:{start_name}:{end_name}",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [
                        _point(start.longitude, start.latitude)["coordinates"],
                        _point(end.longitude, end.latitude)["coordinates"],
                    ],
                },
                "properties": {
                    "layer": MapLayer.ROUTES.value,
                    "name": f"Route: {start_name} → {end_name}",
                    "from": start_name,
                    "to": end_name,
                    "incidents": len(found),
                    "migrants": sum(i.migrants for i in found),
                    "first": _iso(min(i.occurred_at for i in found)),
                    "last": _iso(max(i.occurred_at for i in found)),
                },
            }
        )
    return features, sorted(unplaced)


def feature_collection(features: Iterable[Mapping[str, Any]], **members: Any) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection (WGS84 longitude, latitude), with foreign members."""
    return {"type": "FeatureCollection", "features": list(features), **members}


def window_of(
    since: datetime | None, until: datetime | None, period: str | None
) -> tuple[datetime | None, datetime | None]:
    """The [since, until] a map shows: a period, else the dates given (either open)."""
    if period:
        start, end = period_window(period)
        return start, end - timedelta(microseconds=1)
    if since is not None and until is not None and since > until:
        raise ValueError("since must not be after until")
    return since, until

"""The pre-arrival list: vessels expected at a port in the next hours, ranked by risk.

For a port of the gazetteer, every vessel heard recently is given to
:func:`~portintel.domain.targeting.arrivals.predict_arrival` with its last
fix, its latest AIS static and voyage report (destination and ETA) and its
last port call; those expected within the window are ranked by their risk
score (the vessel's own recent window, :mod:`.scores`) as the reader sees
it: a reason resting on evidence the reader may not read is absent and the
score is the sum of the reasons shown (:mod:`.visibility`, in SQL). AIS
positions and port visits are the maritime picture, read by every role that
works with intelligence and refused to the others.

"Now" is the time of the latest position in the track store unless the
caller names one: on a live node that is a few seconds ago; on an archive
or the demo it is the end of the picture, and :attr:`PrearrivalList.behind`
says how far behind the clock the picture is, so a page never passes old
positions off as current.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from followthemoney.types import registry

from portintel.adapters.behaviour_config import (
    load_behaviour_settings,
    load_gazetteer,
    load_port_aliases,
)
from portintel.domain.actors import Actor
from portintel.domain.maritime.behaviour.ports import Port
from portintel.domain.maritime.schema import POSITIONS, STATICS
from portintel.domain.targeting import VESSEL_SUBJECT, score_of
from portintel.domain.targeting.arrivals import (
    Arrival,
    ArrivalRules,
    Fix,
    PortCall,
    PortPoint,
    VoyageData,
    predict_arrival,
)
from portintel.domain.targeting.destinations import match_destination, port_names
from portintel.errors import InvalidInput, NotFound
from portintel.services.targeting.scores import ReasonView, _reasons, _require_reader
from portintel.services.workspace import Workspace

HOURS = (24, 48, 72)
"""The windows the page offers; the CLI and API take any number of hours up to a week."""
MAX_HOURS = 168
VOYAGE_LOOKBACK = timedelta(days=3)
"""A static and voyage report older than this is not read (its ETA is long gone)."""
CALL_LOOKBACK = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class PortChoice:
    id: str
    name: str
    kind: str
    country: str
    country_label: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class PrearrivalLine:
    mmsi: int
    name: str | None
    arrival: Arrival
    reasons: tuple[ReasonView, ...]
    scored: bool
    """False while the vessel has no score yet (no reasons is then "not known", not "none")."""

    @property
    def score(self) -> float:
        return score_of(r.weight for r in self.reasons)


@dataclass(frozen=True, slots=True)
class PrearrivalList:
    port: PortChoice
    hours: float
    as_of: datetime
    """The time predictions start from (the latest AIS position, unless named)."""
    now: datetime
    lines: tuple[PrearrivalLine, ...]

    @property
    def behind(self) -> timedelta:
        """How far the picture is behind the clock (zero on a live node)."""
        return max(timedelta(0), self.now - self.as_of)


def _choice(port: Port) -> PortChoice:
    return PortChoice(
        id=port.id,
        name=port.name,
        kind=port.kind,
        country=port.country.upper(),
        country_label=registry.country.caption(port.country.lower()) or port.country,
        lat=port.lat,
        lon=port.lon,
    )


def port_choices(ws: Workspace, actor: Actor) -> list[PortChoice]:
    """The ports a list can be drawn for (ports and fishing harbours; not beaches), by country."""
    _require_reader(actor)
    ports = [p for p in load_gazetteer(ws.settings.data_dir).ports if p.kind != "landing_site"]
    return sorted((_choice(p) for p in ports), key=lambda c: (c.country_label, c.name))


def find_port(ws: Workspace, actor: Actor, text: str) -> PortChoice:
    """The port ``text`` names: its id, its name, an alias, a close spelling."""
    _require_reader(actor)
    wanted = text.strip()
    if not wanted:
        raise InvalidInput("name a port", field="port", hint="its name or id, e.g. KHKOS")
    ports = load_gazetteer(ws.settings.data_dir).ports
    exact = [p for p in ports if p.id.upper() == wanted.upper()]
    exact = exact or [p for p in ports if p.name.casefold() == wanted.casefold()]
    if exact:
        return _choice(exact[0])
    aliases = load_port_aliases(ws.settings.data_dir)
    found = [
        p
        for p in ports
        if match_destination(wanted, port_names(p.id, p.name, aliases.get(p.id, ())))
    ]
    # "Sihanoukville" is the port, not its outer anchorage; "Songkhla" the deep-sea port
    found = [p for p in found if p.kind == "port"] or found
    if len(found) == 1:
        return _choice(found[0])
    if not found:
        raise NotFound(
            f"no port called {wanted!r} in the gazetteer",
            hint="name it by its id or name as on the Ports page (e.g. KHKOS, Songkhla Deep Sea "
            "Port); an analyst can add it there",
        )
    names = "; ".join(f"{p.name} ({p.id})" for p in found[:6])
    raise InvalidInput(
        f"{wanted!r} names {len(found)} ports: {names}",
        field="port",
        hint="name one by its id",
    )


def _latest_ts(ws: Workspace) -> datetime | None:
    value = ws.tracks.scan(POSITIONS).select(pl.col("ts").max()).collect().item()
    return value if isinstance(value, datetime) else None


def _fixes(ws: Workspace, since: datetime, until: datetime) -> dict[int, Fix]:
    frame = (
        ws.tracks.scan(POSITIONS)
        .filter(
            pl.col("ts").is_between(since, until),
            pl.col("lat").is_not_null(),
            pl.col("lon").is_not_null(),
        )
        .group_by("mmsi")
        .agg(pl.col(name).sort_by("ts").last() for name in ("ts", "lat", "lon", "sog", "cog"))
        .collect()
    )
    return {
        int(row["mmsi"]): Fix(row["ts"], row["lat"], row["lon"], row["sog"], row["cog"])
        for row in frame.iter_rows(named=True)
    }


def _statics(
    ws: Workspace, since: datetime, until: datetime
) -> tuple[dict[int, VoyageData], dict[int, str]]:
    recent = ws.tracks.scan(STATICS).filter(pl.col("ts") <= until)
    voyages = (
        recent.filter(pl.col("ts") >= since, pl.col("destination").is_not_null())
        .group_by("mmsi")
        .agg(pl.col(name).sort_by("ts").last() for name in ("ts", "destination", "eta"))
        .collect()
    )
    names = (
        recent.filter(pl.col("name").is_not_null())
        .group_by("mmsi")
        .agg(pl.col("name").sort_by("ts").last())
        .collect()
    )
    return (
        {
            int(row["mmsi"]): VoyageData(row["destination"], row["eta"], row["ts"])
            for row in voyages.iter_rows(named=True)
        },
        {int(row["mmsi"]): str(row["name"]) for row in names.iter_rows(named=True)},
    )


def _last_calls(
    ws: Workspace, actor: Actor, since: datetime, until: datetime
) -> dict[int, PortCall]:
    from portintel.services.maritime import event_layer

    calls: dict[int, PortCall] = {}
    for event in event_layer(
        ws, actor, since=since, until=until, types=["port_visit"], limit=10**6
    ):
        if event.start is None:
            continue
        held = calls.get(event.mmsi)
        if held is not None and held.start >= event.start:
            continue
        open_ = bool(event.details.get("open")) or event.end is None or event.end > until
        calls[event.mmsi] = PortCall(
            str(event.details.get("port_id") or ""),
            str(event.details.get("port_name") or ""),
            event.start,
            None if open_ else event.end,
        )
    return calls


def _visible_reasons(
    ws: Workspace, actor: Actor, mmsis: list[int]
) -> tuple[dict[int, list[ReasonView]], set[int]]:
    from sqlalchemy import select

    from portintel.adapters.database import tables

    subjects = tables.risk_subjects.c
    reasons: dict[int, list[ReasonView]] = defaultdict(list)
    scored: set[int] = set()
    with ws.engine.connect() as connection:
        for start in range(0, len(mmsis), 500):
            batch = mmsis[start : start + 500]
            scored.update(
                int(m)
                for m in connection.execute(
                    select(subjects.mmsi).where(
                        subjects.mmsi.in_(batch), subjects.voyage_id == VESSEL_SUBJECT
                    )
                ).scalars()
            )
            for row in _reasons(connection, actor, batch):
                if row.voyage_id == VESSEL_SUBJECT:
                    reasons[row.mmsi].append(row.reason)
    return reasons, scored


def prearrival_list(
    ws: Workspace,
    actor: Actor,
    port: str,
    *,
    hours: float = 48,
    as_of: datetime | None = None,
    rules: ArrivalRules | None = None,
) -> PrearrivalList:
    """Vessels expected at ``port`` within ``hours``, highest risk first, then soonest."""
    _require_reader(actor)
    if not 0 < hours <= MAX_HOURS:
        raise InvalidInput(
            f"hours must be between 1 and {MAX_HOURS}", field="hours", hint="24, 48 or 72"
        )
    chosen = find_port(ws, actor, port)
    now = ws.clock()
    start = as_of or _latest_ts(ws) or now
    if rules is None:
        entry_km = load_behaviour_settings(ws.settings.data_dir).section("port_visit")["entry_km"]
        rules = ArrivalRules(in_port_km=float(entry_km))
    aliases = load_port_aliases(ws.settings.data_dir).get(chosen.id, ())
    target = PortPoint(port_names(chosen.id, chosen.name, aliases), chosen.lat, chosen.lon)
    fixes = _fixes(ws, start - rules.max_fix_age, start)
    voyages, names = _statics(ws, start - VOYAGE_LOOKBACK, start)
    calls = _last_calls(ws, actor, start - CALL_LOOKBACK, start)
    arrivals: dict[int, Arrival] = {}
    for mmsi in sorted(set(fixes) | set(voyages)):
        arrival = predict_arrival(
            target,
            fix=fixes.get(mmsi),
            voyage=voyages.get(mmsi),
            last_call=calls.get(mmsi),
            as_of=start,
            hours=hours,
            rules=rules,
        )
        if arrival is not None:
            arrivals[mmsi] = arrival
    reasons, scored = _visible_reasons(ws, actor, sorted(arrivals))
    lines = [
        PrearrivalLine(
            mmsi,
            names.get(mmsi),
            arrival,
            tuple(reasons.get(mmsi, ())),
            mmsi in scored,
        )
        for mmsi, arrival in arrivals.items()
    ]
    lines.sort(key=lambda line: (-line.score, line.arrival.expected_at, line.mmsi))
    return PrearrivalList(chosen, float(hours), start, now, tuple(lines))


CSV_COLUMNS = ("rank", "mmsi", "name", "score", "expected_at", "how", "reasons")


def csv_rows(listed: PrearrivalList) -> list[list[str]]:
    """The list as CSV rows (header first): one vessel a row, its reasons joined by "; "."""
    rows = [list(CSV_COLUMNS)]
    for rank, x in enumerate(listed.lines, start=1):
        reasons = "; ".join(f"{r.description} (+{r.weight:g})" for r in x.reasons)
        rows.append(
            [
                str(rank),
                str(x.mmsi),
                x.name or "",
                f"{x.score:g}" if x.scored else "",
                x.arrival.expected_at.strftime("%Y-%m-%d %H:%M UTC"),
                x.arrival.explanation,
                reasons,
            ]
        )
    return rows


def prearrival_pdf(html: str, title: str) -> bytes:
    """The list printed: the page's print template (``html``) rendered to PDF, offline."""
    from portintel.adapters.pdf import render_pdf

    return render_pdf(html, title=title)


__all__ = [
    "CSV_COLUMNS",
    "HOURS",
    "MAX_HOURS",
    "PortChoice",
    "PrearrivalLine",
    "PrearrivalList",
    "csv_rows",
    "find_port",
    "port_choices",
    "prearrival_list",
    "prearrival_pdf",
]

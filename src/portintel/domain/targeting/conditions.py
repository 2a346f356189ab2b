"""The condition language of indicators: a few kinds of condition, each with parameters.

An indicator's ``condition`` is one of the kinds below, written in YAML as a
mapping with a ``kind`` and the kind's parameters; ``any_of`` and ``all_of``
combine others. Each kind is a frozen dataclass whose :meth:`match` is a
pure function of a vessel's facts (:class:`~portintel.domain.targeting.facts.VesselFacts`)
and a window; nothing is evaluated as code (no ``eval``), so a node's file can
only say what these kinds can say.

=================== ===================================================== ======================
kind                fires when                                            parameters
=================== ===================================================== ======================
declared_type       an identity value (``type`` by default) contains one  values, props
                    of the values (case-insensitive)
straight_transit    the track holds a stretch of ``min_hours`` at         min_hours,
                    ``min_knots`` or more, nearly straight                min_straightness,
                    (``min_straightness``: distance over path length)     min_knots
event               ``min_count`` behaviour events of ``type`` overlap    type, min_hours,
                    the window, each lasting ``min_hours``, with the      details, near_place,
                    ``details`` given, ``near_place`` (a gazetteer kind   followed_by, min_count
                    within ``within_km``) and ``followed_by`` another
                    event (its ``start`` or ``end`` within
                    ``within_hours`` after)
no_port_call        the vessel was heard at sea for ``min_hours`` in a    min_hours
                    row without a port visit
flag_mismatch       the MMSI's country (its MID) is not a flag stated     (none)
                    for the vessel
watchlist_link      an entity of ``schemata`` on a watchlist is within    max_hops, schemata
                    ``max_hops`` links of the vessel
graded_intelligence a report about the vessel in the last ``within_days`` within_days,
                    days; the weight is scaled by its grading (the best   reliability,
                    report's ``reliability[R] * credibility[C]``)         credibility
incidents           ``min_count`` recorded incidents (in the last         min_count,
                    ``within_days`` days, when given)                     within_days
any_of              one condition of ``conditions`` fires                 conditions
all_of              every condition of ``conditions`` fires               conditions
=================== ===================================================== ======================

A match carries its evidence (what a reader may follow), the scale of the
weight (1 except for graded intelligence) and the time of the latest fact it
rests on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from portintel.domain.identifiers import mmsi_country
from portintel.domain.maritime.behaviour.common import EVENT_TYPES
from portintel.domain.targeting.facts import (
    Evidence,
    VesselEvent,
    VesselFacts,
    Window,
)

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Match:
    """Why a condition fired: its evidence, the weight's scale and the latest fact's time."""

    evidence: tuple[Evidence, ...]
    scale: float = 1.0
    at: datetime | None = None


def _latest(*times: datetime | None) -> datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


class Condition:
    """A kind of condition: ``match(facts, window)`` is None when it does not fire."""

    kind: ClassVar[str]

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class DeclaredType(Condition):
    kind: ClassVar[str] = "declared_type"
    values: tuple[str, ...]
    props: tuple[str, ...] = ("type",)

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        wanted = tuple(value.casefold() for value in self.values)
        found = [
            fact
            for fact in facts.identity
            if fact.prop in self.props and any(w in fact.value.casefold() for w in wanted)
        ]
        if not found:
            return None
        found.sort(key=lambda f: f.statement_id)
        return Match(tuple(f.evidence() for f in found), at=_latest(*(f.last_seen for f in found)))


@dataclass(frozen=True, slots=True)
class StraightTransit(Condition):
    kind: ClassVar[str] = "straight_transit"
    min_hours: float = 6.0
    min_straightness: float = 0.9
    min_knots: float = 5.0

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        found = [
            transit
            for transit in facts.transits
            if window.overlaps(transit.start, transit.end)
            and transit.hours >= self.min_hours
            and transit.straightness >= self.min_straightness
            and transit.knots >= self.min_knots
        ]
        if not found:
            return None
        evidence = tuple(
            Evidence(
                "track",
                f"{facts.mmsi}/{t.start.isoformat()}/{t.end.isoformat()}",
                None,
                f"{t.hours:.1f} h at {t.knots:.1f} kn",
            )
            for t in found
        )
        return Match(evidence, at=_latest(*(t.end for t in found)))


@dataclass(frozen=True, slots=True)
class NearPlace:
    kinds: tuple[str, ...]
    within_km: float


@dataclass(frozen=True, slots=True)
class FollowedBy:
    type: str
    edge: str  # "start" or "end"
    within_hours: float


@dataclass(frozen=True, slots=True)
class EventCondition(Condition):
    kind: ClassVar[str] = "event"
    type: str
    min_hours: float = 0.0
    details: tuple[tuple[str, Any], ...] = ()
    near_place: NearPlace | None = None
    followed_by: FollowedBy | None = None
    min_count: int = 1

    def _near(self, event: VesselEvent, facts: VesselFacts) -> bool:
        if self.near_place is None:
            return True
        if event.lat is None or event.lon is None:
            return False
        lat, lon = event.lat, event.lon
        return any(
            place.kind in self.near_place.kinds
            and _distance_km(lat, lon, place.lat, place.lon) <= self.near_place.within_km
            for place in facts.places
        )

    def _follower(self, event: VesselEvent, facts: VesselFacts) -> VesselEvent | None:
        if self.followed_by is None:
            return None
        rule = self.followed_by
        limit = timedelta(hours=rule.within_hours)
        base = event.end or event.start
        best: VesselEvent | None = None
        for other in facts.events:
            if other.type != rule.type or other.event_id == event.event_id:
                continue
            edge = other.start if rule.edge == "start" else other.end
            if edge is None:
                continue
            # the edge follows the event (an identity change during a port stay precedes
            # the departure): measured from the event's start, at most within_hours after
            # its end
            if event.start <= edge and edge - base <= limit and (best is None or edge < best.start):
                best = other
        return best

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        evidence: list[Evidence] = []
        times: list[datetime | None] = []
        count = 0
        for event in facts.events:
            if event.type != self.type or not window.overlaps(event.start, event.end):
                continue
            if event.hours < self.min_hours:
                continue
            if any(event.details.get(key) != value for key, value in self.details):
                continue
            if not self._near(event, facts):
                continue
            follower = self._follower(event, facts)
            if self.followed_by is not None and follower is None:
                continue
            count += 1
            evidence.append(event.evidence())
            times.append(event.end or event.start)
            if follower is not None:
                evidence.append(follower.evidence())
                times.append(follower.start)
        if count < self.min_count:
            return None
        return Match(tuple(sorted(set(evidence))), at=_latest(*times))


@dataclass(frozen=True, slots=True)
class NoPortCall(Condition):
    kind: ClassVar[str] = "no_port_call"
    min_hours: float = 72.0

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        if facts.track_start is None or facts.track_end is None:
            return None
        start = max(facts.track_start, window.start)
        end = min(facts.track_end, window.end)
        if end <= start:
            return None
        visits = sorted(
            (e for e in facts.events if e.type == "port_visit" and window.overlaps(e.start, e.end)),
            key=lambda e: e.start,
        )
        cursor, before = start, None
        longest: tuple[float, VesselEvent | None, VesselEvent | None, datetime] = (
            0.0,
            None,
            None,
            end,
        )
        for visit in visits:
            at_sea = (visit.start - cursor).total_seconds() / 3600.0
            if at_sea > longest[0]:
                longest = (at_sea, before, visit, visit.start)
            cursor = max(cursor, visit.end or end)
            before = visit
        at_sea = (end - cursor).total_seconds() / 3600.0
        if at_sea > longest[0]:
            longest = (at_sea, before, None, end)
        hours, left, right, until = longest
        if hours < self.min_hours:
            return None
        evidence = [
            Evidence(
                "track",
                f"{facts.mmsi}/{(left.end if left and left.end else start).isoformat()}"
                f"/{until.isoformat()}",
                None,
                f"{hours:.0f} h at sea",
            )
        ]
        evidence.extend(visit.evidence() for visit in (left, right) if visit is not None)
        return Match(tuple(sorted(evidence)), at=until)


@dataclass(frozen=True, slots=True)
class FlagMismatch(Condition):
    kind: ClassVar[str] = "flag_mismatch"

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        country = mmsi_country(str(facts.mmsi))
        if country is None:
            return None
        country = country.lower()
        flags = [f for f in facts.identity if f.prop == "flag" and f.value.lower() != country]
        if not flags:
            return None
        flags.sort(key=lambda f: f.statement_id)
        return Match(tuple(f.evidence() for f in flags), at=_latest(*(f.last_seen for f in flags)))


@dataclass(frozen=True, slots=True)
class WatchlistLink(Condition):
    kind: ClassVar[str] = "watchlist_link"
    max_hops: int = 2
    schemata: tuple[str, ...] = ()

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        found = [
            link
            for link in facts.links
            if 0 < link.hops <= self.max_hops
            and (not self.schemata or link.schema in self.schemata)
        ]
        if not found:
            return None
        evidence: set[Evidence] = set()
        for link in found:
            evidence.update(link.statements)
            evidence.add(Evidence("watchlist", link.watch_entry_id, None, link.schema))
        return Match(tuple(sorted(evidence)))


@dataclass(frozen=True, slots=True)
class GradedIntelligence(Condition):
    kind: ClassVar[str] = "graded_intelligence"
    within_days: float = 90.0
    reliability: tuple[tuple[str, float], ...] = ()
    credibility: tuple[tuple[str, float], ...] = ()

    def scale(self, reliability: str, credibility: str) -> float:
        return dict(self.reliability).get(reliability, 0.0) * dict(self.credibility).get(
            credibility, 0.0
        )

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        since = window.end - timedelta(days=self.within_days)
        found = [
            (self.scale(r.reliability, r.credibility), r)
            for r in facts.reports
            if since <= r.reported_at <= window.end
        ]
        found = [(scale, r) for scale, r in found if scale > 0]
        if not found:
            return None
        best = max(scale for scale, _ in found)
        reports = sorted((r for _, r in found), key=lambda r: r.report_id)
        return Match(
            tuple(r.evidence() for r in reports),
            scale=best,
            at=_latest(*(r.reported_at for r in reports)),
        )


@dataclass(frozen=True, slots=True)
class Incidents(Condition):
    kind: ClassVar[str] = "incidents"
    min_count: int = 1
    within_days: float | None = None

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        since = None if self.within_days is None else window.end - timedelta(days=self.within_days)
        found = sorted(
            (
                i
                for i in facts.incidents
                if i.occurred_at <= window.end and (since is None or i.occurred_at >= since)
            ),
            key=lambda i: i.incident_id,
        )
        if len(found) < self.min_count:
            return None
        return Match(
            tuple(i.evidence() for i in found), at=_latest(*(i.occurred_at for i in found))
        )


@dataclass(frozen=True, slots=True)
class AnyOf(Condition):
    kind: ClassVar[str] = "any_of"
    conditions: tuple[Condition, ...]

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        matches = [m for c in self.conditions if (m := c.match(facts, window)) is not None]
        if not matches:
            return None
        evidence = sorted({e for m in matches for e in m.evidence})
        return Match(
            tuple(evidence),
            scale=max(m.scale for m in matches),
            at=_latest(*(m.at for m in matches)),
        )


@dataclass(frozen=True, slots=True)
class AllOf(Condition):
    kind: ClassVar[str] = "all_of"
    conditions: tuple[Condition, ...]

    def match(self, facts: VesselFacts, window: Window) -> Match | None:
        matches: list[Match] = []
        for condition in self.conditions:
            found = condition.match(facts, window)
            if found is None:
                return None
            matches.append(found)
        evidence = sorted({e for m in matches for e in m.evidence})
        return Match(
            tuple(evidence),
            scale=min(m.scale for m in matches),
            at=_latest(*(m.at for m in matches)),
        )


CONDITION_KINDS: Mapping[str, type[Condition]] = {
    kind.kind: kind
    for kind in (
        DeclaredType,
        StraightTransit,
        EventCondition,
        NoPortCall,
        FlagMismatch,
        WatchlistLink,
        GradedIntelligence,
        Incidents,
        AnyOf,
        AllOf,
    )
}
"""Every kind of condition by the name a definition file gives it."""

KNOWN_EVENT_TYPES = frozenset(EVENT_TYPES)

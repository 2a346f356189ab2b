"""Timelines as data: dated facts of entities, one swim lane per entity, each with its evidence.

A timeline gathers every dated fact the reader may read about a few entities
(an entity, the entities of a chart, of a case): the reports that name them,
the incidents of those reports or of their vessels, AIS behaviour events
(gaps, encounters, loitering, port calls), identity changes (a new name,
flag, MMSI, call sign or IMO number) and phone numbers stated for them. The
service reads those through the reader's scoped view; the rules here are
pure and tested on their own:

- an identity change is a value of an identity property that differs from
  the value seen before it (by first seen): the first value is where the
  entity starts, not a change;
- items sort by start, then lane, then kind, then id, so the same store
  gives the same timeline;
- a timeline holds at most ``limit`` items: the newest are kept (an analyst
  reads a timeline backwards from today), and the timeline says it was cut.

Every item names its evidence (``evidence_kind``, ``evidence_id``): the
report, incident, behaviour event or statement it rests on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise


class ItemKind(StrEnum):
    REPORT = "report"
    INCIDENT = "incident"
    PORT_CALL = "port_call"
    AIS_EVENT = "ais_event"
    IDENTITY = "identity"
    PHONE = "phone"


KIND_LABELS = {
    ItemKind.REPORT: "Report",
    ItemKind.INCIDENT: "Incident",
    ItemKind.PORT_CALL: "Port call",
    ItemKind.AIS_EVENT: "AIS event",
    ItemKind.IDENTITY: "Identity change",
    ItemKind.PHONE: "Phone contact",
}
"""What the page calls each kind of item (labels, never codes)."""

IDENTITY_LABELS = {
    "name": "Name",
    "callSign": "Call sign",
    "imoNumber": "IMO number",
    "mmsi": "MMSI",
    "flag": "Flag",
    "nationality": "Nationality",
    "passportNumber": "Passport number",
}
"""Identity properties whose changes a timeline shows, with their labels."""


@dataclass(frozen=True, slots=True)
class Lane:
    """One entity's swim lane."""

    id: str
    schema: str
    label: str


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One dated fact on one lane, with the evidence it rests on."""

    id: str
    lane: str
    kind: ItemKind
    label: str
    start: datetime
    end: datetime | None
    evidence_kind: str
    """report, incident, event or statement"""
    evidence_id: str
    link: str | None = None
    """Where the evidence is shown (a page path), when it has a page."""
    detail: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class Timeline:
    lanes: tuple[Lane, ...]
    items: tuple[TimelineItem, ...]
    truncated: bool = False

    @property
    def start(self) -> datetime | None:
        return min((item.start for item in self.items), default=None)

    @property
    def end(self) -> datetime | None:
        return max((item.end or item.start for item in self.items), default=None)


@dataclass(frozen=True, slots=True)
class IdentityValue:
    """One readable statement of an identity property."""

    statement_id: str
    prop: str
    value: str
    first_seen: datetime
    report_id: str | None


def identity_changes(lane: str, values: Iterable[IdentityValue]) -> list[TimelineItem]:
    """The changes of each identity property: every value that differs from the one
    seen before it (by first seen, then value), dated when it was first seen."""
    by_prop: dict[str, list[IdentityValue]] = defaultdict(list)
    for value in values:
        if value.prop in IDENTITY_LABELS:
            by_prop[value.prop].append(value)
    changes: list[TimelineItem] = []
    for prop, found in by_prop.items():
        earliest: dict[str, IdentityValue] = {}
        for value in sorted(found, key=lambda v: (v.first_seen, v.value, v.statement_id)):
            earliest.setdefault(value.value, value)
        ordered = sorted(earliest.values(), key=lambda v: (v.first_seen, v.value))
        for before, after in pairwise(ordered):
            changes.append(
                TimelineItem(
                    id=f"identity:{after.statement_id}",
                    lane=lane,
                    kind=ItemKind.IDENTITY,
                    label=f"{IDENTITY_LABELS[prop]}: {before.value} → {after.value}",
                    start=after.first_seen,
                    end=None,
                    evidence_kind="statement",
                    evidence_id=after.statement_id,
                    link=f"/reports/{after.report_id}" if after.report_id else None,
                )
            )
    return changes


def _order(item: TimelineItem) -> tuple[datetime, str, str, str]:
    return (item.start, item.lane, item.kind.value, item.id)


def assemble(lanes: Iterable[Lane], items: Iterable[TimelineItem], *, limit: int) -> Timeline:
    """Lanes and items as one timeline: items of known lanes only, each once, in order,
    at most ``limit`` (the newest kept)."""
    if limit < 1:
        raise ValueError(f"a timeline holds at least one item, not {limit}")
    kept_lanes = tuple(lanes)
    known = {lane.id for lane in kept_lanes}
    unique: dict[tuple[str, str], TimelineItem] = {}
    for item in items:
        if item.lane in known:
            unique.setdefault((item.lane, item.id), item)
    ordered = sorted(unique.values(), key=_order)
    truncated = len(ordered) > limit
    if truncated:
        ordered = ordered[-limit:]
    return Timeline(lanes=kept_lanes, items=tuple(ordered), truncated=truncated)


def within(item: TimelineItem, since: datetime | None, until: datetime | None) -> bool:
    """Whether the item overlaps [since, until] (either end open)."""
    if since is not None and (item.end or item.start) < since:
        return False
    return not (until is not None and item.start > until)

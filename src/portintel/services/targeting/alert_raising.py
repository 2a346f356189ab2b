"""Raise alerts: from watchlist hits, from scores crossing the threshold, from watched vessels.

Three causes, each with a key the alert is stored under (``alerts.cause_key``
is unique, and rows are inserted with "on conflict do nothing"), so an alert
is raised once however many jobs see the same cause, even at the same time:

===================== ===============================================================
cause                 key
===================== ===============================================================
watchlist hit         ``hit:`` + the hit's own key (entry, entity, what matched)
score over threshold  ``score:`` + hash(threshold, vessel, voyage, the new reason whose
                      firing took the score from below the threshold to or above it)
watched behaviour     ``behaviour:`` + hash(event, vessel, watchlist entry)
===================== ===============================================================

A score that stays above the threshold as more reasons fire raises nothing
new; one that falls below (reasons leave the window) and crosses again
raises a new alert, for the new crossing.

Every alert stores its **evidence** (the watchlist entry, the statements that
matched, the events, the reasons' evidence), which scopes it: a reader
receives it only if they may read all of it
(:func:`~portintel.services.targeting.visibility.visible_alert`).
``alert_raised`` fires after the commit, once per new alert.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from portintel.adapters.database import tables
from portintel.domain.maritime.behaviour.common import EVENTS
from portintel.domain.targeting import KINDS
from portintel.domain.targeting.scoring import VESSEL_SUBJECT
from portintel.services.events import announce, transaction
from portintel.services.workspace import Workspace

AIS_ORIGIN = "ais:"
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
EVENT_LABELS = {
    "gap": "AIS gap",
    "loitering": "Loitering",
    "encounter": "Encounter at sea",
    "port_visit": "Port visit",
    "identity_change": "Identity change",
    "area_entry": "Entered an area",
    "area_exit": "Left an area",
    "implausible_jump": "Implausible jump",
}

_A = tables.alerts.c
_S = tables.statements.c
_H = tables.watch_hits.c
_W = tables.watch_entries.c
_R = tables.risk_reasons.c
_RE = tables.risk_evidence.c


@dataclass(slots=True)
class _Draft:
    cause_key: str
    kind: str
    title: str
    reason: str
    entity_id: str | None = None
    mmsi: int | None = None
    voyage_id: str | None = None
    entry_id: str | None = None
    event_id: str | None = None
    score: float | None = None
    handling: str | None = None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def add_evidence(
        self,
        kind: str,
        item_id: str,
        label: str,
        report_id: str | None = None,
        area_id: str | None = None,
    ) -> None:
        key = (kind, item_id[:200])
        self.evidence.setdefault(
            key,
            {
                "kind": kind,
                "item_id": item_id[:200],
                "report_id": report_id,
                "label": label,
                "area_id": area_id,
            },
        )


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _insert(connection: Connection, draft: _Draft, now: Any) -> int | None:
    """Insert the alert unless its cause is already stored; its id, or None if it was."""
    values = {
        "cause_key": draft.cause_key,
        "kind": draft.kind,
        "title": draft.title[:500],
        "reason": draft.reason,
        "entity_id": draft.entity_id,
        "mmsi": draft.mmsi,
        "voyage_id": draft.voyage_id,
        "entry_id": draft.entry_id,
        "event_id": draft.event_id,
        "score": draft.score,
        "reasons": draft.reasons,
        "handling": draft.handling,
        "raised_at": now,
        "status": "open",
        "updated_at": now,
    }
    dialect = connection.dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        builder(tables.alerts)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["cause_key"])
        .returning(_A.id)
    )
    alert_id = connection.execute(statement).scalar_one_or_none()
    if alert_id is None:
        return None
    if draft.evidence:
        connection.execute(
            tables.alert_evidence.insert(),
            [{"alert_id": alert_id, **item} for item in draft.evidence.values()],
        )
    return int(alert_id)


def _store(ws: Workspace, drafts: Sequence[_Draft]) -> list[int]:
    """Store the drafts whose cause is new, in one transaction; fire ``alert_raised`` after it."""
    if not drafts:
        return []
    now = ws.clock()
    raised: list[int] = []
    with transaction(ws) as connection:
        existing = {
            row.cause_key
            for row in connection.execute(
                select(_A.cause_key).where(_A.cause_key.in_([d.cause_key for d in drafts]))
            ).all()
        }
        for draft in drafts:
            if draft.cause_key in existing:
                continue
            existing.add(draft.cause_key)
            alert_id = _insert(connection, draft, now)
            if alert_id is None:
                continue  # another job stored it first
            raised.append(alert_id)
            announce(
                connection,
                "alert_raised",
                alert_id=str(alert_id),
                entity_id=draft.entity_id or "",
                reason=draft.reason,
            )
    return raised


# -- helpers over the entity store ---------------------------------------------------------


def _vessel_entities(connection: Connection, mmsis: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    if not mmsis:
        return found
    rows = connection.execute(
        select(_S.value, _S.canonical_id)
        .distinct()
        .where(_S.schema == "Vessel", _S.prop == "mmsi", _S.value.in_([str(m) for m in set(mmsis)]))
        .order_by(_S.canonical_id)
    ).all()
    for row in rows:
        if str(row.value).isdigit():
            found[int(row.value)].append(row.canonical_id)
    return found


def _ais_name(connection: Connection, mmsi: int) -> str | None:
    """The vessel's name as its AIS static data gives it (read by every reader of the picture)."""
    entities = _vessel_entities(connection, [mmsi]).get(mmsi, [])
    if not entities:
        return None
    row = connection.execute(
        select(_S.value)
        .where(
            _S.canonical_id.in_(entities),
            _S.prop == "name",
            _S.origin.like(f"{AIS_ORIGIN}%"),
            _S.invalid_reason.is_(None),
        )
        .order_by(_S.value)
    ).first()
    return str(row.value) if row is not None else None


def _entity_mmsi(connection: Connection, entity_id: str) -> int | None:
    row = connection.execute(
        select(_S.value)
        .where(_S.canonical_id == entity_id, _S.prop == "mmsi", _S.schema == "Vessel")
        .order_by(_S.value)
    ).first()
    return int(row.value) if row is not None and str(row.value).isdigit() else None


def _hit_evidence(connection: Connection, draft: _Draft, hit: Any, entry: Any) -> None:
    """The entry, the statements that matched it, and the report it was found in."""
    draft.add_evidence("watchlist", entry.id, KINDS.get(entry.kind, entry.kind))
    if hit.method == "identifier":
        _kind, _sep, value = str(hit.matched).partition(" ")
        condition = _S.value == value
    else:
        names = str(hit.matched).split(" ~ ")
        condition = _S.prop.in_(NAME_PROPS) & _S.value.in_(names[1:] or names)
    for row in connection.execute(
        select(_S.id, _S.origin, _S.prop, _S.value).where(
            _S.canonical_id == hit.entity_id, condition
        )
    ).all():
        report = None if str(row.origin).startswith(AIS_ORIGIN) else row.origin
        draft.add_evidence("statement", row.id, f"{row.prop}: {row.value}"[:200], report)
    if hit.origin and hit.found_by == "report":
        draft.add_evidence("report", hit.origin, "report", hit.origin)


def _hits(connection: Connection, where: Any) -> list[Any]:
    return list(
        connection.execute(
            select(
                tables.watch_hits,
                _W.kind.label("entry_kind"),
                _W.names.label("entry_names"),
                _W.reason.label("entry_reason"),
                _W.handling.label("entry_handling"),
            )
            .select_from(tables.watch_hits.join(tables.watch_entries, _W.id == _H.entry_id))
            .where(where)
            .order_by(_H.cause_key)
        ).all()
    )


class _Entry:
    __slots__ = ("id", "kind")

    def __init__(self, entry_id: str, kind: str) -> None:
        self.id, self.kind = entry_id, kind


def _entry_title(hit: Any) -> str:
    names = list(hit.entry_names or ())
    label = KINDS.get(hit.entry_kind, hit.entry_kind)
    watched = names[0] if names else str(hit.matched)
    return f"{label} on the watchlist: {watched}"


# -- the three causes ----------------------------------------------------------------------


def raise_for_hits(ws: Workspace, hit_keys: Sequence[str]) -> list[int]:
    """An alert per new watchlist hit; the ids of those raised now."""
    if not hit_keys:
        return []
    drafts: list[_Draft] = []
    with ws.engine.connect() as connection:
        for hit in _hits(connection, _H.cause_key.in_(list(hit_keys))):
            draft = _Draft(
                cause_key=f"hit:{hit.cause_key}",
                kind="watchlist_hit",
                title=_entry_title(hit),
                reason=f"{hit.entry_reason} (matched {hit.matched})",
                entity_id=hit.entity_id,
                mmsi=_entity_mmsi(connection, hit.entity_id),
                entry_id=hit.entry_id,
                handling=hit.entry_handling,
            )
            _hit_evidence(connection, draft, hit, _Entry(hit.entry_id, hit.entry_kind))
            drafts.append(draft)
    return _store(ws, drafts)


def raise_for_scores(ws: Workspace, new_causes: Sequence[str], threshold: float) -> list[int]:
    """An alert per vessel or voyage whose new reasons took its score over ``threshold``."""
    if not new_causes:
        return []
    new = set(new_causes)
    drafts: list[_Draft] = []
    with ws.engine.connect() as connection:
        subjects = sorted(
            {
                (int(row.mmsi), row.voyage_id)
                for start in range(0, len(new_causes), 500)
                for row in connection.execute(
                    select(_R.mmsi, _R.voyage_id).where(
                        _R.cause_key.in_(list(new_causes)[start : start + 500])
                    )
                ).all()
            }
        )
        for mmsi, voyage in subjects:
            reasons = connection.execute(
                select(tables.risk_reasons)
                .where(_R.mmsi == mmsi, _R.voyage_id == voyage)
                .order_by(_R.weight.desc(), _R.indicator_id, _R.cause_key)
            ).all()
            total = round(sum(r.weight for r in reasons), 3)
            before = round(sum(r.weight for r in reasons if r.cause_key not in new), 3)
            if not (before < threshold <= total):
                continue
            crossing = min(r.cause_key for r in reasons if r.cause_key in new)
            name = _ais_name(connection, mmsi)
            vessel = f"{name} (MMSI {mmsi})" if name else f"MMSI {mmsi}"
            subject = "voyage" if voyage != VESSEL_SUBJECT else "vessel"
            draft = _Draft(
                cause_key=f"score:{_hash(threshold, mmsi, voyage, crossing)}",
                kind="score",
                title=f"{vessel}: {subject} risk score {total:g}",
                reason="; ".join(r.description for r in reasons),
                entity_id=next(iter(_vessel_entities(connection, [mmsi]).get(mmsi, [])), None),
                mmsi=mmsi,
                voyage_id=voyage or None,
                score=total,
                reasons=[
                    {
                        "indicator_id": r.indicator_id,
                        "description": r.description,
                        "weight": r.weight,
                    }
                    for r in reasons
                ],
            )
            keys = [r.cause_key for r in reasons]
            for row in connection.execute(
                select(tables.risk_evidence).where(_RE.cause_key.in_(keys))
            ).all():
                draft.add_evidence(row.kind, row.item_id, row.label, row.report_id, row.area_id)
            drafts.append(draft)
    return _store(ws, drafts)


def raise_for_behaviours(
    ws: Workspace, event_ids: Sequence[str], kinds: Sequence[str]
) -> list[int]:
    """An alert per listed behaviour event of a vessel that is on a watchlist."""
    if not event_ids or not kinds:
        return []
    frame = (
        ws.tracks.scan(EVENTS)
        .filter(
            pl.col("event_id").is_in([str(e) for e in event_ids])
            & pl.col("type").is_in(list(kinds))
        )
        .select("event_id", "type", "mmsi", "other_mmsi", "start", "parameters")
        .collect()
    )
    if frame.is_empty():
        return []
    drafts: list[_Draft] = []
    with ws.engine.connect() as connection:
        mmsis = set(frame["mmsi"].drop_nulls().to_list()) | set(
            frame["other_mmsi"].drop_nulls().to_list()
        )
        entities = _vessel_entities(connection, sorted(int(m) for m in mmsis))
        canonical = sorted({e for ids in entities.values() for e in ids})
        if not canonical:
            return []
        hits_by_entity: dict[str, list[Any]] = defaultdict(list)
        for hit in _hits(connection, _H.entity_id.in_(canonical) & _W.removed_at.is_(None)):
            hits_by_entity[hit.entity_id].append(hit)
        for event in frame.iter_rows(named=True):
            area_id = _area_of(event["parameters"])
            label = EVENT_LABELS.get(event["type"], event["type"])
            for mmsi in (event["mmsi"], event["other_mmsi"]):
                if mmsi is None:
                    continue
                for entity in entities.get(int(mmsi), []):
                    for hit in hits_by_entity.get(entity, []):
                        name = _ais_name(connection, int(mmsi))
                        vessel = f"{name} (MMSI {mmsi})" if name else f"MMSI {mmsi}"
                        draft = _Draft(
                            cause_key="behaviour:"
                            + _hash(event["event_id"], int(mmsi), hit.entry_id),
                            kind="behaviour",
                            title=f"{label}: {vessel}, on the watchlist",
                            reason=f"{label} at {event['start']:%Y-%m-%d %H:%M} UTC; "
                            f"watched because: {hit.entry_reason}",
                            entity_id=entity,
                            mmsi=int(mmsi),
                            entry_id=hit.entry_id,
                            event_id=str(event["event_id"]),
                            handling=hit.entry_handling,
                        )
                        draft.add_evidence("event", str(event["event_id"]), label, area_id=area_id)
                        _hit_evidence(connection, draft, hit, _Entry(hit.entry_id, hit.entry_kind))
                        drafts.append(draft)
    return _store(ws, drafts)


def raise_for_vessel(ws: Workspace, mmsi: int) -> list[int]:
    """Alerts for every listed behaviour the track store holds of one (newly watched) vessel."""
    frame = (
        ws.tracks.scan(EVENTS)
        .filter((pl.col("mmsi") == int(mmsi)) | (pl.col("other_mmsi") == int(mmsi)))
        .select("event_id")
        .collect()
    )
    events = [str(e) for e in frame["event_id"].to_list()]
    return raise_for_behaviours(ws, events, ws.settings.alert_behaviours)


def _area_of(parameters: str | None) -> str | None:
    if not parameters:
        return None
    try:
        value = json.loads(parameters).get("area_id")
    except (ValueError, AttributeError):
        return None
    return str(value) if value else None


__all__ = ["raise_for_behaviours", "raise_for_hits", "raise_for_scores", "raise_for_vessel"]

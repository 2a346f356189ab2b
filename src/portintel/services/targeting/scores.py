"""Risk scores: computed for a few vessels at a time, stored with their reasons, read in scope.

:func:`score_vessels` recomputes the named vessels only (the jobs of
:mod:`.jobs` name the vessels a change touched: never a full rescan);
:func:`rescore_all` walks every vessel of the registry, in batches, for
administrators (``portintel targeting rescore``) after the indicators
changed. A recomputation replaces the vessel's subjects, reasons and
evidence in one transaction and keeps ``fired_at`` of every cause it finds
again, so "when it fired" means the first time.

Reads (:func:`vessel_risk`, :func:`list_risk`) show each reader the reasons
whose evidence they may read, and a score that is their sum
(:mod:`.visibility`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from portintel.adapters.database import tables
from portintel.adapters.indicator_files import load_indicator_set
from portintel.domain.actors import Actor, Role
from portintel.domain.targeting import (
    VESSEL_SUBJECT,
    IndicatorSet,
    SubjectScore,
    score_of,
    score_vessel,
)
from portintel.domain.targeting.scoring import VOYAGE_LEAD
from portintel.errors import NotFound, PermissionDenied
from portintel.services.targeting.facts import gather_facts
from portintel.services.targeting.visibility import visible_reason
from portintel.services.workspace import Workspace

BATCH = 500
"""Vessels gathered and written per transaction."""
LOOKBACK = timedelta(days=7)
"""Events before a window still read (a port visit a gap was followed by, a voyage's start)."""

_R = tables.risk_reasons.c
_E = tables.risk_evidence.c
_SUBJ = tables.risk_subjects.c


@dataclass(frozen=True, slots=True)
class ScoringSummary:
    vessels: int = 0
    subjects: int = 0
    reasons: int = 0
    new_causes: tuple[str, ...] = ()
    """Cause keys that fired for the first time in this run (what alerts will raise on)."""


def _existing_fired(connection: Connection, mmsis: Sequence[int]) -> dict[str, datetime]:
    rows = connection.execute(
        select(_R.cause_key, _R.fired_at).where(_R.mmsi.in_(list(mmsis)))
    ).all()
    return {row.cause_key: row.fired_at for row in rows}


def _store(
    connection: Connection,
    mmsis: Sequence[int],
    scored: dict[int, list[SubjectScore]],
    indicators: IndicatorSet,
    now: datetime,
) -> tuple[int, int, list[str]]:
    fired = _existing_fired(connection, mmsis)
    keys = select(_R.cause_key).where(_R.mmsi.in_(list(mmsis))).scalar_subquery()
    connection.execute(delete(tables.risk_evidence).where(_E.cause_key.in_(keys)))
    connection.execute(delete(tables.risk_reasons).where(_R.mmsi.in_(list(mmsis))))
    connection.execute(delete(tables.risk_subjects).where(_SUBJ.mmsi.in_(list(mmsis))))
    subjects: list[dict[str, Any]] = []
    reasons: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    new: list[str] = []
    seen: set[str] = set()
    for mmsi, scores in scored.items():
        for subject in scores:
            voyage = subject.voyage
            voyage_id = voyage.id if voyage else VESSEL_SUBJECT
            subjects.append(
                {
                    "mmsi": mmsi,
                    "voyage_id": voyage_id,
                    "window_start": subject.window.start,
                    "window_end": subject.window.end,
                    "departed_at": voyage.departed_at if voyage else None,
                    "arrived_at": voyage.arrived_at if voyage else None,
                    "from_port": voyage.from_port[:200] if voyage else None,
                    "to_port": (voyage.to_port or "")[:200] or None if voyage else None,
                    "indicator_version": indicators.version,
                    "computed_at": now,
                }
            )
            for reason in subject.reasons:
                if reason.cause_key in seen:
                    continue
                seen.add(reason.cause_key)
                first = fired.get(reason.cause_key)
                if first is None:
                    new.append(reason.cause_key)
                reasons.append(
                    {
                        "cause_key": reason.cause_key,
                        "mmsi": mmsi,
                        "voyage_id": voyage_id,
                        "indicator_id": reason.indicator_id,
                        "indicator_version": indicators.version,
                        "description": reason.description,
                        "weight": reason.weight,
                        "observed_at": reason.observed_at,
                        "fired_at": first or now,
                    }
                )
                kept = {(item.kind, item.id[:200]): item for item in reversed(reason.evidence)}
                evidence.extend(
                    {
                        "cause_key": reason.cause_key,
                        "kind": kind,
                        "item_id": item_id,
                        "report_id": item.report_id,
                        "label": item.label,
                        "area_id": item.area_id,
                    }
                    for (kind, item_id), item in sorted(kept.items())
                )
    if subjects:
        connection.execute(insert(tables.risk_subjects), subjects)
    if reasons:
        connection.execute(insert(tables.risk_reasons), reasons)
    if evidence:
        connection.execute(insert(tables.risk_evidence), evidence)
    return len(subjects), len(reasons), new


def score_vessels(
    ws: Workspace,
    mmsis: Iterable[int],
    *,
    indicators: IndicatorSet | None = None,
    now: datetime | None = None,
) -> ScoringSummary:
    """Recompute the scores of ``mmsis`` (vessels the registry knows; others are skipped)."""
    chosen = sorted({int(m) for m in mmsis})
    if not chosen:
        return ScoringSummary()
    indicators = indicators or load_indicator_set(ws.settings.data_dir)
    now = now or ws.clock()
    since = now - timedelta(days=indicators.vessel_window_days)
    vessels = subjects = reasons = 0
    new: list[str] = []
    for start in range(0, len(chosen), BATCH):
        batch = chosen[start : start + BATCH]
        facts = gather_facts(ws, batch, since=since, until=now, lookback=LOOKBACK + VOYAGE_LEAD)
        scored = {f.mmsi: score_vessel(indicators, f, now) for f in facts}
        with ws.engine.begin() as connection:
            counted = _store(connection, batch, scored, indicators, now)
        vessels += len(facts)
        subjects += counted[0]
        reasons += counted[1]
        new.extend(counted[2])
    return ScoringSummary(vessels, subjects, reasons, tuple(new))


def registry_mmsis(ws: Workspace) -> list[int]:
    """Every MMSI the vessel registry knows (from AIS)."""
    s = tables.statements.c
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(s.value)
            .distinct()
            .where(s.schema == "Vessel", s.prop == "mmsi", s.origin.like("ais:%"))
        ).all()
    return sorted(int(row.value) for row in rows if str(row.value).isdigit())


def rescore_all(
    ws: Workspace,
    actor: Actor,
    *,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> ScoringSummary:
    """Recompute every vessel (administrators and supervisors: after the indicators changed)."""
    if not (actor.is_system or actor.has(Role.ADMINISTRATOR) or actor.has(Role.SUPERVISOR)):
        raise PermissionDenied(
            "a full recomputation of risk scores is for administrators and supervisors",
            hint="scores are kept up to date by jobs as data arrives",
        )
    mmsis = registry_mmsis(ws)
    indicators = load_indicator_set(ws.settings.data_dir)
    now = now or ws.clock()
    total = ScoringSummary()
    for start in range(0, len(mmsis), BATCH):
        done = score_vessels(ws, mmsis[start : start + BATCH], indicators=indicators, now=now)
        total = ScoringSummary(
            total.vessels + done.vessels,
            total.subjects + done.subjects,
            total.reasons + done.reasons,
            total.new_causes + done.new_causes,
        )
        if progress is not None:
            progress(min(start + BATCH, len(mmsis)), len(mmsis))
    return total


# -- reads -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvidenceView:
    kind: str
    id: str
    label: str
    report_id: str | None


@dataclass(frozen=True, slots=True)
class ReasonView:
    cause_key: str
    indicator_id: str
    description: str
    weight: float
    observed_at: datetime | None
    fired_at: datetime
    indicator_version: str
    evidence: tuple[EvidenceView, ...]


@dataclass(frozen=True, slots=True)
class SubjectView:
    """A vessel's own score (``voyage_id`` empty) or one voyage's, as one reader sees it."""

    mmsi: int
    voyage_id: str
    window_start: datetime
    window_end: datetime
    departed_at: datetime | None
    arrived_at: datetime | None
    from_port: str | None
    to_port: str | None
    computed_at: datetime
    reasons: tuple[ReasonView, ...] = field(default_factory=tuple)

    @property
    def score(self) -> float:
        return score_of(r.weight for r in self.reasons)

    @property
    def is_voyage(self) -> bool:
        return self.voyage_id != VESSEL_SUBJECT


@dataclass(frozen=True, slots=True)
class VesselRisk:
    mmsi: int
    subjects: tuple[SubjectView, ...]

    @property
    def vessel(self) -> SubjectView | None:
        return next((s for s in self.subjects if not s.is_voyage), None)

    @property
    def voyages(self) -> tuple[SubjectView, ...]:
        return tuple(s for s in self.subjects if s.is_voyage)

    @property
    def score(self) -> float:
        return self.vessel.score if self.vessel else 0.0


def _require_reader(actor: Actor) -> None:
    from portintel.services.maritime import require_picture

    require_picture(actor)


@dataclass(frozen=True, slots=True)
class _ReasonRow:
    mmsi: int
    voyage_id: str
    reason: ReasonView


def _reasons(connection: Connection, actor: Actor, mmsis: Sequence[int]) -> list[_ReasonRow]:
    rows = connection.execute(
        select(tables.risk_reasons)
        .where(_R.mmsi.in_(list(mmsis)), visible_reason(actor))
        .order_by(_R.mmsi, _R.voyage_id, _R.weight.desc(), _R.indicator_id)
    ).all()
    keys = [row.cause_key for row in rows]
    evidence: dict[str, list[EvidenceView]] = defaultdict(list)
    for start in range(0, len(keys), 500):
        for row in connection.execute(
            select(tables.risk_evidence)
            .where(_E.cause_key.in_(keys[start : start + 500]))
            .order_by(_E.cause_key, _E.kind, _E.item_id)
        ).all():
            evidence[row.cause_key].append(
                EvidenceView(row.kind, row.item_id, row.label, row.report_id)
            )
    return [
        _ReasonRow(
            row.mmsi,
            row.voyage_id,
            ReasonView(
                cause_key=row.cause_key,
                indicator_id=row.indicator_id,
                description=row.description,
                weight=row.weight,
                observed_at=row.observed_at,
                fired_at=row.fired_at,
                indicator_version=row.indicator_version,
                evidence=tuple(evidence.get(row.cause_key, ())),
            ),
        )
        for row in rows
    ]


def vessel_risk(ws: Workspace, actor: Actor, mmsi: int) -> VesselRisk:
    """The vessel's score and its voyages' scores, with the reasons ``actor`` may see."""
    _require_reader(actor)
    with ws.engine.connect() as connection:
        subjects = connection.execute(
            select(tables.risk_subjects)
            .where(_SUBJ.mmsi == int(mmsi))
            .order_by(_SUBJ.voyage_id != VESSEL_SUBJECT, _SUBJ.departed_at.desc())
        ).all()
        if not subjects:
            raise NotFound(
                f"no risk score for vessel {mmsi}",
                hint="scores are computed when events or intelligence arrive; "
                "an administrator may run `portintel targeting rescore`",
            )
        rows = _reasons(connection, actor, [int(mmsi)])
    by_subject: dict[str, list[ReasonView]] = defaultdict(list)
    for row in rows:
        by_subject[row.voyage_id].append(row.reason)
    return VesselRisk(
        int(mmsi),
        tuple(
            SubjectView(
                mmsi=s.mmsi,
                voyage_id=s.voyage_id,
                window_start=s.window_start,
                window_end=s.window_end,
                departed_at=s.departed_at,
                arrived_at=s.arrived_at,
                from_port=s.from_port,
                to_port=s.to_port,
                computed_at=s.computed_at,
                reasons=tuple(by_subject.get(s.voyage_id, ())),
            )
            for s in subjects
        ),
    )


@dataclass(frozen=True, slots=True)
class RiskLine:
    """One vessel of a ranked list: its score as the reader sees it."""

    mmsi: int
    score: float
    reasons: int
    computed_at: datetime
    name: str | None = None


def list_risk(
    ws: Workspace,
    actor: Actor,
    *,
    mmsi: int | None = None,
    min_score: float = 0.0,
    limit: int = 100,
    offset: int = 0,
) -> list[RiskLine]:
    """Vessels ranked by their own score (sum of the reasons ``actor`` may see), highest first."""
    _require_reader(actor)
    visible = (
        select(
            _R.mmsi,
            func.sum(_R.weight).label("score"),
            func.count().label("reasons"),
        )
        .where(_R.voyage_id == VESSEL_SUBJECT, visible_reason(actor))
        .group_by(_R.mmsi)
        .subquery()
    )
    query = (
        select(
            _SUBJ.mmsi,
            _SUBJ.computed_at,
            func.coalesce(visible.c.score, 0.0).label("score"),
            func.coalesce(visible.c.reasons, 0).label("reasons"),
        )
        .select_from(tables.risk_subjects.outerjoin(visible, visible.c.mmsi == _SUBJ.mmsi))
        .where(_SUBJ.voyage_id == VESSEL_SUBJECT)
    )
    if mmsi is not None:
        query = query.where(_SUBJ.mmsi == int(mmsi))
    if min_score > 0:
        query = query.where(func.coalesce(visible.c.score, 0.0) >= min_score)
    query = query.order_by(func.coalesce(visible.c.score, 0.0).desc(), _SUBJ.mmsi)
    query = query.limit(max(1, min(limit, 1000))).offset(max(0, offset))
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        RiskLine(int(row.mmsi), round(float(row.score), 3), int(row.reasons), row.computed_at)
        for row in rows
    ]


__all__ = [
    "EvidenceView",
    "ReasonView",
    "RiskLine",
    "ScoringSummary",
    "SubjectView",
    "VesselRisk",
    "list_risk",
    "registry_mmsis",
    "rescore_all",
    "score_vessels",
    "vessel_risk",
]

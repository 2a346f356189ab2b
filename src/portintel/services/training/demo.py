"""Build the training scenario into a workspace through the ordinary services.

The demo is not a side door: accounts go through ``admin.create_user``,
sources through ``intake.create_source``, reports through
``intake.create_report`` and the lifecycle steps, so what the demo shows is
exactly what officers would produce. Only incidents, which have no service
of their own yet, are inserted here in bulk.

Building is idempotent and resumable: every account, source, report and
incident has a deterministic key and is skipped when it exists, so running
``portintel demo`` twice (or after an interruption) duplicates nothing. A
data directory that holds real (non-demo) users is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from followthemoney import model
from sqlalchemy import Connection, func, insert, select

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_handling
from portintel.domain.actors import SYSTEM, Actor
from portintel.domain.reports import VERBATIM_ID, FactDraft, ReportDraft
from portintel.errors import ConfigurationError, Conflict, InvalidInput
from portintel.scenario import (
    AGENCIES,
    SOURCES,
    USERS,
    DemoUser,
    Fact,
    Incident,
    Report,
    Source,
    iter_report_batches,
    report_key,
    scenario_cast,
)
from portintel.scenario.generator import PERIOD_DAYS, PERIOD_START
from portintel.services import admin, intake
from portintel.services.collation import refresh_candidates, stored_mapping
from portintel.services.training.demo_truth import TRUTH_FILE, demo_truth, write_truth
from portintel.services.workspace import Workspace

Progress = Callable[[int, int], None]

STABLE_PREFIXES = ("vessel-", "org-")
"""Scenario keys of entities identified by registries: one entity across the reports
whose authors may read it (others start their own, for collation to judge)."""

ANALYST_AGENCY = "immigration"
"""Restrictive reports are releasable to the analysts' agency so the demo can be analysed."""


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo login, printed on purpose: demo workspaces only."""

    username: str
    password: str
    roles: tuple[str, ...]
    agency: str


@dataclass(frozen=True, slots=True)
class DemoSummary:
    seed: int
    reports: int
    reports_added: int
    entities: int
    statements: int
    incidents: int
    sources: int
    accounts: tuple[DemoAccount, ...]
    example_vessel: str | None = None
    """The vessel entity seen by the most reports: a good first ``entity show``."""
    candidate_pairs: int = 0
    """Pairs cross-referencing kept (merged by a rule, or queued for review)."""
    persons_written: int = 0
    """Person entities the reports wrote, before collation merged any."""
    persons: int = 0
    """Person entities after the automatic merges."""


class ScenarioClock:
    """The workspace clock during a build: the scenario's time, one second per call.

    Reports, events and audit entries then carry the dates of the case
    (September 2025 to February 2026) instead of the moment of the build.
    """

    def __init__(self, start: datetime) -> None:
        self.now = start

    def set(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _refuse_foreign_workspace(ws: Workspace) -> None:
    demo_names = {user.username for user in USERS}
    with ws.engine.connect() as connection:
        names = set(connection.execute(select(tables.users.c.username)).scalars())
    foreign = sorted(names - demo_names)
    if foreign:
        raise Conflict(
            f"{ws.settings.data_dir} holds a workspace with real users "
            f"({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''})",
            hint="build the demo into a fresh directory: portintel --data-dir DIR demo",
        )


def _refuse_another_scenario(ws: Workspace, seed: int, first: Report) -> None:
    """A data directory holds one demo: the same seed and size can be resumed, nothing else."""
    columns = tables.reports.c
    with ws.engine.connect() as connection:
        other = connection.execute(
            select(columns.id).where(columns.id.not_like(f"R-D{seed}-%")).limit(1)
        ).scalar()
        stored = connection.execute(
            select(columns.title, columns.occurred_at).where(columns.id == first.key)
        ).first()
    if other is not None:
        raise Conflict(
            f"{ws.settings.data_dir} holds other reports ({other}): a demo of another seed "
            "or real intelligence",
            hint="build the demo into a fresh directory: portintel --data-dir DIR demo",
        )
    if stored is not None and (
        stored.title != first.title or stored.occurred_at != first.occurred_at
    ):
        raise Conflict(
            f"{ws.settings.data_dir} holds the demo of seed {seed} built with another "
            "number of reports",
            hint="use the same --reports as before, or a fresh --data-dir",
        )


def _check_agencies(ws: Workspace) -> None:
    missing = [name for name in AGENCIES if name not in ws.settings.agencies]
    if missing:
        raise ConfigurationError(
            f"the demo needs the agencies {', '.join(missing)}, which the settings do not list",
            hint="use the default agencies for a demo data directory",
        )


def _ensure_users(ws: Workspace) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    for user in USERS:
        with ws.engine.connect() as connection:
            user_id = connection.execute(
                select(tables.users.c.id).where(tables.users.c.username == user.username)
            ).scalar()
        if user_id is None:
            user_id = admin.create_user(
                ws,
                SYSTEM,
                username=user.username,
                display_name=user.display_name,
                agency=user.agency,
                roles=user.roles,
                password=user.password,
            ).id
        actors[user.username] = admin.get_actor(ws, user_id)
    return actors


def _ensure_sources(ws: Workspace, handler: Actor) -> dict[str, str]:
    ids: dict[str, str] = {}
    for source in SOURCES:
        with ws.engine.connect() as connection:
            existing = connection.execute(
                select(tables.sources.c.id).where(tables.sources.c.reference == source.reference)
            ).scalar()
        ids[source.key] = existing or intake.create_source(
            ws,
            handler,
            kind=source.kind,
            reference=source.reference,
            reliability=source.reliability,
            grading_scheme=source.grading_scheme,
            protected_identity=source.protected_identity,
            notes=source.notes,
            handler_id=handler.user_id,
        )
    return ids


def _fact_drafts(
    facts: Iterable[Fact], known: dict[str, str], readable: Collection[str]
) -> tuple[FactDraft, ...]:
    """The report's facts, where registry entities seen before, and readable by the
    author, are named by their entity id; others stay local to the report."""
    named = {key: VERBATIM_ID + entity for key, entity in known.items() if entity in readable}
    if not named:
        return tuple(facts)
    return tuple(
        replace(
            fact,
            entity_key=named.get(fact.entity_key, fact.entity_key),
            value=named.get(fact.value, fact.value),
        )
        for fact in facts
    )


def _readable_known(
    ws: Workspace, author: Actor, report: Report, known: dict[str, str]
) -> frozenset[str]:
    """The known entities of the report's registry keys that its author may read."""
    ids = {known[f.entity_key] for f in report.facts if f.entity_key in known}
    if not ids:
        return frozenset()
    with ws.engine.connect() as connection:
        return intake.readable_references(connection, author, ids)


def _remember_entities(ws: Workspace, report: Report, known: dict[str, str]) -> None:
    """Learn the entity ids the report's new registry entities got, from its statements.

    Ids are opaque, so they are read back: the entity of the report whose
    statements carry every value the scenario gave the key.
    """
    keys = sorted(
        {f.entity_key for f in report.facts if f.entity_key.startswith(STABLE_PREFIXES)}
        - known.keys()
    )
    if not keys:
        return
    s = tables.statements.c
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(s.entity_id, s.prop, s.value, s.original_value).where(s.origin == report.key)
        ).all()
    for key in keys:
        candidates: set[str] | None = None
        for fact in report.facts:
            raw = fact.value.strip()
            if fact.entity_key != key or not raw or _is_reference(fact):
                continue
            holders = {
                row.entity_id
                for row in rows
                if row.prop == fact.prop and raw in (row.value, row.original_value)
            }
            candidates = holders if candidates is None else candidates & holders
        if candidates:
            known[key] = min(candidates)


def _is_reference(fact: Fact) -> bool:
    schema = model.get(fact.schema)
    prop = schema.get(fact.prop) if schema is not None else None
    return prop is not None and prop.type.name == "entity"


def _draft(
    report: Report, source: Source, source_id: str, facts: tuple[FactDraft, ...]
) -> ReportDraft:
    handling = load_handling().parse(report.handling, report.handling_conditions)
    same_grade = (
        source.grading_scheme == report.grading_scheme and source.reliability == report.reliability
    )
    return ReportDraft(
        title=report.title,
        text=report.text,
        credibility=report.credibility,
        handling=report.handling,
        reliability=None if same_grade else report.reliability,
        grading_scheme=report.grading_scheme,
        handling_conditions=report.handling_conditions,
        releasable_to=(ANALYST_AGENCY,) if handling.restrictive else (),
        occurred_at=report.occurred_at,
        place=report.place.name,
        latitude=report.place.latitude,
        longitude=report.place.longitude,
        source_id=source_id,
        category=report.category,
        origin_node=report.origin_node,
        facts=facts,
        report_id=report.key,
    )


def _lifecycle(report: Report) -> tuple[tuple[str, str, timedelta], ...]:
    """The steps (action, status after it, delay after filing) to the report's status."""
    submit = ("submit", "submitted", timedelta(0))
    evaluate = ("evaluate", "evaluated", timedelta(days=1))
    steps = {
        "draft": (),
        "submitted": (submit,),
        "evaluated": (submit, evaluate),
        "disseminated": (submit, evaluate, ("disseminate", "disseminated", timedelta(days=2))),
        # a public tip that led nowhere is archived without evaluation
        "archived": (submit,) + (() if report.kind == "tip" else (evaluate,)),
    }[report.status]
    if report.status == "archived":
        steps += (("archive", "archived", timedelta(days=30)),)
    return steps


def _advance(
    ws: Workspace,
    clock: ScenarioClock,
    report: Report,
    status: str,
    author: Actor,
    supervisor: Actor,
) -> None:
    """Walk the report from ``status`` to its scenario status (resumes an interrupted build)."""
    steps = _lifecycle(report)
    reached = ["draft", *(after for _, after, _ in steps)]
    if status not in reached:
        return
    for action, _after, delay in steps[reached.index(status) :]:
        clock.set(report.reported_at + delay)
        if action == "submit":
            intake.submit_report(ws, author, report.key)
        elif action == "evaluate":
            intake.evaluate_report(ws, supervisor, report.key)
        elif action == "disseminate":
            intake.mark_disseminated(ws, supervisor, report.key)
        else:
            intake.archive_report(
                ws, supervisor, report.key, note="No further action: filed for the record."
            )


def _file(
    ws: Workspace,
    clock: ScenarioClock,
    report: Report,
    draft: ReportDraft,
    author: Actor,
    supervisor: Actor,
) -> None:
    """File the report (submitted at once unless it stays a draft) and walk it on."""
    clock.set(report.reported_at)
    submit = report.status != "draft"
    intake.create_report(ws, author, draft, submit=submit)
    _advance(ws, clock, report, "submitted" if submit else "draft", author, supervisor)


def _incident_row(incident: Incident, known: dict[str, str]) -> dict[str, object]:
    return {
        "id": incident.key,
        "report_id": incident.report_key,
        "occurred_at": incident.occurred_at,
        "place": incident.place.name,
        "latitude": incident.place.latitude,
        "longitude": incident.place.longitude,
        "kind": incident.kind,
        "vessel_entity_id": known.get(incident.vessel_key) if incident.vessel_key else None,
        "migrants": incident.migrants,
        "minors": incident.minors,
        "deaths": incident.deaths,
        "missing": incident.missing,
        "nationalities": dict(incident.nationalities),
        "route": incident.route,
        "departure": incident.departure,
        "destination": incident.destination,
        "fee_usd": incident.fee_usd,
        "created_at": incident.occurred_at,
    }


def _insert_incidents(
    connection: Connection, incidents: list[Incident], known: dict[str, str]
) -> None:
    if not incidents:
        return
    column = tables.incidents.c.id
    present = set(
        connection.execute(select(column).where(column.in_([i.key for i in incidents]))).scalars()
    )
    rows = [_incident_row(i, known) for i in incidents if i.key not in present]
    if rows:
        connection.execute(insert(tables.incidents), rows)


def _existing_reports(ws: Workspace, keys: list[str]) -> dict[str, str]:
    """Report id -> status of the reports of ``keys`` already stored."""
    columns = tables.reports.c
    with ws.engine.connect() as connection:
        rows = connection.execute(select(columns.id, columns.status).where(columns.id.in_(keys)))
        return {row.id: row.status for row in rows}


def _summary(ws: Workspace, seed: int, total: int, added: int) -> DemoSummary:
    with ws.engine.connect() as connection:
        report_count = connection.execute(
            select(func.count()).where(tables.reports.c.id.like(f"R-D{seed}-%"))
        ).scalar_one()
        statements = connection.execute(
            select(func.count()).select_from(tables.statements)
        ).scalar_one()
        entities = connection.execute(
            select(func.count(tables.statements.c.canonical_id.distinct()))
        ).scalar_one()
        incidents = connection.execute(
            select(func.count()).select_from(tables.incidents)
        ).scalar_one()
        columns = tables.statements.c
        example_vessel = connection.execute(
            select(columns.canonical_id)
            .where(columns.schema == "Vessel")
            .group_by(columns.canonical_id)
            .order_by(func.count(columns.origin.distinct()).desc(), columns.canonical_id)
            .limit(1)
        ).scalar()
        persons = set(
            connection.execute(
                select(columns.entity_id).where(columns.schema == "Person").distinct()
            ).scalars()
        )
        merged = stored_mapping(connection)
    return DemoSummary(
        persons_written=len(persons),
        persons=len({merged.get(person, person) for person in persons}),
        example_vessel=example_vessel,
        seed=seed,
        reports=report_count,
        reports_added=added,
        entities=entities,
        statements=statements,
        incidents=incidents,
        sources=len(SOURCES),
        accounts=demo_accounts(),
    )


def demo_accounts(users: Iterable[DemoUser] = USERS) -> tuple[DemoAccount, ...]:
    """The demo logins, one per role (passwords deterministic and for demos only)."""
    return tuple(DemoAccount(u.username, u.password, u.roles, u.agency) for u in users)


def build_demo(
    ws: Workspace,
    *,
    seed: int = 7,
    reports: int = 240,
    progress: Progress | None = None,
) -> DemoSummary:
    """Build (or complete) the demo workspace of ``seed`` with ``reports`` reports.

    ``progress(done, total)`` is called after each report, for the face's
    progress bar. Refuses a data directory that holds real users.
    """
    if reports < 1:
        raise InvalidInput(f"the demo needs at least one report, not {reports}", field="reports")
    _check_agencies(ws)
    _refuse_foreign_workspace(ws)
    cast = scenario_cast(seed, reports)
    first = next(iter_report_batches(seed, reports, batch_size=1, cast=cast))[0]
    _refuse_another_scenario(ws, seed, first)
    original_clock = ws.clock
    clock = ScenarioClock(PERIOD_START - timedelta(days=7))
    ws.clock = clock
    try:
        admin.ensure_agencies(ws)
        actors = _ensure_users(ws)
        source_ids = _ensure_sources(ws, actors["demo-handler"])
        by_key = {source.key: source for source in SOURCES}
        supervisor = actors["demo-supervisor"]
        known: dict[str, str] = {}
        done = added = 0
        for batch in iter_report_batches(seed, reports, batch_size=100, cast=cast):
            present = _existing_reports(ws, [report.key for report in batch])
            for report in batch:
                author = actors[report.author]
                if report.key not in present:
                    readable = _readable_known(ws, author, report, known)
                    facts = _fact_drafts(report.facts, known, readable)
                    source = by_key[report.source_key]
                    draft = _draft(report, source, source_ids[source.key], facts)
                    _file(ws, clock, report, draft, author, supervisor)
                    added += 1
                elif present[report.key] != report.status:
                    _advance(ws, clock, report, present[report.key], author, supervisor)
                _remember_entities(ws, report, known)
                done += 1
                if progress is not None:
                    progress(done, reports)
            with ws.engine.begin() as connection:
                _insert_incidents(
                    connection, [r.incident for r in batch if r.incident is not None], known
                )
        # collation at work: the automatic rules' merges applied, the rest queued for review
        clock.set(PERIOD_START + timedelta(days=PERIOD_DAYS))
        review = refresh_candidates(ws)
    finally:
        ws.clock = original_clock
    truth = demo_truth(ws, seed, reports)
    ws.settings.data_dir.mkdir(parents=True, exist_ok=True)
    write_truth(ws.settings.data_dir / TRUTH_FILE, truth)
    return replace(_summary(ws, seed, reports, added), candidate_pairs=review)


__all__ = [
    "DemoAccount",
    "DemoSummary",
    "Progress",
    "ScenarioClock",
    "build_demo",
    "demo_accounts",
    "report_key",
]

"""Filing one report inside the caller's transaction: checks, row, history, statements.

Kept apart from :mod:`portintel.services.intake.reports` so that importers can file
many reports in one transaction with exactly the checks a single report gets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from portintel.adapters.database import tables
from portintel.adapters.database.fulltext import write_report_words
from portintel.adapters.vocabularies import load_grading_schemes, load_handling
from portintel.domain.actors import Actor
from portintel.domain.report_fields import filing_fields
from portintel.domain.reports import FactDraft, ReportDraft, ReportStatus
from portintel.errors import Conflict, InvalidInput
from portintel.services import audit
from portintel.services.intake.entity_scope import writer_scope
from portintel.services.intake.extraction import extract_facts
from portintel.services.intake.fact_statements import make_fact_statements
from portintel.services.intake.sources import source_grading
from portintel.services.intake.statements import write_statements
from portintel.settings import Settings


def check_agencies(connection: Connection, agency_ids: Iterable[str]) -> list[str]:
    """The agency ids, each checked to exist (InvalidInput naming the unknown one)."""
    wanted = [agency.strip() for agency in agency_ids if agency.strip()]
    if not wanted:
        return []
    known = set(connection.execute(select(tables.agencies.c.id)).scalars())
    for agency in wanted:
        if agency not in known:
            raise InvalidInput(
                f"unknown agency {agency!r} in releasable_to",
                field="releasable_to",
                hint=f"agencies are: {', '.join(sorted(known))}",
            )
    return sorted(set(wanted))


def write_releasable_to(connection: Connection, report_id: str, agency_ids: Iterable[str]) -> None:
    """Replace the agencies a restrictive report is releasable to (rule 4)."""
    released = tables.report_releasable_to
    connection.execute(delete(released).where(released.c.report_id == report_id))
    rows = [{"report_id": report_id, "agency_id": agency} for agency in sorted(set(agency_ids))]
    if rows:
        connection.execute(insert(released), rows)


def releasable_to_of(connection: Connection, report_id: str) -> tuple[str, ...]:
    """The agencies a report is releasable to, sorted."""
    released = tables.report_releasable_to.c
    return tuple(
        connection.execute(
            select(released.agency_id)
            .where(released.report_id == report_id)
            .order_by(released.agency_id)
        ).scalars()
    )


def resolve_grading(
    connection: Connection,
    scheme_id: str,
    reliability: str | None,
    credibility: str,
    source_id: str | None,
) -> dict[str, Any]:
    """Grading columns of a report: reliability carried over from the source unless given."""
    source = source_grading(connection, source_id) if source_id else None
    if reliability is None:
        if source is None:
            raise InvalidInput("a report needs a reliability grade", field="reliability")
        if source.grading_scheme != scheme_id:
            raise InvalidInput(
                f"source {source.reference} is graded in {source.grading_scheme}, "
                f"the report in {scheme_id}",
                field="reliability",
                hint="give the report's reliability explicitly",
            )
        reliability = source.reliability
    load_grading_schemes().get(scheme_id).validate(reliability, credibility)
    overridden = source is not None and (
        source.grading_scheme != scheme_id or source.reliability != reliability
    )
    return {
        "grading_scheme": scheme_id,
        "reliability": reliability,
        "credibility": credibility,
        "reliability_overridden": overridden,
    }


def _checked_facts(
    facts: Sequence[FactDraft], scheme_id: str, conditions: str | None
) -> list[FactDraft]:
    """Per-fact overrides validated and normalised (handling as ``vocabulary:code``)."""
    scheme = load_grading_schemes().get(scheme_id)
    handling = load_handling()
    checked = []
    for fact in facts:
        if fact.reliability is not None:
            scheme.reliability_grade(fact.reliability)
        if fact.credibility is not None:
            scheme.credibility_grade(fact.credibility)
        if fact.handling is not None:
            try:
                code = handling.parse(fact.handling, None)
            except InvalidInput:
                if not conditions:
                    raise  # e.g. 3x5x2 C on a fact of a report that states no conditions
                code = handling.parse(fact.handling, conditions)  # the report's conditions
            fact = replace(fact, handling=str(code))
        checked.append(fact)
    return checked


def file_report(
    connection: Connection,
    settings: Settings,
    actor: Actor,
    draft: ReportDraft,
    *,
    report_id: str,
    now: datetime,
) -> int:
    """Insert the report, its creation event and its statements; returns the statement count.

    Raises InvalidInput naming the field for a bad grade, handling code,
    source, agency, entity type or property; Conflict if the id is taken;
    NotFound for a named entity that is missing or that the author may not
    read (the same refusal for both: see :mod:`~portintel.services.intake.entity_scope`).
    Nothing is written before every check has passed.
    """
    if actor.is_system:
        raise InvalidInput("a report needs a user as its author", field="author")
    author_id = actor.user_id
    taken = connection.execute(
        select(tables.reports.c.id).where(tables.reports.c.id == report_id)
    ).first()
    if taken is not None:
        raise Conflict(f"report {report_id} exists already")
    if draft.source_id:
        source = source_grading(connection, draft.source_id)
        if not source.active:
            raise InvalidInput(f"source {source.reference} is retired", field="source_id")
        default_scheme = source.grading_scheme if draft.reliability is None else None
    else:
        default_scheme = None
    scheme_id = draft.grading_scheme or default_scheme or settings.grading_scheme
    grading = resolve_grading(
        connection, scheme_id, draft.reliability, draft.credibility, draft.source_id
    )
    vocabularies = load_handling()
    code = vocabularies.parse(draft.handling, draft.handling_conditions)
    releasable = check_agencies(connection, draft.releasable_to)
    facts = list(draft.facts)
    if draft.extract:
        facts.extend(extract_facts(draft.text, region=settings.country))
    facts = _checked_facts(facts, scheme_id, code.conditions)
    # in this transaction: the entities the facts reach are those the author may read
    scope = writer_scope(connection, actor, facts, region=settings.country)
    records = make_fact_statements(
        facts,
        origin=report_id,
        dataset=settings.node_id,
        seen_at=draft.occurred_at or now,
        region=settings.country,
        grading_scheme=scheme_id,
        readable=scope.readable,
        namesakes=scope.namesakes,
    )
    # the draft's stored fields by name, then what filing decides or normalises
    row: dict[str, Any] = {
        field.name: getattr(draft, field.name) for field in filing_fields() if field.stored
    }
    row.update(
        id=report_id,
        title=draft.title.strip(),
        author_id=author_id,
        agency_id=actor.agency_id,
        reported_at=now,
        handling=str(code),
        handling_conditions=code.conditions,
        restrictive=vocabularies.is_restrictive(code),
        tlp=vocabularies.default_tlp(code),
        status=ReportStatus.DRAFT.value,
        created_at=now,
        updated_at=now,
        **grading,
    )
    connection.execute(insert(tables.reports).values(row))
    write_report_words(connection, [(report_id, row["title"], row["text"])])  # full text (#12)
    write_releasable_to(connection, report_id, releasable)
    connection.execute(
        insert(tables.report_events).values(
            report_id=report_id,
            action="create",
            from_status=None,
            to_status=ReportStatus.DRAFT.value,
            actor_id=author_id,
            at=now,
        )
    )
    written = write_statements(connection, records)
    invalid = sum(1 for record in records if record.invalid_reason)
    audit.record(
        connection,
        actor,
        "report.create",
        object_type="report",
        object_id=report_id,
        detail={"statements": written, "invalid_values": invalid, "handling": str(code)},
        at=now,
    )
    return written

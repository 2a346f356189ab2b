"""Reports: file, read, list and move them through their lifecycle.

Every function takes the acting user and checks need-to-know
(:mod:`portintel.domain.access`) and the lifecycle table
(:mod:`portintel.domain.reports`) itself: a face cannot forget a check. A
report the actor may not read raises NotFound, exactly as one that does not
exist, so its existence does not leak. Every create, change, transition and
read is written to the audit log in the same transaction as the work.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, func, insert, select, update

from portintel.adapters.database import entity_summaries, tables
from portintel.adapters.database.scope import (
    readable_reports,
    statement_condition,
    statements_with_reports,
)
from portintel.adapters.database.search import escaped
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import ReaderScope, may_work_with_intelligence, reader_scope
from portintel.domain.actors import Actor
from portintel.domain.entities import entity_caption
from portintel.domain.grading import Grading
from portintel.domain.reports import (
    ReportAction,
    ReportDraft,
    ReportStatus,
    allowed_actions,
    check_transition,
)
from portintel.domain.workflow import Workflow
from portintel.errors import Conflict, NotFound, PermissionDenied
from portintel.services import audit, notices
from portintel.services.events import announce, transaction
from portintel.services.intake.attachments import add_attachment, read_attachment
from portintel.services.intake.filing import (
    check_agencies,
    file_report,
    releasable_to_of,
    resolve_grading,
    write_releasable_to,
)
from portintel.services.intake.views import (
    LISTED_FIELDS,
    AttachmentView,
    ReportEntity,
    ReportEventView,
    ReportSummary,
    ReportView,
    attachment_of,
    event_of,
    handling_definition,
    mapped_grading,
    report_values,
    summary_of,
)
from portintel.services.workspace import Workspace

__all__ = [
    "AttachmentView",
    "ReportEventView",
    "ReportFilters",
    "ReportSummary",
    "ReportView",
    "add_attachment",
    "archive_report",
    "count_reports",
    "create_report",
    "evaluate_report",
    "get_report",
    "list_reports",
    "mark_disseminated",
    "read_attachment",
    "report_exists",
    "return_report",
    "submit_report",
]


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """What to list; every field narrows. ``text`` matches title and text."""

    status: tuple[ReportStatus, ...] = ()
    agency_id: str | None = None
    author_id: str | None = None
    text: str | None = None
    handling: str | None = None
    reliability: str | None = None
    credibility: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    assigned_to: str | None = None
    """A user id: only the reports assigned to them for evaluation."""
    limit: int = 100
    offset: int = 0


def new_report_id(moment: datetime) -> str:
    return f"R-{moment:%Y%m%d}-{secrets.token_hex(4)}"


def create_report(ws: Workspace, actor: Actor, draft: ReportDraft, *, submit: bool = False) -> str:
    """File a new report (a draft, or submitted at once) and its statements; returns its id."""
    if not may_work_with_intelligence(actor):
        raise PermissionDenied(
            "only officers, analysts, supervisors and source handlers file reports"
        )
    now = ws.clock()
    report_id = draft.report_id or new_report_id(now)
    with transaction(ws) as connection:
        file_report(connection, ws.settings, actor, draft, report_id=report_id, now=now)
        if submit:
            apply_transition(
                connection,
                actor,
                report_id,
                ReportAction.SUBMIT,
                now=now,
                note=None,
                workflow=ws.workflow,
            )
    return report_id


def report_exists(ws: Workspace, report_id: str) -> bool:
    """Whether a report with this id is stored (importers use it to stay idempotent)."""
    with ws.engine.connect() as connection:
        found = connection.execute(
            select(tables.reports.c.id).where(tables.reports.c.id == report_id)
        ).first()
    return found is not None


def _readable_row(connection: Connection, scope: ReaderScope, report_id: str) -> Row[Any]:
    """The report's row if the reader may read it; NotFound exactly as for an absent one."""
    row = connection.execute(
        readable_reports(scope.reports).where(tables.reports.c.id == report_id)
    ).first()
    if row is None:
        raise NotFound(f"report {report_id} not found", hint="check the id, or ask its author")
    return row


@audit.audits_denial("report", id_parameter="report_id")
def get_report(ws: Workspace, actor: Actor, report_id: str) -> ReportView:
    """One report with its history and attachments; NotFound unless the actor may read it."""
    scope = reader_scope(actor)
    with ws.engine.begin() as connection:
        row = _readable_row(connection, scope, report_id)
        report_events, users = tables.report_events, tables.users
        events = connection.execute(
            select(report_events, users.c.display_name.label("actor_name"))
            .select_from(report_events.outerjoin(users, users.c.id == report_events.c.actor_id))
            .where(report_events.c.report_id == report_id)
            .order_by(report_events.c.id)
        ).all()
        files = connection.execute(
            select(tables.attachments)
            .where(tables.attachments.c.report_id == report_id)
            .order_by(tables.attachments.c.created_at, tables.attachments.c.id)
        ).all()
        statements = tables.statements.c
        # statements with their own restrictive handling are narrowed like their report
        entity_rows = connection.execute(
            select(
                statements.canonical_id,
                statements.schema,
                statements.prop,
                statements.value,
                statements.invalid_reason,
            )
            .select_from(statements_with_reports())
            .where(statements.origin == report_id, statement_condition(scope.statements))
            .order_by(statements.canonical_id, statements.prop, statements.value)
        ).all()
        releasable = releasable_to_of(connection, report_id)
        source = None
        if row.source_id:
            source = connection.execute(
                select(tables.sources.c.reference, tables.sources.c.kind).where(
                    tables.sources.c.id == row.source_id
                )
            ).first()
        audit.record(
            connection,
            actor,
            "report.read",
            object_type="report",
            object_id=report_id,
            at=ws.clock(),
        )
    entity_ids = sorted({entity.canonical_id for entity in entity_rows})
    grading = Grading(row.grading_scheme, row.reliability, row.credibility)
    return ReportView(
        **report_values(row),
        mapped_grading=mapped_grading(grading, ws.settings.grading_scheme),
        handling_definition=handling_definition(row.handling),
        releasable_to=releasable,
        source_reference=source.reference if source else None,
        source_kind=source.kind if source else None,
        events=tuple(event_of(event) for event in events),
        attachments=tuple(attachment_of(file) for file in files),
        entity_ids=tuple(entity_ids),
        entities=_report_entities(entity_rows),
        allowed_actions=allowed_actions(
            actor, ReportStatus(row.status), row.author_id, workflow=ws.workflow
        ),
    )


def _report_entities(rows: Sequence[Any]) -> tuple[ReportEntity, ...]:
    """Each named entity with the schema and caption this report's facts give it."""
    by_entity: dict[str, list[Any]] = {}
    for row in rows:
        by_entity.setdefault(row.canonical_id, []).append(row)
    found = []
    for entity_id, own in by_entity.items():
        schema, caption = entity_caption(
            entity_id,
            (row.schema for row in own),
            ((row.prop, row.value) for row in own if not row.invalid_reason),
        )
        found.append(ReportEntity(entity_id, schema, caption))
    return tuple(sorted(found, key=lambda entity: (entity.schema, entity.caption.casefold())))


def _filtered(query: Select[Any], filters: ReportFilters) -> Select[Any]:
    """``query`` narrowed by ``filters`` (page and order apart)."""
    columns = tables.reports.c
    if filters.status:
        query = query.where(columns.status.in_([s.value for s in filters.status]))
    if filters.agency_id:
        query = query.where(columns.agency_id == filters.agency_id)
    if filters.author_id:
        query = query.where(columns.author_id == filters.author_id)
    if filters.handling:
        query = query.where(columns.handling == filters.handling)
    if filters.reliability:
        query = query.where(columns.reliability == filters.reliability)
    if filters.credibility:
        query = query.where(columns.credibility == filters.credibility)
    if filters.since:
        query = query.where(columns.reported_at >= filters.since)
    if filters.until:
        query = query.where(columns.reported_at < filters.until)
    if filters.assigned_to:
        assignments = tables.report_assignments.c
        query = query.where(
            columns.id.in_(
                select(assignments.report_id).where(assignments.assignee_id == filters.assigned_to)
            )
        )
    if filters.text:
        # wildcards in the text are matched literally: "50%" is not "50 or more"
        pattern = f"%{escaped(filters.text.lower())}%"
        query = query.where(
            columns.title.ilike(pattern, escape="\\")
            | columns.text.ilike(pattern, escape="\\")
            | (columns.id == filters.text)
        )
    return query


_LISTED = tuple(tables.reports.c[field.name] for field in LISTED_FIELDS if field.stored)
"""A list selects only the columns it shows: a report's text, which can be long, stays in
the database."""


def list_reports(
    ws: Workspace, actor: Actor, filters: ReportFilters | None = None
) -> list[ReportSummary]:
    """The reports the actor may read that match ``filters``, newest first. Audited."""
    filters = filters or ReportFilters()
    columns = tables.reports.c
    query = (
        _filtered(readable_reports(reader_scope(actor).reports, *_LISTED), filters)
        .order_by(columns.reported_at.desc(), columns.id.desc())
        .limit(max(filters.limit, 0))
        .offset(max(filters.offset, 0))
    )
    with ws.engine.begin() as connection:
        page = connection.execute(query).all()
        audit.record(
            connection,
            actor,
            "report.list",
            object_type="report",
            detail={"filters": _describe(filters), "offset": filters.offset, "shown": len(page)},
            at=ws.clock(),
        )
    return [summary_of(row) for row in page]


def count_reports(ws: Workspace, actor: Actor, filters: ReportFilters | None = None) -> int:
    """How many reports the actor may read match ``filters`` (counts leak nothing either)."""
    query = _filtered(
        readable_reports(reader_scope(actor).reports, func.count()), filters or ReportFilters()
    )
    with ws.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _describe(filters: ReportFilters) -> dict[str, object]:
    described: dict[str, object] = {}
    for name in filters.__slots__:
        value = getattr(filters, name)
        if value in (None, (), 0) or name in ("limit", "offset"):
            continue
        described[name] = [str(v) for v in value] if isinstance(value, tuple) else str(value)
    return described


def apply_transition(
    connection: Connection,
    actor: Actor,
    report_id: str,
    action: ReportAction,
    *,
    now: datetime,
    note: str | None,
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    workflow: Workflow | None = None,
) -> ReportStatus:
    """Take the step ``action`` (as the node's ``workflow`` allows it), recorded and audited."""
    row = _readable_row(connection, reader_scope(actor), report_id)
    status = ReportStatus(row.status)
    if action is ReportAction.ARCHIVE and status is ReportStatus.DRAFT:
        action = ReportAction.WITHDRAW
    target = check_transition(actor, action, status, row.author_id, note, workflow=workflow)
    result = connection.execute(
        update(tables.reports)
        .where(tables.reports.c.id == report_id, tables.reports.c.status == status.value)
        .values(status=target.value, updated_at=now, **(changes or {}))
    )
    if result.rowcount != 1:
        raise Conflict(f"report {report_id} changed meanwhile", hint="reload it and try again")
    entity_summaries.refresh_reports(connection, [report_id])  # the entity list reads it there
    connection.execute(
        insert(tables.report_events).values(
            report_id=report_id,
            action=action.value,
            from_status=status.value,
            to_status=target.value,
            actor_id=None if actor.is_system else actor.user_id,
            at=now,
            note=note,
            detail=detail,
        )
    )
    audit.record(
        connection,
        actor,
        f"report.{action.value}",
        object_type="report",
        object_id=report_id,
        detail={"from": status.value, "to": target.value, **(detail or {})},
        at=now,
    )
    _announce_transition(connection, actor, report_id, action, now, changes or {})
    return target


def _announce_transition(
    connection: Connection,
    actor: Actor,
    report_id: str,
    action: ReportAction,
    now: datetime,
    changes: dict[str, Any],
) -> None:
    """Tell subscribers of a submission or evaluation, once the transaction commits."""
    if action is ReportAction.SUBMIT:
        announce(
            connection, "report_submitted", report_id=report_id, actor_id=actor.user_id, at=now
        )
    elif action is ReportAction.EVALUATE:
        announce(
            connection,
            "report_evaluated",
            report_id=report_id,
            actor_id=actor.user_id,
            at=now,
            changes=dict(changes),
        )


def _step(
    ws: Workspace, actor: Actor, report_id: str, action: ReportAction, note: str | None
) -> ReportStatus:
    with transaction(ws) as connection:
        return apply_transition(
            connection, actor, report_id, action, now=ws.clock(), note=note, workflow=ws.workflow
        )


def submit_report(
    ws: Workspace, actor: Actor, report_id: str, *, note: str | None = None
) -> ReportStatus:
    """The author hands in a draft for evaluation."""
    return _step(ws, actor, report_id, ReportAction.SUBMIT, note)


def mark_disseminated(
    ws: Workspace, actor: Actor, report_id: str, *, note: str | None = None
) -> ReportStatus:
    """A supervisor records that an evaluated report was disseminated."""
    return _step(ws, actor, report_id, ReportAction.DISSEMINATE, note)


def archive_report(
    ws: Workspace, actor: Actor, report_id: str, *, note: str | None = None
) -> ReportStatus:
    """A supervisor archives a report; an author archiving their own draft withdraws it."""
    return _step(ws, actor, report_id, ReportAction.ARCHIVE, note)


def return_report(
    ws: Workspace, actor: Actor, report_id: str, *, note: str | None = None
) -> ReportStatus:
    """A supervisor sends a submitted report back to its author with the reason.

    The report becomes a draft again: its author corrects it and submits it
    anew. The reason is kept in the report's history and shown to the author.
    """
    now = ws.clock()
    with transaction(ws) as connection:
        status = apply_transition(
            connection,
            actor,
            report_id,
            ReportAction.RETURN,
            now=now,
            note=note,
            workflow=ws.workflow,
        )
        row = connection.execute(
            select(tables.reports.c.author_id, tables.reports.c.title).where(
                tables.reports.c.id == report_id
            )
        ).one()
        if row.author_id != actor.user_id:
            notices.notify(
                connection,
                ws,
                user_id=row.author_id,
                kind="returned",
                text=f"Your report “{row.title}” was returned by "
                f"{notices.name_of(connection, actor.user_id)}: {note or ''}",
                now=now,
                report_id=report_id,
                actor_id=actor.user_id,
            )
    notices.deliver_mail(ws)
    return status


def evaluate_report(
    ws: Workspace,
    actor: Actor,
    report_id: str,
    *,
    reliability: str | None = None,
    credibility: str | None = None,
    grading_scheme: str | None = None,
    handling: str | None = None,
    handling_conditions: str | None = None,
    releasable_to: Sequence[str] | None = None,
    note: str | None = None,
) -> ReportStatus:
    """A supervisor evaluates a submitted report, optionally setting its final grading
    and handling; the previous values are kept in the report's history."""
    now = ws.clock()
    with transaction(ws) as connection:
        row = _readable_row(connection, reader_scope(actor), report_id)
        changes: dict[str, Any] = {}
        before: dict[str, Any] = {}
        scheme = grading_scheme or row.grading_scheme
        if reliability or credibility or grading_scheme:
            grading = resolve_grading(
                connection,
                scheme,
                reliability or row.reliability,
                credibility or row.credibility,
                row.source_id,
            )
            changes.update(grading)
        if handling or handling_conditions is not None:
            vocabularies = load_handling()
            code = vocabularies.parse(handling or row.handling, handling_conditions)
            changes.update(
                handling=f"{code.vocabulary}:{code.code}",
                handling_conditions=code.conditions,
                tlp=vocabularies.default_tlp(code),
                restrictive=vocabularies.is_restrictive(code),
            )
        for name, value in list(changes.items()):
            if getattr(row, name) == value:
                del changes[name]
            else:
                before[name] = getattr(row, name)
        after = {name: value for name, value in changes.items() if name != "restrictive"}
        before.pop("restrictive", None)  # follows from the handling: not a change of its own
        if releasable_to is not None:
            released = tuple(check_agencies(connection, releasable_to))
            previous = releasable_to_of(connection, report_id)
            if released != previous:
                write_releasable_to(connection, report_id, released)
                before["releasable_to"] = ",".join(previous) or None
                after["releasable_to"] = ",".join(released) or None
        detail = {"before": before, "after": after} if after else None
        return apply_transition(
            connection,
            actor,
            report_id,
            ReportAction.EVALUATE,
            now=now,
            note=note,
            changes=changes,
            detail=detail,
            workflow=ws.workflow,
        )

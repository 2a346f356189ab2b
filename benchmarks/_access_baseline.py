"""The previous approach to need-to-know, kept as the benchmark's baseline: fetch, then filter.

Copied from ``services/intake/reports.py`` (``_filtered_rows``,
``list_reports``, ``count_reports``) and ``services/collation/entities.py``
(``get_entity``, ``list_entities``, ``search_entities`` and their helpers)
as they stood before the reads were scoped in SQL (#8): rows are fetched
and each is passed through the domain's rule functions
:func:`~portintel.domain.access.may_read_report` and
:func:`~portintel.domain.access.may_read_statement` in Python. Reads are
audited as before, so both approaches pay the same audit write.

Two adaptations keep the copy running on both schemas: a report's
``releasable_to`` comes from its comma-separated column or, once that is a
table, from ``report_releasable_to`` (only for restrictive reports, the only
ones where it matters); and restrictiveness is read from the handling code,
as the copied code did, whether or not a ``restrictive`` column exists.
Times come back aware from the UTC column type, so the copied ``as_utc``
calls are gone.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Row, Select, or_, select

from portintel.adapters.database import tables
from portintel.adapters.database.search import keys_match
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import ReportAccess, may_read_report, may_read_statement
from portintel.domain.actors import Actor
from portintel.domain.entities import entity_caption
from portintel.domain.grading import Grading
from portintel.domain.reports import ReportStatus
from portintel.errors import NotFound, PortintelError
from portintel.services import audit
from portintel.services.collation.entities import EntitySummary, EntityView, StatementView
from portintel.services.intake.views import ReportSummary
from portintel.services.workspace import Workspace

PAGE = 50


@functools.lru_cache(maxsize=256)
def _restrictive(handling: str | None) -> bool:
    if not handling:
        return False
    try:
        return load_handling().is_restrictive(handling)
    except PortintelError:  # an unreadable code fails closed
        return True


def _split(text: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (text or "").split(",") if part.strip())


class Releasable:
    """``releasable_to`` of reports, from the column or the table, whichever the store has."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.in_column = "releasable_to" in tables.reports.c
        self.cache: dict[str, frozenset[str]] = {}

    def of(self, report_id: str, row: Row[Any]) -> frozenset[str]:
        if self.in_column:
            return _split(row.releasable_to)
        found = self.cache.get(report_id)
        if found is None:
            table = tables.metadata.tables["report_releasable_to"]
            found = frozenset(
                self.connection.execute(
                    select(table.c.agency_id).where(table.c.report_id == report_id)
                ).scalars()
            )
            self.cache[report_id] = found
        return found


def _access(row: Row[Any], releasable: Releasable, handling: str, report_id: str) -> ReportAccess:
    restrictive = _restrictive(handling)
    return ReportAccess(
        author_id=row.author_id,
        agency_id=row.agency_id,
        status=ReportStatus(row.status),
        restrictive=restrictive,
        releasable_to=releasable.of(report_id, row) if restrictive else frozenset(),
    )


# --- reports (services/intake/reports.py) -----------------------------------------------


def _report_columns() -> list[Any]:
    # the text can be long and a list never shows it: leave it in the database
    return [column for column in tables.reports.columns if column.name != "text"]


def _filtered_rows(connection: Connection, actor: Actor) -> list[Row[Any]]:
    columns = tables.reports.c
    query = select(*_report_columns()).order_by(columns.reported_at.desc(), columns.id.desc())
    releasable = Releasable(connection)
    return [
        row
        for row in connection.execute(query)
        if may_read_report(actor, _access(row, releasable, row.handling, row.id))
    ]


def _summary(row: Row[Any]) -> ReportSummary:
    return ReportSummary(
        id=row.id,
        title=row.title,
        status=ReportStatus(row.status),
        author_id=row.author_id,
        agency_id=row.agency_id,
        reported_at=row.reported_at,
        occurred_at=row.occurred_at,
        place=row.place,
        grading=Grading(row.grading_scheme, row.reliability, row.credibility),
        handling=row.handling,
        restrictive=_restrictive(row.handling),
    )


def list_reports(ws: Workspace, actor: Actor, *, offset: int, limit: int) -> list[ReportSummary]:
    with ws.engine.begin() as connection:
        rows = _filtered_rows(connection, actor)
        audit.record(
            connection,
            actor,
            "report.list",
            object_type="report",
            detail={"filters": {}, "visible": len(rows)},
            at=ws.clock(),
        )
    return [_summary(row) for row in rows[offset : offset + limit]]


def count_reports(ws: Workspace, actor: Actor) -> int:
    with ws.engine.connect() as connection:
        return len(_filtered_rows(connection, actor))


# --- entities (services/collation/entities.py) ------------------------------------------

_S = tables.statements.c
_R = tables.reports.c


def _joined() -> Select[Any]:
    report_columns = [
        _R.id.label("report_id"),
        _R.author_id,
        _R.agency_id,
        _R.status,
        _R.handling.label("report_handling"),
        _R.grading_scheme.label("report_grading_scheme"),
        _R.reliability.label("report_reliability"),
        _R.credibility.label("report_credibility"),
    ]
    if "releasable_to" in _R:
        report_columns.append(_R.releasable_to)
    statement_columns = [column for column in tables.statements.columns]
    return select(*statement_columns, *report_columns).join(
        tables.reports, _R.id == _S.origin, isouter=True
    )


def _visible(actor: Actor, row: Row[Any], releasable: Releasable) -> bool:
    access = _access(row, releasable, row.report_handling, row.report_id) if row.report_id else None
    return may_read_statement(actor, access, statement_restrictive=_restrictive(row.handling))


def _statement_view(row: Row[Any]) -> StatementView:
    own_grading = row.reliability is not None or row.credibility is not None
    grading: Grading | None = None
    if own_grading:
        grading = Grading(
            row.grading_scheme or row.report_grading_scheme or "",
            row.reliability or row.report_reliability or "",
            row.credibility or row.report_credibility or "",
        )
    elif row.report_id:
        grading = Grading(row.report_grading_scheme, row.report_reliability, row.report_credibility)
    return StatementView(
        id=row.id,
        entity_id=row.entity_id,
        schema=row.schema,
        prop=row.prop,
        prop_type=row.prop_type,
        value=row.value,
        original_value=row.original_value,
        lang=row.lang,
        dataset=row.dataset,
        origin=row.origin,
        report_id=row.report_id,
        grading=grading,
        grading_inherited=not own_grading,
        handling=row.handling or row.report_handling,
        handling_inherited=row.handling is None,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        invalid_reason=row.invalid_reason,
    )


def _assemble(entity_id: str, statements: list[StatementView]) -> EntityView:
    schema, caption = entity_caption(
        entity_id,
        (s.schema for s in statements),
        ((s.prop, s.value) for s in statements if not s.invalid_reason),
    )
    return EntityView(id=entity_id, schema=schema, caption=caption, statements=tuple(statements))


def _visible_statements(
    connection: Connection, actor: Actor, entity_ids: list[str]
) -> dict[str, list[StatementView]]:
    if not entity_ids:
        return {}
    query = (
        _joined()
        .where(or_(_S.canonical_id.in_(entity_ids), _S.entity_id.in_(entity_ids)))
        .order_by(_S.prop, _S.first_seen, _S.id)
    )
    grouped: dict[str, list[StatementView]] = {}
    wanted = set(entity_ids)
    releasable = Releasable(connection)
    for row in connection.execute(query):
        if not _visible(actor, row, releasable):
            continue
        key = row.canonical_id if row.canonical_id in wanted else row.entity_id
        grouped.setdefault(key, []).append(_statement_view(row))
    return grouped


def get_entity(ws: Workspace, actor: Actor, entity_id: str) -> EntityView:
    with ws.engine.begin() as connection:
        statements = _visible_statements(connection, actor, [entity_id]).get(entity_id)
        if not statements:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        audit.record(
            connection,
            actor,
            "entity.read",
            object_type="entity",
            object_id=entity_id,
            detail={"statements": len(statements)},
            at=ws.clock(),
        )
    return _assemble(entity_id, statements)


def _summaries(connection: Connection, actor: Actor, entity_ids: list[str]) -> list[EntitySummary]:
    grouped = _visible_statements(connection, actor, entity_ids)
    summaries = []
    for entity_id in entity_ids:
        statements = grouped.get(entity_id)
        if not statements:
            continue
        entity = _assemble(entity_id, statements)
        summaries.append(
            EntitySummary(
                entity.id, entity.schema, entity.caption, len(statements), len(entity.report_ids)
            )
        )
    return summaries


def _matching_ids(
    connection: Connection, actor: Actor, query: Select[Any], wanted: int
) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
    releasable = Releasable(connection)
    result = connection.execute(query.execution_options(yield_per=2000))
    try:
        for row in result:
            if row.canonical_id in seen or not _visible(actor, row, releasable):
                continue
            seen.add(row.canonical_id)
            found.append(row.canonical_id)
            if len(found) >= wanted:
                break
    finally:
        result.close()
    return found


def list_entities(
    ws: Workspace, actor: Actor, *, limit: int = PAGE, offset: int = 0
) -> list[EntitySummary]:
    query = _joined().order_by(_S.canonical_id)
    with ws.engine.begin() as connection:
        ids = _matching_ids(connection, actor, query, offset + limit)[offset:]
        summaries = _summaries(connection, actor, ids)
        audit.record(
            connection,
            actor,
            "entity.list",
            object_type="entity",
            detail={"schema": None, "shown": len(summaries)},
            at=ws.clock(),
        )
    return summaries


def search_entities(
    ws: Workspace, actor: Actor, query: str, *, limit: int = PAGE
) -> list[EntitySummary]:
    text = query.strip()
    matches = _S.value.ilike(f"%{text}%") | (_S.canonical_id == text)
    keyed = keys_match(ws.engine.dialect.name, text)  # names across spellings (#12)
    if keyed is not None:
        matches = matches | _S.id.in_(keyed)
    statement = _joined().where(matches).order_by(_S.canonical_id)
    with ws.engine.begin() as connection:
        ids = _matching_ids(connection, actor, statement, limit)
        summaries = _summaries(connection, actor, ids)
        audit.record(
            connection,
            actor,
            "search",
            object_type="entity",
            detail={"query": text, "schema": None, "results": len(summaries)},
            at=ws.clock(),
        )
    return summaries


def browse_by_reports(
    ws: Workspace, actor: Actor, *, limit: int = PAGE, offset: int = 0
) -> tuple[int, list[str]]:
    """The entity list page as the page reads it now (most reports first, with the
    total), the previous way: every statement fetched and filtered in Python, then
    grouped by entity (the benchmark's store has no merged entities)."""
    reports: dict[str, set[str]] = {}
    with ws.engine.begin() as connection:
        releasable = Releasable(connection)
        result = connection.execute(_joined().execution_options(yield_per=5000))
        for row in result:
            if _visible(actor, row, releasable):
                found = reports.setdefault(row.canonical_id, set())
                if row.report_id:
                    found.add(row.report_id)
        audit.record(
            connection,
            actor,
            "entity.list",
            object_type="entity",
            detail={"sort": "reports", "total": len(reports)},
            at=ws.clock(),
        )
    ordered = sorted(reports, key=lambda entity: (-len(reports[entity]), entity))
    return len(ordered), ordered[offset : offset + limit]

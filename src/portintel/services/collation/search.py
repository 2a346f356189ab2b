"""Search: entities by their names across scripts and spellings, identifiers however
written, and any value's text; one page at a time, with the total and counts by type.

The matching statements are found through the indexes
(:mod:`portintel.adapters.database.search`: the trigram index of values, the
word index of search keys, and an id match); then the reader's scope
(``statement_condition``, need-to-know rule 5) is decided once per distinct
(report, restrictiveness) pair of the matches, in SQL, and only the readable
matches are paged, counted and faceted. A count therefore never includes an
entity the reader may not see, not even as a number. Every search is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Select, String, func, literal, select, tuple_, union_all

from portintel.adapters.database import tables
from portintel.adapters.database.scope import readable_reports, statement_condition
from portintel.adapters.database.search import escaped, keys_match, value_contains
from portintel.domain.access import ReaderScope, reader_scope
from portintel.domain.actors import Actor
from portintel.errors import InvalidInput
from portintel.services import audit
from portintel.services.collation.entities import EntitySummary, _check_schema, _summaries
from portintel.services.workspace import Workspace

_S = tables.statements.c
_R = tables.reports.c

MAX_LIMIT = 500
"""Results a page may ask for."""
MAX_QUERY = 200
"""Characters a query may have."""


@dataclass(frozen=True, slots=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of the entities matching ``query`` that the reader may see.

    ``total`` counts them all (of ``schema`` if given); ``types`` counts them
    by entity type (whatever ``schema`` is: the choices the reader has).
    """

    query: str
    schema: str | None
    total: int
    offset: int
    limit: int
    entities: tuple[EntitySummary, ...]
    types: tuple[FacetCount, ...]

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.entities)
        return following if following < self.total else None


def _readable_hits(dialect: str, scope: ReaderScope, text: str) -> CTE:
    """(canonical_id, schema) of each readable statement matching ``text``."""
    columns = (_S.canonical_id, _S.schema, _S.origin, _S.restrictive)
    branches: list[Select[Any]] = [
        select(*columns).where(value_contains(dialect, tables.statements, text)),
        select(*columns).where(_S.canonical_id == text),
    ]
    keyed = keys_match(dialect, text)
    if keyed is not None:
        branches.append(select(*columns).where(_S.id.in_(keyed)))
    candidates = union_all(*branches).cte("candidates").prefix_with("MATERIALIZED")
    c = candidates.c
    pairs = select(c.origin, c.restrictive).group_by(c.origin, c.restrictive).subquery("pairs")
    readable = (
        select(pairs.c.origin, pairs.c.restrictive)
        .select_from(pairs.outerjoin(tables.reports, _R.id == pairs.c.origin))
        .where(statement_condition(scope.statements, pairs))
        .cte("readable")
        .prefix_with("MATERIALIZED")  # the scope decided once per pair
    )
    return (
        select(c.canonical_id, c.schema)
        .where(
            tuple_(c.origin, c.restrictive).in_(select(readable.c.origin, readable.c.restrictive))
        )
        .group_by(c.canonical_id, c.schema)
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )


def search(
    ws: Workspace,
    actor: Actor,
    query: str,
    *,
    schema: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> SearchPage:
    """The entities the actor may see with a value matching ``query``: its text in any
    value (case-insensitive), a name in another script or spelling, an identifier however
    written, or the entity's id. Ordered by id; one page, with the total and the counts by
    type. Audited."""
    text = query.strip()
    if not text:
        raise InvalidInput("search for at least one character", field="query")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"search for at most {MAX_QUERY} characters", field="query")
    if not 0 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 0 and {MAX_LIMIT}, got {limit}", field="limit")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}", field="offset")
    _check_schema(schema)
    scope = reader_scope(actor)
    hits = _readable_hits(ws.engine.dialect.name, scope, text)
    h = hits.c
    chosen = select(h.canonical_id, h.schema)
    if schema:
        chosen = chosen.where(h.schema == schema)
    chosen_sq = chosen.subquery("chosen")
    by_type = select(h.schema, func.count(h.canonical_id.distinct())).group_by(h.schema)
    total = select(literal("", String), func.count(chosen_sq.c.canonical_id.distinct()))
    page = (
        select(chosen_sq.c.canonical_id)
        .group_by(chosen_sq.c.canonical_id)
        .order_by(chosen_sq.c.canonical_id)
        .limit(limit)
        .offset(offset)
    )
    with ws.engine.begin() as connection:
        counts = connection.execute(union_all(by_type, total)).all()
        ids = list(connection.execute(page).scalars()) if limit else []
        summaries = _summaries(connection, scope, ids)
        found_total = next(int(n) for value, n in counts if value == "")
        audit.record(
            connection,
            actor,
            "search",
            object_type="entity",
            detail={
                "query": text,
                "schema": schema,
                "offset": offset,
                "results": len(summaries),
                "total": found_total,
            },
            at=ws.clock(),
        )
    types = tuple(
        FacetCount(value, int(n))
        for value, n in sorted(counts, key=lambda row: (-row[1], row[0]))
        if value != ""
    )
    return SearchPage(text, schema, found_total, offset, limit, tuple(summaries), types)


# --- reports: the text of the reports the reader may read, with facets ------------------------

REPORT_FACETS = ("status", "agency", "grading", "handling", "month")
"""What report results are counted by: status, agency, grading (reliability and
credibility), handling code, and month reported."""


@dataclass(frozen=True, slots=True)
class ReportHit:
    id: str
    title: str
    status: str
    agency_id: str
    grading: str
    handling: str
    reported_at: Any


@dataclass(frozen=True, slots=True)
class ReportSearchPage:
    """One page of the readable reports whose title or text contains ``query`` (or whose
    id it is), newest first, with the total and counts per facet of the readable ones."""

    query: str
    total: int
    offset: int
    limit: int
    reports: tuple[ReportHit, ...]
    facets: dict[str, tuple[FacetCount, ...]]

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.reports)
        return following if following < self.total else None


def _month(dialect: str, column: Any) -> Any:
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.substr(column, 1, 7)  # SQLite stores UTC times as text: 'YYYY-MM-DD ...'


def search_reports(
    ws: Workspace, actor: Actor, query: str, *, limit: int = 50, offset: int = 0
) -> ReportSearchPage:
    """The reports the actor may read whose title or text contains ``query``
    (case-insensitive, wildcards literal) or whose id it is; newest first, one page,
    with the total and counts by status, agency, grading, handling and month (of the
    readable matches only). Audited (``report.search``)."""
    text = query.strip()
    if not text:
        raise InvalidInput("search for at least one character", field="query")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"search for at most {MAX_QUERY} characters", field="query")
    if not 0 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 0 and {MAX_LIMIT}, got {limit}", field="limit")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}", field="offset")
    dialect = ws.engine.dialect.name
    scope = reader_scope(actor)
    pattern = f"%{escaped(text)}%"
    grading = _R.reliability + _R.credibility
    matching = (
        readable_reports(
            scope.reports,
            _R.id,
            _R.title,
            _R.status,
            _R.agency_id,
            grading.label("grading"),
            _R.handling,
            _R.reported_at,
            _month(dialect, _R.reported_at).label("month"),
        )
        .where(
            _R.title.ilike(pattern, escape="\\")
            | _R.text.ilike(pattern, escape="\\")
            | (_R.id == text)
        )
        .cte("matching")
        .prefix_with("MATERIALIZED")
    )
    m = matching.c
    columns = {"status": m.status, "agency": m.agency_id, "grading": m.grading,
               "handling": m.handling, "month": m.month}  # fmt: skip
    counted = union_all(
        *(
            select(
                literal(name, String).label("facet"), column.label("value"), func.count()
            ).group_by(column)
            for name, column in columns.items()
        ),
        select(literal("", String), literal("", String), func.count()).select_from(matching),
    )
    page = (
        select(m.id, m.title, m.status, m.agency_id, m.grading, m.handling, m.reported_at)
        .order_by(m.reported_at.desc(), m.id)
        .limit(limit)
        .offset(offset)
    )
    with ws.engine.begin() as connection:
        counts = connection.execute(counted).all()
        hits = tuple(ReportHit(*row) for row in connection.execute(page)) if limit else ()
        total = next(int(n) for facet, _value, n in counts if facet == "")
        audit.record(
            connection,
            actor,
            "report.search",
            object_type="report",
            detail={"query": text, "offset": offset, "results": len(hits), "total": total},
            at=ws.clock(),
        )
    facets: dict[str, list[FacetCount]] = {name: [] for name in REPORT_FACETS}
    for facet, value, n in counts:
        if facet and value is not None:
            facets[facet].append(FacetCount(str(value), int(n)))
    return ReportSearchPage(
        text,
        total,
        offset,
        limit,
        hits,
        {
            name: tuple(sorted(found, key=lambda f: (-f.count, f.value)))
            for name, found in facets.items()
        },
    )

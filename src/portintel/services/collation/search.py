"""Search: entities by their names across scripts and spellings, identifiers however
written, and any value's text; one page at a time, with the total and counts by type.

The matching statements are found through the indexes
(:mod:`portintel.adapters.database.search`: the trigram index of values, the
word index of search keys, and an id match), each tested against the reader's
scope in SQL (``statement_condition``, need-to-know rule 5), and read a batch
at a time: only readable matches are paged, counted and faceted, so a count
never includes an entity the reader may not see, not even as a number. A
common word is not counted to the end: beyond :data:`MAX_ENTITIES` entities
(reports: :data:`MAX_COUNTED`) the total reads "more than" and the page and
facets are of those found first. Every search is audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, or_, select, union_all

from portintel.adapters.database import tables
from portintel.adapters.database.fulltext import (
    SAMPLED_DATE_ORDER_SHARE,
    date_order_hint,
    fewer_readable,
    matching_ids,
    sampled_share,
    walks_in_date_order,
    words_match,
)
from portintel.adapters.database.scope import (
    readable_reports,
    statement_condition,
    statements_with_reports,
)
from portintel.adapters.database.search import keys_match, value_contains
from portintel.domain.access import ReaderScope, reader_scope
from portintel.domain.actors import Actor
from portintel.domain.fulltext import Term, query_terms
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


MAX_ENTITIES = 1_000
"""Matching entities counted at most: beyond, the total reads "more than 1,000", the page
and the counts by type are of the first 1,000 found (names and identifiers first, then
other values, newest first): a common word is refined, not read to the end."""


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of the entities matching ``query`` that the reader may see.

    ``total`` counts them all (of ``schema`` if given) when ``total_exact``; otherwise
    there are more than ``total`` (:data:`MAX_ENTITIES`) and the page is of the ``total``
    found first. ``types`` counts them by entity type (whatever ``schema`` is: the choices
    the reader has), of the first :data:`MAX_ENTITIES` found (all of them when
    ``types_exact``).
    """

    query: str
    schema: str | None
    total: int
    offset: int
    limit: int
    entities: tuple[EntitySummary, ...]
    types: tuple[FacetCount, ...]
    total_exact: bool = True
    types_exact: bool = True

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.entities)
        return following if following < self.total else None


def _readable_hits(dialect: str, scope: ReaderScope, text: str, schema: str | None) -> Select[Any]:
    """(canonical_id, schema) of each readable statement matching ``text``: the entity's
    id, then the search keys (names, identifiers), then any value containing ``text``,
    each newest first; the reader's scope tested on each statement in SQL, so that the
    caller reads only as many as it counts."""
    matches: list[ColumnElement[bool]] = [_S.canonical_id == text]
    keyed = keys_match(dialect, text)
    if keyed is not None:
        matches.append(_S.id.in_(keyed))
    matches.append(value_contains(dialect, tables.statements, text))
    readable = statement_condition(scope.statements)
    typed = [_S.schema == schema] if schema else []
    branches = [
        select(_S.canonical_id, _S.schema)
        .select_from(statements_with_reports())
        .where(match, readable, *typed)
        for match in matches
    ]
    return select(union_all(*branches).subquery("hits"))


def _first_found(connection: Connection, query: Select[Any]) -> tuple[list[tuple[str, str]], bool]:
    """The first :data:`MAX_ENTITIES` distinct (entity, type) pairs ``query`` yields by entity,
    and whether that is all of them (the rows are read a batch at a time, and no further
    than one entity beyond)."""
    found: dict[str, str] = {}
    types: dict[tuple[str, str], None] = {}
    exact = True
    result = connection.execute(query.execution_options(yield_per=_BATCH))
    try:
        for entity_id, entity_schema in result:
            if entity_id not in found:
                if len(found) == MAX_ENTITIES:
                    exact = False
                    break
                found[entity_id] = entity_schema
            types[(str(entity_id), str(entity_schema))] = None
    finally:
        result.close()
    return list(types), exact


_BATCH = 500
"""Rows of matches fetched at a time (PostgreSQL: through a server-side cursor)."""


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
    type; beyond :data:`MAX_ENTITIES`, of the first found (``total_exact`` false). Audited."""
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
    dialect = ws.engine.dialect.name
    with ws.engine.begin() as connection:
        found, types_exact = _first_found(connection, _readable_hits(dialect, scope, text, None))
        if schema and not types_exact:  # the first found of this type: a search of its own
            typed, exact = _first_found(connection, _readable_hits(dialect, scope, text, schema))
        else:
            typed = [pair for pair in found if not schema or pair[1] == schema]
            exact = types_exact
        by_type = Counter(found_schema for _id, found_schema in found)
        ids = sorted({entity_id for entity_id, _schema in typed})
        found_total = len(ids)
        summaries = _summaries(connection, scope, ids[offset : offset + limit]) if limit else []
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
                "exact": exact,
            },
            at=ws.clock(),
        )
    types = tuple(
        FacetCount(value, n) for value, n in sorted(by_type.items(), key=lambda v: (-v[1], v[0]))
    )
    return SearchPage(
        text, schema, found_total, offset, limit, tuple(summaries), types, exact, types_exact
    )


# --- reports: the full text of the reports the reader may read, with facets -----------------

REPORT_FACETS = ("type", "status", "agency", "grading", "handling", "month")
"""What report results are counted and filtered by: type (the report's category),
status, agency, grading (reliability and credibility), handling code, month reported."""
MAX_COUNTED = 1_000
"""Matching reports counted at most: beyond, the total reads "more than 1,000" and the
facets count the 1,000 newest (a search box is refined, not read to the end)."""


@dataclass(frozen=True, slots=True)
class ReportHit:
    id: str
    title: str
    status: str
    agency_id: str
    grading: str
    handling: str
    reported_at: Any
    category: str


@dataclass(frozen=True, slots=True)
class ReportSearchPage:
    """One page of the readable reports whose title and text hold every word of
    ``query`` (or whose id it is), newest first, with counts per facet.

    ``total`` counts them exactly when ``total_exact``; otherwise there are more than
    ``total`` (:data:`MAX_COUNTED`) and the facets count the ``total`` newest. Facet
    values are codes (an empty value: none given); ``filters`` are the facet values the
    results were narrowed to.
    """

    query: str
    total: int
    total_exact: bool
    offset: int
    limit: int
    reports: tuple[ReportHit, ...]
    facets: dict[str, tuple[FacetCount, ...]]
    filters: dict[str, str]

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.reports)
        if not self.reports:
            return None
        return following if following < self.total or not self.total_exact else None


def _month(dialect: str, column: Any) -> Any:
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.substr(column, 1, 7)  # SQLite stores UTC times as text: 'YYYY-MM-DD ...'


def _facet_columns(dialect: str, reports: Any = _R) -> dict[str, Any]:
    return {
        "type": func.coalesce(reports.category, ""),
        "status": reports.status,
        "agency": reports.agency_id,
        "grading": reports.reliability + reports.credibility,
        "handling": reports.handling,
        "month": _month(dialect, reports.reported_at),
    }


_HIT_COLUMNS = (
    *(_R.id, _R.title, _R.status, _R.agency_id, _R.reliability + _R.credibility, _R.handling),
    *(_R.reported_at, func.coalesce(_R.category, "")),
)


def _reads_every_agency(scope: ReaderScope) -> bool:
    """Whether some clause of the reader's scope admits reports of every agency (a
    supervisor's, an analyst's): most matches of a common word are then theirs."""
    return any(
        clause.agency_id is None and clause.author_id is None for clause in scope.reports.clauses
    )


def _checked_filters(filters: Mapping[str, str | None] | None) -> dict[str, str]:
    chosen = {name: value for name, value in (filters or {}).items() if value is not None}
    for name, value in chosen.items():
        if name not in REPORT_FACETS:
            raise InvalidInput(
                f"no facet {name!r}: filter by one of {', '.join(REPORT_FACETS)}", field=name
            )
        if len(value) > MAX_QUERY:
            raise InvalidInput(f"{name} must be at most {MAX_QUERY} characters", field=name)
    return chosen


def _from_readable(
    dialect: str, scope: ReaderScope, terms: tuple[Term, ...], text: str, chosen: dict[str, str]
) -> Select[Any]:
    """PostgreSQL: the newest readable matches (one more than are counted), from the
    reports the reader may read, each tested against the matches (hashed): the readable
    reports are read on their own first (``OFFSET 0`` keeps the planner from walking
    every report in date order instead)."""
    readable = readable_reports(scope.reports).offset(0).subquery("readable")
    columns = _facet_columns(dialect, readable.c)
    return (
        select(readable.c.id, *(column.label(name) for name, column in columns.items()))
        .where(
            or_(readable.c.id.in_(matching_ids(terms)), readable.c.id == text),
            *(columns[name] == value for name, value in chosen.items()),
        )
        .order_by(readable.c.reported_at.desc(), readable.c.id)
        .limit(MAX_COUNTED + 1)
    )


def search_reports(
    ws: Workspace,
    actor: Actor,
    query: str,
    *,
    limit: int = 50,
    offset: int = 0,
    filters: Mapping[str, str | None] | None = None,
) -> ReportSearchPage:
    """The reports the actor may read whose title and text hold every word of ``query``
    (:mod:`portintel.domain.fulltext`: case and accents folded, a word found by its
    beginning, Thai, Khmer, Burmese and Chinese by their pairs of characters) or whose
    id it is; narrowed to the facet values of ``filters``; newest first, one page, with
    the total and the counts by type, status, agency, grading, handling and month (of
    the readable matches only, the newest :data:`MAX_COUNTED` at most). Audited
    (``report.search``)."""
    text = query.strip()
    if not text:
        raise InvalidInput("search for at least one character", field="query")
    if len(text) > MAX_QUERY:
        raise InvalidInput(f"search for at most {MAX_QUERY} characters", field="query")
    if not 0 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 0 and {MAX_LIMIT}, got {limit}", field="limit")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}", field="offset")
    chosen = _checked_filters(filters)
    dialect = ws.engine.dialect.name
    scope = reader_scope(actor)
    columns = _facet_columns(dialect)
    newest = (_R.reported_at.desc(), _R.id)
    terms = query_terms(text)
    with ws.engine.begin() as connection:
        # a reader of some agencies' reports starts from those reports, each tested
        # against the matches, when they are fewer (SQLite: counted) or the word is
        # common but not so common as to walk in date order (PostgreSQL: sampled); from
        # the matches otherwise
        every_agency = _reads_every_agency(scope)
        if dialect == "postgresql":
            share = sampled_share(connection, terms)
            in_date_order = share > SAMPLED_DATE_ORDER_SHARE
            from_readable = not every_agency and not in_date_order and share > 0
        else:
            in_date_order = every_agency and walks_in_date_order(connection, terms)
            from_readable = not every_agency and fewer_readable(
                connection, readable_reports(scope.reports, _R.id), terms
            )
        matching = readable_reports(scope.reports, _R.id).where(
            words_match(
                dialect, terms, text, in_date_order=in_date_order, from_readable=from_readable
            ),
            *(columns[name] == value for name, value in chosen.items()),
        )
        # the newest matches, one more than are counted: a bounded sort, counted here
        counted = (
            matching.with_only_columns(
                _R.id, *(column.label(name) for name, column in columns.items())
            )
            .order_by(*newest)
            .limit(MAX_COUNTED + 1)
        )
        if in_date_order:
            counted = date_order_hint(counted)
        if from_readable and dialect == "postgresql":
            counted = _from_readable(dialect, scope, terms, text, chosen)
        newest_rows = list(connection.execute(counted))
        exact = len(newest_rows) <= MAX_COUNTED
        del newest_rows[MAX_COUNTED:]
        total = len(newest_rows)
        if exact or offset + limit <= total:  # the page is among the rows counted
            wanted = [row[0] for row in newest_rows[offset : offset + limit]]
            page = select(*_HIT_COLUMNS).where(_R.id.in_(wanted)).order_by(*newest)
        else:  # beyond what was counted: the page from the matches themselves
            page = matching.with_only_columns(*_HIT_COLUMNS).order_by(*newest)
            page = page.limit(limit).offset(offset)
        rows: list[Any] = list(connection.execute(page)) if limit else []
        hits = tuple(ReportHit(*row) for row in rows)
        audit.record(
            connection,
            actor,
            "report.search",
            object_type="report",
            detail={
                "query": text,
                "filters": chosen,
                "offset": offset,
                "results": len(hits),
                "total": total,
                "exact": exact,
            },
            at=ws.clock(),
        )
    counts: dict[str, Counter[str]] = {name: Counter() for name in REPORT_FACETS}
    for row in newest_rows:
        for name, value in zip(REPORT_FACETS, row[1:], strict=True):
            counts[name]["" if value is None else str(value)] += 1
    return ReportSearchPage(
        text,
        total,
        exact,
        offset,
        limit,
        hits,
        {
            name: tuple(
                FacetCount(value, count)
                for value, count in sorted(found.items(), key=lambda item: (-item[1], item[0]))
            )
            for name, found in counts.items()
        },
        chosen,
    )

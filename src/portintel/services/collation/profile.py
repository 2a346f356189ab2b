"""The entity profile: one canonical entity as an analyst reads it, within their scope.

Every member entity the resolver merged contributes its statements, and only
the statements the reader may read (need-to-know rule 5, rendered in SQL by
:mod:`portintel.adapters.database.scope`) count, so a merge never shows more
than the reader could read of the members one by one. The profile says, per
property, each distinct value with how many statements and reports support
it, its best and its latest grading, and when it was first and last seen
(counted in the database; the raw statements are paged by
:func:`~portintel.services.collation.entities.entity_statements`); the
entities it is tied to, both ways (an Ownership naming it, the passport whose
holder it is, an entity sharing its phone number, those stated in the same
reports); the reports that mention it, newest first, with a count by month
for the timeline; and the incidents of its reports. Related entities are
named only when the reader may read them, under the canonical id the reader
sees. The read is audited as ``entity.read``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
)

from portintel.adapters.database import tables
from portintel.adapters.database.scope import report_condition
from portintel.adapters.vocabularies import load_grading_schemes
from portintel.domain.access import StatementPredicate, reader_scope
from portintel.domain.actors import Actor
from portintel.domain.entities import entity_caption
from portintel.domain.entity_labels import (
    property_label,
    schema_label,
)
from portintel.domain.grading import Grading
from portintel.errors import InvalidInput, NotFound
from portintel.services import audit
from portintel.services.collation.canonical import read_members
from portintel.services.collation.entities import (
    _BUILT,
    _CAPTION_PROPS,
    _bound,
    _readable_members,
    _summaries,
)
from portintel.services.collation.relationships import Relationship, _relationships
from portintel.services.workspace import Workspace

_S = tables.statements.c
_R = tables.reports.c
_I = tables.incidents.c

VALUES_SHOWN = 12
"""Distinct values a profile shows per property, the best supported first."""
REPORTS_SHOWN = 50
"""Reports a profile names, newest first (all are counted, and by month)."""
INCIDENTS_SHOWN = 30

_EXTRA = ("last_seen", "prop_type", "grading_scheme", "reliability", "credibility")


@dataclass(frozen=True, slots=True)
class ValueSupport:
    """One distinct value of a property and what supports it (readable statements only)."""

    value: str
    statements: int
    reports: int
    first_seen: datetime
    last_seen: datetime
    best_grading: Grading | None
    latest_grading: Grading | None
    invalid_reason: str | None
    caption: str | None = None
    """For an entity-typed value: the caption of the entity it names, if readable."""
    link: str | None = None
    """For an entity-typed value: the canonical id to link to, if readable."""


@dataclass(frozen=True, slots=True)
class PropertySupport:
    prop: str
    label: str
    prop_type: str
    statement_count: int
    value_count: int
    values: tuple[ValueSupport, ...]

    @property
    def complete(self) -> bool:
        """Every distinct value is shown."""
        return len(self.values) >= self.value_count


@dataclass(frozen=True, slots=True)
class ReportMention:
    id: str
    title: str
    status: str
    reported_at: datetime
    occurred_at: datetime | None
    grading: Grading


@dataclass(frozen=True, slots=True)
class IncidentMention:
    id: str
    occurred_at: datetime
    kind: str
    place: str | None
    migrants: int
    deaths: int
    report_id: str | None
    as_vessel: bool


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str
    reports: int


@dataclass(frozen=True, slots=True)
class EntityProfile:
    """A canonical entity as the reader may read it (see the module docstring)."""

    id: str
    schema: str
    caption: str
    member_ids: tuple[str, ...]
    statement_count: int
    report_count: int
    first_seen: datetime
    last_seen: datetime
    properties: tuple[PropertySupport, ...]
    relationships: tuple[Relationship, ...]
    reports: tuple[ReportMention, ...]
    incidents: tuple[IncidentMention, ...]
    timeline: tuple[MonthCount, ...]

    @property
    def schema_label(self) -> str:
        return schema_label(self.schema)

    @property
    def merged(self) -> bool:
        return len(self.member_ids) > 1

    def support(self, prop: str) -> dict[str, ValueSupport]:
        """The shown values of ``prop`` by value."""
        return {
            value.value: value
            for found in self.properties
            if found.prop == prop
            for value in found.values
        }


# --- the values, counted in SQL -------------------------------------------------------------


def _month(dialect: str, column: Any) -> Any:
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.substr(column, 1, 7)  # SQLite keeps UTC times as 'YYYY-MM-DD ...' text


@lru_cache(maxsize=_BUILT)
def _values_query(dialect: str, shape: StatementPredicate) -> CompoundSelect[Any]:
    """Per property and value, the support of the entity's readable statements.

    Rows ``(kind, prop, value, scheme, reliability, credibility, n, m, first, last, extra)``:

    * ``total``: ``n`` statements, ``m`` reports, first and last seen of all;
    * ``schema``: each distinct schema (``value``); ``caption``: the first valid value of
      each caption property;
    * ``prop``: ``n`` statements, ``m`` distinct values, ``extra`` the property's type;
    * ``value``: one of the ``:values_shown`` best supported values of ``prop`` (most
      statements, then the value): ``n`` statements, ``m`` reports, first and last seen,
      ``extra`` an invalid reason (if its statements did not clean);
    * ``grading``: a grading (scheme, codes) that ``n`` statements of the value carry;
    * ``latest``: the grading of the value's most recently seen statement.
    """
    members, _ = _readable_members(shape, single=True, extra=_EXTRA)
    m = members.c
    report = tables.reports.alias("graded_report")
    graded = (
        select(
            m.prop,
            m.value,
            m.id,
            m.schema,
            m.report_id,
            m.first_seen,
            m.last_seen,
            m.invalid_reason,
            m.prop_type,
            func.coalesce(m.grading_scheme, report.c.grading_scheme).label("scheme"),
            func.coalesce(m.reliability, report.c.reliability).label("reliability"),
            func.coalesce(m.credibility, report.c.credibility).label("credibility"),
        )
        .select_from(members.outerjoin(report, report.c.id == m.report_id))
        .cte("graded")
        .prefix_with("MATERIALIZED")
    )
    g = graded.c
    stated = (
        select(
            g.prop,
            g.value,
            func.count().label("statements"),
            func.count(g.report_id.distinct()).label("reports"),
            func.min(g.first_seen).label("first_seen"),
            func.max(g.last_seen).label("last_seen"),
            func.max(g.invalid_reason).label("invalid_reason"),
            func.max(g.prop_type).label("prop_type"),
            func.row_number()
            .over(partition_by=g.prop, order_by=(func.count().desc(), g.value))
            .label("rank"),
        )
        .group_by(g.prop, g.value)
        .cte("stated")
        .prefix_with("MATERIALIZED")
    )
    v = stated.c
    none = literal(None, String)
    zero = literal(0, Integer)
    never = literal(None, _S.first_seen.type)
    shown = bindparam("values_shown", type_=Integer, required=True)
    total = select(
        literal("total"),
        none,
        none,
        none,
        none,
        none,
        func.coalesce(func.sum(v.statements), 0),
        select(func.count(g.report_id.distinct())).scalar_subquery(),
        func.min(v.first_seen),
        func.max(v.last_seen),
        none,
    )
    schemata = select(
        literal("schema"), none, g.schema, none, none, none, zero, zero, never, never, none
    ).group_by(g.schema)
    first_values = (
        select(
            g.prop,
            g.value,
            func.row_number()
            .over(partition_by=g.prop, order_by=(g.first_seen, g.id))
            .label("rank"),
        )
        .where(g.invalid_reason.is_(None), g.prop.in_(_CAPTION_PROPS))
        .subquery("first_values")
    )
    f = first_values.c
    captions = select(
        literal("caption"), f.prop, f.value, none, none, none, zero, zero, never, never, none
    ).where(f.rank == 1)
    props = select(
        literal("prop"),
        v.prop,
        none,
        none,
        none,
        none,
        func.sum(v.statements),
        func.count(),
        func.min(v.first_seen),
        func.max(v.last_seen),
        func.max(v.prop_type),
    ).group_by(v.prop)
    values = select(
        literal("value"),
        v.prop,
        v.value,
        none,
        none,
        none,
        v.statements,
        v.reports,
        v.first_seen,
        v.last_seen,
        v.invalid_reason,
    ).where(v.rank <= shown)
    top = and_(v.prop == g.prop, v.value == g.value, v.rank <= shown)
    gradings = (
        select(
            literal("grading"),
            g.prop,
            g.value,
            g.scheme,
            g.reliability,
            g.credibility,
            func.count(),
            zero,
            never,
            never,
            none,
        )
        .select_from(graded.join(stated, top))
        .where(g.scheme.is_not(None))
        .group_by(g.prop, g.value, g.scheme, g.reliability, g.credibility)
    )
    newest = (
        select(
            g.prop,
            g.value,
            g.scheme,
            g.reliability,
            g.credibility,
            func.row_number()
            .over(partition_by=(g.prop, g.value), order_by=(g.last_seen.desc(), g.id.desc()))
            .label("recency"),
        )
        .select_from(graded.join(stated, top))
        .subquery("newest")
    )
    n = newest.c
    latest = select(
        literal("latest"),
        n.prop,
        n.value,
        n.scheme,
        n.reliability,
        n.credibility,
        zero,
        zero,
        never,
        never,
        none,
    ).where(n.recency == 1)
    return union_all(total, schemata, captions, props, values, gradings, latest)


@lru_cache(maxsize=_BUILT)
def _reports_queries(dialect: str, shape: StatementPredicate) -> tuple[Select[Any], Select[Any]]:
    """The newest ``:reports_shown`` readable reports stating the entity, and the count of
    them all by month (of the date the events occurred, else of the report)."""
    _, readable = _readable_members(shape, single=True)
    ids = select(readable.c.report_id).where(readable.c.report_id.is_not(None))
    newest = (
        select(
            _R.id,
            _R.title,
            _R.status,
            _R.reported_at,
            _R.occurred_at,
            _R.grading_scheme,
            _R.reliability,
            _R.credibility,
        )
        .where(_R.id.in_(ids))
        .order_by(_R.reported_at.desc(), _R.id)
        .limit(bindparam("reports_shown", type_=Integer, required=True))
    )
    month = _month(dialect, func.coalesce(_R.occurred_at, _R.reported_at)).label("month")
    by_month = select(month, func.count()).where(_R.id.in_(ids)).group_by(month).order_by(month)
    return newest, by_month


def _best(gradings: Iterable[Grading]) -> Grading | None:
    """The strongest grading: the most reliable source, then the most credible information,
    in each scheme's own order (codes a scheme does not know last)."""
    schemes = load_grading_schemes()

    def rank(grading: Grading) -> tuple[int, int, str]:
        try:
            scheme = schemes.get(grading.scheme)
        except InvalidInput:
            return (99, 99, grading.label)
        reliability = [grade.code for grade in scheme.reliability]
        credibility = [grade.code for grade in scheme.credibility]
        return (
            reliability.index(grading.reliability) if grading.reliability in reliability else 99,
            credibility.index(grading.credibility) if grading.credibility in credibility else 99,
            grading.scheme,
        )

    found = sorted(gradings, key=rank)
    return found[0] if found else None


@lru_cache(maxsize=_BUILT)
def _incidents_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """Incidents of the vessel ``:members`` or of the reports ``:report_ids``, whose report
    the reader may read."""
    del dialect
    members: BindParameter[list[str]] = bindparam("members", expanding=True, required=True)
    reports: BindParameter[list[str]] = bindparam("report_ids", expanding=True, required=True)
    return (
        select(
            _I.id,
            _I.occurred_at,
            _I.kind,
            _I.place,
            _I.migrants,
            _I.deaths,
            _I.report_id,
            _I.vessel_entity_id.in_(members).label("as_vessel"),
        )
        .select_from(tables.incidents.join(tables.reports, _R.id == _I.report_id))
        .where(
            or_(_I.vessel_entity_id.in_(members), _I.report_id.in_(reports)),
            report_condition(shape.report),
        )
        .order_by(_I.occurred_at.desc(), _I.id)
        .limit(INCIDENTS_SHOWN)
    )


# --- the read -------------------------------------------------------------------------------


def _grading(row: Any) -> Grading | None:
    if row.scheme is None:
        return None
    return Grading(row.scheme, row.reliability or "", row.credibility or "")


@audit.audits_denial("entity", id_parameter="entity_id")
def entity_profile(
    ws: Workspace,
    actor: Actor,
    entity_id: str,
    *,
    values_shown: int = VALUES_SHOWN,
    reports_shown: int = REPORTS_SHOWN,
) -> EntityProfile:
    """The profile of the canonical entity ``entity_id`` belongs to, as ``actor`` may read
    it; NotFound when they may read nothing of it. Audited (``entity.read``)."""
    for name, number in (("values_shown", values_shown), ("reports_shown", reports_shown)):
        if number < 0:
            raise InvalidInput(f"{name} must not be negative, got {number}", field=name)
    scope = reader_scope(actor)
    shape, scope_values = _bound(scope)
    with ws.engine.begin() as connection:
        dialect = connection.dialect.name
        canonical = read_members(connection, actor, entity_id)
        if canonical is None:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        page = {
            **scope_values,
            "entity_id": canonical.canonical_id,
            "members": list(canonical.member_ids),
            "values_shown": values_shown,
            "reports_shown": reports_shown,
        }
        rows: list[Any] = list(connection.execute(_values_query(dialect, shape), page))
        by_kind: dict[str, list[Any]] = {}
        for row in rows:
            by_kind.setdefault(row[0], []).append(row)
        total = by_kind["total"][0]
        if not total[6]:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        newest, by_month = _reports_queries(dialect, shape)
        reports = tuple(
            ReportMention(
                row.id,
                row.title,
                row.status,
                row.reported_at,
                row.occurred_at,
                Grading(row.grading_scheme, row.reliability, row.credibility),
            )
            for row in connection.execute(newest, page)
        )
        timeline = tuple(
            MonthCount(str(m), int(n)) for m, n in connection.execute(by_month, page) if m
        )
        schema, caption = entity_caption(
            canonical.canonical_id,
            sorted(row[2] for row in by_kind.get("schema", [])),
            sorted((row[1], row[2]) for row in by_kind.get("caption", [])),
        )
        prop_types = {row[1]: row[10] for row in by_kind.get("prop", [])}
        own_links = [
            (row[1], row[2])
            for row in by_kind.get("value", [])
            if prop_types.get(row[1]) == "entity" and row[10] is None
        ]
        phones = sorted(
            {row[2] for row in by_kind.get("value", []) if row[1] == "phone" and row[10] is None}
        )
        relationships, names = _relationships(
            connection,
            actor,
            scope,
            canonical.member_ids,
            own_links,
            phones,
            [report.id for report in reports],  # the newest: where those stated with it are sought
            schema,
        )
        incidents = tuple(
            IncidentMention(
                row.id,
                row.occurred_at,
                row.kind,
                row.place,
                int(row.migrants),
                int(row.deaths),
                row.report_id,
                bool(row.as_vessel),
            )
            for row in connection.execute(
                _incidents_query(dialect, shape),
                {**page, "report_ids": [report.id for report in reports]},
            )
        )
        audit.record(
            connection,
            actor,
            "entity.read",
            object_type="entity",
            object_id=entity_id,
            detail={"statements": int(total[6]), "view": "profile"},
            at=ws.clock(),
        )
    gradings: dict[tuple[str, str], list[Grading]] = {}
    for row in by_kind.get("grading", []):
        gradings.setdefault((row[1], row[2]), []).append(
            Grading(row[3], row[4] or "", row[5] or "")
        )
    latest = {
        (row[1], row[2]): Grading(row[3], row[4] or "", row[5] or "")
        for row in by_kind.get("latest", [])
        if row[3] is not None
    }
    values: dict[str, list[ValueSupport]] = {}
    for row in sorted(by_kind.get("value", []), key=lambda r: (r[1], -r[6], r[2])):
        key = (row[1], row[2])
        named = names.get(row[2]) if prop_types.get(row[1]) == "entity" else None
        values.setdefault(row[1], []).append(
            ValueSupport(
                value=row[2],
                statements=int(row[6]),
                reports=int(row[7]),
                first_seen=row[8],
                last_seen=row[9],
                best_grading=_best(gradings.get(key, ())),
                latest_grading=latest.get(key),
                invalid_reason=row[10],
                caption=named[2] if named else None,
                link=named[0] if named else None,
            )
        )
    properties = tuple(
        PropertySupport(
            prop=row[1],
            label=property_label(schema, row[1]),
            prop_type=row[10] or "string",
            statement_count=int(row[6]),
            value_count=int(row[7]),
            values=tuple(values.get(row[1], ())),
        )
        for row in sorted(by_kind.get("prop", []), key=lambda r: _prop_order(schema, r[1]))
    )
    return EntityProfile(
        id=canonical.canonical_id,
        schema=schema,
        caption=caption,
        member_ids=canonical.member_ids,
        statement_count=int(total[6]),
        report_count=int(total[7]),
        first_seen=total[8],
        last_seen=total[9],
        properties=properties,
        relationships=tuple(relationships),
        reports=reports,
        incidents=incidents,
        timeline=timeline,
    )


def _prop_order(schema: str, prop: str) -> tuple[int, str]:
    """Caption properties first (a person's names before the rest), then by label."""
    from followthemoney import model

    found = model.get(schema)
    featured = list(found.featured) if found is not None else []
    caption = list(found.caption) if found is not None else []
    order = caption + [p for p in featured if p not in caption]
    return (order.index(prop) if prop in order else len(order), property_label(schema, prop))


def grading_meaning(grading: Grading | None) -> str:
    """A grading in words (``Usually reliable; Probably true``), for a tooltip beside its
    code; empty when there is none, the code itself when its scheme is not known."""
    if grading is None:
        return ""
    try:
        scheme = load_grading_schemes().get(grading.scheme)
        reliability = scheme.reliability_grade(grading.reliability).label
        credibility = scheme.credibility_grade(grading.credibility).label
    except InvalidInput:
        return grading.label
    return f"{reliability}; {credibility}"


def entity_names(ws: Workspace, actor: Actor, entity_ids: Iterable[str]) -> dict[str, str]:
    """The caption of each id the actor may read (as its own entity, not its cluster's:
    a merge history names each member); unreadable ids are absent."""
    wanted = sorted(set(entity_ids))
    if not wanted:
        return {}
    with ws.engine.connect() as connection:
        summaries = _summaries(connection, reader_scope(actor), wanted)
    return {summary.id: summary.caption for summary in summaries}

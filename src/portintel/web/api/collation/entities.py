"""``/api/v1/entities``: entities with each value's provenance, lists and search.

Only statements the caller may see are returned (``services.entities``
filters them); an entity with none visible is a 404.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.entities import entity_type_names
from portintel.services.collation import entities, profile
from portintel.services.collation import search as searching
from portintel.services.workspace import Workspace
from portintel.web.api.intake.report_models import GradingOut
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of
from portintel.web.text_inputs import NON_BLANK

router = APIRouter(tags=["entities"])

ENTITY_TYPES = entity_type_names()
"""What ``schema`` may name; the service refuses any other with 422."""


class StatementOut(BaseModel):
    id: str
    prop: str
    prop_type: str
    value: str
    original_value: str | None
    lang: str | None
    dataset: str
    origin: str
    report_id: str | None
    grading: GradingOut | None
    grading_inherited: bool
    handling: str | None
    handling_inherited: bool
    first_seen: datetime
    last_seen: datetime
    invalid_reason: str | None

    @classmethod
    def of(cls, view: entities.StatementView) -> StatementOut:
        return cls(
            id=view.id,
            prop=view.prop,
            prop_type=view.prop_type,
            value=view.value,
            original_value=view.original_value,
            lang=view.lang,
            dataset=view.dataset,
            origin=view.origin,
            report_id=view.report_id,
            grading=GradingOut.of(view.grading) if view.grading else None,
            grading_inherited=view.grading_inherited,
            handling=view.handling,
            handling_inherited=view.handling_inherited,
            first_seen=view.first_seen,
            last_seen=view.last_seen,
            invalid_reason=view.invalid_reason,
        )


class ValueCountOut(BaseModel):
    value: str
    statements: int


class PropertyOut(BaseModel):
    prop: str
    statement_count: int
    value_count: int
    top_values: list[ValueCountOut]
    shown: int
    complete: bool

    @classmethod
    def of(cls, view: entities.PropertyView) -> PropertyOut:
        return cls(
            prop=view.prop,
            statement_count=view.statement_count,
            value_count=view.value_count,
            top_values=[
                ValueCountOut(value=v.value, statements=v.statements) for v in view.top_values
            ],
            shown=view.shown,
            complete=view.complete,
        )


class ValueSupportOut(BaseModel):
    """A distinct value and what supports it: readable statements and reports, the best
    and the latest grading among them, first and last seen."""

    value: str
    statements: int
    reports: int
    first_seen: datetime
    last_seen: datetime
    best_grading: GradingOut | None
    latest_grading: GradingOut | None
    invalid_reason: str | None
    entity_id: str | None = Field(
        None, description="for an entity-typed value: the canonical id it names, if readable"
    )
    caption: str | None = None

    @classmethod
    def of(cls, view: profile.ValueSupport) -> ValueSupportOut:
        return cls(
            value=view.value,
            statements=view.statements,
            reports=view.reports,
            first_seen=view.first_seen,
            last_seen=view.last_seen,
            best_grading=GradingOut.of(view.best_grading) if view.best_grading else None,
            latest_grading=GradingOut.of(view.latest_grading) if view.latest_grading else None,
            invalid_reason=view.invalid_reason,
            entity_id=view.link,
            caption=view.caption,
        )


class PropertySupportOut(BaseModel):
    prop: str
    label: str
    prop_type: str
    statement_count: int
    value_count: int
    complete: bool = Field(description="every distinct value is listed")
    values: list[ValueSupportOut]


class RelationshipOut(BaseModel):
    """An entity tied to this one: ``kind`` link (an FtM link entity, ``via``), reference
    (one names the other), phone (the same number) or together (in ``reports`` of the
    same reports); ``label`` is its role, ``role`` the words the link states."""

    kind: str
    label: str
    entity_id: str
    schema_name: str
    caption: str
    role: str | None
    via: str | None
    via_schema: str | None
    reports: int


class ReportMentionOut(BaseModel):
    id: str
    title: str
    status: str
    reported_at: datetime
    occurred_at: datetime | None
    grading: GradingOut


class IncidentOut(BaseModel):
    id: str
    occurred_at: datetime
    kind: str
    place: str | None
    migrants: int
    deaths: int
    report_id: str | None
    as_vessel: bool


class MonthCountOut(BaseModel):
    month: str
    reports: int


class EntityOut(BaseModel):
    """The canonical entity as the caller may read it.

    ``values``: per property, each distinct value with its support (statements,
    reports, best and latest grading, first and last seen); ``relationships``,
    ``reports`` (newest first), ``incidents`` and ``timeline`` (reports by month) as on
    its page. Provenance, value by value: ``statements``, the newest of each property
    (``properties`` counts them; ``complete`` when nothing is left out, else page a
    property with ``/entities/{id}/statements``). ``member_ids``: the entities merged
    into it that the caller may read.
    """

    id: str
    schema_name: str
    schema_label: str
    caption: str
    member_ids: list[str]
    statement_count: int
    report_count: int
    first_seen: datetime
    last_seen: datetime
    complete: bool
    report_ids: list[str]
    values: list[PropertySupportOut]
    relationships: list[RelationshipOut]
    reports: list[ReportMentionOut]
    incidents: list[IncidentOut]
    timeline: list[MonthCountOut]
    properties: list[PropertyOut]
    statements: list[StatementOut]

    @classmethod
    def of(cls, found: profile.EntityProfile, view: entities.EntityPage) -> EntityOut:
        return cls(
            id=found.id,
            schema_name=found.schema,
            schema_label=found.schema_label,
            caption=found.caption,
            member_ids=list(found.member_ids),
            statement_count=view.statement_count,
            report_count=view.report_count,
            first_seen=found.first_seen,
            last_seen=found.last_seen,
            complete=view.complete,
            report_ids=list(view.report_ids),
            values=[
                PropertySupportOut(
                    prop=p.prop,
                    label=p.label,
                    prop_type=p.prop_type,
                    statement_count=p.statement_count,
                    value_count=p.value_count,
                    complete=p.complete,
                    values=[ValueSupportOut.of(v) for v in p.values],
                )
                for p in found.properties
            ],
            relationships=[
                RelationshipOut(
                    kind=r.kind,
                    label=r.label,
                    entity_id=r.entity_id,
                    schema_name=r.schema,
                    caption=r.caption,
                    role=r.role,
                    via=r.via,
                    via_schema=r.via_schema,
                    reports=r.reports,
                )
                for r in found.relationships
            ],
            reports=[
                ReportMentionOut(
                    id=r.id,
                    title=r.title,
                    status=r.status,
                    reported_at=r.reported_at,
                    occurred_at=r.occurred_at,
                    grading=GradingOut.of(r.grading),
                )
                for r in found.reports
            ],
            incidents=[
                IncidentOut(
                    id=i.id,
                    occurred_at=i.occurred_at,
                    kind=i.kind,
                    place=i.place,
                    migrants=i.migrants,
                    deaths=i.deaths,
                    report_id=i.report_id,
                    as_vessel=i.as_vessel,
                )
                for i in found.incidents
            ],
            timeline=[MonthCountOut(month=m.month, reports=m.reports) for m in found.timeline],
            properties=[PropertyOut.of(p) for p in view.properties],
            statements=[StatementOut.of(s) for s in view.statements],
        )


class StatementPageOut(BaseModel):
    entity_id: str
    prop: str
    total: int
    offset: int
    statements: list[StatementOut]


class EntitySummaryOut(BaseModel):
    id: str
    schema_name: str
    caption: str
    statement_count: int
    report_count: int

    @classmethod
    def of(cls, view: entities.EntitySummary) -> EntitySummaryOut:
        return cls(
            id=view.id,
            schema_name=view.schema,
            caption=view.caption,
            statement_count=view.statement_count,
            report_count=view.report_count,
        )


@router.get("/entities", response_model=list[EntitySummaryOut], responses=errors(403))
async def list_entities(
    schema: str | None = Query(
        None, description="FtM schema, e.g. Vessel", json_schema_extra={"enum": ENTITY_TYPES}
    ),
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[EntitySummaryOut]:
    found = await run_in_threadpool(
        lambda: entities.list_entities(ws, actor, schema=schema, limit=limit, offset=offset)
    )
    return [EntitySummaryOut.of(item) for item in found]


@router.get("/search/entities", response_model=list[EntitySummaryOut], responses=errors(403))
async def search_entities(
    q: str = Query(..., max_length=200, pattern=NON_BLANK),
    schema: str | None = Query(None, json_schema_extra={"enum": ENTITY_TYPES}),
    limit: int = Query(50, ge=1, le=500),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[EntitySummaryOut]:
    """Entities with a visible value containing ``q``; the search is audited."""
    found = await run_in_threadpool(
        lambda: entities.search_entities(ws, actor, q, schema=schema, limit=limit)
    )
    return [EntitySummaryOut.of(item) for item in found]


class FacetCountOut(BaseModel):
    value: str
    count: int


class SearchPageOut(BaseModel):
    """One page of the entities matching ``query`` that the caller may see, with the total
    and counts by type (of what the caller may see only). ``total_exact`` false: there are
    more than ``total``, and the page is of the ``total`` found first (names and
    identifiers first); ``types_exact`` false: the counts by type are of those."""

    query: str
    schema_name: str | None
    total: int
    total_exact: bool
    types_exact: bool
    offset: int
    limit: int
    next_offset: int | None
    types: list[FacetCountOut]
    entities: list[EntitySummaryOut]

    @classmethod
    def of(cls, page: searching.SearchPage) -> SearchPageOut:
        return cls(
            query=page.query,
            schema_name=page.schema,
            total=page.total,
            total_exact=page.total_exact,
            types_exact=page.types_exact,
            offset=page.offset,
            limit=page.limit,
            next_offset=page.next_offset,
            types=[FacetCountOut(value=f.value, count=f.count) for f in page.types],
            entities=[EntitySummaryOut.of(item) for item in page.entities],
        )


@router.get("/search", response_model=SearchPageOut, responses=errors(403))
async def search(
    q: str = Query(..., max_length=searching.MAX_QUERY, pattern=NON_BLANK),
    schema: str | None = Query(None, json_schema_extra={"enum": ENTITY_TYPES}),
    limit: int = Query(50, ge=0, le=searching.MAX_LIMIT),
    offset: int = Query(0, ge=0),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> SearchPageOut:
    """Entities the caller may see matching ``q``: a name in any script or spelling, an
    identifier however written, any value's text, or an id; one page, with the total and
    the counts by type. Audited."""
    page = await run_in_threadpool(
        lambda: searching.search(ws, actor, q, schema=schema, limit=limit, offset=offset)
    )
    return SearchPageOut.of(page)


class ReportHitOut(BaseModel):
    id: str
    title: str
    status: str
    agency_id: str
    grading: str
    handling: str
    reported_at: datetime
    category: str


class ReportSearchPageOut(BaseModel):
    """One page of the reports the caller may read whose title and text hold every word of
    ``query`` (accents and case folded), with counts by type, status, agency, grading,
    handling and month (of the readable ones only). ``total_exact`` false: there are more
    than ``total``, and the facets count the ``total`` newest."""

    query: str
    total: int
    total_exact: bool
    offset: int
    limit: int
    next_offset: int | None
    filters: dict[str, str]
    facets: dict[str, list[FacetCountOut]]
    reports: list[ReportHitOut]


_FACET_QUERY = "Only reports with this {} (a facet's value)."


@router.get("/search/reports", response_model=ReportSearchPageOut, responses=errors(403))
async def search_reports(
    q: str = Query(..., max_length=searching.MAX_QUERY, pattern=NON_BLANK),
    limit: int = Query(50, ge=0, le=searching.MAX_LIMIT),
    offset: int = Query(0, ge=0),
    type_: str | None = Query(
        None, alias="type", max_length=64, description=_FACET_QUERY.format("category")
    ),
    status: str | None = Query(None, max_length=16, description=_FACET_QUERY.format("status")),
    agency: str | None = Query(None, max_length=64, description=_FACET_QUERY.format("agency")),
    grading: str | None = Query(None, max_length=16, description=_FACET_QUERY.format("grading")),
    handling: str | None = Query(
        None, max_length=64, description=_FACET_QUERY.format("handling code")
    ),
    month: str | None = Query(
        None, pattern=r"^[0-9]{4}-[0-9]{2}$", description=_FACET_QUERY.format("month, YYYY-MM")
    ),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> ReportSearchPageOut:
    """Reports the caller may read whose title and text hold every word of ``q`` (or whose
    id it is), narrowed to the facet values given, newest first; one page, with the total
    and the facets. Audited."""
    filters = {"type": type_, "status": status, "agency": agency, "grading": grading,
               "handling": handling, "month": month}  # fmt: skip
    page = await run_in_threadpool(
        lambda: searching.search_reports(ws, actor, q, limit=limit, offset=offset, filters=filters)
    )
    return ReportSearchPageOut(
        query=page.query,
        total=page.total,
        total_exact=page.total_exact,
        offset=page.offset,
        limit=page.limit,
        next_offset=page.next_offset,
        filters=page.filters,
        facets={
            name: [FacetCountOut(value=f.value, count=f.count) for f in found]
            for name, found in page.facets.items()
        },
        reports=[
            ReportHitOut(
                id=hit.id,
                title=hit.title,
                status=hit.status,
                agency_id=hit.agency_id,
                grading=hit.grading,
                handling=hit.handling,
                reported_at=hit.reported_at,
                category=hit.category,
            )
            for hit in page.reports
        ],
    )


@router.get("/entities/{entity_id}", response_model=EntityOut, responses=errors(403, 404))
async def get_entity(
    entity_id: str,
    per_property: int = Query(
        entities.PER_PROPERTY, ge=0, le=1000, description="newest statements per property"
    ),
    reports: int = Query(entities.REPORTS_SHOWN, ge=0, le=5000, description="report ids named"),
    values_shown: int = Query(
        profile.VALUES_SHOWN, ge=0, le=1000, description="distinct values listed per property"
    ),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> EntityOut:
    """The canonical entity with its values, their support and provenance (at most
    ``per_property`` statements of each property), relationships, reports and timeline."""

    def read() -> EntityOut:
        found = profile.entity_profile(ws, actor, entity_id, values_shown=values_shown)
        page = entities.entity_page(
            ws, actor, entity_id, per_property=per_property, reports=reports
        )
        return EntityOut.of(found, page)

    return await run_in_threadpool(read)


@router.get(
    "/entities/{entity_id}/statements",
    response_model=StatementPageOut,
    responses=errors(403, 404),
)
async def get_entity_statements(
    entity_id: str,
    prop: str = Query(..., min_length=1, max_length=64, description="property, e.g. name"),
    value: str | None = Query(None, max_length=10_000, description="only this value"),
    limit: int = Query(entities.STATEMENT_PAGE, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> StatementPageOut:
    """One page of the entity's statements of ``prop`` (of ``value`` if given), newest
    first, with their total."""
    page = await run_in_threadpool(
        lambda: entities.entity_statements(
            ws, actor, entity_id, prop, limit=limit, offset=offset, value=value
        )
    )
    return StatementPageOut(
        entity_id=page.entity_id,
        prop=page.prop,
        total=page.total,
        offset=page.offset,
        statements=[StatementOut.of(s) for s in page.statements],
    )

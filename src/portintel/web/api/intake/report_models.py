"""Pydantic shapes of reports on the API (the edge; the services speak dataclasses)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from portintel.domain.grading import Grading
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services.intake.reports import AttachmentView, ReportSummary, ReportView
from portintel.web.api.times import IsoDateTime
from portintel.web.text_inputs import NON_BLANK


class GradingOut(BaseModel):
    scheme: str
    reliability: str
    credibility: str
    label: str

    @classmethod
    def of(cls, grading: Grading) -> GradingOut:
        return cls(
            scheme=grading.scheme,
            reliability=grading.reliability,
            credibility=grading.credibility,
            label=grading.label,
        )


class FactIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    entity_key: str = Field(
        max_length=128,
        description=(
            "groups facts of one entity within the report, e.g. vessel-1; "
            "entity:<id> adds them to an existing entity you may read"
        ),
    )
    schema_name: str = Field(alias="schema", max_length=64, description="FtM schema, e.g. Vessel")
    prop: str = Field(max_length=64, description="FtM property, e.g. imoNumber")
    value: str = Field(max_length=10_000)
    lang: str | None = Field(None, max_length=8)
    reliability: str | None = Field(None, max_length=8)
    credibility: str | None = Field(None, max_length=8)
    handling: str | None = Field(None, max_length=64)

    def draft(self) -> FactDraft:
        return FactDraft(
            entity_key=self.entity_key,
            schema=self.schema_name,
            prop=self.prop,
            value=self.value,
            lang=self.lang,
            reliability=self.reliability,
            credibility=self.credibility,
            handling=self.handling,
        )


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=300, pattern=NON_BLANK)
    text: str = Field(max_length=200_000, pattern=NON_BLANK)
    credibility: str = Field(max_length=8, pattern=NON_BLANK)
    handling: str = Field(max_length=64, description="vocabulary:code, e.g. uk-3x5x2:C")
    reliability: str | None = Field(None, max_length=8, description="default: the source's")
    grading_scheme: str | None = Field(None, max_length=32, description="default: the node's")
    handling_conditions: str | None = Field(None, max_length=5_000)
    releasable_to: list[str] = Field(default_factory=list, description="agency ids")
    occurred_at: IsoDateTime | None = None
    place: str | None = Field(None, max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    source_id: str | None = Field(None, max_length=64)
    category: str | None = Field(None, max_length=64)
    facts: list[FactIn] = Field(default_factory=list, max_length=1_000)
    extract: bool = Field(True, description="also extract identifiers from the text")
    submit: bool = Field(False, description="submit for evaluation at once")

    def draft(self) -> ReportDraft:
        return ReportDraft(
            title=self.title,
            text=self.text,
            credibility=self.credibility,
            handling=self.handling,
            reliability=self.reliability,
            grading_scheme=self.grading_scheme,
            handling_conditions=self.handling_conditions,
            releasable_to=tuple(self.releasable_to),
            occurred_at=self.occurred_at,
            place=self.place,
            latitude=self.latitude,
            longitude=self.longitude,
            source_id=self.source_id,
            category=self.category,
            facts=tuple(fact.draft() for fact in self.facts),
            extract=self.extract,
        )


class EvaluationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reliability: str | None = Field(None, max_length=8)
    credibility: str | None = Field(None, max_length=8)
    grading_scheme: str | None = Field(None, max_length=32)
    handling: str | None = Field(None, max_length=64)
    handling_conditions: str | None = Field(None, max_length=5_000)
    releasable_to: list[str] | None = None
    note: str | None = Field(None, max_length=5_000)


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=5_000)


class ReportEntityOut(BaseModel):
    """An entity the report names, with the caption the report's facts give it."""

    id: str
    schema_name: str = Field(alias="schema")
    caption: str

    model_config = ConfigDict(populate_by_name=True)


class AttachmentOut(BaseModel):
    id: str
    report_id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by: str | None
    url: str

    @classmethod
    def of(cls, view: AttachmentView) -> AttachmentOut:
        return cls(
            id=view.id,
            report_id=view.report_id,
            filename=view.filename,
            media_type=view.media_type,
            size=view.size,
            sha256=view.sha256,
            created_at=view.created_at,
            created_by=view.created_by,
            url=f"/api/v1/attachments/{view.id}",
        )


class EventOut(BaseModel):
    action: str
    from_status: str | None
    to_status: str | None
    actor_id: str | None
    at: datetime
    note: str | None


class ReportSummaryOut(BaseModel):
    id: str
    title: str
    status: str
    author_id: str
    agency_id: str
    reported_at: datetime
    occurred_at: datetime | None
    place: str | None
    grading: GradingOut
    handling: str
    restrictive: bool

    @classmethod
    def of(cls, summary: ReportSummary) -> ReportSummaryOut:
        return cls(
            id=summary.id,
            title=summary.title,
            status=summary.status.value,
            author_id=summary.author_id,
            agency_id=summary.agency_id,
            reported_at=summary.reported_at,
            occurred_at=summary.occurred_at,
            place=summary.place,
            grading=GradingOut.of(summary.grading),
            handling=summary.handling,
            restrictive=summary.restrictive,
        )


class ReportList(BaseModel):
    total: int
    items: list[ReportSummaryOut]


class ReportOut(BaseModel):
    id: str
    title: str
    text: str
    status: str
    author_id: str
    agency_id: str
    reported_at: datetime
    occurred_at: datetime | None
    place: str | None
    latitude: float | None
    longitude: float | None
    grading: GradingOut
    node_grading: GradingOut | None
    reliability_overridden: bool
    handling: str
    handling_conditions: str | None
    handling_definition: str
    restrictive: bool
    releasable_to: list[str]
    tlp: str | None
    category: str | None
    origin_node: str | None
    source_id: str | None
    source_reference: str | None
    source_kind: str | None
    created_at: datetime
    updated_at: datetime
    events: list[EventOut]
    attachments: list[AttachmentOut]
    entity_ids: list[str]
    entities: list[ReportEntityOut]
    allowed_actions: list[str]

    @classmethod
    def of(cls, view: ReportView) -> ReportOut:
        return cls(
            id=view.id,
            title=view.title,
            text=view.text,
            status=view.status.value,
            author_id=view.author_id,
            agency_id=view.agency_id,
            reported_at=view.reported_at,
            occurred_at=view.occurred_at,
            place=view.place,
            latitude=view.latitude,
            longitude=view.longitude,
            grading=GradingOut.of(view.grading),
            node_grading=GradingOut.of(view.mapped_grading) if view.mapped_grading else None,
            reliability_overridden=view.reliability_overridden,
            handling=view.handling,
            handling_conditions=view.handling_conditions,
            handling_definition=view.handling_definition,
            restrictive=view.restrictive,
            releasable_to=list(view.releasable_to),
            tlp=view.tlp,
            category=view.category,
            origin_node=view.origin_node,
            source_id=view.source_id,
            source_reference=view.source_reference,
            source_kind=view.source_kind,
            created_at=view.created_at,
            updated_at=view.updated_at,
            events=[
                EventOut(
                    action=event.action,
                    from_status=event.from_status,
                    to_status=event.to_status,
                    actor_id=event.actor_id,
                    at=event.at,
                    note=event.note,
                )
                for event in view.events
            ],
            attachments=[AttachmentOut.of(item) for item in view.attachments],
            entity_ids=list(view.entity_ids),
            entities=[
                ReportEntityOut(id=e.id, schema_name=e.schema, caption=e.caption)
                for e in view.entities
            ],
            allowed_actions=[action.value for action in view.allowed_actions],
        )

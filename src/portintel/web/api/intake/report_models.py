"""Pydantic shapes of reports on the API (the edge; the services speak dataclasses).

A report's own fields are not written here: ``ReportIn``, ``EvaluationIn``,
``ReportOut`` and ``ReportSummaryOut`` are built from their ``...Base`` class
(methods and the fields that are not a report's) and the fields that
:data:`~portintel.domain.report_fields.REPORT_FIELDS` declares, by
:mod:`portintel.web.api.intake.report_fields`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, Field

from portintel.domain.grading import Grading
from portintel.domain.report_fields import (
    GRADING_FIELDS,
    REPORT_FIELDS,
    ReportField,
    evaluation_fields,
)
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services.intake.reports import AttachmentView, ReportSummary, ReportView
from portintel.web.api.intake.report_fields import (
    api_value,
    change_definitions,
    declared_model,
    domain_value,
    filing_definitions,
    shown_definitions,
)


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


class ReportInBase(BaseModel):
    """What filing over the API adds to a report's declared fields: its instructions."""

    model_config = ConfigDict(extra="forbid")

    facts: list[FactIn] = Field(default_factory=list, max_length=1_000)
    extract: bool = Field(True, description="also extract identifiers from the text")
    submit: bool = Field(False, description="submit for evaluation at once")

    def draft(self) -> ReportDraft:
        return ReportDraft(
            **{field.name: domain_value(field, getattr(self, field.name)) for field in FILED},
            facts=tuple(fact.draft() for fact in self.facts),
            extract=self.extract,
        )


class EvaluationInBase(BaseModel):
    """What an evaluation adds to the fields it may change: a note for the history."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=5_000)

    def changes(self) -> dict[str, Any]:
        """The declared fields a supervisor may change, by name (``None`` keeps one)."""
        return {field.name: getattr(self, field.name) for field in EVALUATED}


FILED = tuple(field for field in REPORT_FIELDS if field.typed_by_people)
"""Fields a report is filed with over the API (an importer's own fields aside)."""
EVALUATED = evaluation_fields()

if TYPE_CHECKING:  # statically the base; at run time the base with the declared fields
    ReportIn = ReportInBase
    EvaluationIn = EvaluationInBase
else:
    ReportIn = declared_model("ReportIn", ReportInBase, filing_definitions(FILED))
    EvaluationIn = declared_model("EvaluationIn", EvaluationInBase, change_definitions(EVALUATED))


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=5_000)


class ReturnIn(BaseModel):
    """Why a supervisor sends a submitted report back to its author."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(
        ..., min_length=1, max_length=5_000, description="The reason, for the author."
    )


class ReturnedOut(BaseModel):
    """A report sent back to its author: a draft again, which only its author reads."""

    id: str
    status: str = Field(description="Always `draft`: the author corrects it and submits it again.")
    returned_to: str = Field(description="The author's user id.")


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


class ReportSummaryOutBase(BaseModel):
    """A report in a list: the listed fields, with their grading as one."""

    grading: GradingOut

    @classmethod
    def of(cls, summary: ReportSummary) -> Self:
        return cls(**_shown(LISTED_SHOWN, summary), grading=GradingOut.of(summary.grading))


class ReportOutBase(BaseModel):
    """A report: its declared fields, with their grading as one, and what a reader is told
    beside them."""

    grading: GradingOut
    node_grading: GradingOut | None
    handling_definition: str
    source_reference: str | None
    source_kind: str | None
    events: list[EventOut]
    attachments: list[AttachmentOut]
    entity_ids: list[str]
    entities: list[ReportEntityOut]
    allowed_actions: list[str]

    @classmethod
    def of(cls, view: ReportView) -> Self:
        return cls(
            **_shown(SHOWN, view),
            grading=GradingOut.of(view.grading),
            node_grading=GradingOut.of(view.mapped_grading) if view.mapped_grading else None,
            handling_definition=view.handling_definition,
            source_reference=view.source_reference,
            source_kind=view.source_kind,
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


def _shown(fields: tuple[ReportField, ...], view: ReportView | ReportSummary) -> dict[str, Any]:
    return {field.name: api_value(field, getattr(view, field.name)) for field in fields}


SHOWN = tuple(field for field in REPORT_FIELDS if field.name not in GRADING_FIELDS)
"""Fields a report shows on the API; the grading's parts are shown together as one."""
LISTED_SHOWN = tuple(field for field in SHOWN if field.listed)

if TYPE_CHECKING:  # statically the base; at run time the base with the declared fields
    ReportOut = ReportOutBase
    ReportSummaryOut = ReportSummaryOutBase
else:
    ReportOut = declared_model("ReportOut", ReportOutBase, shown_definitions(SHOWN))
    ReportSummaryOut = declared_model(
        "ReportSummaryOut", ReportSummaryOutBase, shown_definitions(LISTED_SHOWN)
    )


class ReportList(BaseModel):
    total: int
    items: list[ReportSummaryOut]

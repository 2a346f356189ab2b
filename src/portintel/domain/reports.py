"""Reports: what a new report says, and the lifecycle it goes through.

A report moves draft -> submitted -> evaluated -> disseminated -> archived.
Who may take each step is data: the workflow (:mod:`portintel.domain.workflow`,
shipped as ``vocabularies/workflow.yaml``, replaceable per node), read by
:func:`check_transition`; services call it and record who and when in
``report_events``. The shipped rules, and why:

========== ============================== ============== =============================
action     from                           to             who
========== ============================== ============== =============================
submit     draft                          submitted      the author (their own draft)
evaluate   submitted                      evaluated      a supervisor (approves grading)
disseminate evaluated                     disseminated   a supervisor (every release)
archive    submitted, evaluated,          archived       a supervisor, with a note
           disseminated
withdraw   draft                          archived       the author (discards a draft)
return     submitted                      draft          a supervisor, with the reason
========== ============================== ============== =============================

A supervisor who does not approve a submitted report either returns it to its
author with the reason (the author corrects it and submits it again) or
archives it with a note: both need words, because the author and the record
must know why (the steps whose ``note`` is required, :data:`NOTE_REQUIRED`).

Editing (text, facts, attachments) is allowed to the author while the report
is a draft or submitted, and to a supervisor while it is submitted: once
evaluated, a report is a record and changes only by status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portintel.domain.actors import Actor, Role
from portintel.domain.report_fields import ReportStatus as ReportStatus
from portintel.domain.report_fields import check_filing, filing_fields
from portintel.domain.storable_text import refuse_nul
from portintel.domain.workflow import ReportAction as ReportAction
from portintel.domain.workflow import Step, Workflow, shipped_workflow
from portintel.errors import Conflict, InvalidInput, PermissionDenied

TRANSITIONS: dict[ReportAction, Step] = {step.action: step for step in shipped_workflow().steps}
"""The shipped workflow's steps by action (a node's own workflow may differ)."""

NOTE_REQUIRED: frozenset[ReportAction] = shipped_workflow().note_required
"""Steps of the shipped workflow taken only with words: why a report goes back, why archived."""


def check_transition(
    actor: Actor,
    action: ReportAction,
    status: ReportStatus,
    author_id: str,
    note: str | None = None,
    *,
    workflow: Workflow | None = None,
) -> ReportStatus:
    """The status after ``action``; raises if the actor, the status or a missing note forbids it.

    ``workflow`` is the node's (the shipped one when not given).
    PermissionDenied when the actor is not the one the workflow names;
    Conflict when the report is in a status the step does not start from, or
    the node's workflow has no such step;
    InvalidInput when a step whose note is required comes without a note
    (the system, migrating or importing, is exempt).
    """
    flow = workflow or shipped_workflow()
    step = flow.step(action)
    if step is None:
        raise Conflict(
            f"this node's workflow has no step {action.value!r}",
            hint="ask an administrator to add it to the workflow file",
        )
    if not step.qualifies(actor, author_id):
        raise PermissionDenied(f"only {step.actor_label} may {action.value} this report")
    if status not in step.sources:
        allowed = ", ".join(sorted(s.value for s in step.sources))
        raise Conflict(
            f"cannot {action.value} a report that is {status.value}",
            hint=f"{action.value} applies to reports that are {allowed}",
        )
    if step.note_required and not actor.is_system and not (note or "").strip():
        doing = {ReportAction.RETURN: "returning", ReportAction.ARCHIVE: "archiving"}.get(
            action, f"the step {action.value!r} of"
        )
        raise InvalidInput(
            f"{doing} a report needs a note",
            field="note",
            hint="say why, in a few words: the author and the record keep it",
        )
    return step.target


def may_edit(actor: Actor, status: ReportStatus, author_id: str) -> bool:
    """Whether the actor may change the report's content or add attachments."""
    if actor.is_system:
        return True
    if actor.user_id == author_id and status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED):
        return True
    return actor.has(Role.SUPERVISOR) and status is ReportStatus.SUBMITTED


def allowed_actions(
    actor: Actor, status: ReportStatus, author_id: str, *, workflow: Workflow | None = None
) -> tuple[ReportAction, ...]:
    """The steps the actor could take now (for buttons and API hints)."""
    flow = workflow or shipped_workflow()
    return tuple(
        step.action
        for step in flow.steps
        if status in step.sources and step.qualifies(actor, author_id)
    )


VERBATIM_ID = "entity:"
"""Prefix of an ``entity_key`` that names an existing entity by its id."""


@dataclass(frozen=True, slots=True)
class FactDraft:
    """One fact a report yields: property ``prop`` of the entity called ``entity_key``.

    ``entity_key`` groups the facts of one entity within a report ("vessel-1",
    "captain"): it is local to the report and never an id. ``entity:<id>``
    instead adds the facts to the existing entity ``<id>``, which the writer
    must be able to read. A value of an entity-typed property (the ``owner``
    of an Ownership) names another fact's ``entity_key``, or an existing
    entity by its id.
    Per-fact overrides of grading and handling are optional.
    """

    entity_key: str
    schema: str
    prop: str
    value: str
    lang: str | None = None
    reliability: str | None = None
    credibility: str | None = None
    handling: str | None = None

    def __post_init__(self) -> None:
        for name in ("entity_key", "schema", "prop"):
            if not getattr(self, name).strip():
                raise InvalidInput(f"a fact needs a {name}", field=name)


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """Everything needed to file a report.

    ``reliability`` may be left out when the report names a source: it is
    then carried over from the source's grading. ``grading_scheme`` defaults
    to the node's scheme. ``releasable_to`` lists agency ids beyond the
    author's that may read the report when its handling code is restrictive
    (the "conditions" of a 3x5x2 C, the permission of an H2 provider).
    ``report_id`` is chosen by importers that need deterministic ids.
    """

    title: str
    text: str
    credibility: str
    handling: str
    reliability: str | None = None
    grading_scheme: str | None = None
    handling_conditions: str | None = None
    releasable_to: tuple[str, ...] = ()
    occurred_at: datetime | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    source_id: str | None = None
    category: str | None = None
    origin_node: str | None = None
    facts: tuple[FactDraft, ...] = ()
    extract: bool = True
    report_id: str | None = None

    def __post_init__(self) -> None:
        given = {field.name: getattr(self, field.name) for field in filing_fields()}
        for name, value in given.items():
            if isinstance(value, str):
                refuse_nul(value, name)  # PostgreSQL refuses a NUL; SQLite would keep it
        for fact in self.facts:
            refuse_nul(fact.value, "facts.value")
        # required fields, lengths and ranges as REPORT_FIELDS declares them
        check_filing(given)
        if (self.latitude is None) != (self.longitude is None):
            raise InvalidInput(
                "give both latitude and longitude, or neither",
                field="latitude" if self.latitude is None else "longitude",
            )
        if self.occurred_at is not None and self.occurred_at.tzinfo is None:
            raise InvalidInput(
                "occurred_at needs a time zone", field="occurred_at", hint="use UTC, e.g. ...Z"
            )
        if self.reliability is None and self.source_id is None:
            raise InvalidInput(
                "a report needs a reliability grade or a source to take it from",
                field="reliability",
            )

"""Reports: what a new report says, and the lifecycle it goes through.

A report moves draft -> submitted -> evaluated -> disseminated -> archived.
Who may take each step is one table, :data:`TRANSITIONS`, read by
:func:`check_transition`; services call it and record who and when in
``report_events``. The rules, and why:

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
must know why (:data:`NOTE_REQUIRED`).

Editing (text, facts, attachments) is allowed to the author while the report
is a draft or submitted, and to a supervisor while it is submitted: once
evaluated, a report is a record and changes only by status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from portintel.domain.actors import Actor, Role
from portintel.domain.report_fields import ReportStatus as ReportStatus
from portintel.domain.report_fields import check_filing, filing_fields
from portintel.domain.storable_text import refuse_nul
from portintel.errors import Conflict, InvalidInput, PermissionDenied


class ReportAction(StrEnum):
    SUBMIT = "submit"
    EVALUATE = "evaluate"
    DISSEMINATE = "disseminate"
    ARCHIVE = "archive"
    WITHDRAW = "withdraw"
    RETURN = "return"


class Who(StrEnum):
    """Who may take a step: the report's author, or any supervisor."""

    AUTHOR = "author"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True, slots=True)
class Transition:
    action: ReportAction
    sources: frozenset[ReportStatus]
    target: ReportStatus
    who: Who


TRANSITIONS: dict[ReportAction, Transition] = {
    t.action: t
    for t in (
        Transition(
            ReportAction.SUBMIT,
            frozenset({ReportStatus.DRAFT}),
            ReportStatus.SUBMITTED,
            Who.AUTHOR,
        ),
        Transition(
            ReportAction.EVALUATE,
            frozenset({ReportStatus.SUBMITTED}),
            ReportStatus.EVALUATED,
            Who.SUPERVISOR,
        ),
        Transition(
            ReportAction.DISSEMINATE,
            frozenset({ReportStatus.EVALUATED}),
            ReportStatus.DISSEMINATED,
            Who.SUPERVISOR,
        ),
        Transition(
            ReportAction.ARCHIVE,
            frozenset({ReportStatus.SUBMITTED, ReportStatus.EVALUATED, ReportStatus.DISSEMINATED}),
            ReportStatus.ARCHIVED,
            Who.SUPERVISOR,
        ),
        Transition(
            ReportAction.WITHDRAW,
            frozenset({ReportStatus.DRAFT}),
            ReportStatus.ARCHIVED,
            Who.AUTHOR,
        ),
        Transition(
            ReportAction.RETURN,
            frozenset({ReportStatus.SUBMITTED}),
            ReportStatus.DRAFT,
            Who.SUPERVISOR,
        ),
    )
}

NOTE_REQUIRED: frozenset[ReportAction] = frozenset({ReportAction.RETURN, ReportAction.ARCHIVE})
"""Steps a supervisor takes only with words: why a report goes back, why it is archived."""


def _qualifies(actor: Actor, who: Who, author_id: str) -> bool:
    if actor.is_system:
        return True
    if who is Who.AUTHOR:
        return actor.user_id == author_id
    return actor.has(Role.SUPERVISOR)


def check_transition(
    actor: Actor,
    action: ReportAction,
    status: ReportStatus,
    author_id: str,
    note: str | None = None,
) -> ReportStatus:
    """The status after ``action``; raises if the actor, the status or a missing note forbids it.

    PermissionDenied when the actor is not the one the table names;
    Conflict when the report is in a status the step does not start from;
    InvalidInput when a step of :data:`NOTE_REQUIRED` comes without a note
    (the system, migrating or importing, is exempt).
    """
    transition = TRANSITIONS[action]
    if not _qualifies(actor, transition.who, author_id):
        raise PermissionDenied(
            f"only {'the author' if transition.who is Who.AUTHOR else 'a supervisor'} "
            f"may {action.value} this report",
        )
    if status not in transition.sources:
        allowed = ", ".join(sorted(s.value for s in transition.sources))
        raise Conflict(
            f"cannot {action.value} a report that is {status.value}",
            hint=f"{action.value} applies to reports that are {allowed}",
        )
    if action in NOTE_REQUIRED and not actor.is_system and not (note or "").strip():
        doing = "returning" if action is ReportAction.RETURN else "archiving"
        raise InvalidInput(
            f"{doing} a report needs a note",
            field="note",
            hint="say why, in a few words: the author and the record keep it",
        )
    return transition.target


def may_edit(actor: Actor, status: ReportStatus, author_id: str) -> bool:
    """Whether the actor may change the report's content or add attachments."""
    if actor.is_system:
        return True
    if actor.user_id == author_id and status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED):
        return True
    return actor.has(Role.SUPERVISOR) and status is ReportStatus.SUBMITTED


def allowed_actions(actor: Actor, status: ReportStatus, author_id: str) -> tuple[ReportAction, ...]:
    """The steps the actor could take now (for buttons and API hints)."""
    return tuple(
        t.action
        for t in TRANSITIONS.values()
        if status in t.sources and _qualifies(actor, t.who, author_id)
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

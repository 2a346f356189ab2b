"""Which reasons and watchlist entries a reader may see, as SQL the store applies.

A reason is shown to a reader only if the reader may read **every** piece
of its evidence; otherwise it is absent for them, as if it had not fired.
The score a reader sees is the sum of the reasons they see
(:func:`~portintel.domain.targeting.score_of`), so neither the reasons nor
the total reveal evidence outside their scope: an officer of another agency
sees a lower score, not a hint that something is hidden.

Evidence, kind by kind:

* ``event`` and ``track``: AIS-derived, read by every reader of the maritime
  picture (the reads refuse other readers altogether), except an area entry
  or exit of an analyst area another agency drew (as in every read of events,
  :mod:`portintel.services.maritime.area_scope`);
* ``statement``: rule 5 of :mod:`portintel.domain.access` (the statement
  and its report);
* ``report`` and ``incident``: the report it comes from (rules 1-4); an
  incident recorded without a report is read by the picture's readers;
* ``watchlist``: the entry (:func:`entry_condition`).

Watchlist entries follow rule 4: an entry with a restrictive handling code
is read by its owner's agency and supervisors only; others by every role
that works with intelligence.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, and_, exists, false, not_, or_, select, true

from portintel.adapters.database import tables
from portintel.adapters.database.scope import (
    report_condition,
    statement_condition,
    statements_with_reports,
)
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor, Role

_E = tables.risk_evidence.c
_W = tables.watch_entries.c


def entry_condition(actor: Actor) -> ColumnElement[bool]:
    """The watchlist entries ``actor`` may read (rule 4 on the entry's handling)."""
    if actor.is_system or actor.has(Role.SUPERVISOR):
        return true()
    return or_(_W.restrictive == False, _W.agency_id == actor.agency_id)  # noqa: E712


def area_hidden(actor: Actor) -> ColumnElement[bool]:
    """The analyst areas ``actor`` may not read: another agency's, unless a supervisor."""
    if actor.is_system or actor.has(Role.SUPERVISOR):
        return false()
    return tables.analyst_areas.c.agency_id != actor.agency_id


def hidden_evidence(actor: Actor, table: Table | None = None) -> ColumnElement[bool]:
    """True for a ``risk_evidence`` row (or one of ``table``, shaped alike) ``actor`` may not read.

    Alerts keep their evidence in ``alert_evidence``, with the same columns, so an
    alert is scoped by exactly the rules that scope a reason.
    """
    _E = (table if table is not None else tables.risk_evidence).c
    scope = reader_scope(actor)
    statements = tables.statements
    reports = tables.reports
    readable_statement = exists(
        select(statements.c.id)
        .select_from(statements_with_reports())
        .where(statements.c.id == _E.item_id, statement_condition(scope.statements))
    )
    readable_report = exists(
        select(reports.c.id).where(reports.c.id == _E.report_id, report_condition(scope.reports))
    )
    readable_entry = exists(select(_W.id).where(_W.id == _E.item_id, entry_condition(actor)))
    areas = tables.analyst_areas.c
    hidden_area = exists(select(areas.id).where(areas.id == _E.area_id, area_hidden(actor)))
    return or_(
        and_(_E.area_id.is_not(None), hidden_area),
        and_(_E.kind == "statement", not_(readable_statement)),
        and_(_E.kind.in_(("report", "incident")), _E.report_id.is_not(None), not_(readable_report)),
        and_(_E.kind == "watchlist", not_(readable_entry)),
    )


def visible_reason(actor: Actor) -> ColumnElement[bool]:
    """True for a ``risk_reasons`` row all of whose evidence ``actor`` may read."""
    if actor.is_system:
        return true()
    reasons = tables.risk_reasons.c
    return not_(
        exists(
            select(_E.cause_key).where(_E.cause_key == reasons.cause_key, hidden_evidence(actor))
        )
    )


def visible_alert(actor: Actor) -> ColumnElement[bool]:
    """True for an ``alerts`` row all of whose evidence ``actor`` may read.

    An alert and everything it says (its title, reasons, score) rest on its
    evidence; a reader who may not read one piece does not receive the alert
    at all, in lists, counts, the live stream, e-mail or the webhook.
    """
    if actor.is_system:
        return true()
    evidence = tables.alert_evidence
    return not_(
        exists(
            select(evidence.c.alert_id).where(
                evidence.c.alert_id == tables.alerts.c.id, hidden_evidence(actor, evidence)
            )
        )
    )

"""The hooks portintel fires, with when each fires and what it passes.

Every hook is *announced* by a service inside its transaction and *fired*
only after that transaction commits (:func:`portintel.services.events.transaction`):
a subscriber never runs inside the writer's transaction, never sees a change
that was rolled back, and sees each committed change once. Subscribers run
in the writer's process and thread, one after another, so they should be
quick: anything slow (cross-referencing, detection, scoring, sharing) is
enqueued as a job (:func:`portintel.services.jobs.enqueue`).

Every hook receives ``workspace`` (the :class:`~portintel.services.workspace.Workspace`
that committed the change) and the arguments documented below; a subscriber
takes only the arguments it names. Identifiers are passed, never rows: a
subscriber reads what it needs through the services, under its own scope.

A subscriber that raises is logged (logger ``portintel.events``) and the
other subscribers still run; the writer's change stands and its caller sees
no error, because the change is already committed and cannot be undone by a
follower. ``docs/hooks-and-jobs.md`` is the developer's guide.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from portintel.services.jobs.definitions import JobDefinition
    from portintel.services.workspace import Workspace

PROJECT = "portintel"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_jobs() -> Sequence[JobDefinition]:  # type: ignore[empty-body]
    """Return the jobs this plugin can run (each a :class:`JobDefinition`).

    Called once, when a workspace first builds its job queue (in the process
    that enqueues and in ``portintel worker`` alike), so a job's name means
    the same function everywhere.
    """


@hookspec
def report_submitted(workspace: Workspace, report_id: str, actor_id: str, at: datetime) -> None:
    """A report was handed in for evaluation (``draft -> submitted``).

    Fires after the commit of :func:`~portintel.services.intake.reports.submit_report`,
    of :func:`~portintel.services.intake.reports.create_report` with ``submit=True``
    and of an import that files submitted reports, once per report.
    ``actor_id`` is the user who submitted it; ``at`` the time of the transition.
    """


@hookspec
def report_evaluated(
    workspace: Workspace,
    report_id: str,
    actor_id: str,
    at: datetime,
    changes: dict[str, Any],
) -> None:
    """A supervisor evaluated a report (``submitted -> evaluated``).

    Fires after the commit of :func:`~portintel.services.intake.reports.evaluate_report`.
    ``changes`` maps each grading or handling column the evaluation changed to
    its new value (empty when the report was evaluated as filed).
    """


@hookspec
def statements_written(
    workspace: Workspace,
    origins: tuple[str, ...],
    entity_ids: tuple[str, ...],
    count: int,
) -> None:
    """Statements reached the relational store (new, or a sighting that widened one).

    Fires after the commit of every transaction that called
    :func:`~portintel.services.intake.statements.write_statements`: filing or
    importing a report, the AIS vessel registry, the demo. One call per
    transaction, however many batches it wrote: ``origins`` are the distinct
    origins (report ids, ``ais:<source>``), ``entity_ids`` the distinct
    canonical entity ids, ``count`` the statements written (per write call, summed).
    """


@hookspec
def entity_changed(workspace: Workspace, entity_ids: tuple[str, ...], change: str) -> None:
    """What is known about these entities changed.

    ``change`` says why: ``"statements"`` when facts were added or widened
    (fires beside :func:`statements_written`, one call per transaction with
    every canonical id it touched). Judgements (merge, split) will fire it
    with their own ``change``; a subscriber should treat unknown values as
    "re-read the entity".
    """


@hookspec
def positions_accepted(
    workspace: Workspace,
    source: str,
    positions: int,
    mmsis: tuple[int, ...],
    first_at: datetime | None,
    last_at: datetime | None,
) -> None:
    """A batch of AIS positions passed the quality checks and is in the track store.

    Fires from file ingest (``portintel ais ingest``) and live listening, once
    per accepted batch, after its Parquet files and its vessel-registry
    statements are written. ``positions`` counts the accepted positions of the
    batch (a resumed ingest may accept rows the store already held),
    ``mmsis`` the distinct vessels, ``first_at``/``last_at`` their time span
    (``None`` for a batch of static reports only).
    """


@hookspec
def behaviour_events_detected(
    workspace: Workspace, event_ids: tuple[str, ...], kinds: tuple[str, ...]
) -> None:
    """Behaviour events (gaps, loitering, encounters, port visits, ...) were stored.

    Fires after :func:`~portintel.services.maritime.behaviours.detect_behaviours`
    (``portintel ais detect``, the ``maritime.detect_behaviours`` job) has
    replaced the event store, once per run that added or changed events:
    ``event_ids`` are the new or changed events, ``kinds`` their distinct
    types. A run that changed nothing does not fire it.
    """


@hookspec
def alert_raised(workspace: Workspace, alert_id: str, entity_id: str, reason: str) -> None:
    """A watchlist hit, a score over the threshold or a watched vessel's behaviour raised an alert.

    Fires after the commit that stores the alert, once per alert (an alert is
    raised once per cause): its id (the alerts table's, as text), the
    canonical entity it is about (empty when no entity is known, e.g. a
    vessel seen only by MMSI) and the reason shown to the analyst. The
    targeting plugin delivers it to the webhook and by e-mail as jobs.
    """


@hookspec
def task_changed(
    workspace: Workspace, task_id: str, change: str, actor_id: str, at: datetime
) -> None:
    """A task or request for information was issued, answered, closed, reopened or cancelled.

    Fires after the commit of each step of :mod:`portintel.services.tasking`:
    ``change`` is ``issue``, ``answer``, ``close``, ``reopen`` or ``cancel``;
    ``actor_id`` who took it, ``at`` when. In-app notifications of the
    assignee and the issuer subscribe here; a subscriber reads the task
    through the tasking service under the recipient's scope.
    """


HOOK_NAMES = (
    "report_submitted",
    "report_evaluated",
    "statements_written",
    "entity_changed",
    "positions_accepted",
    "behaviour_events_detected",
    "alert_raised",
    "task_changed",
)
"""The hooks services fire (``register_jobs`` is asked, not fired)."""

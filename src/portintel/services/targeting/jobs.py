"""Targeting as jobs after changes: the plugin that wires scores and watchlists to the hooks.

A node turns it on by naming this module in its ``plugins`` setting
(``plugins = ["portintel.services.targeting.jobs"]``), so the writing
process and ``portintel worker`` both know the jobs. Each hook enqueues work
on what the change touched, never a full rescan:

==================================== ===============================================
hook                                 job
==================================== ===============================================
``behaviour_events_detected``        rescore the vessels of the events
``statements_written``               match the entities against the watchlists
                                     (AIS static data through the vessel registry,
                                     reports as they are filed; new hits rescore
                                     the vessels near them), and, for statements
                                     not from AIS alone, rescore the vessels
                                     within two steps of the entities
``report_evaluated``                 rescore the vessels the report is about (its
                                     grading may have changed)
``alert_raised``                     deliver the alert to the webhook and by e-mail
                                     (when configured)
==================================== ===============================================

Alerts are raised inside the jobs, as soon as their cause is stored: new
watchlist hits (matching, sweeps), scores whose new reasons cross
``alert_score_threshold`` (scoring), and listed behaviours of watched vessels
(scoring after ``behaviour_events_detected``); see :mod:`.alert_raising`.

A new watchlist entry is swept against the whole entity store by
:data:`SWEEP_JOB` (enqueued by ``portintel watchlist add`` and the API).
Every job is idempotent: hits are recorded once per cause, and a rescore
replaces the vessel's reasons (keeping when each cause first fired).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from portintel.services.events import hookimpl
from portintel.services.jobs import JobDefinition, enqueue

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace

SCORE_JOB = "targeting.score_vessels"
MATCH_JOB = "targeting.match_watchlists"
SWEEP_JOB = "targeting.sweep_watchlist"
WEBHOOK_JOB = "targeting.deliver_alert_webhook"
EMAIL_JOB = "targeting.deliver_alert_email"


def run_scoring(
    ws: Workspace,
    mmsis: list[int] | None = None,
    event_ids: list[str] | None = None,
    entity_ids: list[str] | None = None,
    report_ids: list[str] | None = None,
) -> None:
    from portintel.services.targeting.affected import (
        entities_of_reports,
        vessels_near_entities,
        vessels_of_events,
    )
    from portintel.services.targeting.scores import score_vessels

    chosen = set(mmsis or ())
    chosen.update(vessels_of_events(ws, event_ids or []))
    entities = list(entity_ids or []) + entities_of_reports(ws, report_ids or [])
    chosen.update(vessels_near_entities(ws, entities))
    summary = score_vessels(ws, sorted(chosen))
    from portintel.services.targeting.alert_raising import raise_for_behaviours, raise_for_scores

    raise_for_scores(ws, summary.new_causes, ws.settings.alert_score_threshold)
    if event_ids:
        raise_for_behaviours(ws, event_ids, ws.settings.alert_behaviours)


def run_matching(
    ws: Workspace, entity_ids: list[str], found_by: str = "entities", origin: str | None = None
) -> None:
    from portintel.services.targeting.alert_raising import raise_for_hits
    from portintel.services.targeting.watchlists import hit_entities, match_entities

    new = match_entities(ws, entity_ids, found_by=found_by, origin=origin)
    raise_for_hits(ws, new)
    if new:
        enqueue(ws, SCORE_JOB, {"entity_ids": hit_entities(ws, new)})


def run_sweep(ws: Workspace, entry_ids: list[str] | None = None) -> None:
    from portintel.services.targeting.alert_raising import raise_for_hits
    from portintel.services.targeting.watchlists import hit_entities, sweep_entries

    new = sweep_entries(ws, entry_ids)
    raise_for_hits(ws, new)
    if new:
        enqueue(ws, SCORE_JOB, {"entity_ids": hit_entities(ws, new)})


def run_webhook(ws: Workspace, alert_id: int, attempt: int = 1) -> None:
    from portintel.services.targeting.alert_delivery import deliver_webhook

    deliver_webhook(ws, alert_id, attempt)


def run_email(ws: Workspace, alert_id: int, attempt: int = 1) -> None:
    from portintel.services.targeting.alert_delivery import deliver_email

    deliver_email(ws, alert_id, attempt)


@hookimpl
def register_jobs() -> Sequence[JobDefinition]:
    return [
        JobDefinition(SCORE_JOB, run_scoring, retries=2, title="Score vessels"),
        JobDefinition(MATCH_JOB, run_matching, retries=2, title="Match watchlists"),
        JobDefinition(SWEEP_JOB, run_sweep, retries=2, title="Sweep a watchlist entry"),
        # back-off is theirs: a failed send enqueues the next attempt with a longer delay
        JobDefinition(WEBHOOK_JOB, run_webhook, retries=0, title="Send an alert to the webhook"),
        JobDefinition(EMAIL_JOB, run_email, retries=0, title="E-mail an alert"),
    ]


@hookimpl
def alert_raised(workspace: Workspace, alert_id: str) -> None:
    if workspace.settings.alert_webhook_url:
        enqueue(workspace, WEBHOOK_JOB, {"alert_id": int(alert_id)})
    if workspace.settings.alert_smtp_host:
        enqueue(workspace, EMAIL_JOB, {"alert_id": int(alert_id)})


@hookimpl
def behaviour_events_detected(workspace: Workspace, event_ids: tuple[str, ...]) -> None:
    if event_ids:
        enqueue(workspace, SCORE_JOB, {"event_ids": list(event_ids)})


def _found_by(origins: tuple[str, ...]) -> tuple[str, str | None]:
    if origins and all(origin.startswith("ais:") for origin in origins):
        return "ais", origins[0] if len(origins) == 1 else None
    reports = [origin for origin in origins if not origin.startswith("ais:")]
    return "report", reports[0] if len(reports) == 1 else None


@hookimpl
def statements_written(
    workspace: Workspace, origins: tuple[str, ...], entity_ids: tuple[str, ...]
) -> None:
    if not entity_ids:
        return
    found_by, origin = _found_by(origins)
    arguments: dict[str, Any] = {"entity_ids": list(entity_ids), "found_by": found_by}
    if origin is not None:
        arguments["origin"] = origin
    enqueue(workspace, MATCH_JOB, arguments)
    if found_by != "ais":
        # AIS identity statements are rewritten by every ingest batch (last seen widened):
        # rescoring on them would rescore the whole fleet all day. What AIS changes that
        # an indicator reads reaches the scores through behaviour_events_detected
        # (identity changes are events) and through the hits the matching job records.
        enqueue(workspace, SCORE_JOB, {"entity_ids": list(entity_ids)})


@hookimpl
def report_evaluated(workspace: Workspace, report_id: str) -> None:
    enqueue(workspace, SCORE_JOB, {"report_ids": [report_id]})

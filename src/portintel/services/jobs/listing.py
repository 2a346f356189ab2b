"""What administrators see of the job queue."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from portintel.domain.actors import Actor
from portintel.services.admin import require_administrator
from portintel.services.jobs import records
from portintel.services.jobs.definitions import JobState, JobView
from portintel.services.workspace import Workspace

MAX_LISTED = 500


def list_jobs(
    ws: Workspace,
    actor: Actor,
    *,
    limit: int = 100,
    states: Sequence[JobState] = (),
    name: str | None = None,
) -> list[JobView]:
    """The most recently enqueued jobs, newest first; administrators only."""
    require_administrator(actor, "see the job queue")
    views = records.recent(ws, limit=max(1, min(limit, MAX_LISTED)), states=states, name=name)
    titles = {definition.name: definition.title for definition in ws.hooks.collect("register_jobs")}
    return [dataclasses.replace(view, title=titles.get(view.name, "")) for view in views]


def count_jobs(ws: Workspace, actor: Actor) -> dict[JobState, int]:
    """How many jobs are in each state; administrators only (the job queue's health)."""
    require_administrator(actor, "see the job queue")
    return records.count_by_state(ws)

"""What a job is: a named function of the workspace and JSON arguments, and its states."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from portintel.domain.languages import N_

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace

JobFunction = Callable[..., object]
"""``function(workspace, **arguments)``; what it returns is ignored."""


@dataclass(frozen=True, slots=True)
class JobDefinition:
    """A job a plugin offers (``register_jobs``).

    ``name`` is how it is enqueued and listed, dotted by capability
    (``collation.cross_reference``). ``retries`` more attempts follow a
    failed one, each ``retry_delay_seconds`` later. A job may run more than
    once for one enqueue (a worker killed mid-run is retried from the start),
    so it must be idempotent: write with upserts, check before sending.
    """

    name: str
    function: JobFunction
    retries: int = 3
    retry_delay_seconds: float = 30.0
    title: str = ""
    """What people see in the job list, e.g. "Cross-reference a report" (else the name)."""

    @property
    def max_attempts(self) -> int:
        return self.retries + 1


class JobState(StrEnum):
    """Where a job is; each value has a label for people (:data:`STATE_LABELS`)."""

    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"


STATE_LABELS = {
    JobState.QUEUED: N_("Waiting"),
    JobState.RUNNING: N_("Running"),
    JobState.RETRYING: N_("Waiting to retry"),
    JobState.DONE: N_("Done"),
    JobState.FAILED: N_("Failed"),
}


@dataclass(frozen=True, slots=True)
class JobView:
    """One job as administrators see it."""

    id: str
    name: str
    state: JobState
    arguments: dict[str, Any]
    attempts: int
    max_attempts: int
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    worker: str | None
    error: str | None
    title: str = ""
    """The job's title from its definition; its name when no plugin here defines it."""

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def label(self) -> str:
        return self.title or self.name


@dataclass(frozen=True, slots=True)
class JobNotice:
    """What a worker did with a job, for the face to print (``portintel worker``)."""

    event: str
    """``started``, ``done``, ``retrying``, ``failed`` or ``recovered``."""
    job_id: str
    name: str
    attempt: int
    max_attempts: int
    error: str | None = None
    seconds: float | None = None


JobListener = Callable[[JobNotice], None]


def run_definition(definition: JobDefinition, ws: Workspace, arguments: dict[str, Any]) -> None:
    definition.function(ws, **arguments)

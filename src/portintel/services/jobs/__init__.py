"""Jobs: background work on a durable queue (huey), recorded for administrators.

Public API: :class:`JobDefinition` (a plugin returns these from
``register_jobs``), :func:`enqueue` (a hook subscriber or service queues a
job), :class:`Worker` (``portintel worker``, the demo), :func:`list_jobs`
(administrators). ``docs/hooks-and-jobs.md`` is the developer's guide.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from portintel.services.jobs.definitions import (
    STATE_LABELS,
    JobDefinition,
    JobListener,
    JobNotice,
    JobState,
    JobView,
)
from portintel.services.jobs.listing import count_jobs, list_jobs
from portintel.services.workspace import Workspace
from portintel.settings import Settings

if TYPE_CHECKING:
    from portintel.services.jobs.worker import Worker

__all__ = [
    "STATE_LABELS",
    "JobDefinition",
    "JobListener",
    "JobNotice",
    "JobState",
    "JobView",
    "Worker",
    "count_jobs",
    "enqueue",
    "list_jobs",
    "queue_label",
]


def __getattr__(name: str) -> object:
    # huey is imported only by a process that runs or enqueues jobs: the CLI starts faster
    if name == "Worker":
        from portintel.services.jobs.worker import Worker

        return Worker
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def enqueue(
    ws: Workspace,
    name: str,
    arguments: Mapping[str, Any] | None = None,
    *,
    delay_seconds: float | None = None,
) -> str:
    """Queue job ``name`` with JSON ``arguments`` on ``ws``'s queue; returns the job id.

    Call it after a commit (a hook subscriber is), never inside a write
    transaction: the job may start before that transaction ends.
    """
    from portintel.services.jobs.queue import queue_of

    return queue_of(ws).enqueue(name, arguments, delay_seconds=delay_seconds)


def queue_label(settings: Settings) -> str:
    """Where the queue lives, without a password: for the worker's banner."""
    from portintel.adapters.database.engine import engine_label

    if settings.job_queue_url is None:
        return f"SQLite {settings.job_queue_path}"
    return engine_label(settings.job_queue_url)

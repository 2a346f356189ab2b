"""Behaviour detection as a job after ingest: the plugin that wires it.

A node turns it on by naming this module in its ``plugins`` setting
(``plugins = ["portintel.services.maritime.behaviour_jobs"]``), so the
ingesting process and ``portintel worker`` both know the job. Every accepted
batch of positions (``positions_accepted``) enqueues one detection run,
delayed by :data:`DELAY_SECONDS` and at most one per delay per process, so a
file of many batches gives one run, not one per batch. The job is
incremental and idempotent (:func:`~portintel.services.maritime.behaviours.detect_behaviours`):
running it twice, or after a crash, changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from portintel.services.events import hookimpl
from portintel.services.jobs import JobDefinition, enqueue
from portintel.services.maritime.behaviours import JOB_NAME

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace

DELAY_SECONDS = 30.0
_last_enqueued: dict[int, float] = {}


def run_detection(ws: Workspace) -> None:
    from portintel.services.maritime.behaviours import detect_behaviours
    from portintel.services.maritime.node_files import export_node_files

    export_node_files(ws)
    detect_behaviours(ws)


@hookimpl
def register_jobs() -> Sequence[JobDefinition]:
    return [
        JobDefinition(
            JOB_NAME,
            run_detection,
            retries=2,
            retry_delay_seconds=60.0,
            title="Detect vessel behaviours",
        )
    ]


@hookimpl
def positions_accepted(workspace: Workspace) -> None:
    now = time.monotonic()
    last = _last_enqueued.get(id(workspace))
    if last is not None and now - last < DELAY_SECONDS:
        return
    _last_enqueued[id(workspace)] = now
    enqueue(workspace, JOB_NAME, {}, delay_seconds=DELAY_SECONDS)

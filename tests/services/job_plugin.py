"""A plugin for the job tests, loaded by module name (the ``plugins`` setting).

It subscribes to ``report_submitted`` and enqueues a job, as a real
follow-up would, and offers jobs that leave marks in the data directory so a
test in another process can see what ran: one that notes a submission, one
that fails its first attempt, one that holds while a file exists.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from portintel.services.events import hookimpl
from portintel.services.jobs import JobDefinition, enqueue
from portintel.services.workspace import Workspace

NOTE = "tests.note_submission"
FLAKY = "tests.flaky"
HOLD = "tests.hold"


def marks(ws: Workspace) -> Path:
    folder = ws.settings.data_dir / "job-marks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def note_submission(ws: Workspace, report_id: str) -> None:
    with (marks(ws) / "submissions.txt").open("a", encoding="utf-8") as file:
        file.write(report_id + "\n")


def flaky(ws: Workspace, key: str) -> None:
    tried = marks(ws) / f"{key}.tried"
    if not tried.exists():
        tried.touch()
        raise RuntimeError(f"{key} fails the first time")
    (marks(ws) / f"{key}.done").touch()


def hold(ws: Workspace, key: str) -> None:
    folder = marks(ws)
    runs = len(list(folder.glob(f"{key}.started-*")))
    (folder / f"{key}.started-{runs + 1}").touch()
    while (folder / f"{key}.hold").exists():
        time.sleep(0.05)
    (folder / f"{key}.done").touch()


@hookimpl
def register_jobs() -> Sequence[JobDefinition]:
    return [
        JobDefinition(
            NOTE, note_submission, retries=1, retry_delay_seconds=0.2, title="Note a submission"
        ),
        JobDefinition(FLAKY, flaky, retries=2, retry_delay_seconds=0.2, title="Fail once"),
        JobDefinition(HOLD, hold, retries=2, retry_delay_seconds=0.2, title="Hold on"),
    ]


@hookimpl
def report_submitted(workspace: Workspace, report_id: str) -> None:
    enqueue(workspace, NOTE, {"report_id": report_id})

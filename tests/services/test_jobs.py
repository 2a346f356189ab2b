"""Jobs on the real queue, in this process: enqueued by a hook, retried, recorded, leased.

The worker here is the same :class:`Worker` that ``portintel worker`` runs;
tests/cli/test_worker.py runs that command as a process, and kills it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.reports import ReportDraft
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services import jobs
from portintel.services.intake.reports import create_report
from portintel.services.jobs.queue import queue_of
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.services import job_plugin
from tests.services.staff import IMMIGRATION, make_user

PLUGIN = "tests.services.job_plugin"


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Poll until ``check()`` holds; a generous ceiling, never a timing assertion."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def job_state(ws: Workspace, job_id: str) -> jobs.JobState | None:
    view = next((v for v in jobs.list_jobs(ws, admin_actor(ws)) if v.id == job_id), None)
    return view.state if view else None


def admin_actor(ws: Workspace) -> Actor:
    """The system actor holds every role, administrator included."""
    return SYSTEM


@pytest.fixture
def node(settings: Settings) -> Iterator[Workspace]:
    """A workspace with the test plugin, on its own queue (SQLite in the data directory)."""
    ws = open_workspace(
        settings.model_copy(
            update={"plugins": (PLUGIN,), "job_queue_name": f"t-{uuid.uuid4().hex[:12]}"}
        )
    )
    yield ws
    ws.close()


@pytest.fixture
def worker(node: Workspace) -> Iterator[list[jobs.JobNotice]]:
    notices: list[jobs.JobNotice] = []
    running = jobs.Worker(node, listener=notices.append)
    running.start()
    yield notices
    running.stop()


def test_a_hook_subscriber_enqueues_a_job_that_the_worker_runs(
    node: Workspace, worker: list[jobs.JobNotice]
) -> None:
    officer = make_user(node, "officer", IMMIGRATION, Role.OFFICER)
    draft = ReportDraft(
        title="Boat at night",
        text="30 people boarded.",
        reliability="B",
        credibility="2",
        handling="uk-3x5x2:P",
    )
    report_id = create_report(node, officer, draft, submit=True)
    mark = job_plugin.marks(node) / "submissions.txt"
    wait_for(lambda: mark.exists() and report_id in mark.read_text(), "the job's mark")
    (view,) = jobs.list_jobs(node, admin_actor(node))
    wait_for(lambda: job_state(node, view.id) is jobs.JobState.DONE, "the job to be done")
    (view,) = jobs.list_jobs(node, admin_actor(node))
    assert view.name == job_plugin.NOTE and view.arguments == {"report_id": report_id}
    assert view.attempts == 1 and view.error is None
    assert view.started_at is not None and view.finished_at is not None
    assert view.state_label == "Done"
    assert [n.event for n in worker] == ["started", "done"]


def test_a_failing_job_is_retried_after_its_delay_and_the_error_is_kept(
    node: Workspace, worker: list[jobs.JobNotice]
) -> None:
    job_id = jobs.enqueue(node, job_plugin.FLAKY, {"key": "once"})
    wait_for(lambda: job_state(node, job_id) is jobs.JobState.DONE, "the retry to succeed")
    view = next(v for v in jobs.list_jobs(node, admin_actor(node)) if v.id == job_id)
    assert view.attempts == 2 and view.max_attempts == 3
    assert [n.event for n in worker] == ["started", "retrying", "started", "done"]
    assert worker[1].error == "RuntimeError: once fails the first time"
    assert (job_plugin.marks(node) / "once.done").exists()


def test_enqueue_refuses_unknown_jobs_and_arguments_that_are_not_json(node: Workspace) -> None:
    with pytest.raises(NotFound, match="no job named"):
        jobs.enqueue(node, "tests.nothing")
    with pytest.raises(InvalidInput, match="not JSON"):
        jobs.enqueue(node, job_plugin.FLAKY, {"key": object()})
    assert jobs.list_jobs(node, admin_actor(node)) == []


def test_only_administrators_see_the_jobs(node: Workspace) -> None:
    officer = make_user(node, "officer", IMMIGRATION, Role.OFFICER)
    admin = make_user(node, "admin", IMMIGRATION, Role.ADMINISTRATOR)
    job_id = jobs.enqueue(node, job_plugin.FLAKY, {"key": "seen"})
    with pytest.raises(PermissionDenied):
        jobs.list_jobs(node, officer)
    (view,) = jobs.list_jobs(node, admin)
    assert view.id == job_id and view.state is jobs.JobState.QUEUED
    assert view.state_label == "Waiting"
    assert jobs.list_jobs(node, admin, states=[jobs.JobState.DONE]) == []


def test_a_running_job_whose_lease_ran_out_is_queued_again_once(node: Workspace) -> None:
    """The lease logic alone, without killing anything (the CLI test kills a worker)."""
    job_id = jobs.enqueue(node, job_plugin.FLAKY, {"key": "lost"})
    past = datetime.now(UTC) - timedelta(minutes=5)
    with node.engine.begin() as connection:  # as a worker that died mid-attempt leaves it
        connection.execute(
            update(tables.jobs)
            .where(tables.jobs.c.id == job_id)
            .values(state="running", attempts=1, lease_until=past, worker="gone:1:t")
        )
    assert queue_of(node).recover_lost() == [job_id]
    assert queue_of(node).recover_lost() == []  # claimed once, never twice
    view = next(v for v in jobs.list_jobs(node, admin_actor(node)) if v.id == job_id)
    assert view.state is jobs.JobState.RETRYING
    assert view.error == "the worker gone:1:t stopped during attempt 1"
    # out of attempts: a lost job fails instead of looping forever
    with node.engine.begin() as connection:
        connection.execute(
            update(tables.jobs)
            .where(tables.jobs.c.id == job_id)
            .values(state="running", attempts=3, lease_until=past)
        )
    assert queue_of(node).recover_lost() == []
    view = next(v for v in jobs.list_jobs(node, admin_actor(node)) if v.id == job_id)
    assert view.state is jobs.JobState.FAILED and "no attempts left" in (view.error or "")


def test_a_long_job_keeps_its_lease_and_is_never_taken_from_a_live_worker(
    settings: Settings,
) -> None:
    ws = open_workspace(
        settings.model_copy(
            update={
                "plugins": (PLUGIN,),
                "job_queue_name": f"t-{uuid.uuid4().hex[:12]}",
                "job_lease_seconds": 1,
            }
        )
    )
    marks = job_plugin.marks(ws)
    (marks / "long.hold").touch()
    notices: list[jobs.JobNotice] = []
    worker = jobs.Worker(ws, listener=notices.append)
    worker.start()
    try:
        job_id = jobs.enqueue(ws, job_plugin.HOLD, {"key": "long"})
        wait_for(lambda: (marks / "long.started-1").exists(), "the job to start")
        leases: set[datetime] = set()

        def renewed_three_times() -> bool:
            with ws.engine.connect() as connection:
                lease = connection.execute(
                    select(tables.jobs.c.lease_until).where(tables.jobs.c.id == job_id)
                ).scalar_one()
            leases.add(lease)
            return len(leases) >= 4

        # the worker's recovery loop ran meanwhile (every half lease) and left the job alone
        wait_for(renewed_three_times, "three renewals of the lease")
        assert job_state(ws, job_id) is jobs.JobState.RUNNING
        assert not (marks / "long.started-2").exists()
        (marks / "long.hold").unlink()
        wait_for(lambda: job_state(ws, job_id) is jobs.JobState.DONE, "the job to finish")
        assert [n.event for n in notices] == ["started", "done"]
    finally:
        (marks / "long.hold").unlink(missing_ok=True)  # a failed check must not hang the stop
        worker.stop()
        ws.close()


def test_a_delayed_job_never_starts_before_its_delay(
    node: Workspace, worker: list[jobs.JobNotice]
) -> None:
    job_id = jobs.enqueue(node, job_plugin.NOTE, {"report_id": "R-later"}, delay_seconds=1.5)
    wait_for(lambda: job_state(node, job_id) is jobs.JobState.DONE, "the delayed job")
    view = next(v for v in jobs.list_jobs(node, admin_actor(node)) if v.id == job_id)
    assert view.started_at is not None
    # a lower bound only: a busy machine may start it later, never sooner
    assert view.started_at - view.enqueued_at >= timedelta(seconds=1.5)

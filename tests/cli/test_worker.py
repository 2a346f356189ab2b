"""``portintel worker`` as a real process, on the embedded queue (SQLite), Redis and PostgreSQL.

A job enqueued by a hook subscriber runs through the worker and shows in
``portintel jobs list``; a worker killed mid-job (``kill -9``) loses nothing:
the next worker finds the job's lease run out, queues it again, and it
completes. Ctrl-C stops a worker cleanly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import ReportDraft
from portintel.services import jobs
from portintel.services.intake.reports import create_report
from portintel.services.jobs.queue import queue_of
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import load_settings
from tests.conftest import POSTGRES_URL
from tests.services import job_plugin
from tests.services.staff import IMMIGRATION, make_user

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PORTINTEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


QUEUES = ["sqlite-queue", "redis-queue"] + (["postgresql-queue"] if POSTGRES_URL else [])


@pytest.fixture(params=QUEUES)
def queue_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The queue settings of one test: its own queue name, on SQLite, Redis or PostgreSQL."""
    env = {"PORTINTEL_JOB_QUEUE_NAME": f"test-{uuid.uuid4().hex[:12]}"}
    if request.param == "redis-queue":
        if not _redis_reachable():
            pytest.skip(f"no Redis at {REDIS_URL} (set PORTINTEL_TEST_REDIS_URL)")
        env["PORTINTEL_JOB_QUEUE_URL"] = REDIS_URL
    elif request.param == "postgresql-queue":
        assert POSTGRES_URL is not None
        env["PORTINTEL_JOB_QUEUE_URL"] = POSTGRES_URL
    return env


@pytest.fixture
def node_env(
    tmp_path: Path, database_url: str, queue_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    env = {
        **queue_env,
        "PORTINTEL_DATA_DIR": str(tmp_path / "node"),
        "PORTINTEL_DATABASE_URL": database_url,
        "PORTINTEL_PLUGINS": '["tests.services.job_plugin"]',
        "PORTINTEL_JOB_LEASE_SECONDS": "1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(built(console), "width", 250)  # tables unfolded, so values can be found
    return env


@pytest.fixture
def node(node_env: dict[str, str]) -> Iterator[Workspace]:
    ws = open_workspace(load_settings())
    yield ws
    queue_of(ws).huey.flush()  # a Redis queue outlives the test: leave nothing behind
    ws.close()


class WorkerProcess:
    """``portintel worker`` in a child process, its output gathered line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        child_env = {
            **os.environ,
            **env,
            "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from portintel.cli.app import main; main()", "worker"],
            env=child_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        wait_for(lambda: any("Worker on queue" in line for line in self.lines), "the banner", self)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def interrupt(self) -> int:
        """Ctrl-C, as an operator would; returns the exit status."""
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        return status

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no cleanup of any kind
        self.process.wait(timeout=60)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()


def wait_for(
    check: Callable[[], bool], what: str, worker: WorkerProcess | None = None, timeout: float = 90
) -> None:
    """Poll until ``check()`` holds; a generous ceiling, never a timing assertion."""
    deadline = time.monotonic() + timeout
    while not check():
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(f"the worker exited while waiting for {what}:\n{worker.output}")
        if time.monotonic() > deadline:
            output = worker.output if worker else ""
            raise AssertionError(f"gave up waiting for {what}\n{output}")
        time.sleep(0.05)


def the_job(ws: Workspace, job_id: str) -> jobs.JobView:
    return next(view for view in jobs.list_jobs(ws, SYSTEM) if view.id == job_id)


@pytest.fixture
def start_worker(node_env: dict[str, str]) -> Iterator[Callable[[], WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        started.append(WorkerProcess(node_env))
        return started[-1]

    yield start
    for worker in started:
        worker.close()


def test_a_job_enqueued_by_a_hook_runs_through_portintel_worker(
    node: Workspace, start_worker: Callable[[], WorkerProcess]
) -> None:
    officer = make_user(node, "officer", IMMIGRATION, Role.OFFICER)
    draft = ReportDraft(
        title="Boat at night",
        text="30 people boarded.",
        reliability="B",
        credibility="2",
        handling="uk-3x5x2:P",
    )
    report_id = create_report(node, officer, draft, submit=True)  # the hook enqueues
    (queued,) = jobs.list_jobs(node, SYSTEM)
    assert queued.name == job_plugin.NOTE and queued.state is jobs.JobState.QUEUED
    worker = start_worker()
    wait_for(lambda: the_job(node, queued.id).state is jobs.JobState.DONE, "the job", worker)
    assert (job_plugin.marks(node) / "submissions.txt").read_text() == f"{report_id}\n"
    assert worker.interrupt() == 0
    assert f"started   {job_plugin.NOTE} {queued.id} (attempt 1 of 2)" in worker.output
    assert f"done      {job_plugin.NOTE} {queued.id}" in worker.output
    assert "Worker stopped." in worker.output
    listed = CliRunner().invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert job_plugin.NOTE in listed.output and "Done" in listed.output
    assert "1 of 2" in listed.output and "1 jobs shown." in listed.output


def test_a_worker_killed_mid_job_loses_nothing(
    node: Workspace, start_worker: Callable[[], WorkerProcess]
) -> None:
    marks = job_plugin.marks(node)
    hold = marks / "kill.hold"
    hold.touch()
    job_id = jobs.enqueue(node, job_plugin.HOLD, {"key": "kill"})
    first = start_worker()
    wait_for(lambda: (marks / "kill.started-1").exists(), "the first attempt to start", first)
    assert the_job(node, job_id).state is jobs.JobState.RUNNING
    first.kill()  # kill -9, mid-job
    assert the_job(node, job_id).state is jobs.JobState.RUNNING  # nobody has noticed yet
    hold.unlink()
    second = start_worker()
    wait_for(lambda: the_job(node, job_id).state is jobs.JobState.DONE, "the retried job", second)
    view = the_job(node, job_id)
    assert view.attempts == 2 and (marks / "kill.started-2").exists()
    assert (marks / "kill.done").exists()
    assert f"recovered {job_plugin.HOLD} {job_id}" in second.output
    assert second.interrupt() == 0


def test_jobs_list_refuses_an_unknown_state(node: Workspace) -> None:
    result = CliRunner().invoke(app, ["jobs", "list", "--state", "lost"])
    assert result.exit_code != 0

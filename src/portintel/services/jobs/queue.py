"""The job queue of one workspace: huey underneath, the ``jobs`` table beside it.

Enqueueing writes the job's row (``queued``) and then the huey message. The
worker runs each message through one wrapper that records the attempt
(``running``, with a lease kept fresh by a heartbeat thread), runs the job,
and records ``done``, ``retrying`` (huey schedules the next attempt after
the job's delay) or ``failed``. Huey drops a message once a worker takes
it, so a worker killed mid-job would lose it; the lease is the remedy:
:meth:`JobQueue.recover_lost` (every worker calls it at start and then
periodically) queues again a job whose lease ran out, as its next attempt,
or fails it when no attempts are left. Delivery is therefore at least once.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from portintel.adapters.job_queue import Huey, Task, TaskWrapper, build_huey, normalize_time
from portintel.errors import ConfigurationError, InvalidInput, NotFound, UpstreamFailure
from portintel.services.jobs import records
from portintel.services.jobs.definitions import (
    JobDefinition,
    JobListener,
    JobNotice,
    JobState,
)

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace

logger = logging.getLogger("portintel.jobs")


_QUEUES_LOCK = threading.Lock()


def queue_of(ws: Workspace) -> JobQueue:
    """The workspace's job queue, built on first use and closed with the workspace.

    Request threads may enqueue at once: one lock makes sure one queue is built.
    """
    with _QUEUES_LOCK:
        queue = ws.__dict__.get("_job_queue")
        if not isinstance(queue, JobQueue):
            queue = JobQueue(ws)
            ws.__dict__["_job_queue"] = queue
            ws.closers.append(queue.close)
        return queue


class JobQueue:
    """Enqueue jobs and run them (the worker side) for one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        settings = ws.settings
        self.huey: Huey = build_huey(
            settings.job_queue_url, settings.job_queue_name, settings.job_queue_path
        )
        self.lease = timedelta(seconds=settings.job_lease_seconds)
        self.listeners: list[JobListener] = []
        self.definitions: dict[str, JobDefinition] = {}
        self._tasks: dict[str, TaskWrapper] = {}
        for definition in ws.hooks.collect("register_jobs"):
            self._register(definition)

    def _register(self, definition: JobDefinition) -> None:
        if definition.name in self.definitions:
            raise ConfigurationError(
                f"two plugins register a job named {definition.name!r}",
                hint="job names must be unique; prefix them with the plugin's capability",
            )
        self.definitions[definition.name] = definition

        def run(task: Task, **arguments: Any) -> None:
            self._run(definition, task, arguments)

        self._tasks[definition.name] = self.huey.task(
            retries=definition.retries,
            retry_delay=definition.retry_delay_seconds,
            context=True,
            name=definition.name,
        )(run)

    def _wrapper(self, name: str) -> TaskWrapper:
        wrapper = self._tasks.get(name)
        if wrapper is None:
            known = ", ".join(sorted(self._tasks)) or "none"
            raise NotFound(
                f"no job named {name!r} is registered",
                hint=f"registered jobs: {known}; a plugin adds one with register_jobs",
            )
        return wrapper

    def enqueue(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        delay_seconds: float | None = None,
    ) -> str:
        """Queue job ``name`` with JSON ``arguments``; returns the job id."""
        wrapper = self._wrapper(name)
        values = dict(arguments or {})
        try:
            json.dumps(values)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(
                f"the arguments of job {name} are not JSON: {exc}",
                hint="pass ids and plain values, never objects",
            ) from exc
        task: Task = wrapper.s(**values)
        if delay_seconds:
            task.eta = normalize_time(delay=delay_seconds, utc=self.huey.utc)
        definition = self.definitions[name]
        records.insert_queued(
            self.ws, task.id, name, values, definition.max_attempts, self.ws.clock()
        )
        self._put(task, name)
        return str(task.id)

    def _put(self, task: Task, name: str) -> None:
        try:
            self.huey.enqueue(task)
        except Exception as exc:  # the queue store is a boundary: name it and keep the row
            error = f"could not be queued: {type(exc).__name__}: {exc}"
            records.mark_finished(
                self.ws, str(task.id), JobState.FAILED, now=self.ws.clock(), error=error
            )
            raise UpstreamFailure(
                f"job {name} {error}",
                hint="check that the job queue (job_queue_url) is reachable",
            ) from exc

    # -- the worker side ---------------------------------------------------------------------

    def _notify(self, notice: JobNotice) -> None:
        for listener in self.listeners:
            listener(notice)

    def _run(self, definition: JobDefinition, task: Task, arguments: dict[str, Any]) -> None:
        job_id = str(task.id)
        now = self.ws.clock()
        attempt = records.mark_running(
            self.ws,
            job_id,
            definition.name,
            arguments,
            definition.max_attempts,
            now=now,
            lease_until=now + self.lease,
            worker=worker_identity(),
        )
        self._notify(JobNotice("started", job_id, definition.name, attempt, _max(definition)))
        heartbeat = _Heartbeat(self.ws, job_id, self.lease)
        started = time.perf_counter()
        try:
            definition.function(self.ws, **arguments)
        except Exception as exc:
            heartbeat.stop()
            error = f"{type(exc).__name__}: {exc}"
            # huey schedules the next attempt after the delay while retries remain
            state = JobState.RETRYING if task.retries else JobState.FAILED
            records.mark_finished(self.ws, job_id, state, now=self.ws.clock(), error=error)
            self._notify(
                JobNotice(
                    state.value,
                    job_id,
                    definition.name,
                    attempt,
                    _max(definition),
                    error=error,
                    seconds=time.perf_counter() - started,
                )
            )
            raise
        heartbeat.stop()
        records.mark_finished(self.ws, job_id, JobState.DONE, now=self.ws.clock())
        self._notify(
            JobNotice(
                "done",
                job_id,
                definition.name,
                attempt,
                _max(definition),
                seconds=time.perf_counter() - started,
            )
        )

    def recover_lost(self) -> list[str]:
        """Queue again (or fail) every running job whose lease ran out; returns their ids."""
        now = self.ws.clock()
        recovered = []
        for row in records.expired_leases(self.ws, now):
            wrapper = self._tasks.get(row.name)
            remaining = row.max_attempts - row.attempts
            lost = f"the worker {row.worker} stopped during attempt {row.attempts}"
            if wrapper is None or remaining <= 0:
                if wrapper is None:
                    reason = f"{lost}; this worker has no job named {row.name}"
                else:
                    reason = f"{lost}; no attempts left"
                if records.claim_lost(self.ws, row, JobState.FAILED, error=reason, now=now):
                    self._notify(
                        JobNotice(
                            "failed", row.id, row.name, row.attempts, row.max_attempts, reason
                        )
                    )
                continue
            if not records.claim_lost(self.ws, row, JobState.RETRYING, error=lost, now=now):
                continue  # another worker recovered it first
            task = wrapper.task_class(
                (), dict(row.arguments or {}), id=row.id, retries=remaining - 1
            )
            self._put(task, row.name)
            recovered.append(row.id)
            self._notify(
                JobNotice("recovered", row.id, row.name, row.attempts, row.max_attempts, lost)
            )
        return recovered

    def close(self) -> None:
        close = getattr(self.huey.storage, "close", None)
        if callable(close):
            close()


def _max(definition: JobDefinition) -> int:
    return definition.max_attempts


def worker_identity() -> str:
    """``host:pid:thread`` of the running attempt, shown to administrators."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:200]


class _Heartbeat:
    """Keeps a running job's lease fresh from a daemon thread, a third of the lease apart."""

    def __init__(self, ws: Workspace, job_id: str, lease: timedelta) -> None:
        self.ws, self.job_id, self.lease = ws, job_id, lease
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{job_id[:8]}", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        interval = self.lease.total_seconds() / 3
        while not self._stopped.wait(interval):
            try:
                records.renew_lease(self.ws, self.job_id, self.ws.clock() + self.lease)
            except Exception:  # a missed beat is survivable; the next one may get through
                logger.exception("could not renew the lease of job %s", self.job_id)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

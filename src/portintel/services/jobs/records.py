"""The ``jobs`` table: one row per enqueued job, kept by the job wrapper.

Huey's stores cannot list what ran, so each state change is written here,
each in its own short transaction (never inside a service's write). The row
also carries the lease of a running job: ``lease_until`` is pushed forward
by a heartbeat while the job runs; a row still ``running`` after its lease
ran out belongs to a dead worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, and_, func, insert, select, update

from portintel.adapters.database import tables
from portintel.services.jobs.definitions import JobState, JobView
from portintel.services.workspace import Workspace

jobs = tables.jobs


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def view_of(row: Row[Any]) -> JobView:
    enqueued = _utc(row.enqueued_at)
    assert enqueued is not None  # the column is NOT NULL
    return JobView(
        id=row.id,
        name=row.name,
        state=JobState(row.state),
        arguments=dict(row.arguments or {}),
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        enqueued_at=enqueued,
        started_at=_utc(row.started_at),
        finished_at=_utc(row.finished_at),
        worker=row.worker,
        error=row.error,
    )


def insert_queued(
    ws: Workspace,
    job_id: str,
    name: str,
    arguments: dict[str, Any],
    max_attempts: int,
    now: datetime,
) -> None:
    with ws.engine.begin() as connection:
        connection.execute(
            insert(jobs).values(
                id=job_id,
                name=name,
                state=JobState.QUEUED.value,
                arguments=arguments,
                attempts=0,
                max_attempts=max_attempts,
                enqueued_at=now,
            )
        )


def mark_running(
    ws: Workspace,
    job_id: str,
    name: str,
    arguments: dict[str, Any],
    max_attempts: int,
    *,
    now: datetime,
    lease_until: datetime,
    worker: str,
) -> int:
    """Start an attempt; returns its number. A job enqueued without a row gets one."""
    with ws.engine.begin() as connection:
        row = connection.execute(select(jobs.c.attempts).where(jobs.c.id == job_id)).first()
        if row is None:
            connection.execute(
                insert(jobs).values(
                    id=job_id,
                    name=name,
                    state=JobState.QUEUED.value,
                    arguments=arguments,
                    attempts=0,
                    max_attempts=max_attempts,
                    enqueued_at=now,
                )
            )
            attempts = 0
        else:
            attempts = row.attempts
        connection.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(
                state=JobState.RUNNING.value,
                attempts=attempts + 1,
                started_at=now,
                finished_at=None,
                lease_until=lease_until,
                worker=worker,
            )
        )
    return attempts + 1


def renew_lease(ws: Workspace, job_id: str, lease_until: datetime) -> None:
    with ws.engine.begin() as connection:
        connection.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.state == JobState.RUNNING.value)
            .values(lease_until=lease_until)
        )


def mark_finished(
    ws: Workspace, job_id: str, state: JobState, *, now: datetime, error: str | None = None
) -> None:
    values: dict[str, Any] = {"state": state.value, "lease_until": None, "error": error}
    if state in (JobState.DONE, JobState.FAILED):
        values["finished_at"] = now
    with ws.engine.begin() as connection:
        connection.execute(update(jobs).where(jobs.c.id == job_id).values(**values))


def expired_leases(ws: Workspace, now: datetime) -> list[Row[Any]]:
    with ws.engine.connect() as connection:
        return list(
            connection.execute(
                select(jobs).where(jobs.c.state == JobState.RUNNING.value, jobs.c.lease_until < now)
            )
        )


def claim_lost(ws: Workspace, row: Row[Any], state: JobState, *, error: str, now: datetime) -> bool:
    """Move a job whose lease ran out to ``state``; False if another worker got there first."""
    values: dict[str, Any] = {"state": state.value, "lease_until": None, "error": error}
    if state is JobState.FAILED:
        values["finished_at"] = now
    with ws.engine.begin() as connection:
        result = connection.execute(
            update(jobs)
            .where(
                and_(
                    jobs.c.id == row.id,
                    jobs.c.state == JobState.RUNNING.value,
                    jobs.c.attempts == row.attempts,
                    jobs.c.lease_until < now,
                )
            )
            .values(**values)
        )
    return result.rowcount == 1


def recent(
    ws: Workspace, *, limit: int, states: Sequence[JobState] = (), name: str | None = None
) -> list[JobView]:
    query = select(jobs).order_by(jobs.c.enqueued_at.desc(), jobs.c.id).limit(limit)
    if states:
        query = query.where(jobs.c.state.in_([state.value for state in states]))
    if name:
        query = query.where(jobs.c.name == name)
    with ws.engine.connect() as connection:
        return [view_of(row) for row in connection.execute(query)]


def count_by_state(ws: Workspace) -> dict[JobState, int]:
    query = select(jobs.c.state, func.count()).group_by(jobs.c.state)
    with ws.engine.connect() as connection:
        return {JobState(state): int(n) for state, n in connection.execute(query).all()}


def get(ws: Workspace, job_id: str) -> JobView | None:
    with ws.engine.connect() as connection:
        row = connection.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return view_of(row) if row is not None else None

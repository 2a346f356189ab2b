"""Refused reads in the audit log, without letting a flood of probes flood the log.

Why: someone probing report or entity ids one after another learns nothing
(a refused read looks exactly like a missing one), but the unit must see the
probing. A read that is refused (or of something that does not exist: the
two are the same to the reader) is recorded as ``access.denied``.

Why aggregated: a script can probe thousands of ids a minute. The first
refusal of an actor for an object type in a minute is appended at once, with
its object id; the rest of that minute are only counted, in the
``audit_denials`` table, and summarised in one ``access.denied.repeated``
entry (count, first and last time, a sample of ids) once the minute is over.
So each actor and object type costs the log at most two entries a minute, and
the chain stays append-only: nothing written to it is ever updated.

Summaries are written by the next refusal of anyone, by every read of the
log (:func:`portintel.services.audit.list_entries`) and by every checkpoint
(:func:`portintel.services.audit.checkpoint_audit`), always for minutes that
are over. Counts wait in the database, so a restart loses none.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from sqlalchemy import Connection, delete, insert, select, update

from portintel.adapters.database.tables import audit_denials
from portintel.domain.actors import Actor
from portintel.domain.audit import format_time
from portintel.errors import NotFound, PermissionDenied
from portintel.services.audit import log
from portintel.services.workspace import Workspace

WINDOW = timedelta(minutes=1)
"""Refusals of one actor for one object type are summarised per window."""

SAMPLE_SIZE = 10
"""How many distinct object ids a summary names."""

DENIED = "access.denied"
REPEATED = "access.denied.repeated"

P = ParamSpec("P")
R = TypeVar("R")


def window_start(at: datetime) -> datetime:
    """The start of the window ``at`` falls in (whole minutes, UTC)."""
    return log.as_utc(at).replace(second=0, microsecond=0)


def record_denial(ws: Workspace, actor: Actor, object_type: str, object_id: str | None) -> None:
    """Count one refused read; append it at once if it is the first of its window.

    Runs in its own transaction: the refused work rolled its own back.
    """
    now = log.as_utc(ws.clock())
    window = window_start(now)
    keys = (
        (audit_denials.c.actor == actor.username)
        & (audit_denials.c.object_type == object_type)
        & (audit_denials.c.window_start == window)
    )
    with ws.engine.begin() as connection:
        # one writer at a time: the count read below stays true until commit
        log.take_append_lock(connection)
        _flush_closed(connection, before=window, at=now)
        row = connection.execute(select(audit_denials).where(keys)).first()
        if row is None:
            connection.execute(
                insert(audit_denials).values(
                    actor=actor.username,
                    object_type=object_type,
                    window_start=window,
                    refused=1,
                    last_at=now,
                    sample=json.dumps([object_id] if object_id else []),
                )
            )
            log.append_entry(
                connection,
                actor.username,
                DENIED,
                object_type=object_type,
                object_id=object_id,
                detail={"repeats": "summarised after the minute"},
                at=now,
            )
            return
        sample = [str(item) for item in json.loads(row.sample)]
        if object_id and object_id not in sample and len(sample) < SAMPLE_SIZE:
            sample.append(object_id)
        connection.execute(
            update(audit_denials)
            .where(keys)
            .values(refused=row.refused + 1, last_at=now, sample=json.dumps(sample))
        )


def flush_denials(ws: Workspace) -> int:
    """Summarise every window that is over; returns how many summaries were appended."""
    now = log.as_utc(ws.clock())
    with ws.engine.begin() as connection:
        if connection.execute(select(audit_denials.c.actor).limit(1)).first() is None:
            return 0  # nothing waits: no write, no lock
        log.take_append_lock(connection)
        return _flush_closed(connection, before=window_start(now), at=now)


def _flush_closed(connection: Connection, *, before: datetime, at: datetime) -> int:
    """Append the summaries of windows that started before ``before``; drop their counts."""
    rows = connection.execute(
        select(audit_denials)
        .where(audit_denials.c.window_start < before)
        .order_by(audit_denials.c.window_start, audit_denials.c.actor, audit_denials.c.object_type)
    ).all()
    appended = 0
    for row in rows:
        if row.refused > 1:
            started = log.as_utc(row.window_start)
            log.append_entry(
                connection,
                row.actor,
                REPEATED,
                object_type=row.object_type,
                detail={
                    "count": row.refused - 1,
                    "from": format_time(started),
                    "until": format_time(started + WINDOW),
                    "last": format_time(log.as_utc(row.last_at)),
                    "sample": json.loads(row.sample),
                },
                at=at,
            )
            appended += 1
    if rows:
        connection.execute(delete(audit_denials).where(audit_denials.c.window_start < before))
    return appended


def audits_denial(
    object_type: str, *, id_parameter: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record a read the service refuses (``NotFound`` or ``PermissionDenied``).

    For service functions taking ``ws`` and ``actor``; ``id_parameter`` names
    the argument holding the object's id. The refusal is recorded, then the
    error goes on to the caller unchanged.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        needed = {"ws", "actor"} | ({id_parameter} if id_parameter else set())
        if not needed <= set(signature.parameters):
            raise TypeError(f"{function.__qualname__} must take {sorted(needed)}")

        @functools.wraps(function)
        def refused_reads_recorded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except (NotFound, PermissionDenied):
                arguments = signature.bind(*args, **kwargs).arguments
                ws, actor = arguments["ws"], arguments["actor"]
                object_id = arguments.get(id_parameter) if id_parameter else None
                if isinstance(ws, Workspace) and isinstance(actor, Actor):
                    record_denial(
                        ws, actor, object_type, None if object_id is None else str(object_id)[:128]
                    )
                raise

        return refused_reads_recorded

    return decorate

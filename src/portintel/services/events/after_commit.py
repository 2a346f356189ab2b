"""Announce hooks inside a transaction; fire them only once it has committed.

A service opens its write transaction with :func:`transaction` instead of
``ws.engine.begin()`` and calls :func:`announce` (directly, or through a
helper such as ``write_statements`` that only has the connection). The
announcements wait on the connection; when the block commits they are fired,
in order, after the commit and outside it; when it raises (the transaction
rolls back) they are dropped. A write helper handed a connection that was
not opened this way refuses to write, so no change can go unannounced.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from portintel.services.events import hookspecs
from portintel.services.events.hookspecs import HOOK_NAMES
from portintel.services.events.registry import Announcement

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace

_PENDING = "portintel.pending_announcements"


@contextmanager
def transaction(ws: Workspace) -> Iterator[Connection]:
    """``ws.engine.begin()`` whose announcements fire after it commits (never if it rolls back)."""
    pending: list[Announcement] = []
    with ws.engine.begin() as connection:
        connection.info[_PENDING] = pending
        try:
            yield connection
        finally:
            # the info dict belongs to the pooled connection: never leave the list behind
            connection.info.pop(_PENDING, None)
    ws.hooks.fire(ws, pending)


Combine = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


def announce(
    connection: Connection, hook: str, *, combine: Combine | None = None, **arguments: Any
) -> None:
    """Queue ``hook(**arguments)`` to fire after ``connection``'s transaction commits.

    With ``combine``, an earlier announcement of the same hook in this
    transaction is replaced by ``combine(earlier, new)`` instead of adding a
    second call (a transaction that writes statements in several batches
    still fires ``statements_written`` once).
    """
    if hook not in HOOK_NAMES:
        raise ValueError(f"{hook!r} is not a portintel hook; see hookspecs.HOOK_NAMES")
    if set(arguments) != _arguments_of(hook):
        raise TypeError(f"{hook} takes {sorted(_arguments_of(hook))}, not {sorted(arguments)}")
    pending = connection.info.get(_PENDING)
    if pending is None:
        raise RuntimeError(
            f"{hook} announced on a connection not opened with "
            "portintel.services.events.transaction(ws): its subscribers would never hear of it"
        )
    if combine is not None:
        for index, earlier in enumerate(pending):
            if earlier.hook == hook:
                pending[index] = Announcement(hook, combine(earlier.arguments, arguments))
                return
    pending.append(Announcement(hook, arguments))


def announcing(connection: Connection) -> bool:
    """Whether ``connection`` was opened with :func:`transaction` (and can announce)."""
    return _PENDING in connection.info


@cache
def _arguments_of(hook: str) -> frozenset[str]:
    parameters = inspect.signature(getattr(hookspecs, hook)).parameters
    return frozenset(parameters) - {"workspace"}

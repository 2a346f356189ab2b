"""Failed API tokens are limited per client address and audited once per window (#9).

Before, every made-up bearer token appended its own audit entry under the
chain's write lock (2,000 entries in 13 s from one anonymous client).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portintel.adapters.database.tables import audit_log
from portintel.domain.actors import SYSTEM, Role
from portintel.errors import AuthenticationFailed, RateLimited
from portintel.services import admin
from portintel.services.workspace import Workspace
from tests.conftest import TickingClock

LIMIT = 10


def _token_failures(ws: Workspace) -> list[dict[str, object]]:
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(audit_log.c.detail)
            .where(audit_log.c.action == "login.failure")
            .order_by(audit_log.c.seq)
        ).scalars()
        return [json.loads(detail) for detail in rows]


def _try(ws: Workspace, limiter: admin.TokenFailureLimiter, client: str, token: str) -> str:
    try:
        admin.authenticate_token(ws, token, limiter=limiter, client=client)
    except RateLimited:
        return "refused"
    except AuthenticationFailed:
        return "failed"
    return "ok"


def test_made_up_tokens_are_limited_and_audited_once_per_window(workspace: Workspace) -> None:
    limiter = admin.TokenFailureLimiter(LIMIT)
    outcomes = [_try(workspace, limiter, "203.0.113.9", f"made-up-{n}") for n in range(25)]
    assert outcomes == ["failed"] * LIMIT + ["refused"] * (25 - LIMIT)
    assert _token_failures(workspace) == []  # nothing written while the window is open
    assert _try(workspace, limiter, "198.51.100.7", "made-up") == "failed"  # another address

    assert isinstance(workspace.clock, TickingClock)
    workspace.clock.now += timedelta(minutes=1)
    assert _try(workspace, limiter, "203.0.113.9", "made-up-again") == "failed"  # a new window
    summaries = _token_failures(workspace)
    assert [(s["client"], s["count"], s["refused"]) for s in summaries] == [
        ("203.0.113.9", LIMIT, 25 - LIMIT),
        ("198.51.100.7", 1, 0),
    ]
    assert all(s["method"] == "token" and s["reason"] == "unknown token" for s in summaries)


def test_a_limited_address_is_refused_even_with_a_valid_token(workspace: Workspace) -> None:
    admin.ensure_agencies(workspace)
    admin.create_user(
        workspace,
        SYSTEM,
        username="mali",
        display_name="Mali",
        agency="Immigration",
        roles=[Role.OFFICER],
        password="correct horse battery",
    )
    token = admin.create_token(workspace, SYSTEM, "mali", "script")
    limiter = admin.TokenFailureLimiter(2)
    assert _try(workspace, limiter, "203.0.113.9", token) == "ok"  # successes are not counted
    assert [_try(workspace, limiter, "203.0.113.9", "x") for _ in range(2)] == ["failed"] * 2
    assert _try(workspace, limiter, "203.0.113.9", token) == "refused"
    assert _try(workspace, limiter, "198.51.100.7", token) == "ok"


def test_open_windows_are_audited_when_drained(workspace: Workspace) -> None:
    limiter = admin.TokenFailureLimiter(LIMIT)
    for n in range(3):
        _try(workspace, limiter, "203.0.113.9", f"made-up-{n}")
    admin.record_token_failures(workspace, limiter.drain())
    [summary] = _token_failures(workspace)
    assert (summary["client"], summary["count"]) == ("203.0.113.9", 3)
    assert limiter.drain() == []


@pytest.mark.parametrize("per_minute", [1, 3])
def test_the_limit_counts_failures_not_requests(per_minute: int) -> None:
    """Pure: the limiter alone, no store."""
    from datetime import UTC, datetime

    limiter = admin.TokenFailureLimiter(per_minute)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for second in range(per_minute):
        assert limiter.admit("a", start + timedelta(seconds=second)) is None
        limiter.failed("a", start + timedelta(seconds=second), unknown=True)
    assert limiter.admit("a", start + timedelta(seconds=59)) == start + timedelta(minutes=1)
    assert limiter.admit("a", start + timedelta(seconds=60)) is None
    [ended] = limiter.ended(start + timedelta(seconds=60))
    assert (ended.unknown, ended.refused) == (per_minute, 1)

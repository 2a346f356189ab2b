"""Made-up bearer tokens through the web: 429 per client address, no audit flood (#9)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from portintel.adapters.database.tables import audit_log
from portintel.services.workspace import Workspace


def _failure_entries(ws: Workspace) -> int:
    with ws.engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(audit_log)
                .where(audit_log.c.action == "login.failure")
            ).scalar_one()
        )


def test_made_up_bearer_tokens_get_429_per_address(
    app: FastAPI, client: TestClient, ws: Workspace
) -> None:
    limit = app.state.settings.token_failures_per_minute
    statuses = [
        client.get("/api/v1/me", headers={"Authorization": f"Bearer made-up-{n}"}).status_code
        for n in range(limit + 5)
    ]
    assert statuses == [401] * limit + [429] * 5
    refused = client.get("/api/v1/me", headers={"Authorization": "Bearer made-up"})
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert _failure_entries(ws) == 0  # aggregated: one entry when the window ends

    other = TestClient(app, client=("198.51.100.7", 4000))
    assert other.get("/api/v1/me", headers={"Authorization": "Bearer x"}).status_code == 401

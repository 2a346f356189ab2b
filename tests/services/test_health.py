"""Health of the node through the StoreProbe port, with the real SQL probe."""

from __future__ import annotations

from dataclasses import replace

from portintel.adapters.database import create_database_engine
from portintel.adapters.database.probe import SqlStoreProbe
from portintel.services import admin
from portintel.services.workspace import Workspace

# nothing listens on port 1 of the loopback: the connection is refused at once
UNREACHABLE = "postgresql://piu:hunter2@127.0.0.1:1/piu?connect_timeout=2"


def test_an_open_workspace_is_healthy(workspace: Workspace) -> None:
    health = admin.check_health(workspace)
    assert health.ok and health.database_reachable


def test_an_unreachable_store_is_reported_not_raised(workspace: Workspace) -> None:
    engine = create_database_engine(UNREACHABLE)
    try:
        ws = replace(workspace, store_probe=SqlStoreProbe(engine, UNREACHABLE))
        health = admin.check_health(ws)
    finally:
        engine.dispose()
    assert not health.ok and not health.database_reachable


def test_the_database_label_never_shows_the_password(workspace: Workspace) -> None:
    engine = create_database_engine(UNREACHABLE)
    try:
        ws = replace(workspace, store_probe=SqlStoreProbe(engine, UNREACHABLE))
        label = admin.database_label(ws)
    finally:
        engine.dispose()
    assert label == "postgresql://piu:***@127.0.0.1:1/piu?connect_timeout=2"
    assert "hunter2" not in label
    assert admin.database_label(workspace).split(":", 1)[0] in {"sqlite", "postgresql"}

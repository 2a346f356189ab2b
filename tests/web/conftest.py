"""Fixtures of the web tests: the real app from create_app, in process, per backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from portintel.settings import Settings
from portintel.web import create_app
from tests.conftest import TickingClock


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client over the ASGI app; entering it runs the lifespan (opens the workspace)."""
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        app.state.workspace.clock = TickingClock()
        yield test_client

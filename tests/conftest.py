"""Shared fixtures.

Test policy (read before adding tests):

- Smallest data that shows the point, built inline in the test. No shared
  fixtures of business data beyond the actors below; the demo scenario is
  used only where a test is about the demo.
- Every test that touches the relational store takes ``workspace`` (or
  ``database_url``) and so runs once per backend: SQLite always, PostgreSQL
  when ``PORTINTEL_TEST_POSTGRES_URL`` is set (each test in its own schema).
- A test asserts something that can fail. No timings in pass/fail tests:
  those go to ``benchmarks/``.
- No network beyond loopback; nothing downloaded.
- Hypothesis runs under a profile chosen here: ``ci`` when the ``CI``
  variable is set (derandomized, so a run is repeatable; more examples), else
  ``dev``; ``HYPOTHESIS_PROFILE`` names one explicitly. Neither has a per-case
  deadline: on a loaded two-core machine a case's time says nothing about the
  code, and timings never decide a test.
- Whether PostgreSQL ran is said at the top and bottom of every run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import hypothesis
import pytest
from sqlalchemy import text

from portintel.adapters.database import create_database_engine
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings

POSTGRES_URL = os.environ.get("PORTINTEL_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
POSTGRES_NOT_RUN = "PostgreSQL: not run (set PORTINTEL_TEST_POSTGRES_URL)"

hypothesis.settings.register_profile("dev", deadline=None)
hypothesis.settings.register_profile(
    "ci", deadline=None, derandomize=True, max_examples=200, database=None, print_blob=True
)
hypothesis.settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def postgres_line(ran: int | None = None) -> str:
    """Whether the store tests ran on PostgreSQL too, for the header and the summary."""
    if not POSTGRES_URL:
        return POSTGRES_NOT_RUN
    where = POSTGRES_URL.rsplit("@", 1)[-1]  # no user or password in the output
    return f"PostgreSQL: run on {where}" + (f" ({ran} tests)" if ran is not None else "")


def pytest_report_header() -> list[str]:
    return [
        postgres_line(),
        f"Hypothesis profile: {hypothesis.settings.get_current_profile_name()}",
    ]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    ran = sum(
        1
        for outcome in ("passed", "failed", "error")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "call") == "call" and "postgresql" in report.nodeid
    )
    terminalreporter.write_line(postgres_line(ran))


class TickingClock:
    """A deterministic clock: starts at a fixed instant, one second per call."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'portintel.sqlite'}"
        return
    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_database_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, secure_cookies=False)


@pytest.fixture
def workspace(settings: Settings) -> Iterator[Workspace]:
    ws = open_workspace(settings)
    ws.clock = TickingClock()
    yield ws
    ws.close()

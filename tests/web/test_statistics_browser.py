"""The statistics page on the demo in headless Chromium: incidents by month and route (#16).

The demo (240 reports, about 115 incidents with routes, migrants and minors)
is built into the node before the server starts; the demo analyst opens the
statistics page, which must draw the chart (Chart.js, vendored) and list the
incidents by month and route, offline and without a console error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portintel.domain.analysis.statistics import Dimension, Period
from portintel.services import admin
from portintel.services.analysis import StatisticsQuery, smuggling_statistics
from portintel.services.training.demo import build_demo, demo_accounts
from portintel.services.workspace import open_workspace
from portintel.settings import Settings
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _page,
    browser,
    live_server,
)

pytestmark = pytest.mark.browser
READY = 60_000


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The node's settings, with the demo built into its store before the server starts."""
    chosen = Settings(data_dir=tmp_path / "data", database_url=database_url, secure_cookies=False)
    ws = open_workspace(chosen)
    try:
        build_demo(ws, reports=240)
    finally:
        ws.close()
    return chosen


def _demo_log_in(page, server: LiveServer, username: str) -> None:  # type: ignore[no-untyped-def]
    (account,) = [a for a in demo_accounts() if a.username == username]
    page.goto(f"{server.url}/login")
    page.fill("#username", account.username)
    page.fill("#password", account.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")


def test_the_statistics_page_shows_the_demo_incidents_by_month_and_route(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    ws = live_server.workspace
    analyst = admin.get_actor(ws, _id(ws, "demo-analyst"))
    expected = smuggling_statistics(ws, analyst, StatisticsQuery(Period.MONTH, Dimension.ROUTE))
    assert expected.incidents_counted > 50 and len(expected.periods) >= 3

    page = _page(browser, live_server)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    _demo_log_in(page, live_server, "demo-analyst")
    page.click("nav >> text=Statistics")
    page.wait_for_selector("#statistics-chart[data-state=drawn]", timeout=READY)

    summary = page.inner_text("#statistics-summary")
    assert f"{expected.incidents_counted} incidents counted" in summary
    chart = page.eval_on_selector(
        "#statistics-chart", "c => ({periods: +c.dataset.periods, series: +c.dataset.series})"
    )
    assert chart["periods"] == len(expected.periods) and chart["series"] >= 3
    # the chart is drawn: many distinct colours on the canvas, not a blank box
    colours = page.eval_on_selector(
        "#statistics-chart",
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  const seen = new Set(); let ink = 0;
                  for (let i = 0; i < d.length; i += 4) {
                    if (d[i + 3] > 0) { ink++; seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]); } }
                  return {ink: ink, colours: seen.size}; }""",
    )
    assert colours["ink"] > 1000 and colours["colours"] > 5, colours

    # the table: one row per month and route, the months and routes of the demo
    rows = page.eval_on_selector_all(
        "#statistics-table tbody tr",
        "rows => rows.map(r => [r.cells[0].innerText, r.cells[1].innerText, r.cells[2].innerText])",
    )
    assert len(rows) == len(expected.rows)
    assert {row[0] for row in rows} == set(expected.periods)
    assert {row[1] for row in rows} == set(expected.groups)
    first = expected.rows[0]
    assert [first.period, first.group, str(first.incidents)] in rows
    assert "Koh Kong - Trat" in page.inner_text("#statistics-table")

    # by quarter, the form keeps the choice
    page.select_option("#s-period", "quarter")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#statistics-chart[data-state=drawn]", timeout=READY)
    assert page.eval_on_selector("#s-period", "s => s.value") == "quarter"
    assert "Q" in page.inner_text("#statistics-table tbody tr:first-child td:first-child")

    # the vendored Noto faces are loaded: a Khmer name never shows as boxes
    assert (
        page.evaluate(
            "async () => (await document.fonts.load('16px \"Noto Sans Khmer\"', 'ស')).length"
        )
        >= 1
    )
    assert errors == []
    assert live_server.foreign_requests == []


def _id(ws, username: str) -> str:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from portintel.adapters.database import tables

    with ws.engine.connect() as connection:
        return connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == username)
        ).scalar_one()

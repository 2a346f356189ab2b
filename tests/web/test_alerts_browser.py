"""The demo's smuggling boat raises alerts that appear live in headless Chromium, no reload.

The demo's AIS (the smuggling run included) goes into the live server's
workspace; an analyst keeps the alert page open; then the boat is put on the
watchlist and its hit and its listed behaviours (the run's gap, encounter,
loitering) raise alerts, as the targeting jobs do. The rows must appear over
the event stream while the page stays the same document, and nothing may be
requested from outside 127.0.0.1. Then a colleague acknowledges, assigns and
closes an alert in another browser: the lists already open show each change
(or drop the row their filter no longer covers), again without a reload.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from portintel.domain.actors import SYSTEM
from portintel.domain.maritime.behaviour.common import EVENTS
from portintel.services import admin
from portintel.services.targeting import (
    add_entry,
    raise_for_behaviours,
    raise_for_hits,
    sweep_entries,
)
from portintel.services.training.demo_tracks import build_demo_tracks
from tests.web.maritime_sample import write_sample
from tests.web.test_alerts_pages import raise_hit
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)
from tests.web.test_maritime_browser import _watch_console

pytestmark = pytest.mark.browser
READY = 60_000


def _rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all("#alert-rows tr", "rows => rows.map(r => r.innerText)")


def test_the_smuggling_boats_alerts_appear_live_without_a_reload(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    ws = live_server.workspace
    summary = build_demo_tracks(ws, vessels=16, days=2.0)
    page = _page(browser, live_server)
    errors = _watch_console(page)
    _log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/alerts")
    page.wait_for_selector("#alert-live[data-state=live]", timeout=READY)
    assert _rows(page) == [] and page.is_visible("#alert-empty")
    page.evaluate("window.stillTheSamePage = true")

    # an analyst puts the boat on the watchlist; its hit raises the first alert
    analyst = admin.get_actor(
        ws, next(u.id for u in admin.list_users(ws, SYSTEM) if u.username == "ana")
    )
    entry = add_entry(
        ws,
        analyst,
        kind="vessel",
        names=[summary.boat_name],
        identifiers=[("mmsi", str(summary.boat_mmsi))],
        reason="suspected of carrying migrants to Malaysia",
        handling="tlp:AMBER",
    )
    (hit_alert,) = raise_for_hits(ws, sweep_entries(ws, [entry.id]))
    page.wait_for_selector(f'#alert-rows tr[data-alert-id="{hit_alert}"]', timeout=READY)
    (row,) = _rows(page)
    assert f"Vessel on the watchlist: {summary.boat_name}" in row and "Watchlist hit" in row

    # then what the watched boat did on its run: one alert per listed behaviour event
    events = (
        ws.tracks.scan(EVENTS)
        .filter(pl.col("mmsi").eq(summary.boat_mmsi) | pl.col("other_mmsi").eq(summary.boat_mmsi))
        .select("event_id", "type")
        .collect()
    )
    raised = raise_for_behaviours(ws, events["event_id"].to_list(), ws.settings.alert_behaviours)
    assert raised and {"gap", "encounter", "loitering"} & set(events["type"].to_list())
    for alert_id in raised:
        page.wait_for_selector(f'#alert-rows tr[data-alert-id="{alert_id}"]', timeout=READY)
    rows = _rows(page)
    assert len(rows) == 1 + len(raised)
    assert any("on the watchlist" in r and str(summary.boat_mmsi) in r for r in rows[:-1])
    assert page.evaluate("window.stillTheSamePage") is True  # no reload happened
    assert not page.is_visible("#alert-empty")

    # the row leads to the alert, with its reasons and evidence
    page.click(f'#alert-rows tr[data-alert-id="{hit_alert}"] a')
    page.wait_for_selector("#alert-evidence")
    assert "suspected of carrying migrants to Malaysia" in page.inner_text("main")
    assert errors == []
    assert live_server.foreign_requests == []


def _badge(page, alert_id: int) -> str:  # type: ignore[no-untyped-def]
    return str(page.inner_text(f'#alert-rows tr[data-alert-id="{alert_id}"] td:nth-child(3)'))


def test_a_colleagues_acknowledgement_assignment_and_closure_show_live_in_open_lists(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    ws = live_server.workspace
    write_sample(ws, tmp_path)
    alert_id = raise_hit(ws, "ana")
    # ana keeps two lists open: every alert, and the open ones
    every = _page(browser, live_server)
    errors = _watch_console(every)
    _log_in(every, live_server, "ana")
    every.goto(f"{live_server.url}/alerts?status=all")
    every.wait_for_selector("#alert-live[data-state=live]", timeout=READY)
    opened = every.context.new_page()  # same session, another tab
    errors += _watch_console(opened)
    opened.goto(f"{live_server.url}/alerts")
    opened.wait_for_selector("#alert-live[data-state=live]", timeout=READY)
    for page in (every, opened):
        assert _badge(page, alert_id) == "Open"
        page.evaluate("window.stillTheSamePage = true")

    # olga, in another browser, acknowledges it on its page
    olga = _page(browser, live_server)
    errors += _watch_console(olga)
    _log_in(olga, live_server, "olga")
    olga.goto(f"{live_server.url}/alerts/{alert_id}")
    olga.click("button:has-text('Acknowledge')")
    olga.wait_for_url(f"{live_server.url}/alerts/{alert_id}")

    row = f'#alert-rows tr[data-alert-id="{alert_id}"]'
    every.wait_for_selector(f"{row} td:nth-child(3):has-text('Acknowledged')", timeout=READY)
    # no longer open: the open list drops it, as a reload would, and says it is empty
    opened.wait_for_selector(row, state="detached", timeout=READY)
    assert opened.is_visible("#alert-empty")

    # she gives it to ana, then closes it with a note
    olga.fill("#assign-username", "ana")
    olga.click("button:has-text('Assign')")
    every.wait_for_selector(f"{row} td:nth-child(4):has-text('Ana')", timeout=READY)
    olga.fill("#close-note", "Boarded at Koh Rong; nothing found.")
    olga.click("button:has-text('Close')")
    every.wait_for_selector(f"{row} td:nth-child(3):has-text('Closed')", timeout=READY)
    assert every.inner_text(f"{row} td:nth-child(4)") == "Ana"
    assert every.eval_on_selector_all("#alert-rows tr", "rows => rows.length") == 1
    for page in (every, opened):
        assert page.evaluate("window.stillTheSamePage") is True  # no reload happened
    assert errors == []
    assert live_server.foreign_requests == []

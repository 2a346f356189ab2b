"""Saving a link chart in headless Chromium and opening it again with its layout (#16)."""

from __future__ import annotations

import pytest

from portintel.services.events import transaction
from portintel.services.intake import write_statements
from tests.services.analysis.test_charts import NETWORK
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)
from tests.web.test_chart_browser import READY, _watch_console

pytestmark = pytest.mark.browser


def _wait(page, script: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(600):  # wait_for_function evaluates a string, which the CSP forbids
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def test_an_analyst_saves_a_chart_with_its_layout_and_opens_it_again(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    with transaction(live_server.workspace) as connection:
        write_statements(connection, NETWORK)
    page = _page(browser, live_server)
    errors = _watch_console(page)
    _log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/entities/p-sok/chart")
    page.wait_for_selector("#chart[data-state=ready]", timeout=READY)
    _wait(page, "document.getElementById('chart-floor').textContent.length > 0")
    assert "Nothing in this chart carries a handling code" in page.inner_text("#chart-floor")

    # pin the boat somewhere, hide the phone, group the family
    page.evaluate(
        "(() => { const cy = window.portintelChart;"
        " cy.getElementById('v-boat').position({ x: 400, y: -300 }).lock();"
        " cy.getElementById('p-sok').select(); cy.getElementById('p-dara').select(); })()"
    )
    page.fill("#chart-group-name", "Sok family")
    page.click("#chart-group-selected")
    page.evaluate("window.portintelChart.getElementById('phone:+85512345678').emit('tap')")
    page.click("#chart-selection button:has-text('Hide')")

    # a save the server refuses keeps what was typed and says why
    page.fill("#save-name", "Sok network")
    page.fill("#save-notes", "Dara owns the boat.")
    page.select_option("#save-handling", "uk-3x5x2:C")
    page.click("#chart-save button[value=new]")
    page.wait_for_selector("#chart-save-status.error", timeout=READY)
    assert "conditions" in page.inner_text("#chart-save-status")
    assert page.input_value("#save-name") == "Sok network"
    assert page.input_value("#save-notes") == "Dara owns the boat."

    page.select_option("#save-handling", "europol:H1")
    page.click("#chart-save button[value=new]")
    page.wait_for_url(f"{live_server.url}/charts/chart-*", timeout=READY)
    page.wait_for_selector("#chart[data-state=ready]", timeout=READY)
    assert "Sok network" in page.inner_text("h1")
    assert "Not in judicial proceedings" in page.inner_text("#saved-handling")
    assert "Dara owns the boat." in page.inner_text("#saved-notes")
    state = page.evaluate(
        "(() => { const cy = window.portintelChart; const boat = cy.getElementById('v-boat');"
        " return { x: boat.position('x'), y: boat.position('y'), locked: boat.locked(),"
        " phone: cy.getElementById('phone:+85512345678').nonempty(),"
        " group: cy.nodes('[group]').map((g) => [g.data('group'),"
        "   g.children().map((n) => n.id()).sort()]) }; })()"
    )
    assert state == {
        "x": 400, "y": -300, "locked": True, "phone": False,
        "group": [["Sok family", ["p-dara", "p-sok"]]],
    }  # fmt: skip

    # the list shows it; renaming keeps the chart
    page.goto(f"{live_server.url}/charts")
    assert "Sok network" in page.inner_text("#my-charts")
    assert [e for e in errors if "422" not in e] == []  # 422: the refused save, on purpose
    assert live_server.foreign_requests == []

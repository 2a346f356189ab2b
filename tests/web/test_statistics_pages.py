"""The statistics page and its downloads through the ASGI app (#16)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape

from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.domain.reports import ReportDraft
from portintel.services import admin
from portintel.services.events import transaction
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from tests.web.conftest import Person

MARCH = datetime(2026, 3, 4, tzinfo=UTC)


def _incidents(ws: Workspace, author_username: str) -> None:
    with ws.engine.connect() as connection:
        user_id = (
            connection.execute(
                tables.users.select().where(tables.users.c.username == author_username)
            )
            .first()
            .id
        )  # type: ignore[union-attr]
    author = admin.get_actor(ws, user_id)
    draft = ReportDraft(
        title="Landing", text="Boat landed.", credibility="2", reliability="B",
        handling="tlp:GREEN", extract=False,
    )  # fmt: skip
    report_id = reports.create_report(ws, author, draft, submit=True)
    rows = [
        {
            "id": f"inc-{n}", "report_id": report_id, "occurred_at": MARCH.replace(month=m),
            "kind": "intercepted", "migrants": 20 + n, "minors": 3, "deaths": 0, "missing": 0,
            "nationalities": {"MM": 20 + n}, "route": route, "departure": "Kawthaung",
            "destination": "Ranong", "fee_usd": 450, "created_at": MARCH,
        }
        for n, (m, route) in enumerate(
            [(3, "Kawthaung - Ranong"), (3, "Kawthaung - Ranong"), (4, "Koh Kong - Trat"),
             (4, "Kawthaung - Ranong"), (4, "<b>Koh Kong</b> - Trat")]
        )
    ]  # fmt: skip
    with transaction(ws) as connection:
        connection.execute(insert(tables.incidents), rows)


def test_the_page_shows_tables_chart_figures_and_labels(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    analyst = person("ana", "analyst")
    _incidents(ws, "ana")
    page = analyst.client.get("/statistics?period=month&dimension=route")
    assert page.status_code == 200, page.text
    assert "5 incidents counted" in page.text
    assert '<th scope="row">Kawthaung - Ranong</th>' in page.text
    assert "<b>Koh Kong</b>" not in page.text  # escaped, never markup
    figures = json.loads(unescape(re.search(r'data-figures="([^"]+)"', page.text)[1]))
    assert figures["labels"] == ["2026-03", "2026-04"]
    series = {s["label"]: s["data"] for s in figures["series"]}
    assert series["Kawthaung - Ranong"] == [2, 1]
    # the overview by VRS category, with labels and the categories not recorded
    for caption in ("Flow (departure to destination)", "Nationality of migrants", "Myanmar"):
        assert caption in page.text
    assert "profiles of smugglers" in page.text
    assert 'href="/statistics"' in analyst.client.get("/").text  # in the navigation

    withheld = analyst.client.get("/statistics?period=month&dimension=route&withhold=1")
    assert "&lt;3" in withheld.text and "are withheld" in withheld.text


def test_a_bad_date_keeps_the_form_and_says_what_to_fix(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    analyst = person("ana", "analyst")
    page = analyst.client.get("/statistics?period=quarter&dimension=nationality&since=3 March")
    assert page.status_code == 422
    assert 'role="alert"' in page.text and "YYYY-MM-DD" in page.text
    assert 'value="3 March"' in page.text
    assert '<option value="nationality" selected>' in page.text


def test_downloads_as_csv_and_excel(ws: Workspace, person: Callable[..., Person]) -> None:
    analyst = person("ana", "analyst")
    _incidents(ws, "ana")
    csv_file = analyst.client.get("/statistics/export?format=csv&period=quarter&dimension=route")
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_file.headers["content-disposition"]
    text = csv_file.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Period,Route,Incidents,Migrants")
    assert "2026-Q1,Kawthaung - Ranong,2,41," in text  # March is Q1, April Q2
    excel = analyst.client.get("/statistics/export?format=xlsx&period=year&dimension=none")
    assert excel.status_code == 200 and excel.content[:2] == b"PK"
    assert analyst.client.get("/statistics/export?format=exe").status_code == 422


def test_the_json_api_gives_the_same_counts(ws: Workspace, person: Callable[..., Person]) -> None:
    analyst = person("ana", "analyst")
    _incidents(ws, "ana")
    answer = analyst.api("GET", "/api/v1/statistics?period=month&dimension=route")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["incidents_counted"] == 5 and body["total"]["migrants"] == 110
    march = [r for r in body["rows"] if r["period"] == "2026-03"]
    assert march == [
        {"period": "2026-03", "group": "Kawthaung - Ranong", "incidents": 2, "migrants": 41,
         "minors": 6, "adults": 35, "deaths": 0, "missing": 0, "fee_median": 450,
         "fee_lowest": 450, "fee_highest": 450, "fees_known": 2, "withheld": []}
    ]  # fmt: skip
    withheld = analyst.api("GET", "/api/v1/statistics?dimension=route&withhold=true").json()
    assert withheld["withheld_below"] == 3
    assert (
        withheld["rows"][0]["incidents"] is None and "incidents" in withheld["rows"][0]["withheld"]
    )
    assert analyst.api("GET", "/api/v1/statistics?period=decade").status_code == 422

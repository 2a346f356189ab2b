"""Product pages through the ASGI app: forms keep what was typed, steps, escaping (#16)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor
from portintel.domain.reports import ReportDraft
from portintel.domain.statements import StatementRecord
from portintel.services import admin, analysis
from portintel.services.events import transaction
from portintel.services.intake import reports
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace
from tests.web.conftest import Person


def _new(analyst: Person, title: str = "Bulletin of March") -> str:
    answer = analyst.form(
        "/products",
        {"template": "intelligence_bulletin", "title": title, "handling": "tlp:GREEN"},
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_a_refused_save_keeps_every_typed_section(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    analyst = person("ana", "analyst")
    refused = analyst.form("/products", {"template": "threat_assessment", "title": " ",
                                          "handling": "tlp:AMBER"})  # fmt: skip
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert re.search(r'<option value="tlp:AMBER"[^>]*selected', refused.text)

    location = _new(analyst)
    page = analyst.client.get(location)
    assert page.status_code == 200
    assert "Summary" in page.text and "Indicators to watch" in page.text
    texts = ["<script>alert(1)</script> boats", "Two landings.", "Night runs."]
    typed = {"title": "", "handling": "tlp:GREEN", "text": texts}
    again = analyst.form(location, typed)
    assert again.status_code == 422 and "title" in again.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; boats" in again.text
    assert "<script>alert(1)</script>" not in again.text
    assert ">Night runs.</textarea>" in again.text


def test_steps_from_draft_to_returned_and_who_sees_them(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    analyst = person("ana", "analyst")
    supervisor = person("sam", "supervisor")
    other = person("otto", "analyst", agency="maritime-police")
    location = _new(analyst)
    assert supervisor.client.get(location).status_code == 404  # a draft: the author's only
    assert analyst.form(location + "/submit").status_code == 303
    page = supervisor.client.get(location)
    assert page.status_code == 200 and 'id="product-approve"' in page.text
    empty = supervisor.form(location + "/return", {"note": " "})
    assert empty.status_code == 422 and "say what the author should change" in empty.text
    assert (
        supervisor.form(location + "/return", {"note": "Add the March figures"}).status_code == 303
    )
    back = analyst.client.get(location)
    assert "Add the March figures" in back.text and 'id="product-text"' in back.text
    assert other.client.get(location).status_code == 404
    assert "Bulletin of March" not in other.client.get("/products").text
    assert "Bulletin of March" in analyst.client.get("/products").text
    # an officer reads no draft and writes no product
    officer = person("olga", "officer")
    refused = officer.form("/products", {"template": "target_profile", "title": "x",
                                          "handling": "tlp:GREEN"})  # fmt: skip
    assert refused.status_code == 403


def _actor(ws: Workspace, username: str) -> Actor:
    with ws.engine.connect() as connection:
        user_id = connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == username)
        ).scalar_one()
    return admin.get_actor(ws, user_id)


def test_the_saved_chart_picker_offers_what_the_author_may_open(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    analyst, colleague = person("ana", "analyst"), person("bea", "analyst")
    ana = _actor(ws, "ana")
    draft = ReportDraft(
        title="Owner", text="Seen.", credibility="2", reliability="B", handling="tlp:GREEN",
        extract=False,
    )  # fmt: skip
    report = reports.create_report(ws, ana, draft, submit=True)
    march = datetime(2026, 3, 4, tzinfo=UTC)
    with transaction(ws) as connection:
        write_statements(
            connection,
            [
                StatementRecord(
                    entity_id="p-sok", schema="Person", prop="name", prop_type="name",
                    value="Sok Chanthy", dataset="reports", origin=report, first_seen=march,
                    last_seen=march,
                )
            ],
        )  # fmt: skip
    chart = analysis.save_chart(
        ws, ana, analysis.ChartDraft(name="Sok <alone>", root="p-sok", handling="tlp:GREEN")
    ).id
    mine = analyst.client.get(_new(analyst))
    assert f'<option value="{chart}">Sok &lt;alone&gt; (Ana' in mine.text
    location = _new(colleague, "Bea's bulletin")
    theirs = colleague.client.get(location)
    assert chart not in theirs.text and 'id="no-saved-charts"' in theirs.text
    # a chart not shared with her is refused as one that does not exist; the caption is kept
    refused = colleague.form(
        location + "/items", {"kind": "saved_chart", "chart_id": chart, "caption": "Kept"}
    )
    assert refused.status_code == 422 and "no such saved chart" in refused.text
    assert 'id="sc-caption" name="caption" maxlength="300" value="Kept"' in refused.text
    assert "Sok Chanthy" not in refused.text

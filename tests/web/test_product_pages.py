"""Product pages through the ASGI app: forms keep what was typed, steps, escaping (#16)."""

from __future__ import annotations

import re
from collections.abc import Callable

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

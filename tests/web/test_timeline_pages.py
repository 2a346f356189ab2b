"""``/api/v1/timeline`` and the timeline pages (#16): JSON and HTML apart, in the caller's scope."""

from __future__ import annotations

from collections.abc import Callable

from portintel.services.events import transaction
from portintel.services.intake import write_statements
from portintel.services.workspace import Workspace
from tests.services.analysis.test_charts import NETWORK
from tests.web.conftest import Person


def test_the_api_gives_lanes_and_items_with_their_evidence(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    with transaction(ws) as connection:
        write_statements(connection, NETWORK)
    analyst = person("ana", "analyst")
    answer = analyst.api("GET", "/api/v1/timeline?entity=p-sok&entity=p-hidden&entity=p-vib")
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [(lane["id"], lane["label"]) for lane in found["lanes"]] == [
        ("p-sok", "Sok Chanthy"), ("p-vib", "Chhim Vibol"),
    ]  # fmt: skip
    phones = [item for item in found["items"] if item["kind"] == "phone"]
    assert {item["lane"] for item in phones} == {"p-sok", "p-vib"}
    assert phones[0]["kind_label"] == "Phone contact"
    assert phones[0]["evidence"]["kind"] == "statement"
    assert "zq-secret" not in answer.text
    chart = analyst.api("GET", "/api/v1/timeline?chart=p-sok&hops=2")
    assert chart.status_code == 200, chart.text
    assert {lane["id"] for lane in chart.json()["lanes"]} == {"p-sok", "p-vib", "p-dara", "v-boat"}
    assert analyst.api("GET", "/api/v1/timeline?entity=p-hidden").status_code == 404
    assert analyst.api("GET", "/api/v1/timeline").status_code == 422
    both = analyst.api("GET", "/api/v1/timeline?entity=p-sok&chart=p-sok")
    assert both.status_code == 422
    assert analyst.api("GET", "/api/v1/timeline?entity=p-sok&since=yesterday").status_code == 422


def test_the_page_lists_every_fact_and_keeps_the_period_typed(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    with transaction(ws) as connection:
        write_statements(connection, NETWORK)
    analyst = person("ana", "analyst")
    page = analyst.client.get("/entities/p-sok/timeline")
    assert page.status_code == 200, page.text
    assert "Timeline: Sok Chanthy" in page.text and "Phone +85512345678" in page.text
    assert "Phone contact" in page.text and "zq-secret" not in page.text
    assert 'src="/static/analysis_timeline.js"' in page.text
    dated = analyst.client.get("/entities/p-sok/timeline?since=2030-01-01")
    assert dated.status_code == 200 and 'value="2030-01-01"' in dated.text
    assert "No dated fact you may read in this period." in dated.text
    chart = analyst.client.get("/timeline?chart=p-sok&hops=2")
    assert chart.status_code == 200 and "Dara Sok" in chart.text
    assert analyst.client.get("/entities/p-hidden/timeline").status_code == 404
    assert analyst.client.get("/entities/p-sok/timeline?since=soon").status_code == 422
    profile = analyst.client.get("/entities/p-sok")
    assert 'href="/entities/p-sok/timeline"' in profile.text

"""``/api/v1/charts``: save, list, open in the caller's scope, change, delete (#16)."""

from __future__ import annotations

from collections.abc import Callable

from portintel.services.events import transaction
from portintel.services.intake import write_statements
from portintel.services.workspace import Workspace
from tests.services.analysis.test_charts import NETWORK
from tests.web.conftest import Person

BODY = {
    "name": "Sok network",
    "root": "p-sok",
    "options": {"hops": 2},
    "layout": {
        "positions": {"p-sok": [0, 0], "p-hidden": [5, 5]},
        "pinned": ["p-sok", "p-hidden"],
        "groups": [{"name": "zq-secret cell", "members": ["p-hidden"]}],
    },
    "notes": "the broker is Sok",
    "handling": "tlp:RED",
    "shared_with": ["ana"],
}


def test_a_supervisor_saves_a_chart_an_analyst_opens_it_in_her_own_scope(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    with transaction(ws) as connection:
        write_statements(connection, NETWORK)
    ana = person("ana", "analyst")
    bea = person("bea", "supervisor")
    cho = person("cho", "analyst", agency="maritime-police")

    floor = bea.api("GET", "/api/v1/entities/p-sok/chart/handling?hops=2")
    assert floor.json() == {"floor": "tlp:RED", "floor_label": floor.json()["floor_label"]}
    too_low = bea.api("POST", "/api/v1/charts", json={**BODY, "handling": "tlp:GREEN"})
    assert too_low.status_code == 422
    assert too_low.json()["error"]["field"] == "handling"
    assert "tlp:RED" in too_low.json()["error"]["hint"]

    saved = bea.api("POST", "/api/v1/charts", json=BODY)
    assert saved.status_code == 201, saved.text
    chart_id = saved.json()["id"]
    assert saved.json()["shared_with"] == ["ana"] and saved.json()["handling"] == "tlp:RED"

    own = bea.api("GET", f"/api/v1/charts/{chart_id}").json()
    assert "p-hidden" in {n["id"] for n in own["chart"]["nodes"]} and own["mine"]

    hers = ana.api("GET", f"/api/v1/charts/{chart_id}")
    assert hers.status_code == 200
    assert "p-hidden" not in hers.text and "zq-secret" not in hers.text
    assert hers.json()["layout"]["pinned"] == ["p-sok"] and not hers.json()["mine"]
    assert [c["id"] for c in ana.api("GET", "/api/v1/charts?whose=shared").json()] == [chart_id]

    assert cho.api("GET", f"/api/v1/charts/{chart_id}").status_code == 404
    assert cho.api("GET", "/api/v1/charts").json() == []
    assert ana.api("PATCH", f"/api/v1/charts/{chart_id}", json={"name": "x"}).status_code == 403
    assert ana.api("DELETE", f"/api/v1/charts/{chart_id}").status_code == 403

    renamed = bea.api("PATCH", f"/api/v1/charts/{chart_id}", json={"name": "Sok, March"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Sok, March"
    no_csrf = bea.client.delete(f"/api/v1/charts/{chart_id}")
    assert no_csrf.status_code == 403
    assert bea.api("DELETE", f"/api/v1/charts/{chart_id}").status_code == 204
    assert bea.api("GET", f"/api/v1/charts/{chart_id}").status_code == 404


def test_the_saved_charts_pages_list_rename_open_and_delete(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    with transaction(ws) as connection:
        write_statements(connection, NETWORK)
    ana = person("ana", "analyst")
    bea = person("bea", "supervisor")
    chart_id = bea.api("POST", "/api/v1/charts", json=BODY).json()["id"]

    mine = bea.client.get("/charts")
    assert mine.status_code == 200 and "Sok network" in mine.text
    assert "Not disseminated" in mine.text or "RED" in mine.text  # the handling, as a label
    theirs = ana.client.get("/charts")
    assert "Sok network" in theirs.text and "Bea" in theirs.text

    page = ana.client.get(f"/charts/{chart_id}")
    assert page.status_code == 200
    assert 'data-saved="' + chart_id + '"' in page.text and "the broker is Sok" in page.text
    assert "data-mine" not in page.text  # she may open it, not change it
    assert bea.client.get(f"/charts/{chart_id}").text.count('data-mine="yes"') == 1

    empty = bea.form(f"/charts/{chart_id}/rename", {"name": "  "})
    assert empty.status_code == 422 and "needs a name" in empty.text
    renamed = bea.form(f"/charts/{chart_id}/rename", {"name": "Sok, March"}, follow_redirects=False)
    assert renamed.status_code == 303
    assert "Sok, March" in bea.client.get("/charts").text
    assert ana.form(f"/charts/{chart_id}/delete").status_code == 403
    no_csrf = bea.client.post(f"/charts/{chart_id}/delete", data={})
    assert no_csrf.status_code == 403
    gone = bea.form(f"/charts/{chart_id}/delete", follow_redirects=False)
    assert gone.status_code == 303
    assert bea.client.get(f"/charts/{chart_id}").status_code == 404


def test_exports_hold_only_what_the_caller_sees_and_are_audited(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    import io
    import json

    import networkx as nx
    from sqlalchemy import select

    from portintel.adapters.database import tables

    with transaction(ws) as connection:
        write_statements(connection, NETWORK)
    ana = person("ana", "analyst")
    bea = person("bea", "supervisor")
    for fmt in ("graphml", "gexf", "anx", "ftm"):
        answer = ana.api("GET", f"/api/v1/entities/p-sok/chart/export?format={fmt}&hops=2")
        assert answer.status_code == 200, answer.text
        assert "attachment" in answer.headers["content-disposition"]
        assert "p-hidden" not in answer.text and "zq-secret" not in answer.text
        assert "p-dara" in answer.text
    graph = nx.read_graphml(
        io.BytesIO(ana.api("GET", "/api/v1/entities/p-sok/chart/export?format=graphml").content)
    )
    assert "v-boat" in graph.nodes
    assert ana.api("GET", "/api/v1/entities/p-sok/chart/export?format=pdf").status_code == 422
    assert ana.api("GET", "/api/v1/entities/p-hidden/chart/export?format=ftm").status_code == 404

    chart_id = bea.api("POST", "/api/v1/charts", json=BODY).json()["id"]
    hers = ana.api("GET", f"/api/v1/charts/{chart_id}/export?format=ftm")
    assert hers.status_code == 200 and "p-hidden" not in hers.text
    assert hers.headers["x-handling"] == "tlp:RED"  # at least the saved chart's handling
    assert all(json.loads(line)["id"] for line in hers.text.splitlines())
    his = bea.api("GET", f"/api/v1/charts/{chart_id}/export?format=anx")
    assert "p-hidden" in his.text and his.headers["x-handling"] == "tlp:RED"
    assert person("cho", "analyst").api(
        "GET", f"/api/v1/charts/{chart_id}/export?format=anx"
    ).status_code == 404  # fmt: skip
    with ws.engine.connect() as connection:
        exported = connection.execute(
            select(tables.audit_log.c.actor, tables.audit_log.c.detail).where(
                tables.audit_log.c.action == "chart.exported"
            )
        ).all()
    assert len(exported) == 7
    assert sum(1 for row in exported if row.actor == "bea") == 1

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

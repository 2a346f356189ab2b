"""``/api/v1/entities/{id}/chart`` and ``/api/v1/paths`` (#16)."""

from __future__ import annotations

from collections.abc import Callable

from portintel.services.events import transaction
from portintel.services.intake import write_statements
from portintel.services.workspace import Workspace
from tests.services.analysis.test_charts import NETWORK
from tests.web.conftest import Person


def test_a_chart_and_paths_in_the_caller_s_scope(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    with transaction(ws) as connection:
        write_statements(connection, NETWORK)
    analyst = person("ana", "analyst")
    answer = analyst.api("GET", "/api/v1/entities/p-sok/chart?hops=2")
    assert answer.status_code == 200, answer.text
    chart = answer.json()
    assert chart["root"] == "p-sok" and not chart["truncated"]
    nodes = {node["id"]: node for node in chart["nodes"]}
    assert set(nodes) == {"p-sok", "phone:+85512345678", "p-dara", "p-vib", "v-boat"}
    assert nodes["v-boat"]["type"] == "Vessel" and nodes["v-boat"]["label"] == "KM Sinar Jaya"
    assert all(node["community"] is not None for node in chart["nodes"])
    owns = next(edge for edge in chart["edges"] if edge["label"] == "owns")
    assert (owns["source"], owns["target"], owns["kind"]) == ("p-dara", "v-boat", "relationship")
    assert owns["statements"] and "zq-secret" not in answer.text

    phones_only = analyst.api("GET", "/api/v1/entities/p-sok/chart?hops=2&kind=phone")
    assert {n["id"] for n in phones_only.json()["nodes"]} == {
        "p-sok", "phone:+85512345678", "p-vib",
    }  # fmt: skip

    paths = analyst.api("GET", "/api/v1/paths?source=p-vib&target=v-boat&max_length=4")
    assert paths.status_code == 200, paths.text
    assert paths.json()["shortest"]["nodes"] == [
        "p-vib", "phone:+85512345678", "p-sok", "p-dara", "v-boat",
    ]  # fmt: skip
    assert "p-hidden" not in paths.text

    assert analyst.api("GET", "/api/v1/entities/p-hidden/chart").status_code == 404
    assert analyst.api("GET", "/api/v1/entities/nothing/chart").status_code == 404
    bad = analyst.api("GET", "/api/v1/entities/p-sok/chart?min_grading=2B")
    assert bad.status_code == 422
    assert analyst.api("GET", "/api/v1/entities/p-sok/chart?hops=9").status_code == 422

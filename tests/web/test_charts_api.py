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


def test_an_encounter_edge_carries_its_events(ws: Workspace, person: Callable[..., Person]) -> None:
    import polars as pl

    from portintel.adapters.eventstore import STATE_SCHEMA
    from portintel.domain.maritime.behaviour import events_frame
    from portintel.services.maritime.behaviours import event_store
    from tests.services.analysis.test_chart_encounters import MOTHER, REGISTRY, _encounter

    with transaction(ws) as connection:
        write_statements(connection, [*NETWORK, *REGISTRY])
    event_store(ws).save(events_frame([_encounter(MOTHER, 0)]), pl.DataFrame(schema=STATE_SCHEMA))
    analyst = person("ana", "analyst")
    answer = analyst.api("GET", "/api/v1/entities/v-boat/chart?hops=1&kind=encounter")
    assert answer.status_code == 200, answer.text
    (edge,) = answer.json()["edges"]
    assert edge["kind"] == "encounter" and edge["label"] == "met at sea"
    (event,) = edge["events"]
    assert event["start"].startswith("2026-03-01T02:00") and event["lat"] == 10.1
    assert "zq-ghost" not in answer.text

"""``/api/v1/judgements`` and ``/api/v1/entities/{id}/judgements`` (#12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from portintel.domain.statements import StatementRecord
from portintel.services.events import transaction
from portintel.services.intake import write_statements
from portintel.services.workspace import Workspace
from tests.web.conftest import Person

SEEN = datetime(2026, 2, 1, tzinfo=UTC)


def _persons(ws: Workspace, *ids: str, handling: str | None = None) -> None:
    with transaction(ws) as connection:
        write_statements(
            connection,
            [
                StatementRecord(
                    entity_id=entity,
                    schema="Person",
                    prop="name",
                    prop_type="name",
                    value="Sok Chanthy",
                    dataset="registry",
                    origin="registry:test",
                    first_seen=SEEN,
                    last_seen=SEEN,
                    handling=handling,
                )
                for entity in ids
            ],
        )


def test_judge_history_and_undo(ws: Workspace, person: Callable[..., Person]) -> None:
    analyst = person("ana", "analyst")
    _persons(ws, "ent-a", "ent-b")
    _persons(ws, "ent-red", handling="tlp:RED")
    made = analyst.api(
        "POST",
        "/api/v1/judgements",
        json={"left": "ent-b", "right": "ent-a", "verdict": "same", "reason": "one face"},
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["change"] == "merge"
    assert body["left"] == {"canonical_id": "ent-a", "member_ids": ["ent-a", "ent-b"]}
    assert body["judgement"]["judged_by"] != "system" and body["judgement"]["reason"] == "one face"
    history = analyst.api("GET", "/api/v1/entities/ent-b/judgements")
    assert history.status_code == 200
    assert history.json()["canonical_id"] == "ent-a"
    (item,) = history.json()["judgements"]
    assert item["in_force"] and item["verdict"] == "same"
    hidden = analyst.api(
        "POST", "/api/v1/judgements", json={"left": "ent-a", "right": "ent-red", "verdict": "same"}
    )
    assert hidden.status_code == 404
    assert analyst.api("GET", "/api/v1/entities/ent-red/judgements").status_code == 404
    bad = analyst.api(
        "POST", "/api/v1/judgements", json={"left": "ent-a", "right": "ent-b", "verdict": "maybe"}
    )
    assert bad.status_code == 422
    pair = {"left": "ent-a", "right": "ent-b"}
    undone = analyst.api("POST", "/api/v1/judgements/undo", json=pair)
    assert undone.status_code == 200 and undone.json()["change"] == "split"
    again = analyst.api("POST", "/api/v1/judgements/undo", json=pair)
    assert again.status_code == 404


def test_a_blocked_merge_is_a_conflict(ws: Workspace, person: Callable[..., Person]) -> None:
    analyst = person("ana", "analyst")
    _persons(ws, "ent-a", "ent-b", "ent-c")
    for left, right, verdict in (("ent-a", "ent-c", "different"), ("ent-a", "ent-b", "same")):
        response = analyst.api(
            "POST", "/api/v1/judgements", json={"left": left, "right": right, "verdict": verdict}
        )
        assert response.status_code == 201
    blocked = analyst.api(
        "POST", "/api/v1/judgements", json={"left": "ent-b", "right": "ent-c", "verdict": "same"}
    )
    assert blocked.status_code == 409

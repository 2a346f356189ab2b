"""A partner pushes into its inbox collection: who may, what it answers, what it keeps."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.domain.sharing.taxii import TAXII_MEDIA_TYPE
from portintel.errors import InvalidInput
from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from portintel.web import create_app
from tests.services.sharing.taxii_world import TaxiiWorld, build_world
from tests.web.test_request_limits import MIB, Unread, call

ROOT = "/taxii2/sharing"


@pytest.fixture
def world(ws: Workspace) -> TaxiiWorld:
    built = build_world(ws)
    # KH-CAU pushes to this node; TH-PIU-RNG only pulls
    sharing.add_agreement(
        ws,
        SYSTEM,
        "KH-CAU",
        handling_codes=["uk-3x5x2:P"],
        tlp_levels=["GREEN"],
        categories=["reports", "entities"],
        delivery="push",
    )
    return built


def _headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Accept": TAXII_MEDIA_TYPE,
        "Content-Type": TAXII_MEDIA_TYPE,
    }


def _inbox(client: TestClient, token: str) -> dict[str, object]:
    listed = client.get(f"{ROOT}/collections/", headers=_headers(token)).json()
    writable = [c for c in listed.get("collections", []) if c["can_write"]]
    assert len(writable) == 1
    return writable[0]


UNSIGNED_NOTE = {
    "type": "note",
    "spec_version": "2.1",
    "id": "note--6f0c1b52-3a0e-4d6f-9d59-9f3b0c7e6a11",
    "created": "2026-03-01T00:00:00.000Z",
    "modified": "2026-03-01T00:00:00.000Z",
    "content": "no signature",
    "object_refs": ["note--6f0c1b52-3a0e-4d6f-9d59-9f3b0c7e6a11"],
}


def test_only_a_push_partner_has_an_inbox_and_only_it_reaches_it(
    client: TestClient, ws: Workspace, world: TaxiiWorld
) -> None:
    inbox = _inbox(client, world.tokens["KH-CAU"])
    assert inbox["can_read"] is False and inbox["id"] == sharing.inbox_collection_id(
        world.partner_ids["KH-CAU"]
    )
    one = client.get(f"{ROOT}/collections/{inbox['id']}/", headers=_headers(world.tokens["KH-CAU"]))
    assert one.json() == inbox
    unreadable = client.get(
        f"{ROOT}/collections/{inbox['id']}/objects/", headers=_headers(world.tokens["KH-CAU"])
    )
    assert unreadable.status_code == 403
    # a pull partner lists no inbox, and KH-CAU's inbox answers it exactly like none at all
    other = world.tokens["TH-PIU-RNG"]
    listed = client.get(f"{ROOT}/collections/", headers=_headers(other)).json()["collections"]
    assert [c["can_write"] for c in listed] == [False]
    nobody = "00000000-0000-5000-8000-000000000000"
    body = json.dumps({"objects": [UNSIGNED_NOTE]})
    answers = [
        client.post(f"{ROOT}/collections/{wanted}/objects/", headers=_headers(other), content=body)
        for wanted in (str(inbox["id"]), nobody)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].text.replace(str(inbox["id"]), "ID") == answers[1].text.replace(nobody, "ID")
    # its own pull collection stays read-only
    own = client.post(
        f"{ROOT}/collections/{world.collections['TH-PIU-RNG']}/objects/",
        headers=_headers(other),
        content=body,
    )
    assert own.status_code == 403


def test_a_push_needs_a_designated_recipient_then_answers_202_with_its_status(
    client: TestClient, ws: Workspace, world: TaxiiWorld
) -> None:
    token = world.tokens["KH-CAU"]
    inbox = _inbox(client, token)
    url = f"{ROOT}/collections/{inbox['id']}/objects/"
    body = json.dumps({"objects": [UNSIGNED_NOTE]})
    refused = client.post(url, headers=_headers(token), content=body)
    assert refused.status_code == 409
    assert "designated" in refused.json()["title"]
    assert "administrator" in refused.json()["details"]["hint"]

    chosen = sharing.set_push_recipient(ws, SYSTEM, "KH-CAU", "ana")
    assert chosen is not None and chosen.username == "ana"
    with pytest.raises(InvalidInput, match="analyst or supervisor"):
        sharing.set_push_recipient(ws, SYSTEM, "KH-CAU", _officer(ws))

    answer = client.post(url, headers=_headers(token), content=body)
    assert answer.status_code == 202, answer.text
    assert answer.headers["content-type"] == TAXII_MEDIA_TYPE
    status = answer.json()
    assert status["status"] == "complete"
    assert (status["total_count"], status["success_count"], status["failure_count"]) == (1, 0, 1)
    assert status["pending_count"] == 0
    failure = status["failures"][0]
    assert failure["id"] == UNSIGNED_NOTE["id"] and "not signed" in failure["message"]
    again = client.get(f"{ROOT}/status/{status['id']}/", headers=_headers(token))
    assert again.status_code == 200 and again.json() == status
    # the same object twice is kept once, and still refused with its reason
    second = client.post(url, headers=_headers(token), content=body).json()
    assert second["failure_count"] == 1 and "not signed" in second["failures"][0]["message"]
    with ws.engine.connect() as connection:
        kept = connection.execute(
            select(tables.received_objects.c.outcome).where(
                tables.received_objects.c.stix_id == UNSIGNED_NOTE["id"]
            )
        ).all()
    assert [row.outcome for row in kept] == ["quarantined"]
    # another partner never reads this status
    assert (
        client.get(
            f"{ROOT}/status/{status['id']}/", headers=_headers(world.tokens["TH-PIU-RNG"])
        ).status_code
        == 404
    )


def _officer(ws: Workspace) -> str:
    from portintel.domain.actors import Role
    from tests.services.staff import IMMIGRATION, make_user

    return make_user(ws, "otto", IMMIGRATION, Role.OFFICER).username


def test_a_push_that_is_not_an_envelope_is_400(
    client: TestClient, world: TaxiiWorld, ws: Workspace
) -> None:
    sharing.set_push_recipient(ws, SYSTEM, "KH-CAU", "ana")
    token = world.tokens["KH-CAU"]
    url = f"{ROOT}/collections/{_inbox(client, token)['id']}/objects/"
    for content in (b"not json", b"[]", b'{"objects": []}', b'{"objects": "x"}'):
        answer = client.post(url, headers=_headers(token), content=content)
        assert answer.status_code == 400, content
        assert answer.headers["content-type"] == TAXII_MEDIA_TYPE


def test_an_oversized_push_is_refused_before_it_is_read(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_body_mb": 1}))
    receive = Unread()
    status, headers, body = call(
        app,
        "POST",
        f"{ROOT}/collections/00000000-0000-5000-8000-000000000000/objects/",
        {"content-length": str(300 * MIB), "authorization": "Bearer x"},
        receive,
    )
    assert status == 413 and not receive.called
    assert headers["content-type"] == TAXII_MEDIA_TYPE
    assert json.loads(body)["http_status"] == "413"

"""The TAXII 2.1 server through the ASGI app: media types, errors, paging, who gets in."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from portintel.domain.actors import SYSTEM
from portintel.domain.sharing.taxii import STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE
from portintel.services import admin
from portintel.services.workspace import Workspace
from tests.services.sharing.taxii_world import (
    TaxiiWorld,
    build_world,
    publish_synthetic,
    synthetic_objects,
)
from tests.web.conftest import Person

ROOT = "/taxii2/sharing"


@pytest.fixture
def world(ws: Workspace) -> TaxiiWorld:
    return build_world(ws)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": TAXII_MEDIA_TYPE}


def _basic(user: str, token: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{token}".encode()).decode()
    return {"Authorization": f"Basic {encoded}", "Accept": TAXII_MEDIA_TYPE}


def test_discovery_api_root_and_collections(client: TestClient, world: TaxiiWorld) -> None:
    headers = _basic("KH-CAU", world.tokens["KH-CAU"])
    discovery = client.get("/taxii2/", headers=headers)
    assert discovery.status_code == 200
    assert discovery.headers["content-type"] == TAXII_MEDIA_TYPE
    assert discovery.json()["api_roots"] == [f"{ROOT}/"]
    root = client.get(f"{ROOT}/", headers=headers).json()
    assert root["versions"] == [TAXII_MEDIA_TYPE] and root["max_content_length"] > 0
    listed = client.get(f"{ROOT}/collections/", headers=headers).json()["collections"]
    assert [c["id"] for c in listed] == [world.collections["KH-CAU"]]
    assert listed[0]["can_read"] is True and listed[0]["can_write"] is False
    assert listed[0]["media_types"] == [STIX_MEDIA_TYPE]
    assert "TH-PIU-RNG" not in json.dumps(listed)
    one = client.get(f"{ROOT}/collections/{world.collections['KH-CAU']}/", headers=headers)
    assert one.json() == listed[0]


def test_objects_are_served_byte_for_byte_with_paging_and_headers(
    client: TestClient, ws: Workspace, world: TaxiiWorld
) -> None:
    publish_synthetic(ws, world, "KH-CAU", synthetic_objects(7))
    headers = _bearer(world.tokens["KH-CAU"])
    url = f"{ROOT}/collections/{world.collections['KH-CAU']}/objects/"
    seen: list[dict[str, object]] = []
    texts: list[str] = []
    params: dict[str, str] = {"limit": "3"}
    while True:
        response = client.get(url, headers=headers, params=params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == TAXII_MEDIA_TYPE
        body = response.json()
        assert response.headers["X-TAXII-Date-Added-First"].endswith("Z")
        assert (
            response.headers["X-TAXII-Date-Added-Last"]
            >= response.headers["X-TAXII-Date-Added-First"]
        )
        seen += body["objects"]
        texts.append(response.text)
        if not body["more"]:
            assert "next" not in body
            break
        assert len(body["objects"]) == 3
        params = {"limit": "3", "next": body["next"]}
    bundle = json.loads(world.bundles["KH-CAU"])["objects"]
    assert [o["id"] for o in seen] == [o["id"] for o in bundle] + [
        o.id for o in synthetic_objects(7)
    ]
    for obj in bundle:  # the bundle's own text of each object is in a page, unchanged
        assert any(
            json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) in text
            for text in texts
        )


def test_manifest_versions_object_and_status(
    client: TestClient, ws: Workspace, world: TaxiiWorld
) -> None:
    publish_synthetic(ws, world, "KH-CAU", synthetic_objects(2, versions=2))
    headers = _bearer(world.tokens["KH-CAU"])
    collection = f"{ROOT}/collections/{world.collections['KH-CAU']}"
    manifest = client.get(
        f"{collection}/manifest/", headers=headers, params={"match[type]": "note"}
    )
    entries = manifest.json()["objects"]
    assert [e["version"] for e in entries] == ["2026-03-01T00:00:01.000Z"] * 2
    assert {e["media_type"] for e in entries} == {STIX_MEDIA_TYPE}
    note = entries[0]["id"]
    versions = client.get(f"{collection}/objects/{note}/versions/", headers=headers).json()
    assert versions["versions"] == ["2026-03-01T00:00:00.000Z", "2026-03-01T00:00:01.000Z"]
    one = client.get(
        f"{collection}/objects/{note}/", headers=headers, params={"match[version]": "first"}
    )
    assert [o["modified"] for o in one.json()["objects"]] == ["2026-03-01T00:00:00.000Z"]
    missing = client.get(
        f"{collection}/objects/note--00000000-0000-5000-8000-000000000000/", headers=headers
    )
    assert missing.status_code == 404
    bundle_uuid = json.loads(world.bundles["KH-CAU"])["id"].removeprefix("bundle--")
    status = client.get(f"{ROOT}/status/{bundle_uuid}/", headers=headers).json()
    assert status["status"] == "complete" and status["failure_count"] == 0
    assert status["total_count"] == len(json.loads(world.bundles["KH-CAU"])["objects"])
    assert (
        client.get(
            f"{ROOT}/status/00000000-0000-5000-8000-000000000000/", headers=headers
        ).status_code
        == 404
    )


def test_another_partners_collection_answers_like_none_at_all(
    client: TestClient, world: TaxiiWorld
) -> None:
    headers = _bearer(world.tokens["KH-CAU"])
    theirs = world.collections["TH-PIU-RNG"]
    nobody = "00000000-0000-5000-8000-000000000000"
    for suffix in ("/", "/objects/", "/manifest/"):
        answers = [
            client.get(f"{ROOT}/collections/{wanted}{suffix}", headers=headers)
            for wanted in (theirs, nobody)
        ]
        assert [a.status_code for a in answers] == [404, 404]
        bodies = [
            a.text.replace(wanted, "ID")
            for a, wanted in zip(answers, (theirs, nobody), strict=True)
        ]
        assert bodies[0] == bodies[1]
        assert dict(answers[0].headers) == {
            **dict(answers[1].headers),
            "content-length": answers[0].headers["content-length"],
        }


def test_media_types_406_415_and_read_only_403(client: TestClient, world: TaxiiWorld) -> None:
    token = world.tokens["KH-CAU"]
    collection = f"{ROOT}/collections/{world.collections['KH-CAU']}"
    refused = client.get(f"{ROOT}/", headers={**_bearer(token), "Accept": "application/json"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == TAXII_MEDIA_TYPE
    assert refused.json()["http_status"] == "406"
    old = client.get(
        f"{ROOT}/", headers={**_bearer(token), "Accept": "application/taxii+json;version=2.0"}
    )
    assert old.status_code == 406
    for accept in ("*/*", "application/taxii+json", TAXII_MEDIA_TYPE):
        assert (
            client.get(f"{ROOT}/", headers={**_bearer(token), "Accept": accept}).status_code == 200
        )
    wrong_body = client.post(
        f"{collection}/objects/",
        headers={**_bearer(token), "Content-Type": "application/json"},
        content=b"{}",
    )
    assert wrong_body.status_code == 415
    read_only = client.post(
        f"{collection}/objects/",
        headers={**_bearer(token), "Content-Type": TAXII_MEDIA_TYPE},
        content=b'{"objects": []}',
    )
    assert read_only.status_code == 403
    assert read_only.json()["title"].startswith("this collection is read-only")


def test_bad_parameters_are_400_naming_the_parameter(client: TestClient, world: TaxiiWorld) -> None:
    url = f"{ROOT}/collections/{world.collections['KH-CAU']}/objects/"
    headers = _bearer(world.tokens["KH-CAU"])
    for params, field in (
        ({"added_after": "yesterday"}, "added_after"),
        ({"next": "not-a-cursor"}, "next"),
        ({"limit": "-4"}, "limit"),
        ({"match[id]": "nonsense"}, "match[id]"),
        ({"match[version]": "latest"}, "match[version]"),
    ):
        response = client.get(url, headers=headers, params=params)
        assert response.status_code == 400, params
        assert response.json()["details"]["field"] == field


def test_only_partner_tokens_reach_taxii_and_they_reach_nothing_else(
    client: TestClient, ws: Workspace, world: TaxiiWorld, person: Callable[..., Person]
) -> None:
    analyst = person("nina", "analyst")
    user_token = admin.create_token(ws, SYSTEM, "nina", "script")
    assert client.get("/api/v1/me", headers=_bearer(user_token)).status_code == 200
    anonymous = client.get("/taxii2/", headers={"Accept": TAXII_MEDIA_TYPE})
    assert anonymous.status_code == 401
    assert "Basic" in anonymous.headers["www-authenticate"]
    assert anonymous.json()["http_status"] == "401"
    # a session cookie and a user's API token are no credentials here
    assert analyst.client.get("/taxii2/", headers={"Accept": TAXII_MEDIA_TYPE}).status_code == 401
    assert client.get("/taxii2/", headers=_bearer(user_token)).status_code == 401
    assert client.get("/taxii2/", headers=_basic("nina", user_token)).status_code == 401
    # the partner's token on the API, and with another partner's name
    assert client.get("/api/v1/me", headers=_bearer(world.tokens["KH-CAU"])).status_code == 401
    assert client.get("/api/v1/reports", headers=_bearer(world.tokens["KH-CAU"])).status_code == 401
    assert (
        client.get("/taxii2/", headers=_basic("TH-PIU-RNG", world.tokens["KH-CAU"])).status_code
        == 401
    )
    assert (
        client.get("/taxii2/", headers=_basic("KH-CAU", world.tokens["KH-CAU"])).status_code == 200
    )


def test_every_taxii_route_refuses_anyone_but_a_partner(
    client: TestClient, ws: Workspace, person: Callable[..., Person]
) -> None:
    """Walks the TAXII router: no route answers without a partner token."""
    from fastapi.routing import APIRoute

    from portintel.web.taxii.endpoints import router

    make = person("nina", "administrator", "supervisor", "analyst")
    user_token = admin.create_token(ws, SYSTEM, "nina", "script")
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 9
    for route in routes:
        path = "/taxii2" + route.path.replace("{api_root}", "sharing")
        path = path.replace("{collection_id}", "c").replace("{object_id}", "o")
        path = path.replace("{status_id}", "s")
        for method in route.methods:
            for caller, headers in (
                (client, {"Accept": TAXII_MEDIA_TYPE}),
                (client, _bearer(user_token)),
                (make.client, {"Accept": TAXII_MEDIA_TYPE, "X-CSRF-Token": make.csrf_token}),
            ):
                response = caller.request(method, path, headers=headers)
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.headers["content-type"] == TAXII_MEDIA_TYPE

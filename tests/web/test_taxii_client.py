"""The OASIS taxii2-client against a portintel node served by uvicorn on 127.0.0.1 (#13).

The client discovers the server, lists the partner's collections and reads
every object with paging (its ``as_pages`` follows ``more``/``next``), with
the credentials it sends as HTTP Basic (``user=``, ``password=``) and as a
bearer token through its ``auth=`` hook. Nothing leaves the loopback
interface: proxies from the environment are removed for the test.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import uvicorn
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Collection, Server, as_pages

from portintel.services.workspace import Workspace
from portintel.settings import Settings
from portintel.web import create_app
from tests.services.sharing.taxii_world import (
    TaxiiWorld,
    build_world,
    publish_synthetic,
    synthetic_objects,
)


@dataclass
class Node:
    url: str
    workspace: Workspace
    world: TaxiiWorld


@pytest.fixture
def node(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Node]:
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    workspace: Workspace = app.state.workspace
    world = build_world(workspace)
    publish_synthetic(workspace, world, "KH-CAU", synthetic_objects(230))
    yield Node(url=f"http://127.0.0.1:{port}", workspace=workspace, world=world)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def _expected_ids(world: TaxiiWorld) -> list[str]:
    bundle = json.loads(world.bundles["KH-CAU"])["objects"]
    return [o["id"] for o in bundle] + [o.id for o in synthetic_objects(230)]


def test_taxii2_client_discovers_lists_and_pages_through_everything(node: Node) -> None:
    server = Server(f"{node.url}/taxii2/", user="KH-CAU", password=node.world.tokens["KH-CAU"])
    assert server.title == f"portintel {node.workspace.settings.node_code}"
    assert server.default is not None and server.default.url == f"{node.url}/taxii2/sharing/"
    root = server.api_roots[0]
    assert root.versions == ["application/taxii+json;version=2.1"]
    collections = root.collections
    assert [c.id for c in collections] == [node.world.collections["KH-CAU"]]
    collection = collections[0]
    assert collection.can_read and not collection.can_write

    pages = list(as_pages(collection.get_objects, per_request=50))
    ids = [obj["id"] for page in pages for obj in page.get("objects", [])]
    assert ids == _expected_ids(node.world)  # every object once, in order
    assert len(pages) == -(-len(ids) // 50)

    manifest = [
        entry["id"]
        for page in as_pages(collection.get_manifest, per_request=100)
        for entry in page.get("objects", [])
    ]
    assert manifest == ids

    first = ids[-1]
    assert collection.get_object(first)["objects"][0]["id"] == first
    assert collection.object_versions(first)["versions"] == ["2026-03-01T00:00:00.000Z"]
    filtered = collection.get_objects(type="note", limit=5)
    assert [o["type"] for o in filtered["objects"]] == ["note"] * 5 and filtered["more"]


def test_taxii2_client_with_a_bearer_token_and_refused_elsewhere(node: Node) -> None:
    mine = Collection(
        f"{node.url}/taxii2/sharing/collections/{node.world.collections['KH-CAU']}/",
        auth=_Bearer(node.world.tokens["KH-CAU"]),
    )
    assert mine.title and mine.get_objects(limit=1)["more"] is True
    theirs = Collection(
        f"{node.url}/taxii2/sharing/collections/{node.world.collections['TH-PIU-RNG']}/",
        auth=_Bearer(node.world.tokens["KH-CAU"]),
    )
    with pytest.raises((requests.HTTPError, TAXIIServiceException)) as refused:
        theirs.refresh()
    assert "404" in str(refused.value)

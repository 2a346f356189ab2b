"""The TAXII 2.1 client of a partner's server, against scripted HTTP answers."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from portintel.adapters.taxii_peer import TAXII_MEDIA_TYPE, HttpTaxiiPeer
from portintel.domain.secret import Secret
from portintel.errors import PeerRefused, UpstreamFailure

BASE = "http://127.0.0.1:9000/taxii2/"
ROOT = "http://127.0.0.1:9000/api1/"


def _taxii(body: dict[str, Any], status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"Content-Type": TAXII_MEDIA_TYPE, **headers},
    )


def _raw(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, headers={"Content-Type": TAXII_MEDIA_TYPE})


def _peer(
    handler: Callable[[httpx.Request], httpx.Response],
    credential: str | None = "token-abc",
    slept: list[float] | None = None,
) -> HttpTaxiiPeer:
    return HttpTaxiiPeer(
        BASE,
        Secret(credential) if credential else None,
        transport=httpx.MockTransport(handler),
        sleep=(slept.append if slept is not None else lambda _: None),
        retries=3,
        backoff_seconds=0.25,
    )


def _server(seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        url = str(request.url).split("?")[0]
        if url == BASE:
            return _taxii({"title": "node", "default": "/api1/", "api_roots": ["/api1/"]})
        if url == ROOT + "collections/":
            ours = {"id": "c-1", "title": "Ours", "can_read": True, "can_write": False}
            return _taxii({"collections": [ours]})
        if url == ROOT + "collections/c-1/objects/":
            cursor = request.url.params.get("next")
            if cursor is None:
                return _taxii(
                    {"more": True, "next": "opaque-2", "objects": [{"id": "a"}]},
                    **{"X-TAXII-Date-Added-Last": "2026-11-29T10:00:00.000000Z"},
                )
            return _taxii({"more": False, "objects": [{"id": "b"}]})
        return _taxii({"title": "not found"}, 404)

    return handle


def test_discovery_collections_and_pages_follow_the_standard() -> None:
    seen: list[httpx.Request] = []
    with _peer(_server(seen)) as peer:
        assert peer.api_root() == ROOT
        assert [c.id for c in peer.collections()] == ["c-1"]
        first = peer.objects_page("c-1", added_after="2026-01-01T00:00:00Z", cursor=None, limit=50)
        assert (first.more, first.next, first.date_added_last) == (
            True,
            "opaque-2",
            "2026-11-29T10:00:00.000000Z",
        )
        second = peer.objects_page("c-1", added_after=None, cursor="opaque-2", limit=50)
        assert (second.objects, second.more, second.next) == ([{"id": "b"}], False, None)
    page_request = seen[2]
    assert page_request.url.params["added_after"] == "2026-01-01T00:00:00Z"
    assert page_request.url.params["limit"] == "50"
    assert all(r.headers["Accept"] == TAXII_MEDIA_TYPE for r in seen)
    assert all(r.headers["Authorization"] == "Bearer token-abc" for r in seen)


def test_a_user_password_credential_goes_as_basic_auth() -> None:
    seen: list[httpx.Request] = []
    with _peer(_server(seen), credential="kh-piu:pa:ss") as peer:
        peer.collections()
    expected = base64.b64encode(b"kh-piu:pa:ss").decode()
    assert seen[0].headers["Authorization"] == f"Basic {expected}"


def test_an_api_root_url_is_used_as_it_is() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return _taxii({"title": "root", "versions": ["application/taxii+json;version=2.1"]})

    with _peer(handle) as peer:
        assert peer.api_root() == BASE


def test_failures_that_may_pass_are_retried_with_back_off_then_reported() -> None:
    slept: list[float] = []
    answers = iter([503, 429, 200])

    def flaky(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status != 200:
            return httpx.Response(status, headers={"Retry-After": "2"} if status == 429 else {})
        return _taxii({"title": "root", "versions": []})

    with _peer(flaky, slept=slept) as peer:
        assert peer.api_root() == BASE
    assert slept == [0.25, 2.0]

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    slept.clear()
    with _peer(down, slept=slept) as peer, pytest.raises(UpstreamFailure, match="failed 4 times"):
        peer.collections()
    assert slept == [0.25, 0.5, 1.0]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(401), "refused this node's credential"),
        (httpx.Response(403), "refused this node's credential"),
        (httpx.Response(404), "has nothing at"),
        (httpx.Response(200, text="<html>", headers={"Content-Type": "text/html"}), "not TAXII"),
        (_raw(b"[1]"), "not a TAXII"),
        (_raw(b"{"), "not JSON"),
        (_taxii({"title": "x"}), "neither a TAXII discovery nor an API root"),
        (_taxii({"api_roots": ["/a/", "/b/"]}), "names no default API root"),
    ],
)
def test_what_retrying_cannot_cure_is_refused_with_what_to_check(
    response: httpx.Response, message: str
) -> None:
    with _peer(lambda _: response) as peer, pytest.raises(PeerRefused, match=message):
        peer.api_root()


def test_a_page_claiming_more_without_a_cursor_is_refused() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if str(request.url) == BASE:
            return _taxii({"title": "root", "versions": []})
        return _taxii({"more": True, "objects": []})

    with _peer(handle) as peer, pytest.raises(PeerRefused, match="no `next` cursor"):
        peer.objects_page("c-1", added_after=None, cursor=None, limit=10)


def test_objects_are_posted_as_an_envelope_and_failures_named() -> None:
    posted: list[dict[str, Any]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return _taxii({"title": "root", "versions": []})
        assert request.headers["Content-Type"] == TAXII_MEDIA_TYPE
        posted.append(json.loads(request.content))
        failures = 1 if len(posted) > 1 else 0
        return _taxii(
            {"id": f"s-{len(posted)}", "status": "complete", "failure_count": failures}, 202
        )

    with _peer(handle) as peer:
        assert peer.add_objects("inbox", [{"id": "x"}]) == "s-1"
        with pytest.raises(PeerRefused, match="refused 1 of 1 objects"):
            peer.add_objects("inbox", [{"id": "y"}])
    assert posted[0] == {"objects": [{"id": "x"}]}


def test_the_credential_never_appears_in_a_failure() -> None:
    with (
        _peer(lambda _: httpx.Response(401), credential="s3cret-token") as peer,
        pytest.raises(PeerRefused) as raised,
    ):
        peer.collections()
    assert "s3cret-token" not in str(raised.value)
    assert "s3cret-token" not in repr(peer.__dict__)

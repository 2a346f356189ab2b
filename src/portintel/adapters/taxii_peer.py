"""A partner node's TAXII 2.1 server, reached over HTTP (the ``TaxiiPeer`` port).

The client follows the standard, not portintel's own server: discovery at the
partner's TAXII URL names the default API root (or the URL is an API root
itself), collections are listed there, and a collection's objects are read a
page at a time with ``added_after``, ``limit`` and the server's opaque
``next`` cursor. So a portintel node syncs from another portintel node, from
OASIS medallion or from any TAXII 2.1 server.

Credentials: a credential of the form ``user:password`` is sent as HTTP Basic
(what medallion and most servers expect), anything else as a Bearer token
(what a portintel node issues with ``portintel partner token``). The
credential is revealed only into the ``Authorization`` header; it is never
logged, and neither are the response bodies.

Failures: a refused connection, a timeout, a 5xx or a 429 is retried here with
exponential back-off (``retries`` times, honouring ``Retry-After``), then
raised as ``UpstreamFailure`` (the sync job retries later); a 401, 403 or 404,
an unexpected media type or a body that is not the TAXII envelope raises
``PeerRefused`` naming the URL and the status, which a person must look at.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urljoin

import httpx

from portintel.domain.secret import Secret
from portintel.errors import PeerRefused, UpstreamFailure
from portintel.ports import ObjectPage, PeerCollection

logger = logging.getLogger(__name__)

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_BACKOFF_SECONDS = 30.0
_MAX_BODY_BYTES = 256 * 1024 * 1024


def authorization_header(credential: Secret | None) -> dict[str, str]:
    """``Authorization`` for the credential: Basic for ``user:password``, else Bearer."""
    if credential is None:
        return {}
    value = credential.reveal()
    if ":" in value:
        token = base64.b64encode(value.encode("utf-8")).decode("ascii")
        return {"Authorization": f"Basic {token}"}
    return {"Authorization": f"Bearer {value}"}


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class HttpTaxiiPeer:
    """A TAXII 2.1 client of one partner's server (see the module docstring)."""

    def __init__(
        self,
        base_url: str,
        credential: Secret | None,
        *,
        timeout_seconds: float = 30.0,
        retries: int = 4,
        backoff_seconds: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base_url = _with_slash(base_url)
        self._retries = retries
        self._backoff = backoff_seconds
        self._sleep = sleep
        self._api_root: str | None = None
        self._client = httpx.Client(
            headers={"Accept": TAXII_MEDIA_TYPE, **authorization_header(credential)},
            timeout=timeout_seconds,
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpTaxiiPeer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP with retries ------------------------------------------------------------

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        headers = {"Content-Type": content_type} if content_type else None
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.request(
                    method, url, params=params, content=body, headers=headers
                )
            except httpx.TransportError as exc:
                failure: str = f"{type(exc).__name__}"
                wait = self._backoff * 2 ** (attempt - 1)
            else:
                if response.status_code not in _RETRYABLE_STATUS:
                    return response
                failure = f"HTTP {response.status_code}"
                wait = _retry_after(response) or self._backoff * 2 ** (attempt - 1)
            if attempt > self._retries:
                raise UpstreamFailure(
                    f"the partner's TAXII server at {url} failed {attempt} times ({failure})",
                    hint="the sync is retried later; check that the partner's server is up",
                )
            logger.info("TAXII %s %s: %s; retrying in %.1f s", method, url, failure, wait)
            self._sleep(min(wait, _MAX_BACKOFF_SECONDS))

    def _json(self, response: httpx.Response, url: str) -> dict[str, Any]:
        status = response.status_code
        if status in (401, 403):
            raise PeerRefused(
                f"the partner's TAXII server at {url} refused this node's credential "
                f"(HTTP {status})",
                hint="check the credential with `portintel partner show`, or ask the partner",
            )
        if status == 404:
            raise PeerRefused(
                f"the partner's TAXII server has nothing at {url} (HTTP 404)",
                hint="check the partner's TAXII URL",
            )
        if status >= 400:
            raise PeerRefused(f"the partner's TAXII server at {url} answered HTTP {status}")
        media = response.headers.get("content-type", "").replace(" ", "").lower()
        if not media.startswith(("application/taxii+json", "application/stix+json")):
            raise PeerRefused(
                f"the partner's TAXII server at {url} answered {media or 'no media type'}, "
                "not TAXII 2.1 JSON",
                hint="check that the partner's TAXII URL is its discovery or API root URL",
            )
        if len(response.content) > _MAX_BODY_BYTES:
            raise PeerRefused(f"the answer from {url} is larger than {_MAX_BODY_BYTES} bytes")
        try:
            data = json.loads(response.content)
        except ValueError as exc:
            raise PeerRefused(f"the answer from {url} is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise PeerRefused(f"the answer from {url} is not a TAXII resource (not an object)")
        return data

    def _get(self, url: str, params: dict[str, str] | None = None) -> tuple[dict[str, Any], Any]:
        response = self._request("GET", url, params=params)
        return self._json(response, url), response.headers

    # -- TAXII resources ----------------------------------------------------------------

    def api_root(self) -> str:
        """The API root: discovery's ``default`` (or its only root), or the URL itself."""
        if self._api_root is not None:
            return self._api_root
        data, _ = self._get(self._base_url)
        if "api_roots" in data or "default" in data:
            root = data.get("default")
            roots = data.get("api_roots") or []
            if not isinstance(root, str):
                if len(roots) != 1 or not isinstance(roots[0], str):
                    raise PeerRefused(
                        f"the partner's discovery at {self._base_url} names no default API "
                        f"root and {len(roots)} roots",
                        hint="set the partner's TAXII URL to the API root to use",
                    )
                root = roots[0]
            self._api_root = _with_slash(urljoin(self._base_url, root))
        elif "versions" in data:  # the URL is an API root
            self._api_root = self._base_url
        else:
            raise PeerRefused(
                f"{self._base_url} is neither a TAXII discovery nor an API root resource"
            )
        return self._api_root

    def collections(self) -> list[PeerCollection]:
        url = self.api_root() + "collections/"
        data, _ = self._get(url)
        found = []
        for item in data.get("collections") or []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise PeerRefused(f"a collection listed at {url} has no id")
            found.append(
                PeerCollection(
                    id=item["id"],
                    title=str(item.get("title") or item["id"]),
                    can_read=bool(item.get("can_read")),
                    can_write=bool(item.get("can_write")),
                )
            )
        return found

    def objects_page(
        self,
        collection_id: str,
        *,
        added_after: str | None,
        cursor: str | None,
        limit: int,
    ) -> ObjectPage:
        url = f"{self.api_root()}collections/{collection_id}/objects/"
        params = {"limit": str(limit)}
        if cursor is not None:
            params["next"] = cursor
        if added_after is not None:
            params["added_after"] = added_after
        data, headers = self._get(url, params)
        objects = data.get("objects") or []
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise PeerRefused(f"the objects at {url} are not a list of STIX objects")
        more = bool(data.get("more"))
        next_cursor = data.get("next")
        if more and not isinstance(next_cursor, str):
            raise PeerRefused(f"the page at {url} says there is more but gives no `next` cursor")
        return ObjectPage(
            objects=objects,
            more=more,
            next=next_cursor if isinstance(next_cursor, str) else None,
            date_added_last=headers.get("X-TAXII-Date-Added-Last"),
        )

    def add_objects(self, collection_id: str, objects: Sequence[dict[str, object]]) -> str:
        url = f"{self.api_root()}collections/{collection_id}/objects/"
        envelope = json.dumps({"objects": list(objects)}, ensure_ascii=False).encode("utf-8")
        response = self._request("POST", url, body=envelope, content_type=TAXII_MEDIA_TYPE)
        data = self._json(response, url)
        status = data.get("status")
        failures = data.get("failure_count", 0)
        if status not in ("complete", "pending") or not isinstance(data.get("id"), str):
            raise PeerRefused(f"the partner's server at {url} did not accept the objects")
        if failures:
            raise PeerRefused(
                f"the partner's server at {url} refused {failures} of {len(objects)} objects",
                hint="the partner's inbox names the reasons",
            )
        return str(data["id"])


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None

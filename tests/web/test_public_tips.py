"""The public tip page and the triage of tips, through the real app on both backends.

The tip page is held to the workspace's security tests: rate limit per
address, body limit before reading, XSS inert in triage, no session, and no
way from it to any other route.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import BaseRoute, Route

from portintel.adapters.database import tables
from portintel.domain.tips import solve
from portintel.services import admin
from portintel.settings import Settings
from portintel.web import create_app
from tests.conftest import TickingClock
from tests.web.conftest import Person, log_in, make_user

TOKEN = re.compile(r'name="challenge" value="([^"]+)"')
SUM = re.compile(r"(\d+) \+ (\d+)")


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def tip_app(settings: Settings) -> FastAPI:
    """The app with a light proof of work (tests solve it in Python) and a small window."""
    return create_app(settings.model_copy(update={"tip_challenge_bits": 6, "tips_per_window": 5}))


@pytest.fixture
def public(tip_app: FastAPI) -> Iterator[TestClient]:
    """A stranger's browser: no account, no cookie."""
    with _client(tip_app) as client:
        tip_app.state.workspace.clock = TickingClock()
        admin.ensure_agencies(tip_app.state.workspace)
        yield client


@pytest.fixture
def member(tip_app: FastAPI, public: TestClient) -> Callable[..., Person]:
    def make(username: str, *roles: str) -> Person:
        make_user(tip_app.state.workspace, username, *roles)
        return log_in(tip_app, username)

    return make


def _challenge(client: TestClient, lang: str = "en") -> tuple[str, int]:
    page = client.get("/tip", params={"lang": lang})
    assert page.status_code == 200
    token = TOKEN.search(page.text)
    assert token is not None
    bits = int(re.search(r'data-bits="(\d+)"', page.text)[1])  # type: ignore[index]
    return token[1], bits


def send_tip(client: TestClient, text: str, *, lang: str = "en", contact: str = ""):  # type: ignore[no-untyped-def]
    """Send a tip the way the page's script does: solve the work, then post."""
    token, bits = _challenge(client, lang)
    data = {"text": text, "contact": contact, "lang": lang, "challenge": token}
    return client.post("/tip", data={**data, "counter": solve(token, bits), "answer": ""})


def _tips(app: FastAPI) -> list[object]:
    with app.state.workspace.engine.begin() as connection:
        return list(connection.execute(select(tables.tips).order_by(tables.tips.c.received_at)))


@pytest.mark.parametrize(
    ("lang", "header", "expected", "words"),
    [
        (None, "", "en", "Report migrant smuggling"),
        ("km", "", "km", "រាយការណ៍"),
        (None, "th-TH,th;q=0.9,en;q=0.5", "th", "แจ้งเบาะแส"),
        (None, "fr;q=1, in;q=0.8", "id", "Laporkan penyelundupan"),
        ("my", "th", "my", "သတင်းပို့ပါ"),
    ],
)
def test_the_tip_page_speaks_the_visitors_language(
    public: TestClient, lang: str | None, header: str, expected: str, words: str
) -> None:
    params = {"lang": lang} if lang else {}
    page = public.get("/tip", params=params, headers={"Accept-Language": header})
    assert page.status_code == 200
    assert f'<html lang="{expected}">' in page.text
    assert words in page.text
    assert page.headers["content-language"] == expected
    # the switcher names every language in itself
    for name in ("English", "ខ្មែរ", "ไทย", "Bahasa Indonesia", "မြန်မာ"):
        assert name in page.text
    assert "set-cookie" not in page.headers


def test_a_tip_sent_with_the_scripts_proof_of_work_is_queued(
    tip_app: FastAPI, public: TestClient
) -> None:
    sent = send_tip(public, "ទូកចេញពីកោះរ៉ុងយប់នេះ", lang="km", contact="012 345 678")
    assert sent.status_code == 200, sent.text
    assert "data-tip-sent" in sent.text and "សូមអរគុណ" in sent.text
    assert "set-cookie" not in sent.headers
    [tip] = _tips(tip_app)
    assert tip.text == "ទូកចេញពីកោះរ៉ុងយប់នេះ" and tip.language == "km"  # type: ignore[attr-defined]
    assert tip.contact == "012 345 678" and tip.status == "new"  # type: ignore[attr-defined]
    # the address is kept only as a keyed hash
    assert tip.address_hash != "testclient" and len(tip.address_hash) == 64  # type: ignore[attr-defined]
    assert "testclient" not in str(tuple(tip))


def test_without_a_script_the_sum_is_the_challenge_in_any_digits(
    tip_app: FastAPI, public: TestClient
) -> None:
    page = public.get("/tip", params={"lang": "km"})
    token = TOKEN.search(page.text)[1]  # type: ignore[index]
    first, second = map(int, SUM.search(page.text).groups())  # type: ignore[union-attr]
    wrong = public.post(
        "/tip",
        data={
            "text": "a boat",
            "lang": "km",
            "challenge": token,
            "answer": str(first + second + 1),
        },
    )
    assert wrong.status_code == 422
    assert "a boat" in wrong.text  # the form keeps what was typed
    assert _tips(tip_app) == []
    khmer_digits = "".join("០១២៣៤៥៦៧៨៩"[int(d)] for d in str(first + second))
    right = public.post(
        "/tip", data={"text": "a boat", "lang": "km", "challenge": token, "answer": khmer_digits}
    )
    assert right.status_code == 200, right.text
    assert len(_tips(tip_app)) == 1


def test_a_challenge_sends_one_tip_and_must_be_the_nodes(
    tip_app: FastAPI, public: TestClient
) -> None:
    token, bits = _challenge(public)
    data = {"text": "boat", "lang": "en", "challenge": token, "counter": solve(token, bits)}
    assert public.post("/tip", data=data).status_code == 200
    replay = public.post("/tip", data=data)
    assert replay.status_code == 409
    assert "The form has been renewed" in replay.text
    nonce, issued, _bits, signature = token.split(".")
    forged = f"{nonce}.{issued}.0.{signature}"  # easier work, same signature
    refused = public.post("/tip", data={**data, "challenge": forged, "counter": "0"})
    assert refused.status_code == 422
    missing = public.post("/tip", data={"text": "boat", "lang": "en"})
    assert missing.status_code == 422
    assert len(_tips(tip_app)) == 1


def test_an_empty_or_too_long_tip_comes_back_with_what_to_do(public: TestClient) -> None:
    empty = send_tip(public, "   ")
    assert empty.status_code == 422 and "Please write what you saw." in empty.text
    long = send_tip(public, "x" * 5001)
    assert long.status_code == 422 and "at most 5000 characters" in long.text


def test_one_address_is_rate_limited_in_a_sliding_window(
    tip_app: FastAPI, public: TestClient
) -> None:
    statuses = [send_tip(public, f"tip {n}").status_code for n in range(5)]
    assert statuses == [200] * 5
    refused = send_tip(public, "the sixth tip", lang="th")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "โปรดรอ" in refused.text  # a human message in the tipster's language
    assert "the sixth tip" in refused.text  # and the text is kept
    assert len(_tips(tip_app)) == 5
    # an hour later the window has slid past the first tips
    clock = tip_app.state.workspace.clock
    clock.now += __import__("datetime").timedelta(minutes=61)
    assert send_tip(public, "next hour").status_code == 200


def test_a_hundred_tips_a_minute_from_one_address_are_throttled_while_the_workspace_answers(
    tip_app: FastAPI, public: TestClient, member: Callable[..., Person]
) -> None:
    """The load test: no timings, the throttle's count and the workspace's answers."""
    olga = member("olga", "officer")
    outcomes: dict[int, int] = {}
    workspace_statuses = []
    for n in range(100):
        status = send_tip(public, f"tip number {n}").status_code
        outcomes[status] = outcomes.get(status, 0) + 1
        if n % 10 == 0:
            workspace_statuses.append(olga.client.get("/reports").status_code)
            workspace_statuses.append(olga.client.get("/tips").status_code)
    assert outcomes == {200: 5, 429: 95}
    assert workspace_statuses == [200] * 20
    assert len(_tips(tip_app)) == 5


def test_the_body_is_limited_before_it_is_read(public: TestClient) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    big = public.post("/tip", content=b"text=" + b"a" * (70 * 1024), headers=form)
    assert big.status_code == 413
    assert "64 KiB" in big.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b"text="
        for _ in range(80):
            yield b"b" * 1024

    streamed = public.post("/tip", content=chunks(), headers=form)
    assert streamed.status_code == 413


def test_the_tip_page_neither_sets_nor_reads_a_session(
    tip_app: FastAPI, member: Callable[..., Person]
) -> None:
    olga = member("olga", "officer")
    page = olga.client.get("/tip")
    assert "set-cookie" not in page.headers
    assert "olga" not in page.text.lower() and "csrf" not in page.text.lower()
    sent = send_tip(olga.client, "sent by someone logged in")
    assert sent.status_code == 200 and "set-cookie" not in sent.headers
    with tip_app.state.workspace.engine.begin() as connection:
        received = connection.execute(
            select(tables.audit_log.c.actor).where(tables.audit_log.c.action == "tip.received")
        ).scalar_one()
    assert received == "public (tip page)"  # not olga: the page never looked at her cookie


def _every_route(routes: Sequence[BaseRoute], prefix: str = "") -> list[tuple[str, str]]:
    """(method, concrete path) of every route the app serves, included routers walked too."""
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's included router
        if included is not None:
            found += _every_route(included.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        elif isinstance(route, APIRoute | Route):
            path = re.sub(r"\{[^}]+\}", "X-1", prefix + route.path)
            found.extend((method, path) for method in sorted(route.methods or ()))
    return found


def test_a_tip_page_visitor_reaches_nothing_else(tip_app: FastAPI, public: TestClient) -> None:
    """Walk every route the app serves: without a session only the tip page answers."""
    assert send_tip(public, "first, a tip").status_code == 200
    assert public.cookies == {} or not dict(public.cookies)
    open_to_all = {"/tip", "/healthz", "/login", "/api/v1/openapi.json"}
    routes = _every_route(tip_app.routes)
    assert len(routes) > 50
    for method, path in routes:
        if path in open_to_all:
            continue
        response = public.request(method, path)
        assert response.status_code in (303, 401), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login"), (method, path)
    # and the public pages link nowhere but to themselves and the static files
    for page in (public.get("/tip"), send_tip(public, "second")):
        for link in re.findall(r'(?:href|src|action)="([^"]+)"', page.text):
            assert link.startswith(("/tip", "/static/")), link


XSS = '<script>alert("tip")</script><img src=x onerror=alert(1)>'


def test_triage_shows_the_tip_as_text_and_turns_it_into_a_graded_draft(
    tip_app: FastAPI, public: TestClient, member: Callable[..., Person]
) -> None:
    assert send_tip(public, f"Boat at Koh Rong {XSS}", lang="km").status_code == 200
    olga = member("olga", "officer")
    queue = olga.client.get("/tips")
    assert queue.status_code == 200
    assert "1 new tip waits for triage" in queue.text
    assert "ខ្មែរ" in queue.text  # the language by name, not its code
    assert "<script>alert" not in queue.text
    tip_id = re.search(r'href="/tips/(T-[^"]+)"', queue.text)[1]  # type: ignore[index]
    page = olga.client.get(f"/tips/{tip_id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;tip&#34;)&lt;/script&gt;" in page.text
    prefilled = re.search(r'<textarea id="t-text"[^>]*>([^<]*)</textarea>', page.text)
    assert prefilled is not None and "Boat at Koh Rong" in prefilled[1]
    made = olga.form(
        f"/tips/{tip_id}/report",
        {
            "title": "Boat at Koh Rong",
            "text": "Boat at Koh Rong tonight",
            "handling": "P",
            "credibility": "",
        },
    )
    assert made.status_code == 303, made.text
    report_id = made.headers["location"].rsplit("/", 1)[1]
    report = olga.api("GET", f"/api/v1/reports/{report_id}").json()
    assert report["status"] == "draft"
    assert report["source_reference"] == "Public tip page"
    assert report["source_kind"] == "public_tip"
    assert (report["grading"]["reliability"], report["grading"]["credibility"]) == ("F", "6")
    shown = olga.client.get(f"/reports/{report_id}").text
    assert "Public tip page (Public tip)" in shown and "public_tip" not in shown  # a label
    again = olga.form(f"/tips/{tip_id}/discard", {"reason": "too late"})
    assert again.status_code == 409  # triaged once
    assert "1 new tip" not in olga.client.get("/tips").text
    done = olga.client.get("/tips", params={"status": "reported"})
    assert tip_id in done.text
    with tip_app.state.workspace.engine.begin() as connection:
        actions = (
            connection.execute(
                select(tables.audit_log.c.action).where(tables.audit_log.c.object_id == tip_id)
            )
            .scalars()
            .all()
        )
    assert {"tip.received", "tip.read", "tip.reported"} <= set(actions)


def test_a_tip_is_discarded_only_with_a_reason(
    tip_app: FastAPI, public: TestClient, member: Callable[..., Person]
) -> None:
    assert send_tip(public, "nonsense").status_code == 200
    [tip] = _tips(tip_app)
    sam = member("sam", "supervisor")
    refused = sam.form(f"/tips/{tip.id}/discard", {"reason": "  "})  # type: ignore[attr-defined]
    assert refused.status_code == 422 and "say why" in refused.text
    done = sam.form(f"/tips/{tip.id}/discard", {"reason": "no usable information"})  # type: ignore[attr-defined]
    assert done.status_code == 303
    page = sam.client.get(f"/tips/{tip.id}")  # type: ignore[attr-defined]
    assert "no usable information" in page.text and "tip-report-form" not in page.text
    [tip] = _tips(tip_app)
    assert tip.status == "discarded" and tip.discard_reason == "no usable information"  # type: ignore[attr-defined]


def test_only_people_who_work_with_intelligence_triage_tips(
    public: TestClient, member: Callable[..., Person]
) -> None:
    assert send_tip(public, "a tip").status_code == 200
    root = member("root", "administrator")
    assert root.client.get("/tips").status_code == 403
    olga = member("olga", "officer")
    assert olga.client.get("/admin/leaflet").status_code == 403
    assert olga.client.get("/admin/leaflet.pdf").status_code == 403
    assert root.client.get("/admin/leaflet").status_code == 200
    assert 'href="/admin/leaflet"' in root.client.get("/").text  # in the administrator's menu
    assert 'href="/admin/leaflet"' not in olga.client.get("/").text


POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdffonts")
FACE_OF = {
    "en": "Noto-Sans",
    "km": "Noto-Sans-Khmer",
    "th": "Noto-Sans-Thai",
    "id": "Noto-Sans",
    "my": "Noto-Sans-Myanmar",
}


@pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")
def test_the_leaflet_prints_in_every_language_with_the_address_and_its_face(
    public: TestClient, member: Callable[..., Person], tmp_path: Path
) -> None:
    pytest.importorskip("weasyprint")
    root = member("root", "administrator")
    address = "https://tips.piu-shv.example/tip"
    form = root.client.get("/admin/leaflet")
    assert form.status_code == 200 and "ខ្មែរ" in form.text
    for lang, face in FACE_OF.items():
        response = root.client.get("/admin/leaflet.pdf", params={"lang": lang, "address": address})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        path = tmp_path / f"leaflet-{lang}.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert address in text, lang
        fonts = subprocess.run(
            ["pdffonts", str(path)], check=True, capture_output=True, text=True
        ).stdout
        # the script's own vendored face is embedded (its name, then a weight or nothing)
        assert re.search(rf"\+{face}(-Regular|-Bold)?\s", fonts), (lang, fonts)
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / f"p-{lang}")], check=True
        )
        [image] = tmp_path.glob(f"p-{lang}*.png")
        assert image.stat().st_size > 2_000  # a drawn page (text and QR), not a blank one
    english = subprocess.run(
        ["pdftotext", str(tmp_path / "leaflet-en.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Have you seen migrant smuggling?" in " ".join(english.split())
    bad = root.client.get("/admin/leaflet.pdf", params={"lang": "en", "address": "javascript:x"})
    assert bad.status_code == 422

"""Need-to-know through the real HTTP app and the CLI: random readers, seeded world.

The world of :mod:`tests.services.access_world` is served by ``create_app``;
API calls carry each user's bearer token, pages each user's session cookie
(logged in through the login page). Every response body is scanned for the
markers planted in report titles, texts and fact values: a marker of a
report or statement the reader may not see must never appear, whatever the
route (report, list, search, entity, home). The oracle is the raw rows plus
:mod:`portintel.domain.access`, never a service.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from portintel.adapters.database.search import keys_admit
from portintel.cli.app import app as cli_app
from portintel.cli.context import built, console
from portintel.domain.access import may_keep_source_register
from portintel.domain.reports import ReportStatus
from portintel.settings import Settings
from portintel.web import create_app
from tests.conftest import BACKENDS
from tests.services.access_world import (
    CASES,
    DISABLED,
    MISSING_ENTITY,
    MISSING_REPORT,
    PASSWORD,
    PLANNED,
    World,
    build_world,
    cases,
    world_database,
)
from tests.web.conftest import log_in, login_page_token

MODULE_FLOOR = 4_000
"""Examples this module must run per backend; with the services module, over 10,000."""


@dataclass
class Served:
    """The world, its running app, and a way in for every user."""

    world: World
    client: TestClient
    browsers: dict[str, TestClient]

    def api(self, username: str, path: str, **params: Any) -> Any:
        token = self.world.tokens[username]
        return self.client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    directory: Path = tmp_path_factory.mktemp("access-web")
    with world_database(request.param, directory) as url:
        settings_ = Settings(
            data_dir=directory / "data",
            database_url=url,
            secure_cookies=False,
            # disabled users' tokens fail on purpose, thousands of times from one address
            token_failures_per_minute=1_000_000,
        )
        world = build_world(settings_, backend=request.param, tokens=True)
        app = create_app(settings_)
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
            browsers = {
                person.username: log_in(app, person.username).client
                for person in world.people
                if person.active
            }
            yield Served(world, client, browsers)
            for browser in browsers.values():
                browser.close()
        world.ws.close()


def _count(served: Served, path: str) -> None:
    CASES[(served.world.backend, f"web.{path}")] += 1


def _assert_no_leak(served: Served, username: str, body: str) -> None:
    reader = served.world.person(username).actor
    leaked = served.world.leaked_markers(reader, body)
    assert not leaked, f"{username} was shown {sorted(leaked)}"
    if not served.world.may_see_identity(reader):
        assert not any(identity in body for identity in served.world.identity_markers())


def _people(served: Served, *, active_only: bool = False) -> st.SearchStrategy[str]:
    return st.sampled_from([p.username for p in served.world.people if p.active or not active_only])


# -- JSON API with bearer tokens ------------------------------------------------


@cases(1_200)
@given(data=st.data())
def test_api_report_read(served: Served, data: st.DataObject) -> None:
    username = data.draw(_people(served))
    report_id = data.draw(st.sampled_from((*served.world.report_ids, MISSING_REPORT)))
    _count(served, "api.reports.get")
    response = served.api(username, f"/api/v1/reports/{report_id}")
    person = served.world.person(username)
    if not person.active:
        assert response.status_code == 401
        return
    _assert_no_leak(served, username, response.text)
    if served.world.may_read_report(person.actor, report_id):
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["text"] == served.world.report_rows[report_id].text
        for entity_id in body["entity_ids"]:
            assert served.world.may_see_entity_id(person.actor, entity_id), entity_id
    else:
        assert response.status_code == 404
        # a hidden report answers exactly like one that does not exist
        missing = served.api(username, f"/api/v1/reports/{MISSING_REPORT}")
        assert response.json() == json.loads(missing.text.replace(MISSING_REPORT, report_id))


@cases(500)
@given(data=st.data())
def test_api_report_list_and_total(served: Served, data: st.DataObject) -> None:
    username = data.draw(_people(served, active_only=True))
    reader = served.world.person(username).actor
    status = data.draw(st.none() | st.sampled_from(tuple(ReportStatus)))
    agency = data.draw(
        st.none()
        | st.sampled_from(sorted({r.agency_id for r in served.world.report_rows.values()}))
    )
    text = data.draw(st.none() | st.sampled_from(("zq", "zqt01", "pier", "Sighting 4")))
    _count(served, "api.reports.list")
    params: dict[str, Any] = {"limit": 1000}
    if status:
        params["status"] = status.value
    if agency:
        params["agency"] = agency
    if text:
        params["text"] = text
    response = served.api(username, "/api/v1/reports", **params)
    assert response.status_code == 200, response.text
    _assert_no_leak(served, username, response.text)
    expected = {
        row.id
        for row in served.world.report_rows.values()
        if served.world.may_read_report(reader, row.id)
        and (status is None or row.status == status.value)
        and (agency is None or row.agency_id == agency)
        and (text is None or text.lower() in f"{row.title}\n{row.text}".lower())
    }
    body = response.json()
    assert {item["id"] for item in body["items"]} == expected
    assert body["total"] == len(expected)


@cases(1_200)
@given(data=st.data())
def test_api_entity_read(served: Served, data: st.DataObject) -> None:
    username = data.draw(_people(served))
    entity_id = data.draw(st.sampled_from((*served.world.entity_ids, MISSING_ENTITY)))
    _count(served, "api.entities.get")
    # every statement on the page (the page shows 20 a property by default), so the whole
    # readable set is compared; the counts must agree with it as well
    response = served.api(username, f"/api/v1/entities/{quote(entity_id)}", per_property=1000)
    person = served.world.person(username)
    if not person.active:
        assert response.status_code == 401
        return
    _assert_no_leak(served, username, response.text)
    visible = served.world.visible_statement_ids(person.actor, entity_id)
    if not visible:
        assert response.status_code == 404
        missing = served.api(username, f"/api/v1/entities/{MISSING_ENTITY}")
        assert response.json() == json.loads(missing.text.replace(MISSING_ENTITY, entity_id))
        return
    assert response.status_code == 200, response.text
    entity = response.json()
    assert {s["id"] for s in entity["statements"]} == visible
    assert entity["statement_count"] == len(visible) and entity["complete"]
    assert sum(p["statement_count"] for p in entity["properties"]) == len(visible)


@cases(300)
@given(data=st.data())
def test_api_search_and_entity_list(served: Served, data: st.DataObject) -> None:
    username = data.draw(_people(served, active_only=True))
    reader = served.world.person(username).actor
    statement = data.draw(st.sampled_from(served.world.statement_rows))
    query = data.draw(st.sampled_from((statement.value, statement.canonical_id, "zq")))
    _count(served, "api.search+list")
    response = served.api(username, "/api/v1/search/entities", q=query, limit=500)
    assert response.status_code == 200, response.text
    _assert_no_leak(served, username, response.text)
    rows = served.world.statement_rows
    expected = {
        row.canonical_id
        for row in rows
        if (
            query.lower() in row.value.lower()
            or row.canonical_id == query
            or keys_admit(query, row.prop_type, row.value)  # across scripts and spellings
        )
        and served.world.may_read_statement(reader, row)
    }
    assert {item["id"] for item in response.json()} == expected
    listed = served.api(username, "/api/v1/entities", limit=1000)
    assert listed.status_code == 200
    _assert_no_leak(served, username, listed.text)
    visible_entities = {r.canonical_id for r in rows if served.world.may_read_statement(reader, r)}
    assert {item["id"] for item in listed.json()} == visible_entities
    for item in (*response.json(), *listed.json()):
        assert served.world.may_see_entity_id(reader, item["id"]), item["id"]


@cases(300)
@given(data=st.data())
def test_attachment_downloads(served: Served, data: st.DataObject) -> None:
    username = data.draw(_people(served, active_only=True))
    attachment = data.draw(st.sampled_from(served.world.attachment_rows))
    page = data.draw(st.booleans())
    _count(served, "api+pages.attachments")
    path = f"/attachments/{attachment.id}"
    if page:
        response = served.browsers[username].get(path)
    else:
        response = served.api(username, f"/api/v1{path}")
    _assert_no_leak(served, username, response.text)
    if served.world.may_read_report(served.world.person(username).actor, attachment.report_id):
        assert response.status_code == 200
        assert response.content == f"{attachment.filename.removesuffix('.txt')} seen".encode()
    else:
        assert response.status_code == 404


def test_api_sources_identities(served: Served) -> None:
    for person in served.world.people:
        _count(served, "api.sources")
        response = served.api(person.username, "/api/v1/sources")
        if not person.active:
            assert response.status_code == 401
            continue
        if not may_keep_source_register(person.actor):
            assert response.status_code == 403
            assert not any(
                identity in response.text for identity in served.world.identity_markers()
            )
            continue
        assert response.status_code == 200
        shown = {item["protected_identity"] for item in response.json()} - {None}
        assert shown == served.world.identity_markers()


# -- HTML pages with session cookies -----------------------------------------------


@cases(600)
@given(data=st.data())
def test_report_page(served: Served, data: st.DataObject) -> None:
    username = data.draw(_people(served, active_only=True))
    report_id = data.draw(st.sampled_from((*served.world.report_ids, MISSING_REPORT)))
    _count(served, "pages.report")
    page = served.browsers[username].get(f"/reports/{report_id}")
    _assert_no_leak(served, username, page.text)
    if served.world.may_read_report(served.world.person(username).actor, report_id):
        assert page.status_code == 200
        assert served.world.report_rows[report_id].text in page.text
    else:
        assert page.status_code == 404


@cases(600)
@given(data=st.data())
def test_entity_page(served: Served, data: st.DataObject) -> None:
    username = data.draw(_people(served, active_only=True))
    entity_id = data.draw(st.sampled_from((*served.world.entity_ids, MISSING_ENTITY)))
    _count(served, "pages.entity")
    page = served.browsers[username].get(f"/entities/{quote(entity_id)}")
    _assert_no_leak(served, username, page.text)
    reader = served.world.person(username).actor
    visible = served.world.visible_statement_ids(reader, entity_id)
    assert page.status_code == (200 if visible else 404)
    # the profile lists the best supported values of each property; the rest are one click
    # away, on the property's statements page (read through the same scope)
    elsewhere: dict[str, str] = {}
    for row in served.world.entity_statements(entity_id):
        if row.id in visible and row.value.startswith("zq") and row.value not in page.text:
            if row.prop not in elsewhere:
                more = f"/entities/{quote(entity_id)}/statements?prop={quote(row.prop)}"
                assert f'href="{more}"' in page.text, row.prop
                listed = served.browsers[username].get(more)
                _assert_no_leak(served, username, listed.text)
                elsewhere[row.prop] = listed.text
            assert row.value in elsewhere[row.prop]


@cases(300, at_least=150)
@given(data=st.data())
def test_search_list_and_home_pages(served: Served, data: st.DataObject) -> None:
    username = data.draw(_people(served, active_only=True))
    path = data.draw(
        st.sampled_from(
            (
                "/search?q=zq",
                "/search?q=zqv0",
                "/search?q=Sighting",
                "/reports",
                "/reports?text=zq",
                "/reports?status=submitted",
                "/reports?status=draft",
                "/entities",
                "/entities?schema=Person",
                "/",
            )
        )
    )
    _count(served, "pages.search+lists+home")
    page = served.browsers[username].get(path)
    assert page.status_code == 200, (path, page.status_code)
    _assert_no_leak(served, username, page.text)


def test_disabled_user_gets_nothing(served: Served) -> None:
    world = served.world
    for path in ("/api/v1/reports", "/api/v1/entities", "/api/v1/search/entities?q=zq"):
        response = served.api(DISABLED, path)
        assert response.status_code == 401
        assert not world.leaked_markers(world.person("admin-imm").actor, response.text)
    token = login_page_token(served.client)
    refused = served.client.post(
        "/login",
        data={"username": DISABLED, "password": PASSWORD, "login_token": token, "next": "/"},
    )
    assert refused.status_code != 303  # no session for a disabled account
    assert "portintel_session" not in refused.cookies


# -- the CLI ---------------------------------------------------------------------


def test_cli_report_and_entity_reads(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)
    world = served.world
    runner = CliRunner()
    env = {"PORTINTEL_DATABASE_URL": world.settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str) -> Any:
        return runner.invoke(cli_app, ["--data-dir", str(world.settings.data_dir), *args], env=env)

    for username in ("officer-imm", "analyst-mar", "supervisor-int", "traffic", "handler-mar"):
        reader = world.person(username).actor
        listed = invoke("report", "list", "--as", username, "--limit", "1000")
        _count(served, "cli.report.list")
        assert listed.exit_code == 0, listed.output
        assert not world.leaked_markers(reader, listed.output)
        for report_id in world.report_ids[::11]:
            _count(served, "cli.report.show")
            shown = invoke("report", "show", report_id, "--as", username, "--json")
            assert not world.leaked_markers(reader, shown.output)
            if world.may_read_report(reader, report_id):
                assert shown.exit_code == 0, shown.output
                assert json.loads(shown.output)["text"] == world.report_rows[report_id].text
            else:
                assert shown.exit_code != 0
        for entity_id in world.entity_ids[::13]:
            _count(served, "cli.entity.show")
            shown = invoke("entity", "show", entity_id, "--as", username, "--json")
            assert not world.leaked_markers(reader, shown.output)
            visible = world.visible_statement_ids(reader, entity_id)
            if visible:
                assert shown.exit_code == 0, shown.output
                ids = {s["id"] for s in json.loads(shown.output)["statements"]}
                assert ids == visible
            else:
                assert shown.exit_code != 0


def test_the_properties_plan_enough_cases() -> None:
    """This module's share, and with the services module over 10,000 cases per backend;
    each property checks that it ran its own."""
    import tests.services.test_access_properties as services_module

    assert PLANNED[__name__] >= MODULE_FLOOR, PLANNED
    assert PLANNED[__name__] + PLANNED[services_module.__name__] >= 10_000, PLANNED

"""Users, agencies and audit: administrators and supervisors allowed, everyone else refused."""

from __future__ import annotations

from collections.abc import Callable

from portintel.services.workspace import Workspace
from tests.web.conftest import PASSWORD, Person

NEW_USER = {
    "username": "nadia",
    "display_name": "Nadia",
    "agency": "maritime-police",
    "roles": ["analyst"],
    "password": PASSWORD,
}


def test_administrator_lists_and_creates_users_by_api(person: Callable[..., Person]) -> None:
    alice = person("alice", "administrator")
    created = alice.api("POST", "/api/v1/users", json=NEW_USER)
    assert created.status_code == 201, created.text
    assert created.json()["agency_id"] == "maritime-police"
    assert "password" not in created.text
    names = [user["username"] for user in alice.api("GET", "/api/v1/users").json()]
    assert names == ["alice", "nadia"]


def test_others_may_not_manage_users_by_api(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer", "supervisor", "analyst", "source_handler")
    assert olga.api("GET", "/api/v1/users").status_code == 403
    refused = olga.api("POST", "/api/v1/users", json=NEW_USER)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"


def test_user_creation_errors_name_the_field(person: Callable[..., Person]) -> None:
    alice = person("alice", "administrator")
    bad_agency = alice.api("POST", "/api/v1/users", json={**NEW_USER, "agency": "nowhere"})
    assert bad_agency.status_code == 422
    assert bad_agency.json()["error"]["field"] == "agency"
    bad_role = alice.api("POST", "/api/v1/users", json={**NEW_USER, "roles": ["king"]})
    assert bad_role.status_code == 422
    assert bad_role.json()["error"]["field"].startswith("roles")


def test_agencies_are_listed_for_members(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer")
    agencies = olga.api("GET", "/api/v1/agencies").json()
    assert {agency["id"] for agency in agencies} >= {"immigration", "maritime-police"}


def test_users_page_for_administrators(person: Callable[..., Person]) -> None:
    alice = person("alice", "administrator")
    page = alice.client.get("/admin/users")
    assert page.status_code == 200
    assert "<code>alice</code>" in page.text
    created = alice.form("/admin/users", NEW_USER)
    assert created.status_code == 303
    assert "<code>nadia</code>" in alice.client.get("/admin/users").text


def test_users_page_refused_to_others(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer")
    page = olga.client.get("/admin/users")
    assert page.status_code == 403
    assert "text/html" in page.headers["content-type"]
    assert olga.form("/admin/users", NEW_USER).status_code == 403


def test_users_form_without_csrf_is_refused(person: Callable[..., Person]) -> None:
    alice = person("alice", "administrator")
    response = alice.client.post("/admin/users", data=NEW_USER)
    assert response.status_code == 403
    assert "nadia" not in alice.client.get("/admin/users").text


def test_users_form_shows_invalid_input_on_the_page(person: Callable[..., Person]) -> None:
    alice = person("alice", "administrator")
    response = alice.form("/admin/users", {**NEW_USER, "password": "short"})
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert 'value="nadia"' in response.text


def test_deactivate_by_page(person: Callable[..., Person], ws: Workspace) -> None:
    alice = person("alice", "administrator")
    olga = person("olga", "officer")
    assert alice.form("/admin/users/olga/deactivate").status_code == 303
    assert olga.client.get("/api/v1/me").status_code == 401


def test_audit_view_for_supervisors_with_filters(person: Callable[..., Person]) -> None:
    alice = person("alice", "administrator")
    alice.api("POST", "/api/v1/users", json=NEW_USER)
    sam = person("sam", "supervisor")
    entries = sam.api("GET", "/api/v1/audit", params={"action": "user.create"}).json()
    assert entries
    assert {entry["action"] for entry in entries} == {"user.create"}
    page = sam.client.get("/audit", params={"action": "user.*"})
    assert page.status_code == 200
    assert "user.create" in page.text


def test_audit_view_refused_to_officers_and_analysts(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer", "analyst")
    assert olga.api("GET", "/api/v1/audit").status_code == 403
    assert olga.client.get("/audit").status_code == 403


def test_audit_filter_errors_name_the_field(person: Callable[..., Person]) -> None:
    sam = person("sam", "supervisor")
    response = sam.client.get("/audit", params={"since": "yesterday"})
    assert response.status_code == 422
    assert "since" in response.text
    api = sam.api("GET", "/api/v1/audit", params={"limit": 0})
    assert api.status_code == 422
    assert api.json()["error"]["field"] == "limit"

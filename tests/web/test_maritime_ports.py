"""The ports pages: analysts add and correct entries with forms that keep what was typed."""

from __future__ import annotations

from collections.abc import Callable

from portintel.services.workspace import Workspace
from tests.web.conftest import Person

BEACH = {
    "name": "Stung Hav <beach>",
    "country": "KH",
    "kind": "landing_site",
    "lat": "10.7512",
    "lon": "103.6388",
    "source": "Maritime Police patrol, February",
    "licence": "",
    "note": "boats land here at night",
}


def test_an_analyst_adds_an_entry_after_a_refusal_that_kept_the_form(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    ana = person("ana", "analyst")
    listing = ana.client.get("/ports")
    assert listing.status_code == 200
    assert "Sihanoukville Autonomous Port" in listing.text and "<td>Cambodia</td>" in listing.text
    assert 'href="/ports/new"' in listing.text
    form = ana.client.get("/ports/new")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    assert '<option value="KH">Cambodia</option>' in form.text

    refused = ana.form("/ports", {**BEACH, "lat": "95"})
    assert refused.status_code == 422
    assert "latitude must be between -90 and 90, got 95" in refused.text
    assert 'data-field="lat"' in refused.text
    # every field as typed, escaped
    assert 'value="Stung Hav &lt;beach&gt;"' in refused.text and 'value="95"' in refused.text
    assert '<option value="KH" selected>Cambodia</option>' in refused.text
    assert '<option value="landing_site" selected>Landing site</option>' in refused.text
    assert ">boats land here at night</textarea>" in refused.text

    added = ana.form("/ports", BEACH)
    assert added.status_code == 303, added.text
    page = ana.client.get(added.headers["location"])
    assert "Stung Hav &lt;beach&gt;" in page.text and "<td>Added</td>" in page.text
    ports = {p["name"]: p for p in ana.api("GET", "/api/v1/maritime/ports").json()}
    beach = ports["Stung Hav <beach>"]
    assert (beach["kind_label"], beach["country"], beach["lat"]) == (
        "Landing site", "Cambodia", 10.7512,
    )  # fmt: skip
    assert beach["source"].startswith("Maritime Police patrol, February (entered in portintel")


def test_a_correction_of_a_shipped_entry_keeps_its_original_in_the_history(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    ana = person("ana", "analyst")
    page = ana.client.get("/ports/KHKOS")
    assert page.status_code == 200 and 'value="10.643"' in page.text  # the form starts filled in
    corrected = ana.form(
        "/ports/KHKOS",
        {**BEACH, "name": "Sihanoukville Autonomous Port", "kind": "port", "lat": "10.65",
         "lon": "103.51", "note": "berth moved"},
    )  # fmt: skip
    assert corrected.status_code == 303, corrected.text
    history = ana.client.get("/ports/KHKOS").text
    assert "<td>Corrected</td>" in history and "berth moved" in history
    assert "as shipped" in history and "10.64300, 103.50600" in history
    ports = {p["id"]: p for p in ana.api("GET", "/api/v1/maritime/ports").json()}
    assert ports["KHKOS"]["lat"] == 10.65
    assert ana.client.get("/ports/XX-NONE").status_code == 404


def test_officers_read_the_gazetteer_but_do_not_change_it(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    olga = person("olga", "officer")
    assert 'href="/ports/new"' not in olga.client.get("/ports").text
    assert 'id="port-form"' not in olga.client.get("/ports/KHKOS").text
    assert olga.client.get("/ports/new").status_code == 403
    assert olga.form("/ports", BEACH).status_code == 403
    ana = person("ana", "analyst")
    assert ana.client.post("/ports", data=BEACH).status_code == 403  # no CSRF token
    adam = person("adam", "administrator")
    assert adam.client.get("/ports").status_code == 403


def test_the_api_adds_corrects_and_shows_the_history(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    ana = person("ana", "analyst")
    body = {**BEACH, "lat": 10.7512, "lon": 103.6388}
    added = ana.api("POST", "/api/v1/maritime/ports", json=body)
    assert added.status_code == 201, added.text
    port_id = added.json()["port_id"]
    assert added.json()["action"] == "add" and added.json()["created_by"] == "ana"
    bad = ana.api("POST", "/api/v1/maritime/ports", json={**body, "country": "ZZ"})
    assert bad.status_code == 422 and "not a country" in bad.json()["error"]["message"]
    renamed = {**body, "name": "Sihanoukville", "kind": "port"}
    corrected = ana.api("PUT", "/api/v1/maritime/ports/KHKOS", json=renamed)
    assert corrected.status_code == 200, corrected.text
    history = ana.api("GET", "/api/v1/maritime/ports/KHKOS").json()
    assert history["name"] == "Sihanoukville" and history["original_lat"] == 10.643
    assert [e["action"] for e in history["edits"]] == ["correct"]
    assert ana.api("GET", f"/api/v1/maritime/ports/{port_id}").json()["original_name"] is None
    assert ana.api("PUT", "/api/v1/maritime/ports/XX", json=body).status_code == 404
    olga = person("olga", "officer")
    assert olga.api("POST", "/api/v1/maritime/ports", json=body).status_code == 403


def test_the_api_imports_areas_naming_refused_features(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    from tests.web.test_maritime_areas import ZONES

    ana = person("ana", "analyst")
    response = ana.api(
        "POST", "/api/v1/maritime/areas/import", files={"file": ("zones.geojson", ZONES)}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [a["name"] for a in body["imported"]] == ["Koh Kong <beach>"]
    assert body["refused"] == [
        {"feature": 1, "reason": "ring 1 needs at least three distinct vertices"}
    ]
    broken = ana.api("POST", "/api/v1/maritime/areas/import", files={"file": ("x.json", b"[")})
    assert broken.status_code == 422

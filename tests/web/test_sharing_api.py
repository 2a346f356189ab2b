"""The sharing API through the real app: partners, agreements, the dry run, disseminations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.services import admin, sharing
from portintel.services.workspace import Workspace
from tests.web.conftest import Person
from tests.web.test_sharing_pages import CREDENTIAL, _evaluated, _incident, _partner

HANDLING = ["uk-3x5x2:P", "uk-3x5x2:C", "europol:H0", "europol:H1", "europol:H2", "europol:H3"]
TLP = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
CATEGORIES = ["reports", "entities", "incidents", "statistics"]


def test_partners_and_agreements_through_the_api(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    adam = person("adam", "administrator")
    ana = person("ana", "analyst")
    made = adam.api(
        "POST",
        "/api/v1/partners",
        json={"name": "th-piu-rng", "kind": "PIU", "country": "TH", "credential": CREDENTIAL},
    )
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "TH-PIU-RNG" and made.json()["credential_set"] is True
    assert CREDENTIAL not in made.text and "credential" not in made.json()
    again = adam.api("POST", "/api/v1/partners", json={"name": "TH-PIU-RNG", "kind": "PIU",
                                                        "country": "TH"})  # fmt: skip
    assert again.status_code == 409
    bad = adam.api("POST", "/api/v1/partners", json={"name": "X-Y", "kind": "ship",
                                                      "country": "TH"})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "kind"
    assert ana.api("GET", "/api/v1/partners").status_code == 403
    edited = adam.api("PUT", "/api/v1/partners/TH-PIU-RNG", json={"kind": "CAU", "country": "TH"})
    assert edited.status_code == 200 and edited.json()["kind"] == "CAU"
    assert edited.json()["credential_set"] is True  # absent: kept
    assert adam.api("GET", "/api/v1/partners/NOPE").status_code == 404

    body = {"handling_codes": ["uk-3x5x2:P"], "tlp_levels": ["GREEN"], "categories": ["reports"]}
    agreement = adam.api("POST", "/api/v1/partners/TH-PIU-RNG/agreements", json=body)
    assert agreement.status_code == 201, agreement.text
    found = agreement.json()
    assert found["partner"] == "TH-PIU-RNG" and found["in_force"] is True
    wrong = adam.api(
        "POST", "/api/v1/partners/TH-PIU-RNG/agreements",
        json={**body, "handling_codes": ["nato:Z9"]},
    )  # fmt: skip
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "handling"
    listed = adam.api("GET", "/api/v1/agreements", params={"partner": "TH-PIU-RNG"}).json()
    assert [item["id"] for item in listed] == [found["id"]]
    ended = adam.api("POST", f"/api/v1/agreements/{found['id']}/expire")
    assert ended.status_code == 200 and ended.json()["in_force"] is False
    assert adam.api("POST", f"/api/v1/agreements/{found['id']}/expire").status_code == 409
    assert ana.api("POST", f"/api/v1/agreements/{found['id']}/expire").status_code == 403


def test_a_dissemination_through_the_api_from_dry_run_to_feedback(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    shared = _evaluated(ws, "Boat loading at night", "uk-3x5x2:P")
    held = _evaluated(ws, "Rumour of a departure", "uk-3x5x2:C", "not to the destination")
    _partner(ws)
    ana = person("ana", "analyst")
    bea = person("bea", "supervisor")
    other = person("otto", "analyst", agency="Maritime Police")

    preview = ana.api("GET", "/api/v1/partners/KH-CAU/preview", params={"report": [shared, held]})
    assert preview.status_code == 200, preview.text
    reports = {item["id"]: item for item in preview.json()["reports"]}
    assert reports[shared]["allowed"] and reports[shared]["reasons"] == []
    assert {r["code"] for r in reports[held]["reasons"]} == {"handling", "tlp"}
    assert ana.api("GET", "/api/v1/partners/NOPE/preview").status_code == 404

    refused = ana.api("POST", "/api/v1/disseminations", json={"partner": "KH-CAU",
                                                              "reports": [held]})  # fmt: skip
    assert refused.status_code == 422
    asked = ana.api(
        "POST", "/api/v1/disseminations", json={"partner": "KH-CAU", "reports": [shared, held]}
    )
    assert asked.status_code == 201, asked.text
    dissemination = asked.json()
    assert dissemination["status"] == "pending" and dissemination["package"] is None
    path = f"/api/v1/disseminations/{dissemination['id']}"
    assert other.api("GET", path).status_code == 404  # another analyst's request is not theirs
    assert ana.api("POST", f"{path}/approve", json={}).status_code == 403
    approved = bea.api("POST", f"{path}/approve", json={"note": "go"})
    assert approved.status_code == 200, approved.text
    package = approved.json()["package"]
    assert approved.json()["status"] == "approved" and package["reports"] == [shared]
    assert bea.api("POST", f"{path}/approve", json={}).status_code == 409
    pending = ana.api("GET", "/api/v1/disseminations", params={"status": "pending"}).json()
    assert pending == []

    signed = bea.api("GET", f"/api/v1/packages/{package['id']}")
    assert signed.status_code == 200 and signed.json()["bundle"]["type"] == "bundle"
    misp = bea.api("GET", f"/api/v1/packages/{package['id']}/misp")
    assert misp.status_code == 200 and misp.json()["Event"]["Object"]
    assert other.api("GET", f"/api/v1/packages/{package['id']}").status_code == 404
    acked = ana.api("POST", f"/api/v1/packages/{package['id']}/acknowledge")
    assert acked.status_code == 200 and acked.json()["acknowledged_at"] is not None
    assert ana.api("POST", f"/api/v1/packages/{package['id']}/acknowledge").status_code == 409
    told = ana.api(
        "POST", f"/api/v1/packages/{package['id']}/feedback", json={"text": "used in TIDE"}
    )
    assert told.status_code == 201 and [f["text"] for f in told.json()["feedback"]] == [
        "used in TIDE"
    ]


def _as_service(preview: sharing.SharePreview) -> dict[str, Any]:
    def items(found: tuple[sharing.PreviewItem, ...]) -> list[tuple[str, bool, list[str]]]:
        return [(i.id, i.allowed, [r.message for r in i.reasons]) for i in found]

    return {
        "partner": preview.partner,
        "agreement_id": preview.agreement_id,
        "reports": items(preview.reports),
        "statements": items(preview.statements),
        "incidents": items(preview.incidents),
        "statistics": items(preview.statistics),
    }


def _as_api(body: dict[str, Any]) -> dict[str, Any]:
    def items(found: list[dict[str, Any]]) -> list[tuple[str, bool, list[str]]]:
        return [(i["id"], i["allowed"], [r["message"] for r in i["reasons"]]) for i in found]

    return {
        "partner": body["partner"],
        "agreement_id": body["agreement_id"],
        "reports": items(body["reports"]),
        "statements": items(body["statements"]),
        "incidents": items(body["incidents"]),
        "statistics": items(body["statistics"]),
    }


def test_the_api_preview_is_the_service_preview(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    """Whatever the agreement and the selection, the API's dry run is the service's (the CLI
    prints the same service result), item by item and reason by reason."""
    filed = [
        _evaluated(ws, f"Report under {code}", code, "only for this case" if code in (
            "uk-3x5x2:C", "europol:H3") else None)
        for code in HANDLING
    ]  # fmt: skip
    for number, report_id in enumerate(filed):
        _incident(ws, f"inc-{number}", report_id)
    _partner(ws)
    ana = person("ana", "analyst")
    # the service is called as the very user the API authenticates
    actor = _actor_of(admin.get_user(ws, SYSTEM, "ana"))

    @settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        handling=st.sets(st.sampled_from(HANDLING), min_size=1),
        tlp=st.sets(st.sampled_from(TLP), min_size=1),
        categories=st.sets(st.sampled_from(CATEGORIES), min_size=1),
        personal=st.booleans(),
        chosen=st.sets(st.sampled_from(filed), min_size=1),
    )
    def check(
        handling: set[str], tlp: set[str], categories: set[str], personal: bool, chosen: set[str]
    ) -> None:
        sharing.add_agreement(
            ws, SYSTEM, "KH-CAU", handling_codes=handling, tlp_levels=tlp,
            categories=categories, personal_data=personal,
        )  # fmt: skip
        response = ana.api(
            "GET", "/api/v1/partners/KH-CAU/preview", params={"report": sorted(chosen)}
        )
        assert response.status_code == 200, response.text
        expected = sharing.preview_share(ws, actor, "KH-CAU", sorted(chosen))
        assert _as_api(response.json()) == _as_service(expected)

    check()


def _actor_of(view: admin.UserView) -> Actor:
    return Actor(
        user_id=view.id,
        username=view.username,
        agency_id=view.agency_id,
        roles=frozenset(Role(role) for role in view.roles),
    )

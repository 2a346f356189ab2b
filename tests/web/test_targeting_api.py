"""``/api/v1/risk``, ``/api/v1/watchlists`` and the vessel page's risk section."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from portintel.services.targeting import score_vessels
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import T0
from tests.web.conftest import Person
from tests.web.maritime_sample import FISHER, FREIGHTER, TANKER, write_events, write_sample

NOW = T0 + timedelta(days=1)


def test_risk_is_listed_and_explained(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_sample(ws, tmp_path)
    write_events(ws)
    analyst = person("ana", "analyst")
    page = analyst.client.get(f"/vessels/{FISHER}")
    assert page.status_code == 200 and "Not scored yet" in page.text
    assert analyst.client.get(f"/api/v1/risk/{FISHER}").status_code == 404
    score_vessels(ws, [FISHER, FREIGHTER, TANKER], now=NOW)

    ranked = analyst.client.get("/api/v1/risk").json()
    assert {line["mmsi"] for line in ranked[:2]} == {FISHER, FREIGHTER}
    assert ranked[-1] == {**ranked[-1], "mmsi": TANKER, "score": 0.0, "reasons": 0}
    assert [
        x["mmsi"] for x in analyst.client.get("/api/v1/risk", params={"min_score": 1}).json()
    ] == [
        FISHER,
        FREIGHTER,
    ]
    one = analyst.client.get(f"/api/v1/risk/{FISHER}").json()
    vessel = one["subjects"][0]
    assert vessel["voyage_id"] is None and one["score"] == vessel["score"]
    assert vessel["score"] == sum(r["weight"] for r in vessel["reasons"])
    (encounter,) = [r for r in vessel["reasons"] if r["indicator"] == "encounter_at_sea"]
    assert encounter["evidence"] == [{"kind": "event", "id": "ev-encounter", "label": "encounter"}]

    page = analyst.client.get(f"/vessels/{FISHER}")
    assert 'id="risk-score"' in page.text
    assert "Met another vessel at sea" in page.text  # the description, not the indicator id
    assert 'href="#event-ev-encounter"' in page.text and ">Encounter at sea</a>" in page.text

    admin = person("alice", "administrator")
    assert admin.client.get("/api/v1/risk").status_code == 403


def test_watchlist_entries_through_the_api(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_sample(ws, tmp_path)
    analyst = person("ana", "analyst", agency="maritime-police")
    officer = person("olga", "officer", agency="immigration")
    colleague = person("mark", "officer", agency="maritime-police")
    body = {
        "kind": "vessel",
        "names": ["Ocean Star"],
        "identifiers": ["imo:9074729"],
        "reason": "Carried migrants in 2025",
        "handling": "tlp:AMBER+STRICT",
    }
    refused = officer.api("POST", "/api/v1/watchlists", json=body)
    assert refused.status_code == 403
    bad = analyst.api("POST", "/api/v1/watchlists", json={**body, "identifiers": ["imo:9074720"]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "identifiers.imo"
    no_kind = analyst.api("POST", "/api/v1/watchlists", json={**body, "identifiers": ["pin:1"]})
    assert no_kind.status_code == 422
    created = analyst.api("POST", "/api/v1/watchlists", json=body)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["kind_label"] == "Vessel" and entry["identifiers"] == ["imo:IMO9074729"]
    assert entry["hits"] >= 2  # both ships that transmit IMO 9074729
    hits = analyst.client.get(f"/api/v1/watchlists/{entry['id']}/hits").json()
    assert {h["method"] for h in hits} == {"identifier"} and all(
        h["schema"] == "Vessel" for h in hits
    )

    # restrictive handling: the owner's agency reads it, another agency's officer does not
    assert [e["id"] for e in colleague.client.get("/api/v1/watchlists").json()] == [entry["id"]]
    assert officer.client.get("/api/v1/watchlists").json() == []
    assert officer.client.get(f"/api/v1/watchlists/{entry['id']}").status_code == 404
    assert officer.client.get(f"/api/v1/watchlists/{entry['id']}/hits").status_code == 404

    removed = analyst.api("DELETE", f"/api/v1/watchlists/{entry['id']}")
    assert removed.status_code == 200 and removed.json()["removed_at"]
    assert analyst.client.get("/api/v1/watchlists").json() == []
    listed = analyst.client.get("/api/v1/watchlists", params={"include_inactive": True}).json()
    assert [e["id"] for e in listed] == [entry["id"]]

"""The alert pages, ``/api/v1/alerts`` and the event stream, through the real app."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from portintel.domain.actors import SYSTEM, Actor
from portintel.services import admin
from portintel.services.targeting import (
    acknowledge_alert,
    add_entry,
    assign_alert,
    close_alert,
    latest_alert_change,
    list_alerts,
    raise_for_hits,
    sweep_entries,
)
from portintel.services.workspace import Workspace
from portintel.web.routes.alerts.stream import _start, alert_events
from tests.adapters.ais.nmea_samples import T0
from tests.web.conftest import Person
from tests.web.maritime_sample import FISHER, write_sample

NOW = T0 + timedelta(days=1)


def raise_hit(ws: Workspace, owner: str, handling: str = "tlp:GREEN") -> int:
    """Put the fisher on the watchlist as ``owner``; its hit raises the alert (as the job does)."""
    with ws.engine.connect() as connection:
        from sqlalchemy import select

        from portintel.adapters.database import tables

        user_id = connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == owner)
        ).scalar_one()
    entry = add_entry(
        ws,
        admin.get_actor(ws, user_id),
        kind="vessel",
        names=["SEA STAR <b>"],
        identifiers=[("mmsi", str(FISHER))],
        reason="carried migrants in March",
        handling=handling,
        expires_at=ws.clock() + timedelta(days=300),
    )
    raise_for_hits(ws, sweep_entries(ws, [entry.id]))
    return max(a.id for a in list_alerts(ws, SYSTEM))


def test_the_list_and_the_detail_show_labels_reasons_and_evidence(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_sample(ws, tmp_path)
    analyst = person("ana", "analyst", agency="maritime-police")
    alert_id = raise_hit(ws, "ana")
    page = analyst.client.get("/alerts")
    assert page.status_code == 200
    assert "Vessel on the watchlist: SEA STAR &lt;b&gt;" in page.text  # escaped
    assert "Watchlist hit" in page.text and "watchlist_hit" not in page.text
    assert 'src="/static/alerts_live.js"' in page.text
    assert (
        f'data-stream="/alerts/stream?after={alert_id}&amp;changes=0&amp;status=open"' in page.text
    )
    detail = analyst.client.get(f"/alerts/{alert_id}")
    assert detail.status_code == 200
    assert "carried migrants in March" in detail.text
    assert "Watchlist entry:" in detail.text and "Stated fact:" in detail.text
    assert f'href="/vessels/{FISHER}"' in detail.text
    home = analyst.client.get("/")
    assert "Open alerts" in home.text and f'href="/alerts/{alert_id}"' in home.text
    assert "(1 open)" in home.text


def test_acknowledge_assign_and_close_through_the_forms(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_sample(ws, tmp_path)
    analyst = person("ana", "analyst", agency="maritime-police")
    person("lea", "officer", agency="maritime-police")
    alert_id = raise_hit(ws, "ana")
    # a form without the CSRF token is refused
    refused = analyst.client.post(f"/alerts/{alert_id}/acknowledge", data={})
    assert refused.status_code == 403
    done = analyst.form(f"/alerts/{alert_id}/acknowledge")
    assert done.status_code == 303 and done.headers["location"] == f"/alerts/{alert_id}"
    wrong = analyst.form(f"/alerts/{alert_id}/assign", {"username": "nobody-here"})
    assert wrong.status_code == 400
    assert "no active user" in wrong.text and 'value="nobody-here"' in wrong.text  # kept
    assert analyst.form(f"/alerts/{alert_id}/assign", {"username": "lea"}).status_code == 303
    empty = analyst.form(f"/alerts/{alert_id}/close", {"note": "  "})
    assert empty.status_code == 400 and "say what was done" in empty.text
    closed = analyst.form(f"/alerts/{alert_id}/close", {"note": "Boarded; crew list checked."})
    assert closed.status_code == 303
    page = analyst.client.get(f"/alerts/{alert_id}")
    assert "Closed" in page.text and "Boarded; crew list checked." in page.text
    assert "Lea" in page.text and 'action="/alerts/' not in page.text  # no forms once closed
    assert analyst.client.get("/alerts").text.count("data-alert-id=") == 0
    assert analyst.client.get("/alerts?status=closed").text.count("data-alert-id=") == 1


def test_the_api_lists_and_changes_alerts_within_the_callers_scope(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_sample(ws, tmp_path)
    analyst = person("ana", "analyst", agency="maritime-police")
    outsider = person("otto", "analyst", agency="immigration")
    alert_id = raise_hit(ws, "ana", handling="tlp:AMBER+STRICT")
    (listed,) = analyst.client.get("/api/v1/alerts").json()
    assert listed["id"] == alert_id and listed["kind_label"] == "Watchlist hit"
    assert listed["status"] == "open" and listed["mmsi"] == FISHER
    assert any(e["kind"] == "watchlist" for e in listed["evidence"])
    assert outsider.client.get("/api/v1/alerts").json() == []
    assert outsider.client.get(f"/api/v1/alerts/{alert_id}").status_code == 404
    assert outsider.api("POST", f"/api/v1/alerts/{alert_id}/acknowledge").status_code == 404
    # a session-cookie change needs the CSRF header
    assert analyst.client.post(f"/api/v1/alerts/{alert_id}/acknowledge").status_code == 403
    acked = analyst.api("POST", f"/api/v1/alerts/{alert_id}/acknowledge")
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    refused = analyst.api("POST", f"/api/v1/alerts/{alert_id}/assign", json={"username": "otto"})
    assert refused.status_code == 422 and "may not read" in refused.json()["error"]["message"]
    closed = analyst.api("POST", f"/api/v1/alerts/{alert_id}/close", json={"note": "checked"})
    assert closed.status_code == 200 and closed.json()["close_note"] == "checked"
    again = analyst.api("POST", f"/api/v1/alerts/{alert_id}/close", json={"note": "again"})
    assert again.status_code == 409
    assert analyst.client.get("/api/v1/alerts", params={"status": "open"}).json() == []
    prefs = analyst.api(
        "PUT", "/api/v1/alerts/preferences", json={"email": "ana@piu.example", "by_email": True}
    )
    assert prefs.status_code == 200 and prefs.json()["by_email"] is True
    assert analyst.client.get("/api/v1/alerts/preferences").json()["email"] == "ana@piu.example"
    bad = analyst.api("PUT", "/api/v1/alerts/preferences", json={"email": "x", "by_email": True})
    assert bad.status_code == 422


def test_the_alert_settings_page_keeps_what_was_typed(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    officer = person("olga", "officer")
    refused = officer.form("/alerts/settings", {"email": "not an address", "by_email": "on"})
    assert refused.status_code == 400 and 'value="not an address"' in refused.text
    saved = officer.form("/alerts/settings", {"email": "olga@piu.example", "by_email": "on"})
    assert saved.status_code == 200 and "Saved." in saved.text
    assert 'value="olga@piu.example"' in officer.client.get("/alerts/settings").text


class _Request:
    """What the stream asks of the request: whether the client went away."""

    async def is_disconnected(self) -> bool:
        return False


def _actor(ws: Workspace, username: str) -> Actor:
    from sqlalchemy import select

    from portintel.adapters.database import tables

    with ws.engine.connect() as connection:
        user_id = connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == username)
        ).scalar_one()
    return admin.get_actor(ws, user_id)


def _stream(
    ws: Workspace,
    username: str,
    start: int,
    *,
    changes_after: int | None = None,
    status: str | None = "open",
    mine: bool = False,
) -> list[tuple[str, str, dict[str, object]]]:
    """The events one short stream sends: (type, id, data)."""
    actor = _actor(ws, username)

    async def collect() -> list[str]:
        return [
            chunk
            async for chunk in alert_events(
                ws,
                actor,
                _Request(),  # type: ignore[arg-type]
                start,
                changes_after=changes_after,
                status=status,
                mine=mine,
                max_seconds=0.3,
            )
        ]

    chunks = asyncio.run(collect())
    assert chunks[0].startswith("retry: ")
    events = []
    for chunk in chunks[1:]:
        if chunk.startswith(":"):
            continue
        lines = dict(line.split(": ", 1) for line in chunk.strip().split("\n"))
        events.append((lines["event"], lines["id"], json.loads(lines["data"])))
    return events


def _events(ws: Workspace, username: str, start: int) -> list[dict[str, object]]:
    events = []
    for kind, event_id, data in _stream(ws, username, start):
        assert kind == "alert"
        assert event_id.split(".")[0] == str(data["id"])  # the alert cursor: this alert
        events.append(data)
    return events


def test_the_stream_sends_each_reader_only_their_alerts_after_the_last_seen(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_sample(ws, tmp_path)
    person("ana", "analyst", agency="maritime-police")
    person("otto", "analyst", agency="immigration")
    alert_id = raise_hit(ws, "ana", handling="tlp:AMBER+STRICT")
    (event,) = _events(ws, "ana", 0)
    assert event["id"] == alert_id and event["url"] == f"/alerts/{alert_id}"
    assert event["kind_label"] == "Watchlist hit"
    assert _events(ws, "ana", alert_id) == []  # resumed after it (Last-Event-ID)
    assert _events(ws, "otto", 0) == []  # restricted: another agency's analyst hears nothing


def test_the_stream_needs_a_session(client: object) -> None:
    answer = client.get("/alerts/stream")  # type: ignore[attr-defined]
    assert answer.status_code in (302, 303) and "/login" in answer.headers["location"]


def test_changes_reach_every_reader_who_may_read_the_alert_and_resume_after_the_last(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_sample(ws, tmp_path)
    person("ana", "analyst", agency="maritime-police")
    person("lea", "analyst", agency="maritime-police")
    person("otto", "analyst", agency="immigration")
    alert_id = raise_hit(ws, "ana", handling="tlp:AMBER+STRICT")
    before = latest_alert_change(ws)  # as a page built now passes it
    acknowledge_alert(ws, _actor(ws, "lea"), alert_id)
    (event,) = _stream(ws, "ana", alert_id, changes_after=before)
    kind, event_id, data = event
    assert kind == "change" and data["id"] == alert_id
    assert (data["status"], data["status_label"]) == ("acknowledged", "Acknowledged")
    assert data["assigned_to_me"] is False
    assert event_id == f"{alert_id}.{latest_alert_change(ws)}"
    # the browser reconnects with Last-Event-ID: both cursors, nothing sent twice
    start, changes_after = _start(event_id, 0, None)
    assert _stream(ws, "ana", start, changes_after=changes_after) == []
    # an assignment, then the closure; to a page filtered on "mine", whatever its status
    assign_alert(ws, _actor(ws, "lea"), alert_id, "ana")
    close_alert(ws, _actor(ws, "ana"), alert_id, "Boarded; nothing found.")
    changes = _stream(ws, "ana", start, changes_after=changes_after, mine=True)
    assert [(k, d["status"], d["assigned_name"], d["assigned_to_me"]) for k, _, d in changes] == [
        ("change", "closed", "Ana", True)
    ] * 2
    # restricted: another agency's analyst hears of no change
    assert _stream(ws, "otto", 0, changes_after=before) == []
    # with no change cursor the changes start from now; a bare number is an alert id
    assert _stream(ws, "ana", alert_id) == []
    assert _start(str(alert_id), 0, 5) == (alert_id, None)
    assert _start(None, 3, 7) == (3, 7) and _start("junk", 3, None) == (3, None)

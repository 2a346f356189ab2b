"""The inbox page and /api/v1/inbox: what arrived, from whom, scoped to the reader.

The app's node (KH-PIU-SHV) receives from a second node (KH-CAU) with its
own data directory and database, through a real signed package.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from portintel.domain.actors import Role
from portintel.domain.reports import FactDraft
from portintel.services import sharing
from portintel.services.workspace import Workspace
from tests.services.sharing.two_nodes import disseminate, file_evaluated, link, node_b, staff
from tests.services.staff import IMMIGRATION, make_user
from tests.web.conftest import Person

__all__ = ["node_b"]


def _receive(ws: Workspace, sender: Workspace, *, tamper: bool = False) -> None:
    link(sender, ws)
    people = staff(sender, "s")
    open_report = file_evaluated(
        sender, people, "Boat <b>loading</b> at night", "uk-3x5x2:P",
        facts=(FactDraft("boat", "Vessel", "name", "Sea Star"),),
    )  # fmt: skip
    h2 = file_evaluated(
        sender, people, "Departure planned", "europol:H2",
        scheme="europol", reliability="B", credibility="3",
    )  # fmt: skip
    document, _ = disseminate(sender, people, [open_report, h2], to=ws.settings.node_code)
    if tamper:
        data = json.loads(document)
        report = next(o for o in data["bundle"]["objects"] if o.get("name") == "Departure planned")
        report["name"] = "Departure cancelled"
        document = json.dumps(data)
    importer = make_user(ws, "imra", IMMIGRATION, Role.ANALYST)
    sharing.import_package(ws, importer, sender.settings.node_code, document)


def test_a_supervisor_sees_what_arrived_and_what_was_quarantined(
    person: Callable[..., Person], ws: Workspace, node_b: Workspace
) -> None:
    _receive(ws, node_b, tamper=True)
    sam = person("sam", "supervisor")
    page = sam.client.get("/inbox")
    assert page.status_code == 200
    text = page.text
    assert "Boat &lt;b&gt;loading&lt;/b&gt; at night" in text  # escaped, never markup
    assert "KH-CAU" in text and "Waiting for evaluation" in text
    assert "Lawful sharing permitted" in text  # the label, not the code
    assert "does not match the object" in text  # the quarantine reason
    assert "Departure cancelled" not in text

    body = sam.api("GET", "/api/v1/inbox").json()
    assert body["total"] == 1 and body["quarantined_total"] == 1
    (report,) = body["reports"]
    assert (report["partner"], report["status"], report["handling"]) == (
        "KH-CAU", "submitted", "uk-3x5x2:P",
    )  # fmt: skip
    assert report["grading"]["scheme"] == "admiralty"
    assert "does not match" in body["quarantined"][0]["reason"]
    assert len(body["receipts"]) == 1


def test_readers_see_only_what_their_scope_admits(
    person: Callable[..., Person], ws: Workspace, node_b: Workspace
) -> None:
    _receive(ws, node_b)
    # the received reports are submitted under the importer's agency (immigration):
    # an officer of another agency reads none of them, nor the quarantine
    mia = person("mia", "officer", agency="maritime-police")
    body = mia.api("GET", "/api/v1/inbox").json()
    assert body["total"] == 0 and body["reports"] == [] and body["quarantined"] == []
    assert "Departure planned" not in mia.client.get("/inbox").text
    # an analyst of the importing agency reads both, the H2 one included (same agency)
    ana = person("ana", "analyst")
    titles = {r["title"] for r in ana.api("GET", "/api/v1/inbox").json()["reports"]}
    assert titles == {"Boat <b>loading</b> at night", "Departure planned"}
    assert ana.api("GET", "/api/v1/inbox").json()["receipts"] == []
    # an administrator works with no intelligence
    ada = person("ada", "administrator")
    assert ada.api("GET", "/api/v1/inbox").status_code == 403
    assert ana.api("GET", "/api/v1/inbox", params={"limit": 0}).status_code in (400, 422)

"""The API of providers' permissions (record, list, withdraw) and of a partner's push recipient.

Through the real app: a supervisor records KH-CAU's permission for a received
H2 report to go to TH-PIU-RNG, the dry run releases it; withdrawn with a
reason, the dry run withholds it again. An administrator chooses who
receives a partner's pushes; an officer may not even read it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.services import sharing
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from tests.services.sharing.two_nodes import node_b
from tests.web.conftest import Person
from tests.web.test_inbox_pages import _receive
from tests.web.test_permission_pages import _sue
from tests.web.test_sharing_pages import _partner

__all__ = ["node_b"]


def test_permissions_recorded_listed_and_withdrawn_through_the_api(
    ws: Workspace, node_b: Workspace, person: Callable[..., Person]
) -> None:
    _receive(ws, node_b)
    sue = person("sue", "supervisor")
    ana = person("ana", "analyst")
    otto = person("otto", "officer")
    with ws.engine.connect() as connection:
        h2 = connection.execute(
            select(tables.reports.c.id).where(tables.reports.c.handling == "europol:H2")
        ).scalar_one()
        receipt = connection.execute(select(tables.receipts.c.id)).scalar_one()
    reports.evaluate_report(ws, _sue(ws), h2)
    sharing.add_partner(ws, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH")
    sharing.add_agreement(
        ws, SYSTEM, "TH-PIU-RNG", handling_codes=["europol:H2"],
        tlp_levels=["AMBER+STRICT"], categories=["reports"],
    )  # fmt: skip
    day = ws.clock().date().isoformat()
    body = {"partner": "th-piu-rng", "reference": "KH-CAU letter 9", "granted_on": day}

    assert sue.api("GET", "/api/v1/permissions").json() == []
    assert otto.api("GET", "/api/v1/permissions").status_code == 403
    assert ana.api("POST", "/api/v1/permissions", json={**body, "report": h2}).status_code == 403
    both = sue.api("POST", "/api/v1/permissions", json={**body, "report": h2, "receipt": receipt})
    assert both.status_code == 422 and both.json()["error"]["field"] == "report"
    unknown = sue.api("POST", "/api/v1/permissions", json={**body, "report": "RX-nothing"})
    assert unknown.status_code == 404
    future = sue.api(
        "POST", "/api/v1/permissions", json={**body, "report": h2, "granted_on": "2999-01-01"}
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "granted_on"
    # for the whole delivery: its one restricted report
    made = sue.api("POST", "/api/v1/permissions", json={**body, "receipt": receipt})
    assert made.status_code == 201, made.text
    (permission,) = made.json()
    assert permission["report_id"] == h2 and permission["partner"] == "TH-PIU-RNG"
    assert permission["provider"] == "KH-CAU" and permission["receipt_id"] == receipt
    assert permission["granted_on"] == day and permission["recorded_by"] == "sue"
    again = sue.api("POST", "/api/v1/permissions", json={**body, "report": h2})
    assert again.status_code == 409
    listed = ana.api("GET", "/api/v1/permissions", params={"report": [h2]})
    assert listed.status_code == 200 and [p["id"] for p in listed.json()] == [permission["id"]]
    assert ana.api("GET", "/api/v1/permissions", params={"report": ["RX-x"]}).json() == []
    preview = ana.api("GET", "/api/v1/partners/TH-PIU-RNG/preview", params={"report": [h2]})
    assert preview.json()["reports"][0]["allowed"] is True

    withdraw = f"/api/v1/permissions/{permission['id']}/withdraw"
    assert ana.api("POST", withdraw, json={"reason": "taken back"}).status_code == 403
    blank = sue.api("POST", withdraw, json={"reason": " "})
    assert blank.status_code == 422
    gone = sue.api("POST", withdraw, json={"reason": "KH-CAU message 12 takes it back"})
    assert gone.status_code == 200, gone.text
    assert gone.json()["id"] == permission["id"] and gone.json()["reference"] == "KH-CAU letter 9"
    assert sue.api("POST", withdraw, json={"reason": "twice"}).status_code == 404
    assert sue.api("GET", "/api/v1/permissions").json() == []
    withheld = ana.api("GET", "/api/v1/partners/TH-PIU-RNG/preview", params={"report": [h2]})
    (item,) = withheld.json()["reports"]
    assert item["allowed"] is False and item["reasons"][0]["code"] == "received"
    with ws.engine.connect() as connection:
        detail = connection.execute(
            select(tables.audit_log.c.detail).where(
                tables.audit_log.c.action == "share.permission_withdrawn"
            )
        ).scalar_one()
    found = detail if isinstance(detail, dict) else json.loads(detail)
    assert found["reason"] == "KH-CAU message 12 takes it back"


def test_an_administrator_chooses_who_receives_a_partners_pushes_through_the_api(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    adam = person("adam", "administrator")
    ana = person("ana", "analyst")
    otto = person("otto", "officer")
    _partner(ws)
    recipient = "/api/v1/partners/KH-CAU/recipient"
    nobody = adam.api("GET", recipient)
    assert nobody.status_code == 200, nobody.text
    assert nobody.json() == {
        "partner": "KH-CAU", "username": None, "display_name": None, "set_at": None,
        "set_by": None,
    }  # fmt: skip
    assert adam.api("GET", "/api/v1/partners/NOPE/recipient").status_code == 404
    assert otto.api("GET", recipient).status_code == 403
    refused = adam.api("PUT", recipient, json={"username": "otto"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "recipient"
    assert adam.api("PUT", recipient, json={"username": "nobody-here"}).status_code == 404
    assert ana.api("PUT", recipient, json={"username": "ana"}).status_code == 403
    chosen = adam.api("PUT", "/api/v1/partners/kh-cau/recipient", json={"username": "ana"})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["username"] == "ana" and chosen.json()["set_by"] == "adam"
    shown = ana.api("GET", recipient).json()  # the people who receive read it too
    assert shown["username"] == "ana" and shown["partner"] == "KH-CAU"
    cleared = adam.api("PUT", recipient, json={"username": None})
    assert cleared.status_code == 200 and cleared.json()["username"] is None
    assert sharing.push_recipient(ws, SYSTEM, "KH-CAU") is None
    with ws.engine.connect() as connection:
        audited = connection.execute(
            select(tables.audit_log.c.action).where(
                tables.audit_log.c.action == "partner.push_recipient"
            )
        ).all()
    assert len(audited) == 2

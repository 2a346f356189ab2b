"""The providers' permissions page: a supervisor records one, the dry run then releases it."""

from __future__ import annotations

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
from tests.web.test_sharing_pages import visible

__all__ = ["node_b"]


def test_a_supervisor_records_the_providers_permission_and_the_dry_run_releases_it(
    ws: Workspace, node_b: Workspace, person: Callable[..., Person]
) -> None:
    _receive(ws, node_b)
    sue = person("sue", "supervisor")
    ana = person("ana", "analyst")
    with ws.engine.connect() as connection:
        h2 = connection.execute(
            select(tables.reports.c.id).where(tables.reports.c.handling == "europol:H2")
        ).scalar_one()
    reports.evaluate_report(ws, _sue(ws), h2)
    sharing.add_partner(ws, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH")
    sharing.add_agreement(
        ws, SYSTEM, "TH-PIU-RNG", handling_codes=["europol:H2"],
        tlp_levels=["AMBER+STRICT"], categories=["reports"],
    )  # fmt: skip
    withheld = sharing.preview_share(ws, _sue(ws), "TH-PIU-RNG", [h2]).reports[0]
    assert not withheld.allowed and withheld.reasons[0].code == "received"

    page = sue.client.get(f"/sharing/permissions?report={h2}&partner=TH-PIU-RNG")
    assert page.status_code == 200
    assert f'value="{h2}"' in page.text and 'value="TH-PIU-RNG" selected' in page.text
    typed = {"report": h2, "partner": "TH-PIU-RNG", "reference": "KH-CAU letter 9"}
    refused = sue.form("/sharing/permissions", {**typed, "granted_on": "next week"})
    assert refused.status_code == 422 and "is not a day" in refused.text
    assert 'value="KH-CAU letter 9"' in refused.text  # nothing typed is lost
    day = ws.clock().date().isoformat()
    done = sue.form("/sharing/permissions", {**typed, "granted_on": day})
    assert done.status_code == 303
    listed = visible(sue.client.get(done.headers["location"]).text)
    assert "1 permission recorded." in listed and "KH-CAU letter 9" in listed
    again = sue.form("/sharing/permissions", {**typed, "granted_on": day})
    assert again.status_code == 422 and "recorded already" in again.text

    released = sharing.preview_share(ws, _sue(ws), "TH-PIU-RNG", [h2]).reports[0]
    assert released.allowed and released.releases[0].code == "permitted"
    # an analyst reads the permissions but may not record one
    shown = ana.client.get("/sharing/permissions")
    assert "KH-CAU letter 9" in shown.text and 'id="record-permission"' not in shown.text
    assert ana.form("/sharing/permissions", {**typed, "granted_on": day}).status_code == 403

    # withdrawn by a supervisor, with a reason; the dry run withholds the report again
    (permission,) = sharing.list_permissions(ws, _sue(ws))
    withdraw = f"/sharing/permissions/{permission.id}/withdraw"
    assert f'action="{withdraw}"' in sue.client.get("/sharing/permissions").text
    assert f'action="{withdraw}"' not in shown.text
    assert ana.form(withdraw, {"reason": "taken back"}).status_code == 403
    blank = sue.form(withdraw, {"reason": "  "})
    assert blank.status_code == 422 and "the reason for withdrawing is missing" in blank.text
    long = "taken back " * 60
    too_long = sue.form(withdraw, {"reason": long})
    assert too_long.status_code == 422 and f'value="{long}"' in too_long.text  # kept as typed
    missing = sue.form("/sharing/permissions/PP-nothing/withdraw", {"reason": "KH-CAU msg 12"})
    assert missing.status_code == 422 and "no provider&#39;s permission" in missing.text
    gone = sue.form(withdraw, {"reason": "KH-CAU message 12 takes it back"})
    assert gone.status_code == 303
    after = visible(sue.client.get(gone.headers["location"]).text)
    assert "Permission withdrawn" in after and "KH-CAU letter 9" not in after
    withheld = sharing.preview_share(ws, _sue(ws), "TH-PIU-RNG", [h2]).reports[0]
    assert not withheld.allowed and withheld.reasons[0].code == "received"


def _sue(ws: Workspace):  # type: ignore[no-untyped-def]
    from portintel.services import admin

    with ws.engine.connect() as connection:
        user_id = connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == "sue")
        ).scalar_one()
    return admin.get_actor(ws, user_id)

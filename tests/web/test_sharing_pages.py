"""Sharing pages through the real app: partners, agreements, the dry run, approval, follow-up."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services import sharing
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, make_user
from tests.web.conftest import Person

TAG = re.compile(r"<[^>]+>")
CREDENTIAL = "taxii-credential-zq9931"


def visible(page_html: str) -> str:
    """The text a reader sees: tags (and the codes in their attributes) removed."""
    return html.unescape(TAG.sub(" ", page_html))


def _evaluated(ws: Workspace, title: str, handling: str, conditions: str | None = None) -> str:
    officer = make_user(ws, f"off{abs(hash(title)) % 10_000}", IMMIGRATION, Role.OFFICER)
    boss = make_user(ws, f"sup{abs(hash(title)) % 10_000}", IMMIGRATION, Role.SUPERVISOR)
    report_id = reports.create_report(
        ws,
        officer,
        ReportDraft(
            title=title,
            text=f"{title}: the text.",
            credibility="2",
            reliability="B",
            handling=handling,
            handling_conditions=conditions,
            facts=(FactDraft("boat", "Vessel", "name", "Sea Star"),),
            extract=False,
        ),
        submit=True,
    )
    reports.evaluate_report(ws, boss, report_id)
    return report_id


def _incident(ws: Workspace, incident_id: str, report_id: str) -> None:
    """An incident the report records (incidents are written by the demo and imports)."""
    with ws.engine.begin() as connection:
        connection.execute(
            insert(tables.incidents).values(
                id=incident_id, report_id=report_id, kind="intercepted", migrants=12,
                occurred_at=datetime(2026, 2, 27, tzinfo=UTC), nationalities=["mm"],
                created_at=datetime(2026, 2, 28, tzinfo=UTC),
            )
        )  # fmt: skip


def _partner(ws: Workspace, name: str = "KH-CAU") -> None:
    sharing.init_node(ws, SYSTEM)
    sharing.add_partner(ws, SYSTEM, name=name, kind="CAU", country="KH")
    sharing.add_agreement(
        ws,
        SYSTEM,
        name,
        handling_codes=["uk-3x5x2:P"],
        tlp_levels=["GREEN"],
        categories=["reports", "entities"],
    )


def _node_key(ws: Workspace) -> str:
    """A real Ed25519 public key, as a partner's node would print it."""
    current = sharing.init_node(ws, SYSTEM).current
    assert current is not None
    return current.public_key


def test_an_administrator_registers_and_edits_a_partner_whose_credential_never_shows(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    adam = person("adam", "administrator")
    key = _node_key(ws)
    refused = adam.form(
        "/sharing/partners",
        {
            "name": "TH-PIU-RNG",
            "kind": "PIU",
            "country": "Thailand",
            "taxii_url": "https://taxii.rng.example/api/",
            "public_key": key,
            "credential": CREDENTIAL,
        },
    )
    assert refused.status_code == 422
    assert "is not an ISO 3166-1 alpha-2 code" in refused.text
    # everything typed comes back but the write-only credential, and the page says so
    for typed in ("TH-PIU-RNG", "Thailand", "https://taxii.rng.example/api/", key):
        assert f'value="{typed}"' in refused.text, typed
    assert CREDENTIAL not in refused.text and 'id="credential-retype"' in refused.text

    made = adam.form(
        "/sharing/partners",
        {"name": "th-piu-rng", "kind": "PIU", "country": "th", "public_key": key,
         "credential": CREDENTIAL},
    )  # fmt: skip
    assert made.status_code == 303 and made.headers["location"] == "/sharing/partners/TH-PIU-RNG"
    page = adam.client.get("/sharing/partners/TH-PIU-RNG")
    partner = sharing.get_partner(ws, SYSTEM, "TH-PIU-RNG")
    assert partner.fingerprint and partner.fingerprint in page.text
    assert "set (never shown)" in page.text and CREDENTIAL not in page.text
    assert "Port intelligence unit" in visible(page.text)

    wrong = adam.form(
        "/sharing/partners/TH-PIU-RNG",
        {"kind": "PIU", "country": "TH", "public_key": key, "fingerprint": "SHA256:00"},
    )
    assert wrong.status_code == 422 and "fingerprint is" in wrong.text
    edited = adam.form(
        "/sharing/partners/TH-PIU-RNG",
        {"kind": "CAU", "country": "TH", "taxii_url": "https://new.example/taxii/",
         "public_key": key, "credential": ""},
    )  # fmt: skip
    assert edited.status_code == 303
    partner = sharing.get_partner(ws, SYSTEM, "TH-PIU-RNG")
    assert partner.kind.value == "CAU" and partner.taxii_url == "https://new.example/taxii/"
    assert partner.credential_set  # an empty credential field keeps the one set
    assert sharing.partner_credential(ws, partner.id).reveal() == CREDENTIAL  # type: ignore[union-attr]
    removed = adam.form(
        "/sharing/partners/TH-PIU-RNG",
        {"kind": "CAU", "country": "TH", "public_key": key, "remove_credential": "true"},
    )
    assert removed.status_code == 303
    assert not sharing.get_partner(ws, SYSTEM, "TH-PIU-RNG").credential_set


def test_agreements_are_recorded_shown_in_labels_and_ended_with_confirmation(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    sharing.add_partner(ws, SYSTEM, name="KH-CAU", kind="CAU", country="KH")
    adam = person("adam", "administrator")
    typed = {"handling": ["europol:H1", "uk-3x5x2:P"], "tlp": ["AMBER"], "expires": "2030-01-31"}
    refused = adam.form("/sharing/partners/KH-CAU/agreements", typed)
    assert refused.status_code == 422 and "at least one handling code" in refused.text
    for code in typed["handling"]:  # the boxes ticked stay ticked
        assert f'value="{code}" checked' in refused.text
    assert 'value="AMBER" checked' in refused.text and 'value="2030-01-31"' in refused.text

    made = adam.form(
        "/sharing/partners/KH-CAU/agreements", {**typed, "categories": ["reports", "entities"]}
    )
    assert made.status_code == 303
    path = made.headers["location"]
    page = adam.client.get(path)
    text = visible(page.text)
    assert "Not in judicial proceedings without permission (Europol handling codes)" in text
    assert "TLP:AMBER" in text and "Entities (persons, vessels, phones, organisations)" in text
    assert "uk-3x5x2:P" not in text and "europol:H1" not in text  # codes only in tooltips
    assert 'data-confirm="' in page.text and "In force" in text

    ended = adam.form(f"{path}/expire")
    assert ended.status_code == 303
    assert "Expired: nothing goes under it" in adam.client.get(path).text
    assert adam.form(f"{path}/expire").status_code == 409
    listing = visible(adam.client.get("/sharing/agreements").text)
    assert "KH-CAU" in listing and "expired" in listing


def test_who_reaches_partner_pages_and_who_may_change_them(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    _partner(ws)
    ana = person("ana", "analyst")
    bea = person("bea", "supervisor")
    assert ana.client.get("/sharing/partners").status_code == 403
    assert 'href="/sharing/partners"' not in ana.client.get("/").text
    assert 'href="/sharing/disseminations"' in ana.client.get("/").text
    page = bea.client.get("/sharing/partners/KH-CAU")
    assert page.status_code == 200 and 'id="edit-partner"' not in page.text
    assert bea.form("/sharing/partners/KH-CAU", {"kind": "PIU", "country": "KH"}).status_code == 403
    # a form without its CSRF token is refused before anything happens
    bare = bea.client.post("/sharing/agreements/x/expire")
    assert bare.status_code == 403


def test_the_dry_run_page_says_what_goes_and_why_the_rest_stays_in_labels(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    shared = _evaluated(ws, "Boat loading at night", "uk-3x5x2:P")
    held = _evaluated(ws, "Rumour of a departure", "uk-3x5x2:C", "not to the destination")
    _partner(ws)
    sharing.add_partner(ws, SYSTEM, name="ID-PIU-BLW", kind="PIU", country="ID")
    ana = person("ana", "analyst")
    selection = ana.client.get(f"/sharing/disseminations/new?report={held}")
    assert selection.status_code == 200
    assert f'id="r-{held}" checked' in selection.text and "ID-PIU-BLW" in selection.text
    page = ana.client.get(
        f"/sharing/preview?report={shared}&report={held}&partner=KH-CAU&partner=ID-PIU-BLW"
        "&note=for+operation+TIDE"
    )
    assert page.status_code == 200
    text = " ".join(visible(page.text).split())
    assert "1 of 2 reports and 1 of 2 facts would go." in text  # KH-CAU
    assert "0 of 2 reports and 0 of 2 facts would go." in text  # ID-PIU-BLW: no agreement
    assert "There is no agreement with this partner." in text
    assert (
        "Its handling, Lawful sharing permitted with conditions (UK 3x5x2 handling), "
        "is not in the agreement."
    ) in text
    assert "It would be marked TLP:AMBER+STRICT, which the agreement does not allow." in text
    assert "Source identities (informants)" in text
    assert "uk-3x5x2:C" not in text and "is not in the agreement" not in text.replace(
        "is not in the agreement.", ""
    )
    assert "for operation TIDE" in page.text  # the note typed on the selection page is kept
    empty = ana.client.get("/sharing/preview?partner=KH-CAU")
    assert empty.status_code == 422 and "choose at least one report" in empty.text


def test_request_approval_acknowledgement_feedback_and_downloads(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    shared = _evaluated(ws, "Boat loading at night", "uk-3x5x2:P")
    held = _evaluated(ws, "Rumour of a departure", "uk-3x5x2:C", "not to the destination")
    _partner(ws)
    ana = person("ana", "analyst")
    bea = person("bea", "supervisor")
    nothing = ana.form("/sharing/disseminations", {"report": [held], "partner": ["KH-CAU"],
                                                   "note": "kept note"})  # fmt: skip
    assert nothing.status_code == 422 and "nothing of this may go to KH-CAU" in nothing.text
    assert "kept note" in nothing.text
    asked = ana.form(
        "/sharing/disseminations", {"report": [shared, held], "partner": ["KH-CAU"], "note": "why"}
    )
    assert asked.status_code == 303
    path = asked.headers["location"]
    mine = ana.client.get(path)
    assert 'id="approve"' not in mine.text and 'id="awaiting"' in mine.text
    assert ana.form(f"{path}/approve").status_code == 403
    before = bea.client.get(path)
    assert 'id="approve"' in before.text and "cannot be called back" in before.text
    assert bea.form(f"{path}/approve", {"note": "approved"}).status_code == 303

    page = bea.client.get(path)
    text = visible(page.text)
    assert "Approved and sent" in text and "1 report(s) and 1 fact(s)" in text
    report_page = visible(bea.client.get(f"/reports/{shared}").text)
    assert "Shared with partners" in report_page and "KH-CAU" in report_page

    package = re.search(r"/sharing/packages/(P-[0-9a-f]+)/package.json", page.text)
    assert package is not None
    package_id = package.group(1)
    too_long = "x" * 4001
    refused = bea.form(f"{path}/feedback", {"package": package_id, "text": too_long})
    assert refused.status_code == 422 and too_long in refused.text  # what was typed stays
    told = {"package": package_id, "text": "used in operation TIDE"}
    assert bea.form(f"{path}/feedback", told).status_code == 303
    assert bea.form(f"{path}/acknowledge", {"package": package_id}).status_code == 303
    assert bea.form(f"{path}/acknowledge", {"package": package_id}).status_code == 409
    text = visible(bea.client.get(path).text)
    assert "used in operation TIDE" in text and "not yet" not in text

    signed = bea.client.get(f"/sharing/packages/{package_id}/package.json")
    assert signed.status_code == 200 and "attachment" in signed.headers["content-disposition"]
    assert sharing.verify_package(ws, signed.text).signer == "this node"
    misp = bea.client.get(f"/sharing/packages/{package_id}/misp.json")
    assert misp.status_code == 200
    event = json.loads(misp.text)["Event"]
    assert event["Orgc"]["name"] == ws.settings.node_code
    assert "KH-CAU" not in misp.text  # a MISP event names no recipient either
    assert 'id="download-ftm"' in bea.client.get(path).text
    ftm = bea.client.get(f"/sharing/packages/{package_id}/ftm.json")
    assert ftm.status_code == 200 and "attachment" in ftm.headers["content-disposition"]
    assert json.loads(ftm.text)["format"] == "portintel-ftm-package/1"
    assert "KH-CAU" not in ftm.text


def test_the_dry_run_page_lists_incidents_and_statistics(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    shared = _evaluated(ws, "Interception at night", "uk-3x5x2:P")
    _incident(ws, "inc-1", shared)
    _partner(ws)  # reports and entities only
    ana = person("ana", "analyst")
    text = " ".join(
        visible(ana.client.get(f"/sharing/preview?report={shared}&partner=KH-CAU").text).split()
    )
    assert (
        "Incidents these reports record" in text and "intercepted 2026-02-27: 12 migrants" in text
    )
    assert "The agreement does not cover Incidents." in text
    assert "The agreement does not cover Non-nominal statistics." in text
    sharing.add_agreement(
        ws, SYSTEM, "KH-CAU", handling_codes=["uk-3x5x2:P"], tlp_levels=["GREEN"],
        categories=["reports", "entities", "incidents", "statistics"],
    )  # fmt: skip
    text = " ".join(
        visible(ana.client.get(f"/sharing/preview?report={shared}&partner=KH-CAU").text).split()
    )
    assert "naming no one): Go , counting 1 incident(s)" in text
    assert "does not cover" not in text


def test_an_administrator_chooses_who_receives_pushes_and_the_inbox_names_them(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    adam = person("adam", "administrator")
    ana = person("ana", "analyst")
    person("otto", "officer")
    _partner(ws)
    sharing.add_agreement(
        ws,
        SYSTEM,
        "KH-CAU",
        handling_codes=["uk-3x5x2:P"],
        tlp_levels=["GREEN"],
        categories=["reports"],
        delivery="push",
    )
    page = adam.client.get("/sharing/partners/KH-CAU")
    assert "has an inbox collection" in visible(page.text)
    assert "Nobody is chosen" in visible(page.text)
    choices = page.text[page.text.index('id="p-recipient"') :]
    choices = choices[: choices.index("</select>")]
    assert 'value="ana"' in choices and 'value="otto"' not in choices  # officers receive not
    refused = adam.form("/sharing/partners/KH-CAU/recipient", {"recipient": "otto"})
    assert refused.status_code == 422 and "analyst or supervisor" in refused.text
    chosen = adam.form("/sharing/partners/KH-CAU/recipient", {"recipient": "ana"})
    assert chosen.status_code == 303
    recipient = sharing.push_recipient(ws, SYSTEM, "KH-CAU")
    assert recipient is not None and recipient.username == "ana"
    shown = visible(adam.client.get("/sharing/partners/KH-CAU").text)
    assert f"filed under {recipient.display_name}" in shown
    inbox = visible(ana.client.get("/inbox").text)
    assert f"What KH-CAU pushes is filed under {recipient.display_name}" in inbox
    # an analyst reads the partner page but may not choose
    assert ana.form("/sharing/partners/KH-CAU/recipient", {"recipient": ""}).status_code == 403

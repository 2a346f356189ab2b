"""Deliveries of alerts: each recipient reads as themself, once; failures back off and retry.

The transports are replaced by recording functions (the real ones are exercised
end to end in ``tests/web/test_alerts_live.py``); the signature and the SMTP
adapter's error mapping are tested on their own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import select

from portintel.adapters import alert_transports
from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Role
from portintel.errors import UpstreamFailure
from portintel.services import jobs
from portintel.services.targeting import (
    add_entry,
    alert_link,
    deliver_email,
    deliver_webhook,
    list_alerts,
    raise_for_hits,
    set_alert_preferences,
    sweep_entries,
)
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.adapters.ais.nmea_samples import T0
from tests.conftest import TickingClock
from tests.services.staff import IMMIGRATION, MARITIME, make_user
from tests.web.maritime_sample import FISHER, write_sample

NOW = T0 + timedelta(days=1)
PLUGIN = "portintel.services.targeting.jobs"


@pytest.fixture
def node(settings: Settings, tmp_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(
        Settings(
            **{
                **settings.model_dump(),
                "plugins": (PLUGIN,),
                "job_queue_name": f"t-{uuid.uuid4().hex[:12]}",
                "alert_webhook_url": "http://127.0.0.1:9/hook?token=abc",
                "alert_webhook_secret": "s3cret-value",
                "alert_webhook_attempts": 3,
                "alert_smtp_host": "127.0.0.1",
                "alert_smtp_password": "smtp-pass-value",
                "alert_email_roles": ("supervisor",),
            }
        )
    )
    ws.clock = TickingClock(NOW)
    write_sample(ws, tmp_path)
    yield ws
    ws.close()


def raise_alert(ws: Workspace, handling: str) -> int:
    analyst = make_user(ws, f"ana{uuid.uuid4().hex[:4]}", MARITIME, Role.ANALYST)
    entry = add_entry(
        ws,
        analyst,
        kind="vessel",
        names=["SEA STAR"],
        identifiers=[("mmsi", str(FISHER))],
        reason="watched",
        handling=handling,
        expires_at=NOW + timedelta(days=30),
    )
    (alert_id,) = raise_for_hits(ws, sweep_entries(ws, [entry.id]))
    return alert_id


def deliveries(ws: Workspace) -> dict[tuple[str, str], tuple[str, int]]:
    with ws.engine.connect() as connection:
        rows = connection.execute(select(tables.alert_deliveries)).all()
    return {(row.channel, row.recipient): (row.status, row.attempts) for row in rows}


def test_e_mail_goes_to_each_recipient_who_may_read_the_alert_once(node: Workspace) -> None:
    colleague = make_user(node, "col", MARITIME, Role.OFFICER)
    outsider = make_user(node, "out", IMMIGRATION, Role.ANALYST)
    boss = make_user(node, "boss", IMMIGRATION, Role.SUPERVISOR)
    quiet = make_user(node, "quiet", MARITIME, Role.OFFICER)
    set_alert_preferences(node, colleague, email="col@piu.example", by_email=True)
    set_alert_preferences(node, outsider, email="out@piu.example", by_email=True)
    set_alert_preferences(node, boss, email="boss@piu.example", by_email=False)  # by role
    set_alert_preferences(node, quiet, email="quiet@piu.example", by_email=False)
    alert_id = raise_alert(node, "tlp:AMBER+STRICT")  # the owner's agency and supervisors
    sent: list[dict[str, Any]] = []
    statuses = deliver_email(node, alert_id, send=lambda **mail: sent.append(mail))
    assert sorted(m["recipient"] for m in sent) == ["boss@piu.example", "col@piu.example"]
    assert statuses[outsider.user_id] == "withheld" and quiet.user_id not in statuses
    mail = next(m for m in sent if m["recipient"] == "col@piu.example")
    assert mail["subject"] == "[portintel] Vessel on the watchlist: SEA STAR"
    assert f"/alerts/{alert_id}" in mail["text"]
    assert isinstance(mail["password"], SecretStr)  # revealed only inside the adapter
    # run again (a retried job): nothing is sent twice
    deliver_email(node, alert_id, send=lambda **mail: sent.append(mail))
    assert len(sent) == 2


def test_with_a_public_url_e_mails_and_webhooks_carry_full_links(node: Workspace) -> None:
    colleague = make_user(node, "col", MARITIME, Role.OFFICER)
    set_alert_preferences(node, colleague, email="col@piu.example", by_email=True)
    alert_id = raise_alert(node, "tlp:AMBER")
    node.settings = Settings(
        **{**node.settings.model_dump(), "public_url": "https://portintel.piu.example/"}
    )
    sent: list[dict[str, Any]] = []
    deliver_email(node, alert_id, send=lambda **mail: sent.append(mail))
    (mail,) = [m for m in sent if m["recipient"] == "col@piu.example"]
    assert f"https://portintel.piu.example/alerts/{alert_id}\n" in mail["text"] + "\n"
    posted: list[bytes] = []

    def post(url: str, body: bytes, **options: Any) -> int:
        posted.append(body)
        return 204

    deliver_webhook(node, alert_id, post=post)
    payload = json.loads(posted[0])["alert"]
    assert payload["url"] == f"https://portintel.piu.example/alerts/{alert_id}"
    assert payload["path"] == f"/alerts/{alert_id}"
    assert alert_link(node.settings, 7) == "https://portintel.piu.example/alerts/7"


def test_a_public_url_must_be_an_address_without_query() -> None:
    assert alert_link(Settings(), 3) == "/alerts/3"
    assert Settings(public_url="http://10.0.0.5:8000/piu").public_url
    for wrong in ("portintel.piu.example", "https://x.example/?a=1", "ftp://x.example"):
        with pytest.raises(ValidationError):
            Settings(public_url=wrong)


def test_the_webhook_reads_as_its_reader_and_backs_off_when_the_receiver_fails(
    node: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    restricted = raise_alert(node, "tlp:AMBER+STRICT")
    calls: list[dict[str, Any]] = []

    def post(url: str, body: bytes, **options: Any) -> int:
        calls.append({"url": url, "body": body, **options})
        return 204

    # what only the owner's agency may read does not leave through the webhook
    assert deliver_webhook(node, restricted, post=post) == "withheld"
    assert calls == []
    open_alert = raise_alert(node, "tlp:GREEN")

    def failing(url: str, body: bytes, **options: Any) -> int:
        calls.append({"url": url, "body": body, **options})
        raise UpstreamFailure("the alert webhook answered 503")

    with caplog.at_level(logging.DEBUG):
        assert deliver_webhook(node, open_alert, post=failing) == "retrying"
    recipient = "http://127.0.0.1:9/hook"  # the query string (a token) is not kept
    assert deliveries(node)[("webhook", recipient)][0] == "retrying"
    queued = [
        j for j in jobs.list_jobs(node, SYSTEM) if j.name == "targeting.deliver_alert_webhook"
    ]
    assert {"alert_id": open_alert, "attempt": 2} in [j.arguments for j in queued]
    assert deliver_webhook(node, open_alert, attempt=2, post=failing) == "retrying"
    with pytest.raises(UpstreamFailure):  # the last attempt: recorded failed, the job fails
        deliver_webhook(node, open_alert, attempt=3, post=failing)
    assert deliveries(node)[("webhook", recipient)] == ("failed", 3)
    assert "s3cret-value" not in caplog.text and "smtp-pass-value" not in caplog.text
    assert "s3cret-value" not in repr(node.settings) and "smtp-pass-value" not in str(node.settings)
    # a later success is recorded and not repeated
    assert deliver_webhook(node, open_alert, attempt=1, post=post) == "sent"
    assert deliver_webhook(node, open_alert, attempt=1, post=post) == "sent"
    assert len(calls) == 4  # three failures, one success
    assert list_alerts(node, SYSTEM)


def test_the_signature_is_the_hmac_of_the_body_and_errors_are_mapped() -> None:
    secret = SecretStr("k")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500 if request.headers["X-Portintel-Delivery"] == "bad" else 204)

    transport = httpx.MockTransport(handler)
    body = b'{"a": 1}'
    assert (
        alert_transports.post_webhook(
            "http://hook.test/", body, secret=secret, event_id="1-1", transport=transport
        )
        == 204
    )
    expected = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert seen[0].headers["X-Portintel-Signature"] == expected
    with pytest.raises(UpstreamFailure, match="answered 500"):
        alert_transports.post_webhook(
            "http://hook.test/", body, secret=None, event_id="bad", transport=transport
        )
    assert "X-Portintel-Signature" not in seen[-1].headers
    with pytest.raises(UpstreamFailure, match="could not be sent"):
        alert_transports.send_mail(
            host="127.0.0.1",
            port=9,  # discard: nothing listens
            starttls=False,
            user="u",
            password=SecretStr("p"),
            sender="a@b.example",
            recipient="c@d.example",
            subject="s",
            text="t",
        )

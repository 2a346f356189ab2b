"""From AIS over UDP to the alert, end to end on 127.0.0.1, as a node runs it.

A watchlist entry names a vessel's IMO number. The live listener
(``portintel ais listen``) hears the vessel's static data over UDP; its
vessel registry writes the statements, the targeting plugin's matching job
(run by a worker, as ``portintel worker`` runs it) records the hit and
raises the alert, and the alert is delivered three ways, each received by a
real server on loopback:

* the web app's event stream (``/alerts/stream``), read by a logged-in analyst;
* the webhook: an ``http.server`` that checks the HMAC signature;
* e-mail: an aiosmtpd server, to the analyst who opted in.

The product requirement is 5 seconds from the message to the alert; on a
loaded two-core machine a pass/fail bound of 5 s could flicker, so the test
asserts arrival within a generous but real bound (:data:`DEADLINE_SECONDS`)
and ``benchmarks/alerts.py`` measures and records the latencies against 5 s.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller

from portintel.adapters.ais.land import LandMask
from portintel.adapters.ais.live import UdpSource
from portintel.domain.actors import SYSTEM
from portintel.services import admin
from portintel.services.jobs import Worker
from portintel.services.maritime.listen import listen
from portintel.services.targeting import add_entry, set_alert_preferences
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from portintel.web import create_app
from tests.adapters.ais.nmea_samples import SEA, position, static
from tests.web.conftest import PASSWORD

DEADLINE_SECONDS = 30.0
"""Six times the requirement (5 s, measured by ``benchmarks/alerts.py``: about 0.5 s at a load
average of 28 on two cores): a real bound that catches an alert waiting for a poll or a lease
(tens of seconds), not a timing that flickers with the machine's load."""
SECRET = "webhook-shared-secret"
IMO, MMSI, NAME = 9074729, 574009001, "SEA STAR"
PLUGIN = "portintel.services.targeting.jobs"


@dataclass
class Received:
    """What a loopback server received, and when (monotonic clock)."""

    items: list[tuple[float, Any]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def add(self, item: Any) -> None:
        self.items.append((time.monotonic(), item))
        self.arrived.set()


@contextmanager
def webhook_server() -> Iterator[tuple[str, Received]]:
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.add((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/portintel", received
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[int, Received]]:
    received = Received()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.add((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@contextmanager
def web_server(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the web server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def logged_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30.0)
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "login_token": token[1], "next": "/"},
    )
    assert answer.status_code == 303, answer.text
    return client


def read_stream(client: httpx.Client, received: Received, opened: threading.Event) -> None:
    """Read the event stream until the first alert (then the connection closes)."""
    with client.stream("GET", "/alerts/stream", params={"after": 0}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event: dict[str, str] = {}
        for line in response.iter_lines():
            opened.set()
            if line == "":
                if event.get("event") == "alert":
                    received.add(event)
                    return
                event = {}
                continue
            name, _, value = line.partition(": ")
            event[name] = value


@pytest.fixture(scope="module", autouse=True)
def _land_cache_built(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build the land cache before the clock of the run starts (seconds, once per process)."""
    LandMask(tmp_path_factory.mktemp("land-cache")).load()


def delivered(settings: Settings) -> dict[str, float]:
    """One node on ``settings`` with loopback receivers: the UDP message in, the alert out
    on all three channels (checked); the seconds each took (also ``benchmarks/alerts.py``)."""
    with webhook_server() as (hook_url, hooks), smtp_server() as (smtp_port, mails):
        node = Settings(
            **{
                **settings.model_dump(),
                "plugins": (PLUGIN,),
                "job_queue_name": f"t-{uuid.uuid4().hex[:12]}",
                "alert_webhook_url": hook_url,
                "alert_webhook_secret": SECRET,
                "alert_smtp_host": "127.0.0.1",
                "alert_smtp_port": smtp_port,
                "alert_smtp_starttls": False,
                "alert_mail_from": "alerts@piu.example",
            }
        )
        ws = open_workspace(node)
        try:
            return run(ws, node, hooks, mails)
        finally:
            ws.close()


def test_an_ais_message_over_udp_reaches_the_stream_the_webhook_and_smtp(
    settings: Settings,
) -> None:
    latencies = delivered(settings)
    print("alert latency after the UDP message (s):", latencies)
    assert set(latencies) == {"stream", "webhook", "email"}


def run(ws: Workspace, settings: Settings, hooks: Received, mails: Received) -> dict[str, float]:
    admin.ensure_agencies(ws)
    analyst = admin.create_user(
        ws,
        SYSTEM,
        username="ana",
        display_name="Ana",
        agency="maritime-police",
        roles=["analyst"],
        password=PASSWORD,
    )
    ana = admin.get_actor(ws, analyst.id)
    set_alert_preferences(ws, ana, email="ana@piu.example", by_email=True)
    add_entry(
        ws,
        ana,
        kind="vessel",
        names=[NAME],
        identifiers=[("imo", str(IMO))],
        reason="landed migrants at Koh Kong in March",
        handling="tlp:AMBER",
    )
    source = UdpSource("127.0.0.1", 0)
    stop = threading.Event()
    listener = threading.Thread(
        target=listen, args=(ws, source), kwargs={"stop": stop, "flush_seconds": 0.5}, daemon=True
    )
    worker = Worker(ws, threads=2)
    streamed = Received()
    opened = threading.Event()
    with web_server(settings) as url:
        client = logged_in(url, "ana")
        reader = threading.Thread(target=read_stream, args=(client, streamed, opened), daemon=True)
        reader.start()
        assert opened.wait(30), "the event stream did not open"
        worker.start()
        listener.start()
        try:
            time.sleep(1.0)  # the listener is bound and polling
            sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            lines = [*static(MMSI, NAME, IMO), position(MMSI, *SEA)]
            sent_at = time.monotonic()
            sender.sendto(("\n".join(lines) + "\n").encode(), ("127.0.0.1", source.port))
            sender.close()
            for channel in (streamed, hooks, mails):
                assert channel.arrived.wait(DEADLINE_SECONDS), "an alert delivery did not arrive"
        finally:
            stop.set()
            listener.join(timeout=60)
            worker.stop(graceful=True)
            client.close()
        reader.join(timeout=10)

    latencies = {
        "stream": round(streamed.items[0][0] - sent_at, 3),
        "webhook": round(hooks.items[0][0] - sent_at, 3),
        "email": round(mails.items[0][0] - sent_at, 3),
    }

    event = streamed.items[0][1]
    data = json.loads(event["data"])
    assert event["id"].split(".")[0] == str(data["id"])  # the alert cursor, then the changes
    assert data["title"] == f"Vessel on the watchlist: {NAME}"
    assert data["kind_label"] == "Watchlist hit" and data["url"] == f"/alerts/{data['id']}"

    headers, body = hooks.items[0][1]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Portintel-Signature"], expected)
    payload = json.loads(body)
    assert payload["event"] == "alert.raised"
    assert payload["alert"]["id"] == data["id"] and payload["alert"]["mmsi"] == MMSI
    assert "landed migrants at Koh Kong" in payload["alert"]["reason"]

    recipients, content = mails.items[0][1]
    assert recipients == ["ana@piu.example"]
    mail = message_from_bytes(content)
    assert mail["Subject"] == f"[portintel] Vessel on the watchlist: {NAME}"
    assert mail["From"] == "alerts@piu.example"
    assert f"/alerts/{data['id']}" in mail.get_payload()
    # each channel received the alert once
    assert len(hooks.items) == 1 and len(mails.items) == 1
    return latencies

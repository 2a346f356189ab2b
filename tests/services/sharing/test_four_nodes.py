"""Four nodes on 127.0.0.1: the exact delivery matrix of one mixed set of reports (#13).

KH-PIU-SHV is served by uvicorn with its TAXII 2.1 server; the national CAU
(KH-CAU), a Thai PIU (TH-PIU-RNG) and an Indonesian PIU (ID-PIU-BLW) each
have their own data directory and database, hold the token KH-PIU-SHV issued
to them, and pull with ``portintel sync``'s service over HTTP. Their
agreements differ. The analyst at KH-PIU-SHV selects the same mixed set for
all three: every handling code, an informant's report, facts about people
and a boat. Then, for every node, exactly what its dry run allowed arrived,
once, and nothing else arrived anywhere: no report meant for another node,
no informant's identity, no officer's name.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services import sharing
from portintel.services.intake import reports, sources
from portintel.services.sharing.sync import sync_partner
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from portintel.web import create_app
from tests.conftest import TickingClock
from tests.services.sharing.two_nodes import Staff, second_database, staff
from tests.services.staff import IMMIGRATION, make_user

A_NODE = "KH-PIU-SHV"
INFORMANT = "Informant real name zq8812"


@dataclass(frozen=True)
class Terms:
    node: str
    node_id: str
    kind: str
    country: str
    handling: tuple[str, ...]
    tlp: tuple[str, ...]
    categories: tuple[str, ...]
    personal_data: bool


PARTNERS = (
    Terms(
        "KH-CAU", "kh-cau", "CAU", "KH",
        ("uk-3x5x2:P", "uk-3x5x2:C", "europol:H0", "europol:H2", "tlp:AMBER", "tlp:GREEN"),
        ("GREEN", "AMBER", "AMBER+STRICT"), ("reports", "entities"), True,
    ),
    Terms(
        "TH-PIU-RNG", "th-piu-rng", "PIU", "TH",
        ("uk-3x5x2:P", "europol:H0", "tlp:GREEN"), ("GREEN",), ("reports",), False,
    ),
    Terms(
        "ID-PIU-BLW", "id-piu-blw", "PIU", "ID",
        ("uk-3x5x2:P", "tlp:GREEN", "tlp:AMBER"), ("GREEN", "AMBER"), ("reports", "entities"),
        False,
    ),
)  # fmt: skip


@dataclass
class Served:
    url: str
    workspace: Workspace


@contextmanager
def serve(settings: Settings) -> Iterator[Served]:
    """The node of ``settings`` served by uvicorn on a free port of 127.0.0.1."""
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Served(url=f"http://127.0.0.1:{port}", workspace=app.state.workspace)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def node_a(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    no_proxy(monkeypatch)
    with serve(settings) as served:
        yield served


@pytest.fixture
def partners(settings: Settings, tmp_path: Path) -> Iterator[dict[str, Workspace]]:
    """The three receiving nodes, each with its own data directory and database."""
    opened: dict[str, Workspace] = {}
    databases = []
    for terms in PARTNERS:
        folder = tmp_path / f"{terms.node_id}-db"
        folder.mkdir()
        urls = second_database(settings.database_url or "sqlite", folder)
        databases.append(urls)
        ws = open_workspace(
            Settings(
                data_dir=tmp_path / terms.node_id,
                database_url=next(urls),
                secure_cookies=False,
                node_code=terms.node,
                node_id=terms.node_id,
                node_kind=terms.kind,
            )
        )
        ws.clock = TickingClock()
        opened[terms.node] = ws
    yield opened
    for ws in opened.values():
        ws.close()
    for urls in databases:  # drops each PostgreSQL schema
        for _ in urls:
            pass


def _link(a: Served, node: Workspace, terms: Terms) -> None:
    key_a = sharing.node_identity(a.workspace).current
    key = sharing.init_node(node, SYSTEM).current
    assert key_a is not None and key is not None
    sharing.add_partner(
        a.workspace, SYSTEM, name=terms.node, kind=terms.kind, country=terms.country,
        public_key=key.public_key,
    )  # fmt: skip
    sharing.add_agreement(
        a.workspace, SYSTEM, terms.node, handling_codes=list(terms.handling),
        tlp_levels=list(terms.tlp), categories=list(terms.categories),
        personal_data=terms.personal_data,
    )  # fmt: skip
    token = sharing.issue_partner_token(a.workspace, SYSTEM, terms.node)
    sharing.add_partner(
        node, SYSTEM, name=A_NODE, kind="PIU", country="KH", public_key=key_a.public_key,
        expected_fingerprint=key_a.fingerprint, taxii_url=f"{a.url}/taxii2/",
        credential=token.secret,
    )  # fmt: skip


def _file_mixed_set(ws: Workspace, people: Staff) -> list[str]:
    handler = make_user(ws, "ahandler", IMMIGRATION, Role.SOURCE_HANDLER)
    informant = sources.create_source(
        ws, handler, kind="informant", reference="FALCON", reliability="B",
        protected_identity=INFORMANT,
    )  # fmt: skip
    codes: list[tuple[str, str | None]] = [
        ("uk-3x5x2:P", None),
        ("uk-3x5x2:C", "not to the immigration authority of the destination"),
        ("europol:H0", None),
        ("europol:H2", None),
        ("europol:H3", None),
        ("tlp:GREEN", None),
        ("tlp:AMBER", None),
        ("tlp:RED", None),
    ]
    filed = []
    for number, (code, conditions) in enumerate(codes):
        facts = (
            FactDraft("boat", "Vessel", "name", f"KM Harapan {number}"),
            FactDraft("smuggler", "Person", "name", f"Broker number {number}"),
            FactDraft("child", "Person", "name", f"Minor passenger {number}"),
            FactDraft("child", "Person", "birthDate", "2012-05-01"),
            # the officer marks the child as a minor (rule 8 of the policy reads the mark)
            FactDraft("child", "Person", "topics", "role.minor"),
        )
        report_id = reports.create_report(
            ws,
            people.officer,
            ReportDraft(
                title=f"Departure {number} ({code})",
                text=f"Boat {number} loads migrants at night, minors among them.",
                credibility="2",
                reliability=None if number == 0 else "B",
                source_id=informant if number == 0 else None,
                handling=code,
                handling_conditions=conditions,
                facts=facts,
                extract=False,
            ),
            submit=True,
        )
        reports.evaluate_report(ws, people.supervisor, report_id)
        filed.append(report_id)
    return filed


def _received(node: Workspace) -> tuple[set[str], Counter[tuple[str, str]], str]:
    with node.engine.connect() as connection:
        senders = set(
            connection.execute(
                select(tables.received_objects.c.sender_ref).where(
                    tables.received_objects.c.report_id.is_not(None)
                )
            ).scalars()
        )
        facts = Counter(
            (row.prop, row.value)
            for row in connection.execute(
                select(tables.statements.c.prop, tables.statements.c.value).where(
                    tables.statements.c.dataset == A_NODE
                )
            )
        )
        everything = " ".join(
            str(row) for table in (tables.reports, tables.statements, tables.received_objects)
            for row in connection.execute(select(table))
        )  # fmt: skip
    return senders, facts, everything


def test_each_of_three_partners_receives_exactly_its_dry_run_and_nothing_else(
    node_a: Served, partners: dict[str, Workspace]
) -> None:
    a = node_a.workspace
    sharing.init_node(a, SYSTEM)
    for terms in PARTNERS:
        _link(node_a, partners[terms.node], terms)
    people = staff(a, "a")
    selected = _file_mixed_set(a, people)

    expected: dict[str, tuple[set[str], Counter[tuple[str, str]]]] = {}
    with a.engine.connect() as connection:
        values = {
            row.id: (row.prop, row.value)
            for row in connection.execute(
                select(tables.statements.c.id, tables.statements.c.prop, tables.statements.c.value)
            )
        }
    for terms in PARTNERS:
        dry_run = sharing.preview_share(a, people.analyst, terms.node, selected)
        allowed = {item.id for item in dry_run.reports if item.allowed}
        facts = Counter(values[item.id] for item in dry_run.statements if item.allowed)
        expected[terms.node] = (allowed, facts)
        request = sharing.request_dissemination(a, people.analyst, terms.node, selected)
        sharing.approve_dissemination(a, people.supervisor, request)

    # the agreements differ, and so do the deliveries
    allowed_sets = [expected[t.node][0] for t in PARTNERS]
    assert all(allowed_sets) and len({frozenset(s) for s in allowed_sets}) == 3
    assert not expected["TH-PIU-RNG"][1]  # reports only: no entity facts go there

    for terms in PARTNERS:
        node = partners[terms.node]
        analyst = make_user(node, f"{terms.node_id}-ana", IMMIGRATION, Role.ANALYST)
        result = sync_partner(node, analyst, A_NODE, page_size=7)
        assert result.quarantined == 0, terms.node
        again = sync_partner(node, analyst, A_NODE, page_size=7)
        assert again.imported == 0 and again.quarantined == 0, terms.node

    for terms in PARTNERS:
        senders, facts, everything = _received(partners[terms.node])
        allowed, allowed_facts = expected[terms.node]
        assert senders == allowed, terms.node  # everything allowed arrived, nothing else
        assert facts == allowed_facts, terms.node  # each fact once, as the dry run said
        assert INFORMANT not in everything and "FALCON" not in everything, terms.node
        assert people.officer.user_id not in everything, terms.node
        others = set().union(*(expected[t.node][0] for t in PARTNERS)) - allowed
        assert not senders & others, terms.node
        # a minor's data goes only where the agreement allows personal data of minors
        minors = [value for (_, value), _ in facts.items() if value.startswith("Minor passenger")]
        assert bool(minors) == (terms.personal_data and "entities" in terms.categories), terms.node
        assert ("Minor passenger" in everything) == bool(minors), terms.node

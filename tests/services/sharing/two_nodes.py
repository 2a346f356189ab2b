"""Two nodes in one test: two data directories, two databases on the same backend.

Node A (KH-PIU-SHV) is the ``workspace`` fixture; node B (KH-CAU) gets its
own data directory and its own database (a second SQLite file, or a second
PostgreSQL schema). Each registers the other with its real public key, as
administrators would after comparing fingerprints.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import text

from portintel.adapters.database import create_database_engine
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services import sharing
from portintel.services.intake import reports
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.conftest import POSTGRES_URL, TickingClock
from tests.services.staff import IMMIGRATION, make_user

A_NODE = "KH-PIU-SHV"
B_NODE = "KH-CAU"
B_HANDLING = ["uk-3x5x2:P", "uk-3x5x2:C", "europol:H2", "europol:H0"]
B_TLP = ["GREEN", "AMBER", "AMBER+STRICT"]


def second_database(first_url: str, tmp_path: Path) -> Iterator[str]:
    if first_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'node-b.sqlite'}"
        return
    assert POSTGRES_URL is not None
    schema = f"b_{uuid.uuid4().hex[:12]}"
    admin = create_database_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def node_b(settings: Settings, tmp_path: Path) -> Iterator[Workspace]:
    urls = second_database(settings.database_url or "sqlite", tmp_path)
    url = next(urls)
    ws = open_workspace(
        Settings(
            data_dir=tmp_path / "node-b",
            database_url=url,
            secure_cookies=False,
            node_code=B_NODE,
            node_id="kh-cau",
            node_kind="CAU",
        )
    )
    ws.clock = TickingClock()
    yield ws
    ws.close()
    for _ in urls:
        pass


@dataclass(frozen=True)
class Staff:
    officer: Actor
    analyst: Actor
    supervisor: Actor


def link(a: Workspace, b: Workspace, *, handling: list[str] | None = None) -> None:
    """Keys on both nodes; each registers the other; A agrees what B may receive."""
    key_a = sharing.init_node(a, SYSTEM).current
    key_b = sharing.init_node(b, SYSTEM).current
    assert key_a is not None and key_b is not None
    name_a, name_b = a.settings.node_code, b.settings.node_code
    sharing.add_partner(
        a, SYSTEM, name=name_b, kind="CAU", country="KH", public_key=key_b.public_key
    )
    sharing.add_agreement(
        a,
        SYSTEM,
        name_b,
        handling_codes=handling or B_HANDLING,
        tlp_levels=B_TLP,
        categories=["reports", "entities"],
    )
    sharing.add_partner(
        b,
        SYSTEM,
        name=name_a,
        kind="PIU",
        country="KH",
        public_key=key_a.public_key,
        expected_fingerprint=key_a.fingerprint,
    )


def staff(ws: Workspace, prefix: str) -> Staff:
    return Staff(
        officer=make_user(ws, f"{prefix}off", IMMIGRATION, Role.OFFICER),
        analyst=make_user(ws, f"{prefix}ana", IMMIGRATION, Role.ANALYST),
        supervisor=make_user(ws, f"{prefix}sup", IMMIGRATION, Role.SUPERVISOR),
    )


def file_evaluated(
    ws: Workspace,
    people: Staff,
    title: str,
    handling: str,
    *,
    conditions: str | None = None,
    facts: tuple[FactDraft, ...] = (),
    scheme: str | None = None,
    reliability: str = "B",
    credibility: str = "2",
    evaluate: bool = True,
) -> str:
    report_id = reports.create_report(
        ws,
        people.officer,
        ReportDraft(
            title=title,
            text=f"{title}: seen from the pier.",
            credibility=credibility,
            reliability=reliability,
            grading_scheme=scheme,
            handling=handling,
            handling_conditions=conditions,
            facts=facts,
            extract=False,
        ),
        submit=True,
    )
    if evaluate:
        reports.evaluate_report(ws, people.supervisor, report_id)
    return report_id


def disseminate(
    ws: Workspace, people: Staff, report_ids: list[str], *, to: str = B_NODE
) -> tuple[str, Any]:
    """(package file, dry run) of an approved dissemination to ``to``."""
    dry_run = sharing.preview_share(ws, people.analyst, to, report_ids)
    request = sharing.request_dissemination(ws, people.analyst, to, report_ids)
    package = sharing.approve_dissemination(ws, people.supervisor, request)
    return sharing.package_file(ws, people.supervisor, package), dry_run

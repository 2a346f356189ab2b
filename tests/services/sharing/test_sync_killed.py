"""``kill -9`` in the middle of ``portintel sync``, then again: nothing lost, nothing twice (#13).

Node A (KH-PIU-SHV) is served by uvicorn on 127.0.0.1; node B (KH-CAU) is a
data directory with its settings file. ``portintel sync`` runs as a real
process against it, one object per page, and is killed with SIGKILL once it
has received a few pages. The same command run again completes: B then holds
exactly what A's dry run allowed, each received object and each fact once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

import portintel
from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import FactDraft
from portintel.services import sharing
from portintel.services.workspace import open_workspace
from portintel.settings import load_settings
from tests.conftest import TickingClock
from tests.services.sharing.test_four_nodes import A_NODE, Served, node_a  # noqa: F401
from tests.services.sharing.two_nodes import file_evaluated, second_database, staff
from tests.services.staff import IMMIGRATION, make_user

B_NODE = "KH-CAU"
RUN = """
import sys
from portintel.cli.app import main
sys.argv = ["portintel", *sys.argv[1:]]
main()
"""


def _sync_process(data_dir: Path) -> subprocess.Popen[str]:
    source = Path(portintel.__file__).resolve().parents[1]  # the code under test
    return subprocess.Popen(
        [
            sys.executable, "-c", RUN, "--data-dir", str(data_dir), "sync", "--as", "bana",
            "--partner", A_NODE, "--page-size", "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(source), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )  # fmt: skip


def test_a_sync_killed_mid_run_and_run_again_loses_nothing_and_duplicates_nothing(
    node_a: Served,  # noqa: F811
    tmp_path: Path,
) -> None:
    a = node_a.workspace
    urls = second_database(a.settings.database_url or "sqlite", tmp_path)
    url = next(urls)
    data_dir = tmp_path / "kh-cau"
    data_dir.mkdir(mode=0o700)
    (data_dir / "portintel.toml").write_text(
        f'database_url = "{url}"\nsecure_cookies = false\nnode_code = "{B_NODE}"\n'
        f'node_id = "kh-cau"\nnode_kind = "CAU"\n',
        encoding="utf-8",
    )
    b = open_workspace(load_settings(data_dir))
    b.clock = TickingClock()
    try:
        key_a = sharing.init_node(a, SYSTEM).current
        key_b = sharing.init_node(b, SYSTEM).current
        assert key_a is not None and key_b is not None
        sharing.add_partner(
            a, SYSTEM, name=B_NODE, kind="CAU", country="KH", public_key=key_b.public_key
        )
        sharing.add_agreement(
            a, SYSTEM, B_NODE, handling_codes=["uk-3x5x2:P", "europol:H0"],
            tlp_levels=["GREEN", "AMBER"], categories=["reports", "entities"],
        )  # fmt: skip
        token = sharing.issue_partner_token(a, SYSTEM, B_NODE)
        sharing.add_partner(
            b, SYSTEM, name=A_NODE, kind="PIU", country="KH", public_key=key_a.public_key,
            expected_fingerprint=key_a.fingerprint, taxii_url=f"{node_a.url}/taxii2/",
            credential=token.secret,
        )  # fmt: skip
        make_user(b, "bana", IMMIGRATION, Role.ANALYST)
        people = staff(a, "a")
        selected = [
            file_evaluated(
                a, people, f"Departure {n}", "uk-3x5x2:P" if n % 3 else "europol:H3",
                facts=(
                    FactDraft("boat", "Vessel", "name", f"KM Harapan {n}"),
                    FactDraft("broker", "Person", "name", f"Broker {n}"),
                ),
            )
            for n in range(12)
        ]  # fmt: skip
        dry_run = sharing.preview_share(a, people.analyst, B_NODE, selected)
        allowed = {item.id for item in dry_run.reports if item.allowed}
        with a.engine.connect() as connection:
            values = {
                row.id: f"{row.prop}={row.value}"
                for row in connection.execute(
                    select(
                        tables.statements.c.id, tables.statements.c.prop, tables.statements.c.value
                    )
                )
            }
        allowed_facts = Counter(values[item.id] for item in dry_run.statements if item.allowed)
        request = sharing.request_dissemination(a, people.analyst, B_NODE, selected)
        sharing.approve_dissemination(a, people.supervisor, request)
        assert 0 < len(allowed) < len(selected)

        process = _sync_process(data_dir)
        seen: list[str] = []
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if "page 5," in line:
                process.send_signal(signal.SIGKILL)  # kill -9, mid-sync
                break
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, "".join(seen)
        with b.engine.connect() as connection:
            pages = connection.execute(select(tables.sync_checkpoints.c.pages)).scalar_one()
            held = connection.execute(
                select(func.count()).select_from(tables.received_objects)
            ).scalar_one()
        assert pages >= 5 and held > 0  # killed after some pages were received ...
        with a.engine.connect() as connection:
            published = connection.execute(
                select(func.count()).select_from(tables.taxii_objects)
            ).scalar_one()
        assert pages < published  # ... and before the end

        rerun = _sync_process(data_dir)
        output, _ = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, output
        assert "0 quarantined" in output

        with b.engine.connect() as connection:
            senders = list(
                connection.execute(
                    select(tables.received_objects.c.sender_ref).where(
                        tables.received_objects.c.report_id.is_not(None)
                    )
                ).scalars()
            )
            versions = connection.execute(
                select(tables.received_objects.c.stix_id, tables.received_objects.c.modified)
            ).all()
            facts = Counter(
                f"{row.prop}={row.value}"
                for row in connection.execute(
                    select(tables.statements.c.prop, tables.statements.c.value).where(
                        tables.statements.c.dataset == A_NODE
                    )
                )
            )
        assert sorted(senders) == sorted(allowed)  # every report once: none lost, none twice
        assert len(versions) == len(set(versions))  # each object version received once
        assert facts == allowed_facts
    finally:
        b.close()
        for _ in urls:
            pass


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")

"""The kept candidate pairs, the incremental job and the review queue in scope (#12, item 3)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.domain.xref import Decision
from portintel.services import jobs
from portintel.services.collation import import_entities
from portintel.services.collation.xref_queue import JOB_NAME, refresh_candidates, review_queue
from portintel.services.intake.reports import create_report
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user


def kept(ws: Workspace) -> set[tuple[str, str, str]]:
    c = tables.xref_candidates.c
    with ws.engine.connect() as connection:
        return {
            (row.left_id, row.right_id, row.decision)
            for row in connection.execute(select(c.left_id, c.right_id, c.decision))
        }


def people_file(path: Path, *names: tuple[str, str]) -> Path:
    path.write_text(
        "".join(
            json.dumps({"id": i, "schema": "Person", "properties": {"name": [n]}}) + "\n"
            for i, n in names
        ),
        encoding="utf-8",
    )
    return path


def test_refresh_in_full_then_incrementally_is_idempotent(
    workspace: Workspace, tmp_path: Path
) -> None:
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    import_entities(
        workspace,
        analyst,
        people_file(tmp_path / "a.jsonl", ("a", "Chhim Vibol"), ("b", "Chim Vibul")),
    )
    assert refresh_candidates(workspace) == 1
    assert kept(workspace) == {("a", "b", "review")}
    import_entities(workspace, analyst, people_file(tmp_path / "c.jsonl", ("c", "CHHIM VIBOL")))
    refresh_candidates(workspace, ["c"])
    refresh_candidates(workspace, ["c"])  # a retried job changes nothing
    assert kept(workspace) == {("a", "b", "review"), ("a", "c", "review"), ("b", "c", "review")}


def test_the_queue_decides_again_within_the_readers_scope(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    other = make_user(workspace, "other", MARITIME, Role.OFFICER)
    supervisor = make_user(workspace, "boss", SECURITY, Role.SUPERVISOR)
    for author in (officer, other):
        create_report(
            workspace,
            author,
            ReportDraft(
                title="Crew list",
                text="Crew.",
                reliability="B",
                credibility="2",
                handling="tlp:GREEN",
                facts=(FactDraft("p", "Person", "name", "Sok Chanthy"),),
            ),
            submit=True,
        )
    refresh_candidates(workspace)
    assert len(kept(workspace)) == 1  # the system sees both
    (pair,) = review_queue(workspace, supervisor)
    assert pair.decision is Decision.REVIEW
    # each officer reads one side only: the pair does not exist for them
    assert review_queue(workspace, officer) == []
    assert review_queue(workspace, other) == []


POLL = 60.0


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + POLL
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def node(settings: Settings) -> Iterator[Workspace]:
    ws = open_workspace(
        settings.model_copy(
            update={
                "plugins": ("portintel.services.collation.xref_jobs",),
                "job_queue_name": f"t-{uuid.uuid4().hex[:12]}",
            }
        )
    )
    yield ws
    ws.close()


def test_statements_written_enqueue_the_incremental_job(node: Workspace, tmp_path: Path) -> None:
    analyst = make_user(node, "analyst", SECURITY, Role.ANALYST)
    worker = jobs.Worker(node)
    worker.start()
    try:
        import_entities(
            node,
            analyst,
            people_file(tmp_path / "a.jsonl", ("x", "Nguyễn Minh Phúc"), ("y", "Nguyen Minh Phuc")),
        )
        wait_for(lambda: kept(node) == {("x", "y", "review")}, "the job's pairs")
    finally:
        worker.stop()
    (view,) = [v for v in jobs.list_jobs(node, jobs_admin()) if v.name == JOB_NAME]
    assert sorted(view.arguments["entity_ids"]) == ["x", "y"]


def jobs_admin():  # type: ignore[no-untyped-def]
    from portintel.domain.actors import SYSTEM

    return SYSTEM

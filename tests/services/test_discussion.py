"""Comments, assignment and notifications around reports and entities (issue #15)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import ReportDraft
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit, discussion, notices
from portintel.services.intake.reports import (
    ReportFilters,
    create_report,
    list_reports,
    return_report,
    submit_report,
)
from portintel.services.targeting import set_alert_preferences
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.conftest import TickingClock
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user


def _draft(**changes: Any) -> ReportDraft:
    base: dict[str, Any] = {
        "title": "Fishing boat loading people",
        "text": "Boat KOH RONG STAR took on 30 people at night.",
        "reliability": "B",
        "credibility": "2",
        "handling": "uk-3x5x2:P",
    }
    base.update(changes)
    return ReportDraft(**base)


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Actor]:
    return {
        "officer": make_user(workspace, "officer", IMMIGRATION, Role.OFFICER),
        "outsider": make_user(workspace, "outsider", MARITIME, Role.OFFICER),
        "analyst": make_user(workspace, "analyst", IMMIGRATION, Role.ANALYST),
        "far_analyst": make_user(workspace, "faranalyst", SECURITY, Role.ANALYST),
        "supervisor": make_user(workspace, "supervisor", MARITIME, Role.SUPERVISOR),
        "admin": make_user(workspace, "admin", IMMIGRATION, Role.ADMINISTRATOR),
    }


def test_a_returned_report_notifies_its_author_once_until_read(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer, supervisor = people["officer"], people["supervisor"]
    report_id = create_report(workspace, officer, _draft(), submit=True)
    return_report(workspace, supervisor, report_id, note="add the <b>IMO</b> number")
    (notice,) = notices.list_notifications(workspace, officer)
    assert notice.kind_label == "Report returned"
    assert "Supervisor" in notice.text and "add the <b>IMO</b> number" in notice.text
    assert notice.link == f"/reports/{report_id}" and not notice.read
    assert notices.unread_count(workspace, officer) == 1
    assert notices.unread_count(workspace, supervisor) == 0
    assert notices.mark_read(workspace, officer, notice.id) == 1
    assert notices.unread_count(workspace, officer) == 0
    with pytest.raises(NotFound):  # someone else's notice
        notices.mark_read(workspace, supervisor, notice.id)
    actions = [
        e.action for e in audit.list_entries(workspace, people["admin"], audit.AuditFilters())
    ]
    assert "notification.read" in actions


def test_comments_are_scoped_like_the_report(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer, supervisor, outsider = people["officer"], people["supervisor"], people["outsider"]
    # a restrictive report: the author's agency and supervisors read it, others do not
    report_id = create_report(
        workspace,
        officer,
        _draft(handling="uk-3x5x2:C", handling_conditions="unit only"),
        submit=True,
    )
    discussion.add_comment(workspace, supervisor, "report", report_id, "Which pier?")
    discussion.add_comment(workspace, officer, "report", report_id, "Pier 3, <script>x</script>")
    thread = discussion.list_comments(workspace, officer, "report", report_id)
    assert [(c.author_name, c.body) for c in thread] == [
        ("Supervisor", "Which pier?"),
        ("Officer", "Pier 3, <script>x</script>"),
    ]
    for refused in (
        lambda: discussion.list_comments(workspace, outsider, "report", report_id),
        lambda: discussion.add_comment(workspace, outsider, "report", report_id, "hello"),
        lambda: discussion.list_comments(workspace, officer, "report", "R-none"),
    ):
        with pytest.raises(NotFound):
            refused()
    with pytest.raises(InvalidInput, match="needs some text"):
        discussion.add_comment(workspace, officer, "report", report_id, "   ")
    with pytest.raises(InvalidInput, match="at most"):
        discussion.add_comment(workspace, officer, "report", report_id, "x" * 5001)
    # the author heard of the supervisor's comment; the supervisor is not told of their own
    kinds = [n.kind for n in notices.list_notifications(workspace, officer)]
    assert kinds == ["comment"]
    actions = [
        e.action for e in audit.list_entries(workspace, people["admin"], audit.AuditFilters())
    ]
    assert actions.count("comment.add") == 2


def test_comments_on_an_entity(workspace: Workspace, people: dict[str, Actor]) -> None:
    from portintel.domain.reports import FactDraft

    officer, supervisor, outsider = people["officer"], people["supervisor"], people["outsider"]
    report_id = create_report(
        workspace,
        officer,
        _draft(
            handling="uk-3x5x2:C",
            handling_conditions="unit only",
            facts=(FactDraft("boat", "Vessel", "name", "KOH RONG STAR"),),
        ),
    )
    with workspace.engine.connect() as connection:
        entity_id = (
            connection.execute(
                select(tables.statements.c.entity_id).where(tables.statements.c.origin == report_id)
            )
            .scalars()
            .first()
        )
    assert entity_id
    discussion.add_comment(workspace, officer, "entity", entity_id, "Seen twice this week")
    submit_report(workspace, officer, report_id)
    discussion.add_comment(workspace, supervisor, "entity", entity_id, "Watch it")
    assert len(discussion.list_comments(workspace, officer, "entity", entity_id)) == 2
    with pytest.raises(NotFound):
        discussion.list_comments(workspace, outsider, "entity", entity_id)
    (notice,) = notices.list_notifications(workspace, officer)
    assert notice.link == f"/entities/{entity_id}"


def test_a_notice_about_what_the_reader_cannot_read_is_never_shown(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer, outsider = people["officer"], people["outsider"]
    report_id = create_report(workspace, officer, _draft(), submit=False)  # a draft: author only
    now = workspace.clock()
    with workspace.engine.begin() as connection:
        written = notices.notify(
            connection,
            workspace,
            user_id=outsider.user_id,
            kind="comment",
            text="about a draft",
            now=now,
            report_id=report_id,
        )
        assert written is False
        # one written while the reader could read it, and then the scope changed
        connection.execute(
            insert(tables.notifications).values(
                user_id=outsider.user_id,
                kind="comment",
                text="secret title",
                report_id=report_id,
                created_at=now,
            )
        )
    assert notices.list_notifications(workspace, outsider) == []
    assert notices.unread_count(workspace, outsider) == 0


def test_a_supervisor_assigns_a_submitted_report_with_a_deadline(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer, supervisor, analyst = people["officer"], people["supervisor"], people["analyst"]
    report_id = create_report(workspace, officer, _draft(), submit=True)
    other_id = create_report(workspace, officer, _draft(title="Another"), submit=True)
    deadline = workspace.clock() + timedelta(hours=30)
    discussion.assign_report(
        workspace, supervisor, report_id, analyst.user_id, deadline=deadline, note="urgent"
    )
    view = discussion.assignment_of(workspace, analyst, report_id)
    assert view is not None and view.assignee_name == "Analyst"
    assert view.assigned_by_name == "Supervisor" and view.deadline == deadline
    assert discussion.assignment_of(workspace, analyst, other_id) is None
    mine = list_reports(workspace, analyst, ReportFilters(assigned_to=analyst.user_id))
    assert [r.id for r in mine] == [report_id]
    assert discussion.assignees_of(workspace, analyst, [report_id, other_id]) == {
        report_id: "Analyst"
    }
    (notice,) = notices.list_notifications(workspace, analyst)
    assert notice.kind == "assigned" and "Supervisor asks you to evaluate" in notice.text
    assert [a.name for a in discussion.possible_assignees(workspace, supervisor, report_id)] == [
        "Analyst",
        "Supervisor",
    ]

    with pytest.raises(PermissionDenied):
        discussion.assign_report(workspace, officer, report_id, analyst.user_id)
    with pytest.raises(InvalidInput, match="analyst or supervisor"):
        discussion.assign_report(workspace, supervisor, report_id, officer.user_id)
    draft_id = create_report(workspace, officer, _draft(title="Draft"))
    with pytest.raises(NotFound):  # a draft is its author's alone
        discussion.assign_report(workspace, supervisor, draft_id, analyst.user_id)
    return_report(workspace, supervisor, other_id, note="more detail")
    submit_report(workspace, officer, other_id)
    with pytest.raises(InvalidInput, match="Faranalyst may not read this report"):
        discussion.assign_report(workspace, supervisor, other_id, people["far_analyst"].user_id)

    # the deadline: near within a day (told once), then past (told once)
    assert isinstance(workspace.clock, TickingClock)
    workspace.clock.now += timedelta(hours=8)
    notices.list_notifications(workspace, analyst)
    notices.list_notifications(workspace, analyst)
    kinds = [n.kind for n in notices.list_notifications(workspace, analyst)]
    assert kinds.count("deadline_near") == 1 and "overdue" not in kinds
    workspace.clock.now += timedelta(days=1)
    assert notices.unread_count(workspace, analyst) == 3
    kinds = [n.kind for n in notices.list_notifications(workspace, analyst)]
    assert kinds.count("overdue") == 1
    actions = [
        e.action for e in audit.list_entries(workspace, people["admin"], audit.AuditFilters())
    ]
    assert "report.assign" in actions


def test_a_draft_cannot_be_assigned(workspace: Workspace, people: dict[str, Actor]) -> None:
    officer, supervisor = people["officer"], people["supervisor"]
    report_id = create_report(workspace, officer, _draft(), submit=True)
    return_report(workspace, supervisor, report_id, note="why")
    with pytest.raises(NotFound):
        discussion.assign_report(workspace, supervisor, report_id, supervisor.user_id)
    with pytest.raises((Conflict, NotFound)):
        discussion.assign_report(workspace, supervisor, "R-none", supervisor.user_id)


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[_Mailbox, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = _Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def test_notices_go_by_e_mail_only_when_configured_and_never_log_the_password(
    settings: Settings,
    mailbox: tuple[_Mailbox, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    box, port = mailbox
    ws = open_workspace(
        Settings(
            **{
                **settings.model_dump(),
                "alert_smtp_host": "127.0.0.1",
                "alert_smtp_port": port,
                "alert_smtp_starttls": False,
                "alert_smtp_password": "smtp-pass-value",
                "public_url": "https://portintel.piu.example",
            }
        )
    )
    ws.clock = TickingClock()
    try:
        officer = make_user(ws, "officer", IMMIGRATION, Role.OFFICER)
        supervisor = make_user(ws, "supervisor", MARITIME, Role.SUPERVISOR)
        set_alert_preferences(ws, officer, email="officer@piu.example", by_email=True)
        caplog.set_level(logging.DEBUG)
        report_id = create_report(ws, officer, _draft(), submit=True)
        return_report(ws, supervisor, report_id, note="add the IMO")
        (message,) = box.messages
        assert message["To"] == "officer@piu.example"
        assert message["Subject"] == "[portintel] Report returned"
        body = message.get_payload(decode=True).decode()
        assert "add the IMO" in body
        assert f"https://portintel.piu.example/reports/{report_id}" in body
        # the supervisor gave no address: their notice stays in the app
        submit_report(ws, officer, report_id)
        discussion.add_comment(ws, officer, "report", report_id, "done")
        assert len(box.messages) == 1
        assert "smtp-pass-value" not in caplog.text
    finally:
        ws.close()


def test_without_smtp_nothing_is_pending(workspace: Workspace, people: dict[str, Actor]) -> None:
    report_id = create_report(workspace, people["officer"], _draft(), submit=True)
    return_report(workspace, people["supervisor"], report_id, note="why")
    with workspace.engine.connect() as connection:
        statuses = connection.execute(select(tables.notifications.c.mail_status)).scalars().all()
    assert statuses == [None]
    assert notices.deliver_mail(workspace) == 0


def test_a_node_workflow_file_is_checked_at_start_and_then_followed(
    settings: Settings, tmp_path: Path
) -> None:
    import yaml

    from portintel.domain.workflow import SHIPPED_FILE
    from portintel.errors import ConfigurationError
    from portintel.services.intake.reports import evaluate_report, get_report

    shipped = yaml.safe_load(
        (
            Path(__file__).resolve().parents[2] / "src/portintel/vocabularies" / SHIPPED_FILE
        ).read_text(encoding="utf-8")
    )
    broken = {**shipped, "steps": [s for s in shipped["steps"] if s["action"] != "evaluate"]}
    path = tmp_path / "node-workflow.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"node-workflow\.yaml: states\[evaluated\]"):
        open_workspace(Settings(**{**settings.model_dump(), "workflow_file": path}))

    for step in shipped["steps"]:
        if step["action"] == "evaluate":
            step["actor"] = "analyst"
    path.write_text(yaml.safe_dump(shipped), encoding="utf-8")
    ws = open_workspace(Settings(**{**settings.model_dump(), "workflow_file": path}))
    ws.clock = TickingClock()
    try:
        officer = make_user(ws, "officer", IMMIGRATION, Role.OFFICER)
        analyst = make_user(ws, "analyst", IMMIGRATION, Role.ANALYST)
        supervisor = make_user(ws, "supervisor", MARITIME, Role.SUPERVISOR)
        report_id = create_report(ws, officer, _draft(), submit=True)
        assert "evaluate" not in get_report(ws, supervisor, report_id).allowed_actions
        with pytest.raises(PermissionDenied, match="only an analyst"):
            evaluate_report(ws, supervisor, report_id)
        evaluate_report(ws, analyst, report_id)
        assert get_report(ws, officer, report_id).status.value == "evaluated"
    finally:
        ws.close()

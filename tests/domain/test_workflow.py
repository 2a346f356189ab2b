"""The workflow of reports as data: the shipped file, a node's own, and the errors it gets."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portintel.adapters.vocabularies import load_workflow
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import (
    NOTE_REQUIRED,
    ReportAction,
    ReportStatus,
    allowed_actions,
    check_transition,
)
from portintel.domain.workflow import CYCLE, parse_workflow, shipped_workflow
from portintel.domain.workflow_manual import render_manual
from portintel.errors import ConfigurationError, Conflict, InvalidInput, PermissionDenied

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "src/portintel/vocabularies/workflow.yaml").read_text(encoding="utf-8")
AUTHOR = Actor("u-author", "author", "immigration", frozenset({Role.OFFICER}))
SUPERVISOR = Actor("u-sup", "sup", "maritime-police", frozenset({Role.SUPERVISOR}))
ANALYST = Actor("u-ana", "ana", "immigration", frozenset({Role.ANALYST}))


def _edited(change: object) -> str:
    data = yaml.safe_load(SHIPPED)
    change(data)  # type: ignore[operator]
    return yaml.safe_dump(data)


def test_the_shipped_workflow_follows_the_cycle() -> None:
    workflow = shipped_workflow()
    assert tuple(stage.id for stage in workflow.stages) == CYCLE
    assert {state.status for state in workflow.states} == set(ReportStatus)
    assert workflow.state(ReportStatus.SUBMITTED).stage == "evaluation"
    assert {ReportAction.RETURN, ReportAction.ARCHIVE} == NOTE_REQUIRED
    # every step the services implement, with an actor
    assert {step.action for step in workflow.steps} == set(ReportAction)


def test_a_node_may_let_analysts_evaluate_and_ask_a_note_on_submission(tmp_path: Path) -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        for step in data["steps"]:
            if step["action"] == "evaluate":
                step["actor"] = "analyst"
            if step["action"] == "submit":
                step["note"] = "required"

    path = tmp_path / "workflow.yaml"
    path.write_text(_edited(change), encoding="utf-8")
    workflow = load_workflow(path)
    assert (
        check_transition(
            ANALYST, ReportAction.EVALUATE, ReportStatus.SUBMITTED, "u-author", workflow=workflow
        )
        is ReportStatus.EVALUATED
    )
    with pytest.raises(PermissionDenied, match="only an analyst may evaluate"):
        check_transition(
            SUPERVISOR, ReportAction.EVALUATE, ReportStatus.SUBMITTED, "u-author", workflow=workflow
        )
    with pytest.raises(InvalidInput, match="needs a note"):
        check_transition(
            AUTHOR, ReportAction.SUBMIT, ReportStatus.DRAFT, "u-author", workflow=workflow
        )
    assert ReportAction.EVALUATE in allowed_actions(
        ANALYST, ReportStatus.SUBMITTED, "u-author", workflow=workflow
    )
    # the shipped workflow is unchanged
    with pytest.raises(PermissionDenied):
        check_transition(ANALYST, ReportAction.EVALUATE, ReportStatus.SUBMITTED, "u-author")


def test_a_step_the_node_left_out_is_refused() -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        data["steps"] = [s for s in data["steps"] if s["action"] != "withdraw"]

    workflow = parse_workflow(_edited(change), source="node.yaml")
    with pytest.raises(Conflict, match="no step 'withdraw'"):
        check_transition(
            AUTHOR, ReportAction.WITHDRAW, ReportStatus.DRAFT, "u-author", workflow=workflow
        )


def _drop_disseminate(data: dict) -> None:  # type: ignore[type-arg]
    data["steps"] = [s for s in data["steps"] if s["action"] != "disseminate"]


def _unknown_state(data: dict) -> None:  # type: ignore[type-arg]
    data["steps"][0]["to"] = "pending"


def _no_actor(data: dict) -> None:  # type: ignore[type-arg]
    del data["steps"][1]["actor"]


def _empty_actor(data: dict) -> None:  # type: ignore[type-arg]
    data["steps"][1]["actor"] = " "


def _unknown_actor(data: dict) -> None:  # type: ignore[type-arg]
    data["steps"][1]["actor"] = "chief"


def _unknown_stage(data: dict) -> None:  # type: ignore[type-arg]
    data["states"][0]["stage"] = "planning"


def _missing_state(data: dict) -> None:  # type: ignore[type-arg]
    data["states"] = data["states"][:-1]


def _unknown_step(data: dict) -> None:  # type: ignore[type-arg]
    data["steps"][0]["action"] = "publish"


def _bad_note(data: dict) -> None:  # type: ignore[type-arg]
    data["steps"][0]["note"] = "yes please"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_drop_disseminate, r"states\[disseminated\]: state 'disseminated' is unreachable"),
        (_unknown_state, r"steps\[submit\]\.to: unknown state 'pending'"),
        (_no_actor, r"steps\[evaluate\]\.actor: the step has no actor"),
        (_empty_actor, r"steps\[evaluate\]\.actor: the step has no actor"),
        (_unknown_actor, r"steps\[evaluate\]\.actor: unknown actor 'chief'"),
        (_unknown_stage, r"states\[draft\]\.stage: unknown stage 'planning'"),
        (_missing_state, r"states: state 'archived' is not described"),
        (_unknown_step, r"steps\[publish\]: unknown step 'publish'"),
        (_bad_note, r"steps\[submit\]\.note"),
    ],
)
def test_a_wrong_workflow_stops_the_node_with_the_file_and_the_entry(
    change: object, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=r"^node\.yaml: " + message) as raised:
        parse_workflow(_edited(change), source="node.yaml")
    assert raised.value.hint  # says what to do next


def test_an_unreadable_workflow_file_says_which_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="workflow_file"):
        load_workflow(tmp_path / "missing.yaml")
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        parse_workflow("steps: [", source="x.yaml")


def test_the_committed_manual_is_the_one_the_shipped_workflow_generates() -> None:
    committed = (ROOT / "docs/manual-of-operations.md").read_text(encoding="utf-8")
    assert committed == render_manual(shipped_workflow()), (
        "regenerate it: python -m portintel.reference.manual"
    )


def test_the_manual_says_who_does_what_at_each_stage() -> None:
    manual = render_manual(shipped_workflow())
    for stage in shipped_workflow().stages:
        assert f". {stage.label}" in manual
    assert "| Return to author | Submitted | Draft | A supervisor | required |" in manual

"""The workflow of a report as data: states, steps and the intelligence cycle they follow.

The shipped workflow (``portintel/vocabularies/workflow.yaml``) is the unit's
Manual of Operations: each state belongs to a stage of the intelligence cycle
(direction, collection, evaluation, collation, analysis, dissemination,
feedback), each step says from which states to which, who takes it (the
report's author or a role) and whether it needs a note. A node may replace it
(setting ``workflow_file``); :func:`parse_workflow` checks either when the node
starts and names the file and the entry of the first problem: an unknown state,
stage, step or actor, a state no step reaches, a step with no actor.

The states are the five statuses the store knows, and the steps the six the
services implement (evaluation sets a grading, dissemination names partners):
a node changes who acts, from where, with or without a note, and how each is
labelled and explained, not what a step does.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import yaml

from portintel.domain.actors import Actor, Role
from portintel.domain.report_fields import ReportStatus
from portintel.domain.vocabulary_data import VocabularyReader
from portintel.errors import ConfigurationError
from portintel.vocabularies import shipped_text

SHIPPED_PACKAGE = "portintel.vocabularies"
SHIPPED_FILE = "workflow.yaml"
AUTHOR = "author"
"""The actor of a step only the report's own author takes."""

CYCLE = (
    "direction",
    "collection",
    "evaluation",
    "collation",
    "analysis",
    "dissemination",
    "feedback",
)
"""The stages of the intelligence cycle, in order: a workflow describes each of them."""


class ReportAction(StrEnum):
    SUBMIT = "submit"
    EVALUATE = "evaluate"
    DISSEMINATE = "disseminate"
    ARCHIVE = "archive"
    WITHDRAW = "withdraw"
    RETURN = "return"


ACTORS: tuple[str, ...] = (AUTHOR, *(role.value for role in Role))
"""Who may be named as a step's actor."""


@dataclass(frozen=True, slots=True)
class Stage:
    id: str
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class State:
    status: ReportStatus
    label: str
    stage: str
    description: str


@dataclass(frozen=True, slots=True)
class Step:
    action: ReportAction
    label: str
    sources: frozenset[ReportStatus]
    target: ReportStatus
    actor: str
    """``author``, or the value of a :class:`Role`."""
    note_required: bool
    description: str

    def qualifies(self, actor: Actor, author_id: str) -> bool:
        """Whether ``actor`` may take this step on a report written by ``author_id``."""
        if actor.is_system:
            return True
        if self.actor == AUTHOR:
            return actor.user_id == author_id
        return actor.has(Role(self.actor))

    @property
    def actor_label(self) -> str:
        if self.actor == AUTHOR:
            return "the author"
        role = Role(self.actor).value.replace("_", " ")
        return f"{'an' if role[0] in 'aeiou' else 'a'} {role}"


@dataclass(frozen=True, slots=True)
class Workflow:
    source: str
    initial: ReportStatus
    stages: tuple[Stage, ...]
    states: tuple[State, ...]
    steps: tuple[Step, ...]

    def step(self, action: ReportAction) -> Step | None:
        for step in self.steps:
            if step.action is action:
                return step
        return None

    def state(self, status: ReportStatus) -> State:
        for state in self.states:
            if state.status is status:
                return state
        raise KeyError(status)  # every status is declared: parse_workflow checks it

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    @property
    def note_required(self) -> frozenset[ReportAction]:
        return frozenset(step.action for step in self.steps if step.note_required)


def parse_workflow(text: str, *, source: str) -> Workflow:
    """The workflow a YAML document describes; ConfigurationError naming the entry if wrong."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{source}: not valid YAML: {exc}") from exc
    return build_workflow(data, source=source)


def build_workflow(data: object, *, source: str) -> Workflow:
    reader = VocabularyReader(source)
    document = reader.mapping(data, "(document)")
    _only(reader, document, {"initial", "stages", "states", "steps"}, "(document)")
    stages = _stages(reader, document.get("stages"))
    states = _states(reader, document.get("states"), {stage.id for stage in stages})
    steps = _steps(reader, document.get("steps"))
    initial = _status(reader, reader.text(document, "initial", "(document)"), "initial")
    _reachable(reader, initial, states, steps)
    return Workflow(source, initial, stages, states, steps)


def _only(
    reader: VocabularyReader, entry: Mapping[str, object], allowed: set[str], section: str
) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise reader.fail(
            section,
            f"unknown key {unknown[0]!r}",
            hint=f"known keys: {', '.join(sorted(allowed))}",
        )


def _status(reader: VocabularyReader, value: str, section: str) -> ReportStatus:
    try:
        return ReportStatus(value)
    except ValueError:
        raise reader.fail(
            section,
            f"unknown state {value!r}",
            hint=f"the states a report can be in: {', '.join(s.value for s in ReportStatus)}",
        ) from None


def _stages(reader: VocabularyReader, value: object) -> tuple[Stage, ...]:
    stages: list[Stage] = []
    for index, item in enumerate(reader.sequence(value, "stages")):
        entry = reader.mapping(item, f"stages[{index}]")
        _only(reader, entry, {"id", "label", "description"}, f"stages[{index}]")
        stage_id = reader.text(entry, "id", f"stages[{index}]")
        if stage_id not in CYCLE:
            raise reader.fail(
                f"stages[{stage_id}]",
                f"unknown stage {stage_id!r}",
                hint=f"the stages of the intelligence cycle: {', '.join(CYCLE)}",
            )
        if any(stage.id == stage_id for stage in stages):
            raise reader.fail(f"stages[{stage_id}]", f"stage {stage_id!r} is described twice")
        section = f"stages[{stage_id}]"
        stages.append(
            Stage(
                stage_id,
                reader.text(entry, "label", section),
                reader.text(entry, "description", section),
            )
        )
    missing = [stage for stage in CYCLE if all(s.id != stage for s in stages)]
    if missing:
        raise reader.fail("stages", f"stage {missing[0]!r} is not described")
    order = {stage: position for position, stage in enumerate(CYCLE)}
    return tuple(sorted(stages, key=lambda stage: order[stage.id]))


def _states(reader: VocabularyReader, value: object, stage_ids: set[str]) -> tuple[State, ...]:
    states: list[State] = []
    for index, item in enumerate(reader.sequence(value, "states")):
        entry = reader.mapping(item, f"states[{index}]")
        _only(reader, entry, {"id", "label", "stage", "description"}, f"states[{index}]")
        status = _status(reader, reader.text(entry, "id", f"states[{index}]"), f"states[{index}]")
        section = f"states[{status.value}]"
        if any(state.status is status for state in states):
            raise reader.fail(section, f"state {status.value!r} is described twice")
        stage = reader.text(entry, "stage", section)
        if stage not in stage_ids:
            raise reader.fail(
                f"{section}.stage",
                f"unknown stage {stage!r}",
                hint=f"the stages of the intelligence cycle: {', '.join(CYCLE)}",
            )
        states.append(
            State(
                status,
                reader.text(entry, "label", section),
                stage,
                reader.text(entry, "description", section),
            )
        )
    missing = [status for status in ReportStatus if all(s.status is not status for s in states)]
    if missing:
        raise reader.fail(
            "states",
            f"state {missing[0].value!r} is not described",
            hint="describe every state a report can be in, even one no step leads to",
        )
    return tuple(states)


def _steps(reader: VocabularyReader, value: object) -> tuple[Step, ...]:
    steps: list[Step] = []
    keys = {"action", "label", "from", "to", "actor", "note", "description"}
    for index, item in enumerate(reader.sequence(value, "steps")):
        entry = reader.mapping(item, f"steps[{index}]")
        _only(reader, entry, keys, f"steps[{index}]")
        name = reader.text(entry, "action", f"steps[{index}]")
        section = f"steps[{name}]"
        try:
            action = ReportAction(name)
        except ValueError:
            raise reader.fail(
                section,
                f"unknown step {name!r}",
                hint=f"the steps portintel implements: {', '.join(a.value for a in ReportAction)}",
            ) from None
        if any(step.action is action for step in steps):
            raise reader.fail(section, f"step {name!r} is described twice")
        actor = entry.get("actor")
        if not isinstance(actor, str) or not actor.strip():
            raise reader.fail(
                f"{section}.actor",
                "the step has no actor",
                hint=f"name who takes it: {', '.join(ACTORS)}",
            )
        if actor.strip() not in ACTORS:
            raise reader.fail(
                f"{section}.actor",
                f"unknown actor {actor!r}",
                hint=f"name who takes it: {', '.join(ACTORS)}",
            )
        sources = frozenset(
            _status(reader, reader.code(source, f"{section}.from"), f"{section}.from")
            for source in reader.sequence(entry.get("from"), f"{section}.from")
        )
        if not sources:
            raise reader.fail(f"{section}.from", "the step starts from no state")
        note = entry.get("note", "optional")
        if note not in ("required", "optional"):
            raise reader.fail(f"{section}.note", f"{note!r}: write required or optional")
        steps.append(
            Step(
                action=action,
                label=reader.text(entry, "label", section),
                sources=sources,
                target=_status(reader, reader.text(entry, "to", section), f"{section}.to"),
                actor=actor.strip(),
                note_required=note == "required",
                description=reader.text(entry, "description", section),
            )
        )
    if not steps:
        raise reader.fail("steps", "no steps are described")
    return tuple(steps)


def _reachable(
    reader: VocabularyReader,
    initial: ReportStatus,
    states: tuple[State, ...],
    steps: tuple[Step, ...],
) -> None:
    """Every state a report can be in is reached from the initial one by some steps."""
    reached = {initial}
    frontier = [initial]
    while frontier:
        status = frontier.pop()
        for step in steps:
            if status in step.sources and step.target not in reached:
                reached.add(step.target)
                frontier.append(step.target)
    for state in states:
        if state.status not in reached:
            raise reader.fail(
                f"states[{state.status.value}]",
                f"state {state.status.value!r} is unreachable: no step leads to it "
                f"from {initial.value!r}",
                hint="add a step whose `to` is this state, or start a step from a state "
                "that leads to it",
            )


@functools.cache
def shipped_workflow() -> Workflow:
    """The workflow portintel ships (package data), parsed once per process."""
    try:
        text = shipped_text(SHIPPED_FILE)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read {SHIPPED_FILE} from {SHIPPED_PACKAGE}: {exc}",
            hint="reinstall portintel; the workflow ships as package data",
        ) from exc
    return parse_workflow(text, source=SHIPPED_FILE)

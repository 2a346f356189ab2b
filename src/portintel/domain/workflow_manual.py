"""The Manual of Operations: the workflow of reports as a document for the unit's staff.

Generated from the configured workflow (:mod:`portintel.domain.workflow`), so
the manual says what the node does: who does what at each step, stage by
stage of the intelligence cycle. ``python -m portintel.reference.manual``
writes it; a test fails when the committed ``docs/manual-of-operations.md``
differs from what the shipped workflow generates.
"""

from __future__ import annotations

from portintel.domain.workflow import AUTHOR, Workflow

ACTOR_LABELS = {
    AUTHOR: "The report's author",
    "officer": "An officer",
    "analyst": "An analyst",
    "supervisor": "A supervisor",
    "source_handler": "A source handler",
    "administrator": "An administrator",
}


def render_manual(workflow: Workflow) -> str:
    """The manual as Markdown, one section per stage of the cycle."""
    lines = [
        "# Manual of Operations: the intelligence cycle in portintel",
        "",
        "<!-- generated from the workflow file by `python -m portintel.reference.manual`;"
        " do not edit by hand -->",
        "",
        "Every report follows the unit's workflow through the stages of the intelligence",
        "cycle. This manual is generated from the workflow the node runs "
        f"(`{workflow.source}`): it says, stage by stage, what state a report is in and who",
        "moves it on. Every step is recorded in the report's history and in the audit log.",
        "",
        f"A new report starts as **{workflow.state(workflow.initial).label}**.",
        "",
        "## At a glance",
        "",
        "| Step | From | To | Who | Note |",
        "| --- | --- | --- | --- | --- |",
    ]
    for step in workflow.steps:
        sources = ", ".join(
            workflow.state(state.status).label
            for state in workflow.states
            if state.status in step.sources
        )
        lines.append(
            f"| {step.label} | {sources} | {workflow.state(step.target).label} | "
            f"{ACTOR_LABELS[step.actor]} | {'required' if step.note_required else 'optional'} |"
        )
    lines.append("")
    for number, stage in enumerate(workflow.stages, start=1):
        lines += [f"## {number}. {stage.label}", "", stage.description, ""]
        states = [state for state in workflow.states if state.stage == stage.id]
        if not states:
            lines += ["No report state belongs to this stage: it happens around the reports.", ""]
        for state in states:
            lines += [f"### {state.label}", "", state.description, ""]
            leaving = [step for step in workflow.steps if state.status in step.sources]
            if not leaving:
                lines += ["No step leads out of this state.", ""]
            for step in leaving:
                words = (
                    " They must write a note saying why; the author and the record keep it."
                    if step.note_required
                    else ""
                )
                lines.append(
                    f"- **{step.label}** ({ACTOR_LABELS[step.actor].lower()} → "
                    f"{workflow.state(step.target).label}): {step.description}{words}"
                )
            lines.append("")
    lines += [
        "## Around every step",
        "",
        "- Anyone who may read a report may comment on it, and on an entity it names; a"
        " comment is seen only by those who may read what it is about.",
        "- A supervisor assigns a submitted report to an analyst or supervisor for evaluation,"
        " with a deadline if needed; the report list filters the reports assigned to me.",
        "- Each user's notifications (the bell in the header) say when their report was"
        " returned, commented, when a report was assigned to them, and when its deadline is"
        " near or past; by e-mail too when the node has an SMTP server configured.",
        "",
    ]
    return "\n".join(lines)

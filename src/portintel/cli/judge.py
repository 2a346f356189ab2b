"""CLI: ``portintel judge LEFT RIGHT same|different|unsure`` and ``--undo``.

A judgement says two entities are the same (they merge: every read shows
one canonical entity with both entities' statements, within each reader's
scope), different (they stay apart, and no chain of *same* judgements may
join them) or that the judge is unsure (kept out of the review queue).
Statements are never changed: ``--undo`` retracts the judgement in force on
the pair and the entities are as before. ``portintel entity history ID``
lists an entity's judgements.
"""

from __future__ import annotations

from typing import Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.reports import AsUser, acting_user


def judge_command(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="One entity id (ent-...).")],
    right: Annotated[str, typer.Argument(help="The other entity id.")],
    verdict: Annotated[
        str, typer.Argument(help="same, different or unsure (ignored with --undo).")
    ] = "same",
    as_user: AsUser = "",
    reason: Annotated[
        str | None, typer.Option(help="Why, kept with the judgement in the merge history.")
    ] = None,
    undo: Annotated[
        bool, typer.Option("--undo", help="Retract the judgement in force on the pair.")
    ] = False,
) -> None:
    """Judge two entities the same, different or unsure (audited, reversible with --undo)."""
    if not as_user:
        raise typer.BadParameter("name the user to act as: --as USER or PORTINTEL_USER")
    from portintel.domain.resolution import parse_verdict
    from portintel.services.collation import judgements

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    if undo:
        outcome = judgements.undo(ws, actor, left, right)
        done = f"undid {outcome.judgement.verdict.value}"
    else:
        outcome = judgements.judge(ws, actor, left, right, parse_verdict(verdict), reason=reason)
        done = f"judged {outcome.judgement.verdict.value}"
    console.print(f"{done} {outcome.judgement.left} {outcome.judgement.right}: {outcome.change}")
    shown = {outcome.left.canonical_id: outcome.left, outcome.right.canonical_id: outcome.right}
    for entity in shown.values():
        console.print(f"{entity.canonical_id}: {' '.join(entity.member_ids)}")

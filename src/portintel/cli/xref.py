"""CLI: ``portintel xref`` (candidate pairs) and ``portintel xref evaluate-names``.

``portintel xref`` proposes pairs of entities that may be the same, among
the entities the acting user may read: each with its score, its decision
(``merge`` by a strong-identifier rule, ``review`` for the analysts' queue,
``none``) and the features that explain it. ``--format csv`` or ``jsonl``
print data for scripts; the default is a table.
"""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from portintel.cli.context import console, context_of, error_console
from portintel.cli.help_format import FlagHelpGroup
from portintel.cli.reports import AsUser, acting_user

if TYPE_CHECKING:
    from portintel.domain.xref import CandidatePair
    from portintel.services.training.demo_resolution import ResolutionReport

app = typer.Typer(
    cls=FlagHelpGroup,
    help="Cross-reference entities: pairs that may be the same, with score and reasons.",
    invoke_without_command=True,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSONL = "jsonl"


def pair_json(pair: CandidatePair) -> dict[str, Any]:
    """The JSON form of a candidate pair, explanation as a list of features."""
    return {
        "left": pair.left,
        "right": pair.right,
        "score": pair.score,
        "decision": pair.decision.value,
        "rule": pair.rule,
        "reason": pair.reason,
        "version": pair.version,
        "explanation": [
            {"feature": f.name, "contribution": round(f.contribution, 3), "detail": f.detail}
            for f in pair.features
        ],
    }


@app.callback()
def xref_command(
    ctx: typer.Context,
    as_user: AsUser = "",
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table, csv or jsonl.")
    ] = OutputFormat.TABLE,
    min_score: Annotated[
        float, typer.Option(help="Leave out pairs scoring below this (0 to 1).")
    ] = 0.3,
    review_threshold: Annotated[
        float | None,
        typer.Option(help="Score from which a pair goes to review (default: the setting)."),
    ] = None,
) -> None:
    """Propose pairs of entities you may read that may be the same (all of them, now)."""
    if ctx.invoked_subcommand is not None:
        return
    if not as_user:
        raise typer.BadParameter("name the user to act as: --as USER or PORTINTEL_USER")
    from portintel.services.collation.xref import cross_reference_entities, policy_of

    ws = context_of(ctx).workspace()
    changes: dict[str, float] = {"min_score": min_score}
    if review_threshold is not None:
        changes["review_threshold"] = review_threshold
    policy = policy_of(ws.settings, **changes)
    run = cross_reference_entities(ws, acting_user(ws, as_user), policy=policy)
    if output_format is OutputFormat.JSONL:
        for pair in run.pairs:
            sys.stdout.write(json.dumps(pair_json(pair), ensure_ascii=False) + "\n")
    elif output_format is OutputFormat.CSV:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(("left", "right", "score", "decision", "rule", "explanation"))
        for pair in run.pairs:
            writer.writerow(
                (pair.left, pair.right, pair.score, pair.decision.value, pair.rule or "",
                 pair.explanation)
            )  # fmt: skip
    else:
        _print_table(run.pairs)
    from portintel.domain.xref import Decision

    error_console.print(
        f"{run.entities} entities, {len(run.pairs)} pairs: "
        f"{run.count(Decision.MERGE)} merge, {run.count(Decision.REVIEW)} review, "
        f"{run.count(Decision.NONE)} none"
    )


def _print_table(pairs: tuple[CandidatePair, ...]) -> None:
    from rich.markup import escape
    from rich.table import Column, Table

    table = Table(
        Column("left", no_wrap=True),
        Column("right", no_wrap=True),
        Column("score", no_wrap=True),
        Column("decision", no_wrap=True),
        Column("explanation", overflow="fold"),
    )
    for pair in pairs:
        table.add_row(
            pair.left, pair.right, f"{pair.score:.3f}", pair.decision.value,
            escape(pair.explanation),
        )  # fmt: skip
    console.print(table)


@app.command("evaluate-names")
def evaluate_names_command(
    file: Annotated[
        Path | None,
        typer.Option(help="A labelled CSV of the same columns (default: the shipped set)."),
    ] = None,
    show_misses: Annotated[
        bool, typer.Option("--show-misses", help="List the pairs decided wrongly.")
    ] = False,
) -> None:
    """Review recall and automatic-merge precision on labelled cross-script name pairs."""
    from portintel.services.collation.xref import evaluate_name_pairs

    report = evaluate_name_pairs(file)
    console.print(
        f"labelled pairs: {len(report.outcomes)} "
        f"({report.positives} same person, {report.negatives} different)"
    )
    console.print(f"review-queue recall: {report.review_recall:.3f}")
    merges = f"({report.merges} merges)"
    console.print(f"automatic-merge precision: {report.merge_precision:.3f} {merges}")
    console.print(f"review-queue precision: {report.review_precision:.3f}")
    kinds: dict[str, list[bool]] = {}
    for outcome in report.outcomes:
        right = (outcome.decision.value != "none") == outcome.pair.same
        kinds.setdefault(outcome.pair.kind, []).append(right)
    for kind, results in sorted(kinds.items()):
        console.print(f"  {kind}: {sum(results)}/{len(results)} decided right")
    if show_misses:
        for outcome in report.misses:
            console.print(
                f"  miss {outcome.pair.id}: {outcome.pair.left['name']} | "
                f"{outcome.pair.right['name']} -> {outcome.decision.value} {outcome.score:.3f}"
            )


@app.command("evaluate-demo")
def evaluate_demo_command(
    ctx: typer.Context,
    as_user: Annotated[
        str,
        typer.Option(
            "--as",
            help="Read as this user (their scope applies); default: every entity, as the system.",
        ),
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Pairwise precision and recall of collation on the demo, against the scenario's truth."""
    from portintel.domain.actors import SYSTEM
    from portintel.services.training.demo_resolution import GOAL, evaluate_demo_resolution

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user) if as_user else SYSTEM
    report = evaluate_demo_resolution(ws, actor)
    if as_json:
        sys.stdout.write(json.dumps(resolution_json(report), indent=2) + "\n")
        return
    console.print(
        f"demo of seed {report.seed}, {report.reports} reports: {report.truth_entities} "
        f"entities in the truth, read as {report.reader}"
        + (f" ({report.out_of_scope} out of scope, left out)" if report.out_of_scope else ""),
        highlight=False,
    )
    for schema in report.schemata:
        console.print(
            f"{schema.schema}: {schema.entities} entities written, {schema.after_merges} after "
            f"merges, {schema.after_review} if every review pair were accepted; "
            f"{schema.cast} in the cast; {schema.review_pairs} pairs for review",
            highlight=False,
        )
        for label, counts in (
            ("merges", schema.merges),
            ("merges + review", schema.merges_and_review),
        ):
            console.print(
                f"  {label:<16} precision {counts.precision:.3f}  recall {counts.recall:.3f}  "
                f"({counts.correct_pairs} of {counts.predicted_pairs} pairs right, "
                f"{counts.true_pairs} true)",
                highlight=False,
            )
    verdict = "met" if report.meets() else "NOT met"
    console.print(
        f"goal: merge precision, and merge + review precision and recall >= {GOAL}: {verdict}",
        highlight=False,
    )


def resolution_json(report: ResolutionReport) -> dict[str, Any]:
    """The JSON form of a demo resolution report."""
    return {
        "seed": report.seed,
        "reports": report.reports,
        "reader": report.reader,
        "truth_entities": report.truth_entities,
        "out_of_scope": report.out_of_scope,
        "meets_goal": report.meets(),
        "schemata": {
            schema.schema: {
                "entities": schema.entities,
                "cast": schema.cast,
                "after_merges": schema.after_merges,
                "after_review": schema.after_review,
                "review_pairs": schema.review_pairs,
                **{
                    label: {
                        "precision": round(counts.precision, 4),
                        "recall": round(counts.recall, 4),
                        "correct_pairs": counts.correct_pairs,
                        "predicted_pairs": counts.predicted_pairs,
                        "true_pairs": counts.true_pairs,
                    }
                    for label, counts in (
                        ("merges", schema.merges),
                        ("merges_and_review", schema.merges_and_review),
                    )
                },
            }
            for schema in report.schemata
        },
    }


@app.command("refresh")
def refresh_command(ctx: typer.Context) -> None:
    """Propose every pair again and keep them for the review queue (as the system)."""
    from portintel.services.collation.xref_queue import refresh_candidates

    kept = refresh_candidates(context_of(ctx).workspace())
    console.print(f"{kept} pairs kept for review")


@app.command("queue")
def queue_command(
    ctx: typer.Context,
    as_user: AsUser,
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 50,
) -> None:
    """The review queue as you may see it: kept pairs, decided again on what you may read."""
    from portintel.services.collation.xref_queue import review_queue

    ws = context_of(ctx).workspace()
    _print_table(tuple(review_queue(ws, acting_user(ws, as_user), limit=limit)))

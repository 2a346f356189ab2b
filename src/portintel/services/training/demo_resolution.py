"""How well collation resolves the demo: pairwise precision and recall against its truth.

The demo's truth (:mod:`~portintel.services.training.demo_truth`) says which
cast member each stored entity is. The resolution measured is what a reader
gets from the node: the clusters the judgements made (the automatic rules'
merges, applied when the demo is built, and any analyst's), joined by the
pairs ``portintel xref`` decides ``merge`` now, and, separately, with the
pairs it sends to review as well. Pairs are counted over the entities the
reader may read, per schema:

* *merges*: the pairs of entities in one cluster (merges are transitive);
* *merges and review*: those, plus for each pair sent to review the pairs of
  entities it would join; review pairs are not chained, since an analyst
  judges each one (:func:`portintel.domain.xref.pairwise.pairwise_quality`).

Beside them: the entities before resolution, after the merges, and if every
review pair were accepted, against the cast members behind them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portintel.domain.actors import SYSTEM, Actor
from portintel.domain.xref import Decision
from portintel.domain.xref.pairwise import PairCounts, joined, pairwise_quality
from portintel.services.collation import cross_reference_entities, readable_ids, stored_mapping
from portintel.services.training.demo_truth import (
    TRUTH_FILE,
    DemoTruth,
    demo_truth,
    read_truth,
    stored_demo,
    write_truth,
)
from portintel.services.workspace import Workspace

GOAL = 0.95
"""Issue #12: pairwise precision and recall of at least 0.95 on the demo."""

SCHEMATA = ("Person", "Vessel", "Organization")

Step = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class SchemaResolution:
    """The resolution of one schema's entities against the cast."""

    schema: str
    entities: int
    """Entities of the schema the reader may read (before resolution)."""
    cast: int
    """Cast members behind them."""
    after_merges: int
    after_review: int
    """Entities if every pair sent to review were accepted (chained)."""
    review_pairs: int
    merges: PairCounts
    merges_and_review: PairCounts

    def meets(self, goal: float = GOAL) -> bool:
        return self.merges.precision >= goal and self.merges_and_review.meets(goal)


@dataclass(frozen=True, slots=True)
class ResolutionReport:
    seed: int
    reports: int
    reader: str
    truth_entities: int
    out_of_scope: int
    """Entities of the truth the reader may not read (left out of every count)."""
    schemata: tuple[SchemaResolution, ...]

    def meets(self, goal: float = GOAL) -> bool:
        return all(schema.meets(goal) for schema in self.schemata)


def load_or_build_truth(ws: Workspace) -> DemoTruth:
    """The truth file of the demo in ``ws`` (written when missing or of another demo)."""
    seed, reports = stored_demo(ws)
    path = ws.settings.data_dir / TRUTH_FILE
    if path.exists():
        truth = read_truth(path)
        if (truth.seed, truth.reports) == (seed, reports):
            return truth
    truth = demo_truth(ws, seed, reports)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_truth(path, truth)
    return truth


def evaluate_demo_resolution(
    ws: Workspace, actor: Actor = SYSTEM, *, step: Step | None = None
) -> ResolutionReport:
    """Cross-reference the demo in ``ws`` as ``actor`` and score the result against its truth."""
    if step is not None:
        step("reading the demo's truth")
    truth = load_or_build_truth(ws)
    with ws.engine.connect() as connection:
        mapping = stored_mapping(connection)
        readable = readable_ids(connection, actor, truth.cast_of)
    if step is not None:
        step("cross-referencing")
    run = cross_reference_entities(ws, actor)
    merges = [(p.left, p.right) for p in run.pairs if p.decision is Decision.MERGE]
    reviews = [(p.left, p.right) for p in run.pairs if p.decision is Decision.REVIEW]
    results = []
    for schema in SCHEMATA:
        things = {
            entity: thing for entity, thing in truth.of_schema(schema).items() if entity in readable
        }
        if not things:
            continue
        clusters = {entity: mapping.get(entity, entity) for entity in things}
        merged = joined(clusters, merges)
        linked = [(merged.get(a, a), merged.get(b, b)) for a, b in reviews]
        accepted = joined(merged, linked)
        results.append(
            SchemaResolution(
                schema=schema,
                entities=len(things),
                cast=len(set(things.values())),
                after_merges=len({merged[entity] for entity in things}),
                after_review=len({accepted[entity] for entity in things}),
                review_pairs=sum(1 for a, b in reviews if a in things and b in things),
                merges=pairwise_quality(things, merged),
                merges_and_review=pairwise_quality(things, merged, linked),
            )
        )
    return ResolutionReport(
        seed=truth.seed,
        reports=truth.reports,
        reader=actor.username,
        truth_entities=len(truth.cast_of),
        out_of_scope=len(set(truth.cast_of) - readable),
        schemata=tuple(results),
    )

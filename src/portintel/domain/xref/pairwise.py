"""Pairwise precision and recall of a resolution against a known truth.

A resolution puts entities in clusters (one cluster, one real-world thing);
the truth says which thing each entity is. Every pair of entities in one
cluster is a predicted pair, every pair of entities of one thing a true
pair: precision is the share of predicted pairs that are true, recall the
share of true pairs predicted. Counted from the contingency of clusters and
things, never by listing pairs, so a cluster of a thousand costs no more
than one of two.

Pairs proposed for review are not transitive: an analyst judges each one.
:func:`pairwise_quality` counts each proposed pair of clusters as the pairs
of entities it would join (``linked``), without chaining them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairCounts:
    """Pairs that are true, predicted, and both."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def meets(self, goal: float) -> bool:
        return self.precision >= goal and self.recall >= goal


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def pairwise_quality(
    truth: Mapping[str, str],
    cluster_of: Mapping[str, str],
    linked: Iterable[tuple[str, str]] = (),
) -> PairCounts:
    """Pair counts of the entities of ``truth`` (entity -> thing) under ``cluster_of``
    (entity -> cluster; an entity absent from it is a cluster of its own), with the
    pairs of clusters ``linked`` counted as joined, each on its own."""
    clusters: dict[str, Counter[str]] = {}
    for entity, thing in truth.items():
        clusters.setdefault(cluster_of.get(entity, entity), Counter())[thing] += 1
    things = Counter(truth.values())
    true_pairs = sum(_pairs(count) for count in things.values())
    predicted = sum(_pairs(sum(members.values())) for members in clusters.values())
    correct = sum(_pairs(count) for members in clusters.values() for count in members.values())
    seen: set[tuple[str, str]] = set()
    for left, right in linked:
        key = (left, right) if left < right else (right, left)
        if left == right or key in seen or left not in clusters or right not in clusters:
            continue
        seen.add(key)
        a, b = clusters[left], clusters[right]
        predicted += sum(a.values()) * sum(b.values())
        correct += sum(count * b[thing] for thing, count in a.items())
    return PairCounts(true_pairs, predicted, correct)


def joined(cluster_of: Mapping[str, str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``cluster_of`` with the clusters of each pair made one (transitively): the
    smallest cluster id of a group names it. Ids absent from ``cluster_of`` are
    their own cluster."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.get(node, node) != node:
            parent[node] = parent.get(parent[node], parent[node])
            node = parent[node]
        return node

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    result = {entity: root(cluster) for entity, cluster in cluster_of.items()}
    for node in parent:
        result.setdefault(node, root(node))
    return result

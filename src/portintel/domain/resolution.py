"""Identity by resolution: judgements on pairs of entities, and the clusters they make.

nomenklatura's ``Resolver`` semantics over plain data. A judgement says of
two entity ids that they are the *same*, *different*, or that the judge is
*unsure*; each pair has at most one judgement in force (the latest one not
retracted), the older ones stay as history. Clusters are the connected
components of the *same* edges, except that a *different* judgement blocks
a transitive merge: a *same* edge that would join two clusters between
which some *different* judgement stands is not applied (it is *blocked*).
*Same* edges are applied in the order they were made, so when A=B and B=C
were judged and then A≠C, B=C (the link that would make A and C one) is
blocked and {A, B}, {C} remain: judging different splits. *Unsure* edges
join nothing; they keep a pair out of the review queue.

The canonical id of a cluster is its smallest member id: an entity id that
exists (links and bookmarks to any member keep working) and that a split
gives back to its own entity. Nothing here touches statements: a merge is
a mapping from member ids to a canonical id, computed from judgements.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from portintel.errors import InvalidInput

SYSTEM_JUDGE = "system"
"""``judged_by`` of an automatic judgement; its ``rule`` names the rule, ``id@version``."""


class Verdict(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"


def parse_verdict(text: str) -> Verdict:
    """The verdict ``text`` names (``same``, ``different``, ``unsure``), or InvalidInput."""
    try:
        return Verdict(text.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"unknown judgement {text!r}", field="verdict", hint="same, different or unsure"
        ) from None


def ordered_pair(left: str, right: str) -> tuple[str, str]:
    """The pair in id order; InvalidInput when it is one entity twice or an id is empty."""
    left, right = left.strip(), right.strip()
    if not left or not right:
        raise InvalidInput("a judgement needs two entity ids", field="entity")
    if left == right:
        raise InvalidInput(f"{left} is one entity: judge two different ones", field="entity")
    return (left, right) if left < right else (right, left)


@dataclass(frozen=True, slots=True)
class Judgement:
    """One judgement as recorded (``left < right``)."""

    id: str
    left: str
    right: str
    verdict: Verdict
    judged_by: str
    judged_at: datetime
    rule: str | None = None
    reason: str | None = None
    retracted_at: datetime | None = None
    retracted_by: str | None = None

    @property
    def pair(self) -> tuple[str, str]:
        return self.left, self.right

    @property
    def automatic(self) -> bool:
        return self.judged_by == SYSTEM_JUDGE


def in_force(judgements: Iterable[Judgement]) -> list[Judgement]:
    """The judgement in force for each pair, oldest first: its latest one not retracted
    (undoing a judgement gives force back to the one it superseded, if any)."""
    latest: dict[tuple[str, str], Judgement] = {}
    for judgement in sorted(judgements, key=lambda j: (j.judged_at, j.id)):
        if judgement.retracted_at is None:
            latest[judgement.pair] = judgement
    return sorted(latest.values(), key=lambda j: (j.judged_at, j.id))


@dataclass(frozen=True, slots=True)
class Resolution:
    """Clusters of entity ids: ``canonical`` maps each member of a cluster of two or more
    to its canonical id; an id not in it is its own canonical entity."""

    canonical: Mapping[str, str]
    blocked: frozenset[str] = field(default_factory=frozenset)
    """Ids of *same* judgements in force that a *different* judgement blocks."""

    def canonical_id(self, entity_id: str) -> str:
        return self.canonical.get(entity_id, entity_id)

    def members(self, entity_id: str) -> tuple[str, ...]:
        """Every id of the cluster ``entity_id`` belongs to, in id order (itself if alone)."""
        canonical = self.canonical_id(entity_id)
        found = sorted(member for member, c in self.canonical.items() if c == canonical)
        return tuple(found) if found else (entity_id,)

    def clusters(self) -> list[tuple[str, ...]]:
        by_canonical: dict[str, list[str]] = {}
        for member, canonical in self.canonical.items():
            by_canonical.setdefault(canonical, []).append(member)
        return [tuple(sorted(members)) for _, members in sorted(by_canonical.items())]


def resolve(judgements: Iterable[Judgement]) -> Resolution:
    """The clusters the judgements in force make (see the module docstring)."""
    current = in_force(judgements)
    parent: dict[str, str] = {}
    members: dict[str, set[str]] = {}
    different: dict[str, set[str]] = {}  # root -> ids judged different from a member

    def root(entity_id: str) -> str:
        parent.setdefault(entity_id, entity_id)
        while parent[entity_id] != entity_id:
            parent[entity_id] = parent[parent[entity_id]]
            entity_id = parent[entity_id]
        return entity_id

    def cluster(entity_id: str) -> set[str]:
        return members.setdefault(root(entity_id), {root(entity_id)})

    for judgement in current:
        if judgement.verdict is Verdict.DIFFERENT:
            different.setdefault(root(judgement.left), set()).add(judgement.right)
            different.setdefault(root(judgement.right), set()).add(judgement.left)
    blocked: set[str] = set()
    for judgement in current:
        if judgement.verdict is not Verdict.SAME:
            continue
        a, b = root(judgement.left), root(judgement.right)
        if a == b:
            continue
        left_members, right_members = cluster(a), cluster(b)
        if different.get(a, set()) & right_members or different.get(b, set()) & left_members:
            blocked.add(judgement.id)
            continue
        parent[b] = a
        members[a] = left_members | right_members
        members.pop(b, None)
        different[a] = different.get(a, set()) | different.pop(b, set())
    canonical: dict[str, str] = {}
    for group in members.values():
        if len(group) > 1:
            smallest = min(group)
            for member in group:
                canonical[member] = smallest
    return Resolution(canonical=canonical, blocked=frozenset(blocked))


def system_may_judge(pair: tuple[str, str], history: Iterable[Judgement]) -> bool:
    """Whether an automatic rule may judge ``pair``: only if nobody ever judged it
    (a retracted or overruled automatic merge is not made again)."""
    return not any(judgement.pair == pair for judgement in history)

"""Cross-referencing a set of entities: blocking, scoring and a decision per pair.

Pure: profiles in, candidate pairs out. Each pair carries its score, a
decision (``merge`` by a strong-identifier rule only, ``review`` from the
score, else ``none``) and the features that explain it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from portintel.domain.xref.blocking import MAX_BLOCK, candidate_pairs
from portintel.domain.xref.profiles import Profile
from portintel.domain.xref.rules import RULES, first_merge_rule
from portintel.domain.xref.scoring import SCORING_VERSION, Feature, score_pair


class Decision(StrEnum):
    MERGE = "merge"
    REVIEW = "review"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class XrefPolicy:
    """How pairs are decided; every field has its default here, built per call."""

    review_threshold: float = 0.5
    """Score from which a pair goes to the review queue."""
    min_score: float = 0.0
    """Pairs scoring below are not returned at all."""
    max_block: int = MAX_BLOCK
    rules: frozenset[str] = field(default_factory=lambda: frozenset(RULES))
    """Enabled automatic-merge rules by id (:data:`portintel.domain.xref.rules.RULES`)."""


@dataclass(frozen=True, slots=True)
class CandidatePair:
    left: str
    right: str
    score: float
    decision: Decision
    features: tuple[Feature, ...]
    rule: str | None = None
    """The merge rule's id when ``decision`` is merge."""
    reason: str | None = None
    version: str = SCORING_VERSION

    @property
    def explanation(self) -> str:
        parts = [f"{f.name} {f.contribution:+.2f} ({f.detail})" for f in self.features]
        if self.rule:
            parts.insert(0, f"rule {self.rule}: {self.reason}")
        return "; ".join(parts)


def decide(left: Profile, right: Profile, policy: XrefPolicy) -> CandidatePair:
    """Score one pair and decide it (left and right in id order)."""
    if right.id < left.id:
        left, right = right, left
    scored = score_pair(left, right)
    merged = first_merge_rule(left, right, scored.name_similarity, policy.rules)
    if merged is not None:
        decision = Decision.MERGE
    elif scored.score >= policy.review_threshold:
        decision = Decision.REVIEW
    else:
        decision = Decision.NONE
    return CandidatePair(
        left.id,
        right.id,
        round(scored.score, 4),
        decision,
        scored.features,
        rule=merged[0] if merged else None,
        reason=merged[1] if merged else None,
    )


def cross_reference(
    profiles: Sequence[Profile],
    policy: XrefPolicy | None = None,
    *,
    only: frozenset[str] | None = None,
) -> Iterator[CandidatePair]:
    """Candidate pairs among ``profiles`` scoring at least the policy's ``min_score``;
    with ``only``, just the pairs with at least one of those entity ids (incremental)."""
    policy = policy or XrefPolicy()
    for i, j in candidate_pairs(profiles, max_block=policy.max_block):
        left, right = profiles[i], profiles[j]
        if only is not None and left.id not in only and right.id not in only:
            continue
        if left.family != right.family:
            continue
        pair = decide(left, right, policy)
        if pair.score >= policy.min_score or pair.decision is Decision.MERGE:
            yield pair

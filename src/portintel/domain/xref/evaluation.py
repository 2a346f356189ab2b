"""Measuring cross-referencing on labelled name pairs: review recall, merge precision.

The labelled set (``vocabularies/name_pairs.csv``, sources in
``name_pairs-SOURCES.md``) holds pairs of names of one person in two
writings (native script against romanised, old and new spellings, word
order) and hard negatives (different people with the same surname, a name
contained in another, namesakes with different birth dates, a passport
number shared on purpose). Each side may carry a birth date, nationality
and passport number. Each pair is decided exactly as ``portintel xref``
decides it, blocking included: a pair blocking never proposes counts as
``none``.

* review-queue recall: same-person pairs decided ``merge`` or ``review``;
* automatic-merge precision: pairs decided ``merge`` that are the same person.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from portintel.domain.names import NameVariants
from portintel.domain.xref.candidates import CandidatePair, Decision, XrefPolicy, cross_reference
from portintel.domain.xref.profiles import build_profile
from portintel.errors import InvalidInput

COLUMNS = (
    "id", "left", "right", "same", "kind", "left_birth_date", "right_birth_date",
    "left_nationality", "right_nationality", "left_passport", "right_passport", "source",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LabelledPair:
    id: str
    left: dict[str, str]
    right: dict[str, str]
    same: bool
    kind: str
    source: str


@dataclass(frozen=True, slots=True)
class PairOutcome:
    pair: LabelledPair
    decision: Decision
    score: float
    explanation: str


@dataclass(frozen=True, slots=True)
class NamePairsReport:
    outcomes: tuple[PairOutcome, ...]

    @property
    def positives(self) -> int:
        return sum(1 for o in self.outcomes if o.pair.same)

    @property
    def negatives(self) -> int:
        return len(self.outcomes) - self.positives

    @property
    def review_recall(self) -> float:
        found = sum(1 for o in self.outcomes if o.pair.same and o.decision is not Decision.NONE)
        return found / self.positives if self.positives else 1.0

    @property
    def merges(self) -> int:
        return sum(1 for o in self.outcomes if o.decision is Decision.MERGE)

    @property
    def merge_precision(self) -> float:
        """Same-person share of the automatic merges (1.0 when nothing merged)."""
        right = sum(1 for o in self.outcomes if o.decision is Decision.MERGE and o.pair.same)
        return right / self.merges if self.merges else 1.0

    @property
    def review_precision(self) -> float:
        proposed = [o for o in self.outcomes if o.decision is not Decision.NONE]
        right = sum(1 for o in proposed if o.pair.same)
        return right / len(proposed) if proposed else 1.0

    @property
    def misses(self) -> tuple[PairOutcome, ...]:
        """Same-person pairs left out of review, and different people merged or reviewed."""
        return tuple(
            o
            for o in self.outcomes
            if (o.pair.same and o.decision is Decision.NONE)
            or (not o.pair.same and o.decision is not Decision.NONE)
        )


def parse_name_pairs(text: str, *, source: str = "name_pairs.csv") -> list[LabelledPair]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise InvalidInput(f"{source}: expected the columns {', '.join(COLUMNS)}", field="file")
    pairs = []
    for row in reader:
        if row["same"] not in ("0", "1") or not row["left"] or not row["right"]:
            raise InvalidInput(
                f"{source}: line {reader.line_num}: needs left, right and same (0 or 1)",
                field="file",
            )
        sides = []
        for side in ("left", "right"):
            values = {"name": row[side]}
            for column, prop in (
                ("birth_date", "birthDate"),
                ("nationality", "nationality"),
                ("passport", "passportNumber"),
            ):
                if row[f"{side}_{column}"]:
                    values[prop] = row[f"{side}_{column}"]
            sides.append(values)
        pairs.append(
            LabelledPair(
                row["id"], sides[0], sides[1], row["same"] == "1", row["kind"], row["source"]
            )
        )
    return pairs


def evaluate_name_pairs(
    pairs: Sequence[LabelledPair], variants: NameVariants, policy: XrefPolicy | None = None
) -> NamePairsReport:
    """Decide every labelled pair as ``portintel xref`` would (blocking included)."""
    outcomes = []
    for pair in pairs:
        profiles = [
            build_profile(
                f"{pair.id}-{side}",
                "Person",
                [(prop, value, True) for prop, value in values.items()],
                variants,
            )
            for side, values in (("a", pair.left), ("b", pair.right))
        ]
        found: list[CandidatePair] = list(cross_reference(profiles, policy))
        if found:
            outcomes.append(
                PairOutcome(pair, found[0].decision, found[0].score, found[0].explanation)
            )
        else:
            outcomes.append(PairOutcome(pair, Decision.NONE, 0.0, "not proposed by blocking"))
    return NamePairsReport(tuple(outcomes))

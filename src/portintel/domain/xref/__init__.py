"""Cross-referencing: which entities may be the same, with a score and its reasons.

Pure domain: :func:`build_profile` turns an entity's statements into what
is compared, :func:`cross_reference` blocks, scores and decides. The service
(``portintel.services.collation.xref``) reads the statements through the
reader's scoped view and hands them here.
"""

from portintel.domain.xref.blocking import MAX_BLOCK, blocking_keys, candidate_pairs
from portintel.domain.xref.candidates import (
    CandidatePair,
    Decision,
    XrefPolicy,
    cross_reference,
    decide,
)
from portintel.domain.xref.profiles import SCHEMA_FAMILY, Profile, build_profile
from portintel.domain.xref.rules import RULES, MergeRule
from portintel.domain.xref.scoring import SCORING_VERSION, Feature, score_pair

__all__ = [
    "MAX_BLOCK",
    "RULES",
    "SCHEMA_FAMILY",
    "SCORING_VERSION",
    "CandidatePair",
    "Decision",
    "Feature",
    "MergeRule",
    "Profile",
    "XrefPolicy",
    "blocking_keys",
    "build_profile",
    "candidate_pairs",
    "cross_reference",
    "decide",
    "score_pair",
]

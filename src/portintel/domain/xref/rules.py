"""Automatic merges: only strong identifiers, each rule versioned.

Names alone never merge: they go to review. A rule here says that two
entities are the same on the strength of an identifier that names one thing,
checked (valid values only, the ones portintel's identifier checks accepted):

============================ ==================================================
rule                         merges when
============================ ==================================================
``vessel-imo@1``             two vessels share a valid IMO number (a hull's
                             number for life)
``vessel-mmsi-name@1``       two vessels share a valid MMSI and their names
                             agree (similarity >= 0.9): MMSIs are reassigned
``person-passport@1``        two persons share a valid passport number and a
                             whole date of birth or a nationality, and no date
                             of birth disagrees
``phone-e164@1``             two bare phone entities (LegalEntity) share an
                             E.164 number and no name disagrees
============================ ==================================================

A released rule is never edited: a change is a new version beside it, and a
judgement records the rule id that made it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from portintel.domain.xref.profiles import Profile, identifier_text


@dataclass(frozen=True, slots=True)
class MergeRule:
    id: str
    description: str
    applies: Callable[[Profile, Profile, float], str | None]
    """``(left, right, name similarity)`` -> the reason when the rule merges, else None."""


def _shared_valid(left: Profile, right: Profile, prop: str) -> list[str]:
    keys = {identifier_text(value) for value in right.get(prop)}
    return [value for value in left.get(prop) if identifier_text(value) in keys]


def _vessel_imo(left: Profile, right: Profile, similarity: float) -> str | None:
    del similarity
    if left.schema != "Vessel" or right.schema != "Vessel":
        return None
    shared = _shared_valid(left, right, "imoNumber")
    return f"same valid IMO number {shared[0]}" if shared else None


def _vessel_mmsi_name(left: Profile, right: Profile, similarity: float) -> str | None:
    if left.schema != "Vessel" or right.schema != "Vessel" or similarity < 0.9:
        return None
    shared = _shared_valid(left, right, "mmsi")
    return f"same valid MMSI {shared[0]} and name ({similarity:.2f})" if shared else None


def _person_passport(left: Profile, right: Profile, similarity: float) -> str | None:
    del similarity
    if left.schema != "Person" or right.schema != "Person":
        return None
    shared = _shared_valid(left, right, "passportNumber")
    if not shared:
        return None
    dates_a, dates_b = set(left.get("birthDate")), set(right.get("birthDate"))
    if dates_a and dates_b and not dates_a & dates_b:
        return None
    if any(len(date) >= 10 for date in dates_a & dates_b):  # a whole date, not a year
        return f"same valid passport number {shared[0]} and date of birth"
    if set(left.get("nationality")) & set(right.get("nationality")):
        return f"same valid passport number {shared[0]} and nationality"
    return None


def _phone_e164(left: Profile, right: Profile, similarity: float) -> str | None:
    if left.schema != "LegalEntity" or right.schema != "LegalEntity":
        return None
    if left.names and right.names and similarity < 0.9:
        return None
    shared = sorted(set(left.get("phone")) & set(right.get("phone")))
    shared = [phone for phone in shared if phone.startswith("+")]
    return f"same E.164 phone {shared[0]}" if shared else None


RULES: Mapping[str, MergeRule] = {
    rule.id: rule
    for rule in (
        MergeRule("vessel-imo@1", "vessels sharing a valid IMO number", _vessel_imo),
        MergeRule(
            "vessel-mmsi-name@1", "vessels sharing a valid MMSI and a name", _vessel_mmsi_name
        ),
        MergeRule(
            "person-passport@1",
            "persons sharing a valid passport number and a date of birth or nationality",
            _person_passport,
        ),
        MergeRule("phone-e164@1", "phone entities sharing an E.164 number", _phone_e164),
    )
}
"""Every rule by id; a node enables the ones it trusts (all by default)."""


def first_merge_rule(
    left: Profile, right: Profile, similarity: float, enabled: frozenset[str]
) -> tuple[str, str] | None:
    """``(rule id, reason)`` of the first enabled rule that merges the pair, else None."""
    for rule_id, rule in RULES.items():
        if rule_id in enabled:
            reason = rule.applies(left, right, similarity)
            if reason is not None:
                return rule_id, reason
    return None

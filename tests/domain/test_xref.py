"""Cross-referencing in the domain: blocking, scoring, merge rules, the labelled set (#12)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from portintel.adapters.name_data import NAME_PAIRS_FILE, name_variants, package_text
from portintel.domain.xref import (
    RULES,
    Decision,
    Profile,
    XrefPolicy,
    blocking_keys,
    build_profile,
    cross_reference,
    decide,
)
from portintel.domain.xref.evaluation import evaluate_name_pairs, parse_name_pairs


def profile(entity_id: str, schema: str = "Person", **values: str | list[str]) -> Profile:
    statements = []
    for prop, value in values.items():
        for one in [value] if isinstance(value, str) else value:
            statements.append((prop, one, True))
    return build_profile(entity_id, schema, statements, name_variants())


def test_persons_and_vessels_never_meet() -> None:
    person = profile("p", name="Sea Star")
    vessel = profile("v", "Vessel", name="SEA STAR")
    assert not list(cross_reference([person, vessel]))
    assert not blocking_keys(person) & blocking_keys(vessel)


def test_entities_outside_the_compared_schemata_have_no_keys() -> None:
    assert blocking_keys(profile("a", "Address", full="Phnom Penh")) == set()


def test_a_shared_identifier_blocks_even_when_names_differ_entirely() -> None:
    left = profile("a", name="Kynan Sincovich", idNumber="4440480")
    right = profile("b", name="Matthew Sincovich", idNumber="4440480")
    (pair,) = cross_reference([left, right])
    assert any(feature.name == "idNumber" and feature.contribution > 0 for feature in pair.features)


def test_names_alone_never_merge() -> None:
    left = profile("a", name="សុខ ចាន់ធី")
    right = profile("b", name="Sok Chanthy")
    pair = decide(left, right, XrefPolicy())
    assert pair.decision is Decision.REVIEW
    assert pair.rule is None
    assert "name" in pair.explanation


@given(
    st.lists(st.sampled_from(["Sok", "Chanthy", "Hun", "Sen", "Nguyen", "Phuc"]), min_size=1),
    st.lists(st.sampled_from(["Sok", "Chanthy", "Hun", "Sen", "Nguyen", "Phuc"]), min_size=1),
)
def test_no_pair_of_names_alone_is_merged(a: list[str], b: list[str]) -> None:
    pair = decide(profile("a", name=" ".join(a)), profile("b", name=" ".join(b)), XrefPolicy())
    assert pair.decision is not Decision.MERGE


def test_passport_with_birth_date_merges_with_its_rule_and_reason() -> None:
    left = profile("a", name="WAHYUDI SAPUTRA", passportNumber="B1234567", birthDate="1990-01-02")
    right = profile("b", name="Wahjudi Saputra", passportNumber="B1234567", birthDate="1990-01-02")
    pair = decide(left, right, XrefPolicy())
    assert pair.decision is Decision.MERGE
    assert pair.rule == "person-passport@1"
    assert "B1234567" in (pair.reason or "")


def test_a_shared_passport_with_different_birth_dates_does_not_merge() -> None:
    left = profile("a", name="Aung San", passportNumber="MA000103", birthDate="1915-02-13")
    right = profile("b", name="Aung San Suu Kyi", passportNumber="MA000103", birthDate="1945-06-19")
    assert decide(left, right, XrefPolicy()).decision is not Decision.MERGE


def test_a_disabled_rule_does_not_merge() -> None:
    left = profile("a", "Vessel", name="SEA STAR", imoNumber="IMO9074729")
    right = profile("b", "Vessel", name="KM Bintang Laut", imoNumber="IMO9074729")
    assert decide(left, right, XrefPolicy()).rule == "vessel-imo@1"
    without = XrefPolicy(rules=frozenset(RULES) - {"vessel-imo@1"})
    assert decide(left, right, without).decision is not Decision.MERGE


def test_vessel_prefixes_do_not_count_against_a_name() -> None:
    left = profile("a", "Vessel", name="MV Sea Star", mmsi="525012345")
    right = profile("b", "Vessel", name="SEA STAR", mmsi="525012345")
    pair = decide(left, right, XrefPolicy())
    assert pair.rule == "vessel-mmsi-name@1"


def test_qualifiers_raise_and_lower_a_name_match() -> None:
    name_only = decide(profile("a", name="Sok An"), profile("b", name="Sok An"), XrefPolicy())
    same_day = decide(
        profile("a", name="Sok An", birthDate="1950-04-16"),
        profile("b", name="Sok An", birthDate="1950-04-16"),
        XrefPolicy(),
    )
    other_day = decide(
        profile("a", name="Sok An", birthDate="1950-04-16", nationality="kh"),
        profile("b", name="Sok An", birthDate="1988-11-02", nationality="th"),
        XrefPolicy(),
    )
    assert other_day.score < name_only.score < same_day.score
    assert other_day.decision is Decision.NONE


def test_incremental_run_keeps_only_pairs_with_the_changed_entities() -> None:
    profiles = [profile(f"e{i}", name="Chhim Vibol") for i in range(3)]
    pairs = list(cross_reference(profiles, only=frozenset({"e2"})))
    assert {(p.left, p.right) for p in pairs} == {("e0", "e2"), ("e1", "e2")}


def test_the_labelled_cross_script_set_meets_the_goals() -> None:
    """Issue #12: review-queue recall >= 0.95 and automatic-merge precision >= 0.99."""
    pairs = parse_name_pairs(package_text(NAME_PAIRS_FILE))
    report = evaluate_name_pairs(pairs, name_variants())
    assert report.positives >= 80 and report.negatives >= 30
    assert report.merges >= 4  # the rule is exercised, not vacuously precise
    assert report.review_recall >= 0.95
    assert report.merge_precision >= 0.99


def test_sister_vessels_numbered_apart_are_not_the_same_name() -> None:
    left = profile("a", "Vessel", name="MITR SAMUT 27", flag="th")
    right = profile("b", "Vessel", name="MITR SAMUT 28", flag="th")
    same = profile("c", "Vessel", name="KM Mitr Samut 27", flag="th")
    assert decide(left, right, XrefPolicy()).decision is Decision.NONE
    assert decide(left, same, XrefPolicy()).decision is Decision.REVIEW

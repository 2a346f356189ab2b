"""Grading schemes: exact codes, every mapping pair, STIX confidence, validation."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from portintel.adapters.vocabularies import load_grading_schemes
from portintel.domain.grading import Grading, GradingSchemes
from portintel.errors import ConfigurationError, InvalidInput

SCHEMES = load_grading_schemes()

# The exact codes and labels of shared/DESIGN.md ("grading").
EXPECTED = {
    "admiralty": (
        {
            "A": "completely reliable",
            "B": "usually reliable",
            "C": "fairly reliable",
            "D": "not usually reliable",
            "E": "unreliable",
            "F": "cannot be judged",
        },
        {
            "1": "confirmed",
            "2": "probably true",
            "3": "possibly true",
            "4": "doubtful",
            "5": "improbable",
            "6": "cannot be judged",
        },
    ),
    "europol": (
        {"A": None, "B": None, "C": None, "X": "cannot be assessed"},
        {
            "1": "not in doubt",
            "2": "known personally to the source",
            "3": "not known personally but corroborated",
            "4": "not known personally and not corroborated",
        },
    ),
    "uk-3x5x2": (
        {"1": "reliable", "2": "untested", "3": "not reliable"},
        {
            "A": "known directly",
            "B": "known indirectly and corroborated",
            "C": "known indirectly",
            "D": "not known",
            "E": "suspected false or malicious",
        },
    ),
}

PAIRS = [(a, b) for a in SCHEMES.ids for b in SCHEMES.ids if a != b]


def all_gradings(scheme_id: str) -> list[Grading]:
    scheme = SCHEMES.get(scheme_id)
    return [
        Grading(scheme_id, r.code, c.code) for r in scheme.reliability for c in scheme.credibility
    ]


def test_the_three_schemes_are_shipped() -> None:
    assert SCHEMES.ids == ("admiralty", "europol", "uk-3x5x2")
    assert SCHEMES.stix_reference_scheme == "admiralty"


@pytest.mark.parametrize("scheme_id", list(EXPECTED))
def test_scheme_has_exactly_the_codes_and_labels_of_the_design(scheme_id: str) -> None:
    scheme = SCHEMES.get(scheme_id)
    reliability, credibility = EXPECTED[scheme_id]
    assert [g.code for g in scheme.reliability] == list(reliability)
    assert [g.code for g in scheme.credibility] == list(credibility)
    for grades, expected in ((scheme.reliability, reliability), (scheme.credibility, credibility)):
        for grade in grades:
            assert grade.definition
            if expected[grade.code] is not None:
                assert grade.label.lower() == expected[grade.code]


def test_grading_label_is_the_compact_form() -> None:
    assert Grading("admiralty", "B", "2").label == "B2"
    assert Grading("uk-3x5x2", "1", "A").label == "1A"


@pytest.mark.parametrize("scheme_id", list(EXPECTED))
def test_every_code_pair_of_a_scheme_validates(scheme_id: str) -> None:
    scheme = SCHEMES.get(scheme_id)
    for grading in all_gradings(scheme_id):
        scheme.validate(grading.reliability, grading.credibility)
        SCHEMES.validate(grading)


@pytest.mark.parametrize(
    ("scheme_id", "reliability", "credibility", "field"),
    [
        ("admiralty", "G", "1", "reliability"),
        ("admiralty", "A", "7", "credibility"),
        ("admiralty", "a", "1", "reliability"),
        ("europol", "D", "1", "reliability"),
        ("europol", "A", "5", "credibility"),
        ("uk-3x5x2", "4", "A", "reliability"),
        ("uk-3x5x2", "1", "F", "credibility"),
        ("uk-3x5x2", "A", "1", "reliability"),
    ],
)
def test_an_unknown_code_is_refused_naming_its_axis(
    scheme_id: str, reliability: str, credibility: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        SCHEMES.get(scheme_id).validate(reliability, credibility)
    assert caught.value.field == field
    assert caught.value.hint and caught.value.hint.startswith("use one of")


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        SCHEMES.get("5x5x5")
    assert caught.value.field == "grading_scheme"
    assert "admiralty" in str(caught.value)
    with pytest.raises(InvalidInput):
        SCHEMES.map(Grading("5x5x5", "A", "1"), "admiralty")


def test_parse_label_reads_what_officers_type() -> None:
    assert SCHEMES.get("admiralty").parse_label(" b2 ") == Grading("admiralty", "B", "2")
    assert SCHEMES.get("uk-3x5x2").parse_label("1a") == Grading("uk-3x5x2", "1", "A")
    assert SCHEMES.get("europol").parse_label("X/4") == Grading("europol", "X", "4")
    with pytest.raises(InvalidInput) as caught:
        SCHEMES.get("admiralty").parse_label("B22")
    assert caught.value.field == "grading"
    with pytest.raises(InvalidInput) as caught:
        SCHEMES.get("admiralty").parse_label("Z2")
    assert caught.value.field == "reliability"


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_grade_maps_into_valid_codes_of_every_other_scheme(source: str, target: str) -> None:
    for grading in all_gradings(source):
        mapped = SCHEMES.map(grading, target)
        assert mapped.scheme == target
        SCHEMES.validate(mapped)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_mapping_tables_are_explicit_and_complete(source: str, target: str) -> None:
    table = SCHEMES.mapping(source, target)
    scheme = SCHEMES.get(source)
    assert set(table.reliability) == {g.code for g in scheme.reliability}
    assert set(table.credibility) == {g.code for g in scheme.credibility}


@pytest.mark.parametrize("scheme_id", list(EXPECTED))
def test_mapping_to_the_same_scheme_keeps_the_grade(scheme_id: str) -> None:
    for grading in all_gradings(scheme_id):
        assert SCHEMES.map(grading, scheme_id) is grading


@pytest.mark.parametrize(
    ("original", "target", "expected"),
    [
        # "cannot be judged" reads as "cannot be judged / assessed / untested"
        (Grading("admiralty", "F", "6"), "europol", Grading("europol", "X", "4")),
        (Grading("admiralty", "F", "6"), "uk-3x5x2", Grading("uk-3x5x2", "2", "D")),
        (Grading("europol", "X", "4"), "admiralty", Grading("admiralty", "F", "4")),
        (Grading("uk-3x5x2", "2", "D"), "admiralty", Grading("admiralty", "F", "6")),
        (Grading("uk-3x5x2", "2", "D"), "europol", Grading("europol", "X", "4")),
        # the best grades
        (Grading("admiralty", "A", "1"), "europol", Grading("europol", "A", "1")),
        (Grading("europol", "A", "1"), "admiralty", Grading("admiralty", "A", "1")),
        (Grading("europol", "A", "1"), "uk-3x5x2", Grading("uk-3x5x2", "1", "A")),
        # a mapping never upgrades: 3x5x2 "reliable" is not Admiralty A
        (Grading("uk-3x5x2", "1", "B"), "admiralty", Grading("admiralty", "B", "2")),
        (Grading("uk-3x5x2", "1", "A"), "europol", Grading("europol", "B", "2")),
        # suspected false / improbable
        (Grading("uk-3x5x2", "3", "E"), "admiralty", Grading("admiralty", "E", "5")),
        (Grading("admiralty", "E", "5"), "uk-3x5x2", Grading("uk-3x5x2", "3", "E")),
        # same definitions across Europol and 3x5x2
        (Grading("europol", "C", "3"), "uk-3x5x2", Grading("uk-3x5x2", "3", "B")),
        (Grading("uk-3x5x2", "3", "C"), "europol", Grading("europol", "C", "4")),
    ],
)
def test_documented_mappings(original: Grading, target: str, expected: Grading) -> None:
    assert SCHEMES.map(original, target) == expected


def test_a_foreign_grade_keeps_its_codes_and_shows_the_mapped_value() -> None:
    received = Grading("europol", "B", "3")
    shown = SCHEMES.map(received, "admiralty")
    assert received == Grading("europol", "B", "3")
    assert shown.label == "B2"


@pytest.mark.parametrize(
    ("credibility", "confidence"),
    [("1", 90), ("2", 70), ("3", 50), ("4", 30), ("5", 10), ("6", None)],
)
def test_stix_confidence_of_admiralty_credibility(credibility: str, confidence: int | None) -> None:
    for reliability in "ABCDEF":
        assert SCHEMES.stix_confidence(Grading("admiralty", reliability, credibility)) == confidence


@pytest.mark.parametrize("scheme_id", ["europol", "uk-3x5x2"])
def test_stix_confidence_of_other_schemes_goes_through_admiralty(scheme_id: str) -> None:
    seen: set[int | None] = set()
    for grading in all_gradings(scheme_id):
        via_admiralty = SCHEMES.stix_confidence(SCHEMES.map(grading, "admiralty"))
        assert SCHEMES.stix_confidence(grading) == via_admiralty
        seen.add(via_admiralty)
    assert len(seen) > 1  # the scale is not flattened to one value


# --- validation of the vocabulary document -------------------------------------------

MINIMAL: dict[str, Any] = {
    "schemes": [
        {
            "id": "one",
            "name": "One",
            "reliability_title": "Source",
            "credibility_title": "Information",
            "reliability": [
                {"code": "A", "label": "good", "definition": "good source"},
                {"code": "B", "label": "bad", "definition": "bad source"},
            ],
            "credibility": [
                {"code": "1", "label": "true", "definition": "true information"},
                {"code": "2", "label": "false", "definition": "false information"},
            ],
        },
        {
            "id": "two",
            "name": "Two",
            "reliability_title": "Source",
            "credibility_title": "Intelligence",
            "reliability": [{"code": "1", "label": "ok", "definition": "ok source"}],
            "credibility": [{"code": "X", "label": "any", "definition": "any information"}],
        },
    ],
    "mappings": [
        {
            "from": "one",
            "to": "two",
            "reliability": {"A": "1", "B": "1"},
            "credibility": {1: "X", "2": "X"},
        },
        {"from": "two", "to": "one", "reliability": {1: "B"}, "credibility": {"X": "2"}},
    ],
    "stix_confidence": {"scheme": "one", "credibility": {"1": 90, "2": None}},
}


def minimal() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL)


def test_minimal_document_loads_and_yaml_integer_codes_are_read_as_text() -> None:
    schemes = GradingSchemes.from_mapping(minimal(), source="test.yaml")
    assert schemes.map(Grading("one", "B", "1"), "two") == Grading("two", "1", "X")
    assert schemes.stix_confidence(Grading("two", "1", "X")) is None
    assert schemes.stix_confidence(Grading("one", "B", "1")) == 90


def _mutate_unknown_target_code(doc: dict[str, Any]) -> None:
    doc["mappings"][0]["reliability"]["B"] = "9"


def _mutate_unknown_source_code(doc: dict[str, Any]) -> None:
    doc["mappings"][1]["credibility"]["Q"] = "1"


def _mutate_missing_code(doc: dict[str, Any]) -> None:
    del doc["mappings"][0]["credibility"]["2"]


def _mutate_missing_pair(doc: dict[str, Any]) -> None:
    del doc["mappings"][1]


def _mutate_unknown_scheme(doc: dict[str, Any]) -> None:
    doc["mappings"][1]["to"] = "three"


def _mutate_duplicate_code(doc: dict[str, Any]) -> None:
    doc["schemes"][0]["reliability"].append({"code": "A", "label": "x", "definition": "y"})


def _mutate_boolean_code(doc: dict[str, Any]) -> None:
    doc["schemes"][1]["reliability"][0]["code"] = True


def _mutate_stix_missing(doc: dict[str, Any]) -> None:
    del doc["stix_confidence"]["credibility"]["2"]


def _mutate_stix_out_of_range(doc: dict[str, Any]) -> None:
    doc["stix_confidence"]["credibility"]["1"] = 101


def _mutate_stix_scheme(doc: dict[str, Any]) -> None:
    doc["stix_confidence"]["scheme"] = "nato"


def _mutate_missing_definition(doc: dict[str, Any]) -> None:
    del doc["schemes"][0]["credibility"][1]["definition"]


def _mutate_self_mapping(doc: dict[str, Any]) -> None:
    doc["mappings"].append({"from": "one", "to": "one", "reliability": {}, "credibility": {}})


@pytest.mark.parametrize(
    ("mutate", "section", "named"),
    [
        (_mutate_unknown_target_code, "mappings[one -> two].reliability[B]", "'9'"),
        (_mutate_unknown_source_code, "mappings[two -> one].credibility", "'Q'"),
        (_mutate_missing_code, "mappings[one -> two].credibility", "misses code '2'"),
        (_mutate_missing_pair, "mappings", "'two' to 'one'"),
        (_mutate_unknown_scheme, "mappings[two -> three]", "'three'"),
        (_mutate_duplicate_code, "schemes[one].reliability[A]", "'A'"),
        (_mutate_boolean_code, "schemes[two].reliability[0].code", "True"),
        (_mutate_stix_missing, "stix_confidence.credibility", "misses code '2'"),
        (_mutate_stix_out_of_range, "stix_confidence.credibility[1]", "101"),
        (_mutate_stix_scheme, "stix_confidence.scheme", "'nato'"),
        (_mutate_missing_definition, "schemes[one].credibility[2].definition", "missing"),
        (_mutate_self_mapping, "mappings[one -> one]", "itself"),
    ],
)
def test_a_bad_document_names_the_file_the_section_and_the_code(
    mutate: Any, section: str, named: str
) -> None:
    doc = minimal()
    mutate(doc)
    with pytest.raises(ConfigurationError) as caught:
        GradingSchemes.from_mapping(doc, source="grading.yaml")
    message = str(caught.value)
    assert message.startswith(f"grading.yaml: {section}:"), message
    assert named in message


def test_mapping_tables_cannot_be_changed_after_load() -> None:
    table = SCHEMES.mapping("admiralty", "europol")
    with pytest.raises(TypeError):
        table.reliability["A"] = "C"  # type: ignore[index]
    with pytest.raises(InvalidInput):
        SCHEMES.mapping("admiralty", "admiralty")

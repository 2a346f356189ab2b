"""Handling vocabularies: every code, conditions, restrictive flags, default TLP, validation."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from portintel.adapters.vocabularies import load_handling
from portintel.domain.handling import ConditionsRule, HandlingCode, HandlingVocabularies
from portintel.errors import ConfigurationError, InvalidInput

HANDLING = load_handling()

EXPECTED_CODES = {
    "uk-3x5x2": ["P", "C"],
    "europol": ["H0", "H1", "H2", "H3"],
    "tlp": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"],
}
RESTRICTIVE = {"uk-3x5x2:C", "europol:H2", "europol:H3", "tlp:AMBER+STRICT", "tlp:RED"}
ALL_CODES = [f"{v}:{c}" for v, codes in EXPECTED_CODES.items() for c in codes]


def test_the_three_vocabularies_are_shipped_with_their_codes() -> None:
    assert HANDLING.ids == ("uk-3x5x2", "europol", "tlp")
    for vocabulary, codes in EXPECTED_CODES.items():
        assert [d.code for d in HANDLING.codes(vocabulary)] == codes


@pytest.mark.parametrize("text", ALL_CODES)
def test_every_code_parses_explains_itself_and_round_trips(text: str) -> None:
    conditions = "only for the investigation of case 12" if text == "uk-3x5x2:C" else None
    code = HANDLING.parse(text, conditions)
    assert str(code) == text
    assert code.restrictive is (text in RESTRICTIVE)
    assert HANDLING.is_restrictive(text) is (text in RESTRICTIVE)
    assert len(HANDLING.definition(code)) > 40
    assert HANDLING.label(code)
    assert HANDLING.default_tlp(code) in EXPECTED_CODES["tlp"]


@pytest.mark.parametrize(
    ("text", "label_words"),
    [
        ("uk-3x5x2:P", "lawful sharing permitted"),
        ("uk-3x5x2:C", "conditions"),
        ("europol:H0", "crime prevention"),
        ("europol:H1", "judicial proceedings"),
        ("europol:H2", "not disseminated without permission"),
        ("europol:H3", "other restrictions"),
    ],
)
def test_labels_say_what_the_design_says(text: str, label_words: str) -> None:
    assert label_words in HANDLING.label(text).lower()


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("tlp:CLEAR", "Recipients can spread this to the world, there is no limit on disclosure."),
        ("tlp:GREEN", "Limited disclosure, recipients can spread this within their community."),
        ("tlp:AMBER", "within their organization and its clients"),
        ("tlp:AMBER+STRICT", "restrict sharing to the organization only"),
        ("tlp:RED", "For the eyes and ears of individual recipients only, no further disclosure."),
    ],
)
def test_tlp_definitions_are_the_official_tlp_2_0_text(text: str, phrase: str) -> None:
    assert phrase in HANDLING.definition(text)


@pytest.mark.parametrize(
    ("text", "tlp"),
    [
        ("uk-3x5x2:P", "GREEN"),
        ("uk-3x5x2:C", "AMBER+STRICT"),
        ("europol:H0", "GREEN"),
        ("europol:H1", "AMBER"),
        ("europol:H2", "AMBER+STRICT"),
        ("europol:H3", "AMBER+STRICT"),
        *[(f"tlp:{code}", code) for code in EXPECTED_CODES["tlp"]],
    ],
)
def test_default_tlp_per_code(text: str, tlp: str) -> None:
    assert HANDLING.default_tlp(text) == tlp


def test_a_restrictive_code_never_defaults_to_a_wider_tlp_than_amber_strict() -> None:
    for vocabulary in HANDLING.ids:
        for definition in HANDLING.codes(vocabulary):
            if definition.restrictive:
                assert definition.default_tlp in {"AMBER+STRICT", "RED"}


def test_parsing_is_forgiving_about_case_and_bare_codes() -> None:
    assert HANDLING.parse(" TLP:amber+strict ") == HandlingCode("tlp", "AMBER+STRICT")
    assert HANDLING.parse("Europol:h2") == HandlingCode("europol", "H2")
    assert HANDLING.parse("H1") == HandlingCode("europol", "H1")
    assert HANDLING.parse("red") == HandlingCode("tlp", "RED")


def test_3x5x2_c_requires_the_originators_conditions() -> None:
    for missing in (None, "", "   "):
        with pytest.raises(InvalidInput) as caught:
            HANDLING.parse("uk-3x5x2:C", missing)
        assert caught.value.field == "handling"
        assert "conditions" in str(caught.value)
    code = HANDLING.parse("uk-3x5x2:C", "  not to be shared with the flag state  ")
    assert code.conditions == "not to be shared with the flag state"
    assert code == HandlingCode("uk-3x5x2", "C", "not to be shared with the flag state")


def test_conditions_on_a_code_that_takes_none_are_refused_not_dropped() -> None:
    with pytest.raises(InvalidInput) as caught:
        HANDLING.parse("uk-3x5x2:P", "only for case 12")
    assert "takes no conditions" in str(caught.value)


def test_europol_h3_may_state_its_other_restrictions() -> None:
    assert HANDLING.parse("europol:H3").conditions is None
    assert HANDLING.parse("europol:H3", "no use in Thailand").conditions == "no use in Thailand"
    assert HANDLING.codes("europol")[3].conditions is ConditionsRule.OPTIONAL


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("tlp:WHITE", "not a code of the Traffic Light Protocol 2.0 vocabulary"),
        ("nato:A", "no handling vocabulary 'nato'"),
        ("H7", "not a handling code"),
        ("uk-3x5x2:H2", "not a code of the UK 3x5x2 handling vocabulary"),
    ],
)
def test_a_bad_code_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        HANDLING.parse(text)
    assert caught.value.field == "handling"
    assert message in str(caught.value)


def test_a_hand_built_code_is_restrictive_until_resolved() -> None:
    from_row = HandlingCode("tlp", "GREEN")
    assert from_row.restrictive is True  # fail closed
    resolved = HANDLING.resolve(from_row)
    assert resolved.restrictive is False
    assert resolved == from_row
    assert HANDLING.resolve(HandlingCode("europol", "H2")).restrictive is True


# --- validation of the vocabulary document -------------------------------------------


def _code(code: str, *, restrictive: bool = False, tlp: str = "GREEN", conditions: str = "none"):
    return {
        "code": code,
        "label": f"label {code}",
        "definition": f"definition {code}",
        "restrictive": restrictive,
        "conditions": conditions,
        "default_tlp": tlp,
    }


MINIMAL: dict[str, Any] = {
    "tlp_vocabulary": "tlp",
    "vocabularies": [
        {"id": "local", "name": "Local", "codes": [_code("OPEN"), _code("SHUT", tlp="RED")]},
        {"id": "tlp", "name": "TLP", "codes": [_code("GREEN"), _code("RED", tlp="RED")]},
    ],
}


def minimal() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL)


def test_minimal_document_loads() -> None:
    handling = HandlingVocabularies.from_mapping(minimal(), source="test.yaml")
    assert handling.default_tlp("local:SHUT") == "RED"


@pytest.mark.parametrize(
    ("mutate", "section", "named"),
    [
        (
            lambda d: d["vocabularies"][0]["codes"][1].update(default_tlp="AMBER"),
            "vocabularies[local].codes[SHUT].default_tlp",
            "'AMBER'",
        ),
        (
            lambda d: d["vocabularies"][1]["codes"][0].update(default_tlp="RED"),
            "vocabularies[tlp].codes[GREEN].default_tlp",
            "GREEN",
        ),
        (
            lambda d: d["vocabularies"][0]["codes"][0].pop("restrictive"),
            "vocabularies[local].codes[OPEN].restrictive",
            "true or false",
        ),
        (
            lambda d: d["vocabularies"][0]["codes"][0].update(conditions="maybe"),
            "vocabularies[local].codes[OPEN].conditions",
            "'maybe'",
        ),
        (
            lambda d: d["vocabularies"][0]["codes"].append(_code("OPEN")),
            "vocabularies[local].codes[OPEN]",
            "'OPEN'",
        ),
        (
            lambda d: d["vocabularies"][0]["codes"].append(_code("open")),
            "vocabularies[local].codes[open]",
            "upper case",
        ),
        (lambda d: d.update(tlp_vocabulary="traffic"), "tlp_vocabulary", "'traffic'"),
        (
            lambda d: d["vocabularies"].append(copy.deepcopy(d["vocabularies"][0])),
            "vocabularies[local]",
            "'local'",
        ),
        (
            lambda d: d["vocabularies"][0].update(codes=[]),
            "vocabularies[local].codes",
            "no codes",
        ),
    ],
)
def test_a_bad_document_names_the_file_the_section_and_the_code(
    mutate: Any, section: str, named: str
) -> None:
    doc = minimal()
    mutate(doc)
    with pytest.raises(ConfigurationError) as caught:
        HandlingVocabularies.from_mapping(doc, source="handling.yaml")
    message = str(caught.value)
    assert message.startswith(f"handling.yaml: {section}:"), message
    assert named in message

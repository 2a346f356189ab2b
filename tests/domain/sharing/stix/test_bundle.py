"""Bundles from a mixed selection: valid under strict stix2-validator, deterministic."""

from __future__ import annotations

import json
from dataclasses import replace

from stix2validator import ValidationOptions

from portintel.domain.grading import GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.stix.bundle import build_bundle
from portintel.domain.sharing.stix.records import Selection
from portintel.domain.sharing.stix.vocabulary import StixVocabulary

from .conftest import T1, validation_problems

TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLP_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"


def valid_bundle(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> dict[str, object]:
    """Every bundle these tests build is checked strictly before anything else is asserted."""
    bundle = build_bundle(selection, vocabulary, schemes, handling)
    assert validation_problems(bundle) == []
    return bundle


def by_type(bundle: dict[str, object], kind: str) -> list[dict[str, object]]:
    objects = bundle["objects"]
    assert isinstance(objects, list)
    return [obj for obj in objects if obj["type"] == kind]


def test_mixed_bundle_passes_strict_validation(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    bundle = valid_bundle(selection, vocabulary, schemes, handling)
    assert validation_problems(bundle) == []
    kinds = {obj["type"] for obj in bundle["objects"]}  # type: ignore[attr-defined]
    assert {
        "report",
        "identity",
        "x-portintel-vessel",
        "x-portintel-phone",
        "incident",
        "location",
        "relationship",
        "marking-definition",
        "extension-definition",
        "sighting",
    } <= kinds


def test_validator_catches_a_custom_type_without_extension(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    """The options really check custom content: drop the new-sdo entry and it fails."""
    bundle = valid_bundle(selection, vocabulary, schemes, handling)
    vessel = by_type(bundle, "x-portintel-vessel")[0]
    extensions = vessel["extensions"]
    assert isinstance(extensions, dict)
    vessel["extensions"] = {
        key: value for key, value in extensions.items() if value != {"extension_type": "new-sdo"}
    }
    assert any("x-portintel-vessel" in problem for problem in validation_problems(bundle))


def test_validator_catches_a_custom_top_level_property(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    bundle = valid_bundle(selection, vocabulary, schemes, handling)
    by_type(bundle, "report")[0]["grading_scheme"] = "admiralty"
    assert validation_problems(bundle) != []


def test_only_strict_types_complaints_are_the_declared_new_sdos(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    """strict_types refuses every non-standard type: ours are the only ones, all declared."""
    bundle = valid_bundle(selection, vocabulary, schemes, handling)
    options = ValidationOptions(version="2.1", strict=True, strict_types=True, silent=True)
    problems = validation_problems(bundle, options)
    declared = {d.object_type for d in vocabulary.extensions.values() if d.object_type}
    assert problems
    assert all(any(f"'{kind}'" in problem for kind in declared) for problem in problems)


def test_same_selection_gives_the_same_bundle(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    first = valid_bundle(selection, vocabulary, schemes, handling)
    again = valid_bundle(selection, vocabulary, schemes, handling)
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)


def test_a_new_version_keeps_the_id_and_moves_modified(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    report = selection.reports[0]
    later = replace(report, modified=T1.replace(day=25), title="Boarding (corrected)")
    first = by_type(valid_bundle(selection, vocabulary, schemes, handling), "report")[0]
    changed = replace(selection, reports=(later, *selection.reports[1:]))
    second = by_type(valid_bundle(changed, vocabulary, schemes, handling), "report")[0]
    assert first["id"] == second["id"]
    assert str(second["modified"]) > str(first["modified"])


def test_ids_differ_between_nodes(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    ours = by_type(valid_bundle(selection, vocabulary, schemes, handling), "report")[0]
    theirs = valid_bundle(replace(selection, node="TH-PIU-RNG"), vocabulary, schemes, handling)
    assert ours["id"] != by_type(theirs, "report")[0]["id"]


def test_revoked_report_is_valid_and_marked_revoked(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    revoked = replace(selection.reports[0], revoked=True, modified=T1.replace(day=28))
    bundle = valid_bundle(
        replace(selection, reports=(revoked, *selection.reports[1:])), vocabulary, schemes, handling
    )
    assert validation_problems(bundle) == []
    assert by_type(bundle, "report")[0]["revoked"] is True


def test_handling_becomes_official_tlp_and_a_handling_marking(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    bundle = valid_bundle(selection, vocabulary, schemes, handling)
    reports = {r["name"]: r for r in by_type(bundle, "report")}
    h2 = reports["Boarding of MV KOH RONG STAR"]["object_marking_refs"]
    conditioned = reports["Informant: fees collected"]["object_marking_refs"]
    assert isinstance(h2, list) and isinstance(conditioned, list)
    # Europol H2 defaults to AMBER+STRICT; the 3x5x2 C report was marked RED by a person
    assert h2[0] == "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
    assert conditioned[0] == TLP_RED
    markings = {m["id"]: m for m in by_type(bundle, "marking-definition")}
    extension = markings[conditioned[1]]["extensions"][vocabulary.extension("handling").id]  # type: ignore[index]
    assert extension["code"] == "C" and extension["conditions"] == "Not to the flag state"
    # the official TLP objects travel exactly as OASIS publishes them
    assert markings[TLP_RED]["name"] == "TLP:RED"
    assert markings[TLP_RED]["created"] == "2022-10-01T00:00:00.000Z"


def test_grading_becomes_confidence_and_extension(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    bundle = valid_bundle(selection, vocabulary, schemes, handling)
    reports = {r["name"]: r for r in by_type(bundle, "report")}
    admiralty = reports["Boarding of MV KOH RONG STAR"]
    assert admiralty["confidence"] == 70  # B2: credibility 2, probably true
    grading = admiralty["extensions"][vocabulary.extension("grading").id]  # type: ignore[index]
    assert (grading["scheme"], grading["reliability"], grading["credibility"]) == (
        "admiralty",
        "B",
        "2",
    )
    three = reports["Informant: fees collected"]
    expected = schemes.stix_confidence(selection.reports[1].grading)
    assert three.get("confidence") == expected

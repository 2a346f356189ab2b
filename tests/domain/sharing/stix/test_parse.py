"""Reading bundles and FtM documents: provenance kept, bad input refused with the reason."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from portintel.domain.grading import Grading, GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.stix import (
    BundleReader,
    Selection,
    StixVocabulary,
    build_bundle,
    ftm_document,
    read_ftm_document,
)
from portintel.errors import InvalidInput

from .conftest import NODE, validation_problems


@pytest.fixture
def reader(
    vocabulary: StixVocabulary, schemes: GradingSchemes, handling: HandlingVocabularies
) -> BundleReader:
    return BundleReader(vocabulary, schemes, handling, "europol")


@pytest.fixture
def bundle(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> dict[str, object]:
    built = build_bundle(selection, vocabulary, schemes, handling)
    assert validation_problems(built) == []
    return built


def test_statements_keep_provenance_and_inherit_from_their_report(
    bundle: dict[str, object], reader: BundleReader, schemes: GradingSchemes
) -> None:
    received = reader.read(bundle)
    assert received.sender == NODE
    assert {s.dataset for s in received.statements} == {NODE}
    by_value = {s.value: s for s in received.statements}
    boarding = next(r for r in received.reports if r.sender_id == "r-1")
    name = by_value["KOH RONG STAR"]
    assert name.origin == boarding.stix_id
    assert name.grading == boarding.grading
    assert name.grading is not None
    assert name.grading.original == Grading("admiralty", "B", "2")
    assert name.grading.mapped == schemes.map(Grading("admiralty", "B", "2"), "europol")
    assert name.handling is not None and str(name.handling.code) == "europol:H2"
    # the statement that overrides both keeps its own
    nationality = by_value["kh"] if by_value["kh"].prop == "nationality" else None
    assert nationality is not None and nationality.grading is not None
    assert nationality.grading.original == Grading("admiralty", "A", "1")
    assert nationality.handling is not None and str(nationality.handling.code) == "europol:H0"
    # conditions of a 3x5x2 C travel with the report
    informant = next(r for r in received.reports if r.sender_id == "r-2")
    assert informant.handling.code.conditions == "Not to the flag state"
    assert informant.handling.tlp == "RED"


def test_link_statements_survive_as_relationship(
    bundle: dict[str, object], reader: BundleReader
) -> None:
    received = reader.read(bundle)
    ownership = [s for s in received.statements if s.schema == "Ownership"]
    assert sorted((s.prop, s.value) for s in ownership) == [("asset", "v-1"), ("owner", "p-1")]
    assert all(s.entity_id.startswith("relationship--") for s in ownership)


def test_an_unmarked_report_is_refused(bundle: dict[str, object], reader: BundleReader) -> None:
    broken = copy.deepcopy(bundle)
    for obj in broken["objects"]:  # type: ignore[attr-defined]
        if obj["type"] == "report":
            obj["object_marking_refs"] = []
    with pytest.raises(InvalidInput, match=r"no TLP 2\.0 marking"):
        reader.read(broken)


def test_a_report_from_another_creator_is_refused(
    bundle: dict[str, object], reader: BundleReader
) -> None:
    broken = copy.deepcopy(bundle)
    report = next(o for o in broken["objects"] if o["type"] == "report")  # type: ignore[attr-defined]
    report["created_by_ref"] = "identity--11111111-1111-4111-8111-111111111111"
    with pytest.raises(InvalidInput, match="creators"):
        reader.read(broken)


def test_an_unknown_grading_code_is_refused_naming_the_object(
    bundle: dict[str, object], reader: BundleReader, vocabulary: StixVocabulary
) -> None:
    broken = copy.deepcopy(bundle)
    report = next(o for o in broken["objects"] if o["type"] == "report")  # type: ignore[attr-defined]
    report["extensions"][vocabulary.extension("grading").id]["credibility"] = "9"
    with pytest.raises(InvalidInput, match=str(report["id"])):
        reader.read(broken)


def test_revoked_entity_is_reported_and_its_statements_not_imported(
    bundle: dict[str, object], reader: BundleReader
) -> None:
    changed = copy.deepcopy(bundle)
    vessel = next(o for o in changed["objects"] if o["type"] == "x-portintel-vessel")  # type: ignore[attr-defined]
    vessel["revoked"] = True
    received = reader.read(changed)
    assert received.revoked_entities == (vessel["id"],)
    assert all(s.entity_id != vessel["id"] for s in received.statements)


def test_ftm_document_round_trip(
    selection: Selection,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    document = ftm_document(selection, handling)
    received = read_ftm_document(document, schemes, handling, "admiralty")
    assert received.sender == NODE
    sent = sorted(
        (s.entity_id, s.prop, s.value, s.origin) for e in selection.entities for s in e.statements
    )
    got = sorted((s.entity_id, s.prop, s.value, s.origin) for s in received.statements)
    assert got == sent
    informant = next(r for r in received.reports if r.sender_id == "r-2")
    assert informant.handling.code.conditions == "Not to the flag state"
    assert informant.grading.original == Grading("uk-3x5x2", "2", "B")
    entity_ids = {e["id"] for e in document["entities"]}  # type: ignore[attr-defined]
    assert entity_ids == {"v-1", "p-1", "o-1"}


def test_ftm_document_with_a_bad_entity_is_refused(
    selection: Selection, schemes: GradingSchemes, handling: HandlingVocabularies
) -> None:
    document = ftm_document(selection, handling)
    document["entities"][0]["schema"] = "Spaceship"  # type: ignore[index]
    with pytest.raises(InvalidInput, match=r"entities\[0\]"):
        read_ftm_document(document, schemes, handling, "admiralty")


def test_a_bundle_of_entities_only_is_read(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
    reader: BundleReader,
) -> None:
    """Facts with their own handling can go without their report (here: the nationality)."""
    (captain,) = [e for e in selection.entities if e.id == "p-1"]
    alone = replace(captain, statements=captain.statements[2:])
    bundle = build_bundle(
        replace(selection, reports=(), incidents=(), entities=(alone,)),
        vocabulary,
        schemes,
        handling,
    )
    assert validation_problems(bundle) == []
    received = reader.read(bundle)
    assert received.sender == NODE
    assert [(s.prop, s.value) for s in received.statements] == [("nationality", "kh")]


def test_a_fact_without_handling_cannot_leave_without_its_report(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    with pytest.raises(InvalidInput, match="is not shared and it has no handling"):
        build_bundle(replace(selection, reports=(), incidents=()), vocabulary, schemes, handling)

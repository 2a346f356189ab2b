"""A package's bundle as a MISP event: loaded and validated by PyMISP, handling kept.

The event is built from the bundle read back (what the package carries), so
these tests build a bundle from the shared selection, read it, convert it,
and hand the JSON to PyMISP: ``MISPEvent().load`` and the JSON schema PyMISP
ships, then a ``to_json`` round trip.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from portintel.adapters.vocabularies import load_misp_profile
from portintel.domain.grading import GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.misp import misp_event
from portintel.domain.sharing.stix import BundleReader, Selection, build_bundle
from portintel.domain.sharing.stix.vocabulary import StixVocabulary

pymisp = pytest.importorskip("pymisp")

CREATED = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
PYMISP_DATA = Path(pymisp.__file__).parent / "data"
TEMPLATES_FILE = (
    Path(__file__).resolve().parents[4]
    / "src"
    / "portintel"
    / "vocabularies"
    / "misp_templates.yaml"
)


def _event(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> dict[str, Any]:
    bundle = build_bundle(selection, vocabulary, schemes, handling)
    received = BundleReader(vocabulary, schemes, handling, "admiralty").read(bundle)
    return misp_event(
        received,
        bundle_id=str(bundle["id"]),
        created_at=CREATED,
        profile=load_misp_profile(),
        handling=handling,
    )


def _validate(event: Any) -> None:
    """PyMISP's own checks: every object against its template (required relations, relations
    that may not repeat), every attribute's type and category against MISP's types, and the
    feed export (which refuses unknown distribution levels)."""
    types = json.loads((PYMISP_DATA / "describeTypes.json").read_text())["result"]
    allowed = types["category_type_mappings"]
    for obj in event.objects:
        assert obj._known_template, obj.name  # the template PyMISP ships is found
        obj.to_json(strict=True)  # raises InvalidMISPObject when the template is not met
    for attribute in [*event.attributes, *(a for o in event.objects for a in o.attributes)]:
        assert attribute.type in types["types"], attribute.type
        assert attribute.type in allowed[attribute.category], (attribute.type, attribute.category)
    feed = event.to_feed(valid_distributions=[0, 1, 2, 3])
    assert feed["Event"]["uuid"] == event.uuid


def _attributes(event: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(event["Event"]["Attribute"])
    for obj in event["Event"]["Object"]:
        found += obj["Attribute"]
    return found


def _tags(attribute: dict[str, Any]) -> set[str]:
    return {tag["name"] for tag in attribute["Tag"]}


def test_pymisp_loads_validates_and_round_trips_the_event(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    event = _event(selection, vocabulary, schemes, handling)
    loaded = pymisp.MISPEvent()
    loaded.load(json.dumps(event))
    _validate(loaded)
    assert loaded.uuid == event["Event"]["uuid"]
    assert (
        loaded.info == "portintel package from KH-PIU-SHV: 2 report(s), 3 entities, 1 incident(s)"
    )
    names = sorted(obj.name for obj in loaded.objects)
    assert names == [
        "ftm-Ownership", "ftm-Person", "ftm-Vessel", "geolocation", "incident", "report", "report",
    ]  # fmt: skip
    vessel = next(obj for obj in loaded.objects if obj.name == "ftm-Vessel")
    assert {(a.object_relation, a.value) for a in vessel.attributes} >= {
        ("name", "KOH RONG STAR"),
        ("imoNumber", "IMO9074729"),
    }
    again = pymisp.MISPEvent()
    again.load(loaded.to_json())
    _validate(again)
    assert again.uuid == loaded.uuid
    assert sorted(a.uuid for a in again.objects) == sorted(a.uuid for a in loaded.objects)
    # the same package always gives the same event
    assert _event(selection, vocabulary, schemes, handling) == event


def test_handling_becomes_distribution_levels_and_tags(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    event = _event(selection, vocabulary, schemes, handling)
    attributes = _attributes(event)
    by_value = {attribute["value"]: attribute for attribute in attributes}
    # Europol H2 (restrictive; default TLP AMBER+STRICT): the organisation only, both tags
    boarding = by_value["Boarding of MV KOH RONG STAR"]
    assert boarding["distribution"] == "0"
    assert _tags(boarding) >= {
        "tlp:amber+strict",
        'portintel-handling:europol="H2"',
        'portintel-grading:admiralty="B2"',
    }
    # 3x5x2 C under TLP:RED with the originator's conditions: they travel as the comment
    fees = by_value["Informant: fees collected"]
    assert fees["distribution"] == "0" and "tlp:red" in _tags(fees)
    assert 'portintel-handling:uk-3x5x2="C"' in _tags(fees)
    assert fees["comment"] == "Handling conditions of the originator: Not to the flag state"
    assert 'portintel-grading:uk-3x5x2="2B"' in _tags(fees)
    # Europol H0 on one fact (GREEN by default): this community
    nationality = next(a for a in attributes if a.get("object_relation") == "nationality")
    assert nationality["distribution"] == "1"
    assert _tags(nationality) >= {"tlp:green", 'portintel-handling:europol="H0"'}
    # the event: the strictest TLP it carries, every handling code, the lowest distribution
    tags = [tag["name"] for tag in event["Event"]["Tag"]]
    assert tags[0] == "tlp:red" and not any(t.startswith("tlp:") for t in tags[1:])
    assert 'portintel-handling:europol="H2"' in tags and 'portintel-handling:uk-3x5x2="C"' in tags
    assert event["Event"]["distribution"] == "0"
    assert all(attribute["distribution"] in {"0", "1", "2", "3"} for attribute in attributes)


def test_a_clear_package_may_travel_to_all_communities(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    from dataclasses import replace

    from portintel.domain.sharing.stix import Handling

    clear = Handling(handling.parse("tlp:CLEAR"))
    report = replace(selection.reports[0], handling=clear)
    only = Selection(node=selection.node, reports=(report,))
    event = _event(only, vocabulary, schemes, handling)
    assert event["Event"]["distribution"] == "3"
    assert [tag["name"] for tag in event["Event"]["Tag"]] == ["tlp:clear"]


def test_the_templates_file_is_the_one_pymisp_ships() -> None:
    """tools/misp_templates.py wrote it; a PyMISP upgrade that changes a template fails here."""
    data = yaml.safe_load(TEMPLATES_FILE.read_text())["templates"]
    for key, template in data.items():
        folder = template["name"]
        definition = json.loads(
            (PYMISP_DATA / "misp-objects" / "objects" / folder / "definition.json").read_text()
        )
        assert template["uuid"] == definition["uuid"], key
        assert template["version"] == definition["version"], key
        assert {r: a["type"] for r, a in template["attributes"].items()} == {
            r: a["misp-attribute"] for r, a in definition["attributes"].items()
        }, key

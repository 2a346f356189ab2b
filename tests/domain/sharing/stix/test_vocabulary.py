"""The STIX vocabulary data: official TLP ids, fixed extension ids, errors that say where."""

from __future__ import annotations

import copy
import uuid

import pytest

from portintel.adapters.vocabularies import STIX_PACKAGE, read_vocabulary
from portintel.domain.sharing.stix import stix_id
from portintel.domain.sharing.stix.vocabulary import StixVocabulary
from portintel.errors import ConfigurationError

# Published by OASIS (cti-stix-common-objects, extension-definition-specifications/tlp-2.0)
OFFICIAL_TLP = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_CODES = tuple(OFFICIAL_TLP)


def test_tlp_markings_carry_the_official_ids(vocabulary: StixVocabulary) -> None:
    assert {code: marking.id for code, marking in vocabulary.tlp.items()} == OFFICIAL_TLP
    assert vocabulary.tlp_extension_id == (
        "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
    )


def test_new_sdo_types_are_prefixed_and_declared(vocabulary: StixVocabulary) -> None:
    types = {d.object_type for d in vocabulary.extensions.values() if d.object_type}
    assert types == {"x-portintel-vessel", "x-portintel-phone", "x-portintel-entity"}


def test_ids_are_deterministic_and_uuid4_shaped(vocabulary: StixVocabulary) -> None:
    first = stix_id(vocabulary.namespace, "report", "KH-PIU-SHV", "r-1")
    assert first == stix_id(vocabulary.namespace, "report", "KH-PIU-SHV", "r-1")
    assert first != stix_id(vocabulary.namespace, "report", "KH-PIU-SHV", "r-2")
    assert first != stix_id(vocabulary.namespace, "report", "KH-CAU", "r-1")
    parsed = uuid.UUID(first.split("--")[1])
    assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_a_malformed_extension_id_names_file_and_section() -> None:
    extensions = copy.deepcopy(dict(read_vocabulary("extensions.yaml", package=STIX_PACKAGE)))
    tlp = read_vocabulary("tlp.yaml", package=STIX_PACKAGE)
    extensions["extensions"][2]["id"] = "extension-definition--not-a-uuid"  # type: ignore[index]
    with pytest.raises(ConfigurationError, match=r"extensions.yaml: extensions\[2\]"):
        StixVocabulary.from_mappings(extensions, tlp, tlp_codes=TLP_CODES)


def test_tlp_codes_must_match_handling() -> None:
    extensions = read_vocabulary("extensions.yaml", package=STIX_PACKAGE)
    tlp = read_vocabulary("tlp.yaml", package=STIX_PACKAGE)
    with pytest.raises(ConfigurationError, match=r"tlp\.yaml: markings"):
        StixVocabulary.from_mappings(extensions, tlp, tlp_codes=(*TLP_CODES, "WHITE"))

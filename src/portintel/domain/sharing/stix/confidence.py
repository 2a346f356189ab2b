"""Grading as STIX ``confidence`` plus the grading extension, and back.

STIX has one number (0-100); portintel keeps two codes in one of three
schemes. The number is derived through the explicit tables of
``grading.yaml`` (credibility read in the Admiralty scheme, STIX 2.1
Appendix B); the extension carries the scheme and both codes as the
originator gave them, which is what a portintel receiver stores. A grade
that "cannot be judged" (Admiralty 6) has no confidence: the property is
left out rather than invented.
"""

from __future__ import annotations

from collections.abc import Mapping

from portintel.domain.grading import Grading, GradingSchemes
from portintel.domain.sharing.stix.records import ReceivedGrading
from portintel.errors import InvalidInput

Json = dict[str, object]


def grading_properties(
    grading: Grading, schemes: GradingSchemes, extension_id: str
) -> tuple[Json, Json]:
    """(top-level properties, extensions entry) for an object graded ``grading``."""
    schemes.validate(grading)
    top: Json = {}
    confidence = schemes.stix_confidence(grading)
    if confidence is not None:
        top["confidence"] = confidence
    extension: Json = {
        "extension_type": "property-extension",
        "scheme": grading.scheme,
        "reliability": grading.reliability,
        "credibility": grading.credibility,
    }
    return top, {extension_id: extension}


def grading_json(grading: Grading) -> Json:
    """A grade inline (in a statement of the statements extension)."""
    return {
        "scheme": grading.scheme,
        "reliability": grading.reliability,
        "credibility": grading.credibility,
    }


def read_grading(
    data: object, schemes: GradingSchemes, local_scheme: str, where: str
) -> ReceivedGrading:
    """The sender's grade (validated) with its reading in ``local_scheme``."""
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{where}: no portintel grading", field="grading")
    values = [data.get(key) for key in ("scheme", "reliability", "credibility")]
    if not all(isinstance(value, str) for value in values):
        raise InvalidInput(
            f"{where}: grading needs scheme, reliability, credibility", field="grading"
        )
    original = Grading(str(values[0]), str(values[1]), str(values[2]))
    try:
        schemes.validate(original)
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc}", field="grading") from exc
    return ReceivedGrading(
        original=original,
        mapped=schemes.map(original, local_scheme),
        confidence=schemes.stix_confidence(original),
    )

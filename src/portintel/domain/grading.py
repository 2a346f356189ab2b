"""Grading schemes: source reliability x information credibility, as data.

A node grades in one scheme (Admiralty/NATO, Europol 4x4 or UK 3x5x2, chosen
in settings), but reports received from partners keep the scheme and codes
their originator used: a grade is evidence and is never rewritten. To read a
foreign grade in the node's terms, :meth:`GradingSchemes.map` applies an
explicit mapping table, and :meth:`GradingSchemes.stix_confidence` turns any
grade into the STIX 2.1 confidence scale for exchange.

Everything here is built from plain data (the ``grading.yaml`` vocabulary,
loaded by ``portintel.adapters.vocabularies``) and validated once, at load: a
mapping that names an unknown code, or forgets one, is a configuration error
with the section and the code, never a surprise at the first shared report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from portintel.errors import InvalidInput

AXES = ("reliability", "credibility")


@dataclass(frozen=True, slots=True)
class Grade:
    """One code on one axis, with its short label and the full definition."""

    code: str
    label: str
    definition: str


@dataclass(frozen=True, slots=True)
class Grading:
    """A grade as it was given: the scheme and the two codes, never rewritten."""

    scheme: str
    reliability: str
    credibility: str

    @property
    def label(self) -> str:
        """The customary compact form, e.g. ``B2`` (Admiralty) or ``1A`` (3x5x2)."""
        return f"{self.reliability}{self.credibility}"


@dataclass(frozen=True, slots=True)
class GradingScheme:
    """The two axes of one scheme, in the order the scheme lists them."""

    id: str
    name: str
    reliability_title: str
    credibility_title: str
    reliability: tuple[Grade, ...]
    credibility: tuple[Grade, ...]

    def reliability_grade(self, code: str) -> Grade:
        """The reliability grade with this code; InvalidInput when unknown."""
        return self._find("reliability", self.reliability, code)

    def credibility_grade(self, code: str) -> Grade:
        """The credibility grade with this code; InvalidInput when unknown."""
        return self._find("credibility", self.credibility, code)

    def validate(self, reliability: str, credibility: str) -> None:
        """Raise InvalidInput naming the axis when either code is not in the scheme."""
        self.reliability_grade(reliability)
        self.credibility_grade(credibility)

    def grading(self, reliability: str, credibility: str) -> Grading:
        """A validated Grading; codes are matched case-insensitively (``b``, ``2``)."""
        reliability_code = self.reliability_grade(reliability.strip().upper()).code
        credibility_code = self.credibility_grade(credibility.strip().upper()).code
        return Grading(self.id, reliability_code, credibility_code)

    def parse_label(self, text: str) -> Grading:
        """Read the compact form (``B2``, ``1a``) that officers type and forms carry."""
        cleaned = text.strip().upper().replace(" ", "").replace("/", "")
        if len(cleaned) != 2:
            raise InvalidInput(
                f"grading {text!r} is not a two-character {self.name} grade",
                field="grading",
                hint=f"write the {self.reliability_title.lower()} code then the "
                f"{self.credibility_title.lower()} code, e.g. "
                f"{self.reliability[0].code}{self.credibility[0].code}",
            )
        return self.grading(cleaned[0], cleaned[1])

    def _find(self, axis: str, grades: tuple[Grade, ...], code: str) -> Grade:
        for grade in grades:
            if grade.code == code:
                return grade
        known = ", ".join(grade.code for grade in grades)
        title = self.reliability_title if axis == "reliability" else self.credibility_title
        raise InvalidInput(
            f"{code!r} is not a {title.lower()} code of the {self.name} scheme",
            field=axis,
            hint=f"use one of {known}",
        )


@dataclass(frozen=True, slots=True)
class GradeMapping:
    """How one scheme's codes read in another, axis by axis (complete, validated)."""

    source: str
    target: str
    reliability: Mapping[str, str]
    credibility: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class StixConfidence:
    """STIX 2.1 confidence per credibility code of one reference scheme.

    STIX 2.1 (Appendix B) defines confidence for the Admiralty credibility
    axis only; grades in other schemes go through the mapping to that scheme,
    so one table is the single source of the numbers.
    """

    scheme: str
    credibility: Mapping[str, int | None]


class GradingSchemes:
    """All schemes a node knows, the mappings between them and to STIX."""

    def __init__(
        self,
        schemes: Mapping[str, GradingScheme],
        mappings: Mapping[tuple[str, str], GradeMapping],
        stix: StixConfidence,
    ) -> None:
        self._schemes = dict(schemes)
        self._mappings = dict(mappings)
        self._stix = stix

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, object], *, source: str = "grading vocabulary"
    ) -> GradingSchemes:
        """Build and validate from the parsed YAML; ConfigurationError names section and code."""
        from portintel.domain.grading_loader import build_grading_schemes

        schemes, mappings, stix = build_grading_schemes(data, source=source)
        return cls(schemes, mappings, stix)

    @property
    def ids(self) -> tuple[str, ...]:
        """Scheme ids in the order the vocabulary lists them."""
        return tuple(self._schemes)

    @property
    def stix_reference_scheme(self) -> str:
        """The scheme whose credibility axis defines STIX confidence (Admiralty)."""
        return self._stix.scheme

    def get(self, scheme_id: str) -> GradingScheme:
        """The scheme with this id; InvalidInput(field="grading_scheme") otherwise."""
        try:
            return self._schemes[scheme_id]
        except KeyError:
            raise InvalidInput(
                f"no grading scheme {scheme_id!r}",
                field="grading_scheme",
                hint=f"known schemes: {', '.join(self._schemes)}",
            ) from None

    def validate(self, grading: Grading) -> None:
        """Raise InvalidInput when the scheme is unknown or a code is not in it."""
        self.get(grading.scheme).validate(grading.reliability, grading.credibility)

    def mapping(self, source: str, target: str) -> GradeMapping:
        """The explicit table from one scheme to another (distinct) scheme."""
        self.get(source)
        self.get(target)
        if source == target:
            raise InvalidInput(
                f"no table maps {source!r} to itself: a grade reads the same in its own scheme",
                field="grading_scheme",
            )
        return self._mappings[(source, target)]

    def map(self, grading: Grading, to_scheme: str) -> Grading:
        """The grade read in another scheme; the original Grading is not changed.

        Mapping the same scheme is the identity. A mapping is a reading aid for
        people and for exchange: store the original, display the mapped value.
        """
        self.validate(grading)
        self.get(to_scheme)
        if grading.scheme == to_scheme:
            return grading
        table = self._mappings[(grading.scheme, to_scheme)]
        return Grading(
            scheme=to_scheme,
            reliability=table.reliability[grading.reliability],
            credibility=table.credibility[grading.credibility],
        )

    def stix_confidence(self, grading: Grading) -> int | None:
        """STIX 2.1 confidence (0-100) for the grade; None when it cannot be judged."""
        reference = self.map(grading, self._stix.scheme)
        return self._stix.credibility[reference.credibility]

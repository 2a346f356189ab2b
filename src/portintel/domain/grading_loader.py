"""Build and validate grading schemes from the parsed ``grading.yaml``.

Validation is total, so that nothing can go wrong later: every scheme has
unique codes on both axes; there is a mapping for every ordered pair of
distinct schemes; each mapping covers every code of its source scheme and
names only codes of its target scheme; the STIX table covers every
credibility code of its reference scheme with a confidence in 0-100 or null.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from portintel.domain.grading import (
    AXES,
    Grade,
    GradeMapping,
    GradingScheme,
    StixConfidence,
)
from portintel.domain.vocabulary_data import VocabularyReader


def build_grading_schemes(
    data: Mapping[str, object], *, source: str
) -> tuple[dict[str, GradingScheme], dict[tuple[str, str], GradeMapping], StixConfidence]:
    reader = VocabularyReader(source)
    document = reader.mapping(data, "(document)")
    schemes = _schemes(reader, document.get("schemes"))
    mappings = _mappings(reader, document.get("mappings"), schemes)
    stix = _stix(reader, document.get("stix_confidence"), schemes)
    return schemes, mappings, stix


def _schemes(reader: VocabularyReader, value: object) -> dict[str, GradingScheme]:
    schemes: dict[str, GradingScheme] = {}
    for index, item in enumerate(reader.sequence(value, "schemes")):
        section = f"schemes[{index}]"
        entry = reader.mapping(item, section)
        scheme_id = reader.text(entry, "id", section)
        section = f"schemes[{scheme_id}]"
        if scheme_id in schemes:
            raise reader.fail(section, f"scheme {scheme_id!r} is defined twice")
        schemes[scheme_id] = GradingScheme(
            id=scheme_id,
            name=reader.text(entry, "name", section),
            reliability_title=reader.text(entry, "reliability_title", section),
            credibility_title=reader.text(entry, "credibility_title", section),
            reliability=_grades(reader, entry.get("reliability"), f"{section}.reliability"),
            credibility=_grades(reader, entry.get("credibility"), f"{section}.credibility"),
        )
    if not schemes:
        raise reader.fail("schemes", "no grading scheme is defined")
    return schemes


def _grades(reader: VocabularyReader, value: object, section: str) -> tuple[Grade, ...]:
    grades: list[Grade] = []
    for index, item in enumerate(reader.sequence(value, section)):
        entry = reader.mapping(item, f"{section}[{index}]")
        code = reader.code(entry.get("code"), f"{section}[{index}].code")
        where = f"{section}[{code}]"
        if any(grade.code == code for grade in grades):
            raise reader.fail(where, f"code {code!r} is defined twice")
        grades.append(
            Grade(
                code=code,
                label=reader.text(entry, "label", where),
                definition=reader.text(entry, "definition", where),
            )
        )
    if not grades:
        raise reader.fail(section, "no codes are defined")
    return tuple(grades)


def _codes(scheme: GradingScheme, axis: str) -> list[str]:
    grades = scheme.reliability if axis == "reliability" else scheme.credibility
    return [grade.code for grade in grades]


def _mappings(
    reader: VocabularyReader, value: object, schemes: Mapping[str, GradingScheme]
) -> dict[tuple[str, str], GradeMapping]:
    mappings: dict[tuple[str, str], GradeMapping] = {}
    for index, item in enumerate(reader.sequence(value, "mappings")):
        entry = reader.mapping(item, f"mappings[{index}]")
        source_id = reader.text(entry, "from", f"mappings[{index}]")
        target_id = reader.text(entry, "to", f"mappings[{index}]")
        section = f"mappings[{source_id} -> {target_id}]"
        for scheme_id in (source_id, target_id):
            if scheme_id not in schemes:
                raise reader.fail(
                    section,
                    f"unknown scheme {scheme_id!r}",
                    hint=f"known schemes: {', '.join(schemes)}",
                )
        if source_id == target_id:
            raise reader.fail(section, "a scheme maps to itself without a table; remove it")
        if (source_id, target_id) in mappings:
            raise reader.fail(section, "this mapping is defined twice")
        tables = {
            axis: _table(
                reader,
                entry.get(axis),
                f"{section}.{axis}",
                source_codes=_codes(schemes[source_id], axis),
                target_codes=_codes(schemes[target_id], axis),
                source_id=source_id,
                target_id=target_id,
            )
            for axis in AXES
        }
        mappings[(source_id, target_id)] = GradeMapping(
            source=source_id,
            target=target_id,
            reliability=MappingProxyType(tables["reliability"]),
            credibility=MappingProxyType(tables["credibility"]),
        )
    for source_id in schemes:
        for target_id in schemes:
            if source_id != target_id and (source_id, target_id) not in mappings:
                raise reader.fail(
                    "mappings",
                    f"no mapping from {source_id!r} to {target_id!r}",
                    hint="every ordered pair of schemes needs an explicit table",
                )
    return mappings


def _table(
    reader: VocabularyReader,
    value: object,
    section: str,
    *,
    source_codes: list[str],
    target_codes: list[str],
    source_id: str,
    target_id: str,
) -> dict[str, str]:
    raw = reader.mapping(value, section)
    table: dict[str, str] = {}
    for key, item in raw.items():
        code = reader.code(key, section)
        if code not in source_codes:
            raise reader.fail(
                section,
                f"unknown code {code!r} of scheme {source_id!r}",
                hint=f"known codes: {', '.join(source_codes)}",
            )
        mapped = reader.code(item, f"{section}[{code}]")
        if mapped not in target_codes:
            raise reader.fail(
                f"{section}[{code}]",
                f"unknown code {mapped!r} of scheme {target_id!r}",
                hint=f"known codes: {', '.join(target_codes)}",
            )
        table[code] = mapped
    for code in source_codes:
        if code not in table:
            raise reader.fail(section, f"misses code {code!r} of scheme {source_id!r}")
    return table


def _stix(
    reader: VocabularyReader, value: object, schemes: Mapping[str, GradingScheme]
) -> StixConfidence:
    entry = reader.mapping(value, "stix_confidence")
    scheme_id = reader.text(entry, "scheme", "stix_confidence")
    if scheme_id not in schemes:
        raise reader.fail(
            "stix_confidence.scheme",
            f"unknown scheme {scheme_id!r}",
            hint=f"known schemes: {', '.join(schemes)}",
        )
    section = "stix_confidence.credibility"
    codes = _codes(schemes[scheme_id], "credibility")
    table: dict[str, int | None] = {}
    for key, item in reader.mapping(entry.get("credibility"), section).items():
        code = reader.code(key, section)
        if code not in codes:
            raise reader.fail(
                section,
                f"unknown code {code!r} of scheme {scheme_id!r}",
                hint=f"known codes: {', '.join(codes)}",
            )
        if item is not None and (
            isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 100
        ):
            raise reader.fail(
                f"{section}[{code}]", f"{item!r} is not a STIX confidence (0-100 or null)"
            )
        table[code] = item
    for code in codes:
        if code not in table:
            raise reader.fail(section, f"misses code {code!r} of scheme {scheme_id!r}")
    return StixConfidence(scheme=scheme_id, credibility=MappingProxyType(table))

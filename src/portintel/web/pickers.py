"""Choices for the report form: grading codes with their definitions, handling codes with rules.

Built once per application from the vocabularies (YAML data read by the
adapter), in the node's grading scheme; the node's handling vocabulary is
listed first.
"""

from __future__ import annotations

from dataclasses import dataclass

from portintel.domain.grading import GradingSchemes
from portintel.domain.handling import HandlingVocabularies


@dataclass(frozen=True, slots=True)
class Choice:
    """One code to choose; pages show ``code — _(text)`` and ``_(definition)``, so the
    vocabulary's English label and definition are translated for the reader."""

    value: str
    label: str
    definition: str
    conditions: str = "none"  # handling only: required, optional or none
    restrictive: bool = False
    code: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class ChoiceGroup:
    label: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True, slots=True)
class Pickers:
    scheme_id: str
    scheme_name: str
    reliability_title: str
    credibility_title: str
    reliability: tuple[Choice, ...]
    credibility: tuple[Choice, ...]
    handling: tuple[ChoiceGroup, ...]
    default_handling: str


def build_pickers(
    schemes: GradingSchemes, handling: HandlingVocabularies, *, scheme_id: str, vocabulary_id: str
) -> Pickers:
    scheme = schemes.get(scheme_id)
    ordered = [vocabulary_id, *(v for v in handling.ids if v != vocabulary_id)]
    groups = []
    for vocabulary in ordered:
        definitions = handling.codes(vocabulary)
        groups.append(
            ChoiceGroup(
                label=handling.vocabulary(vocabulary).name,
                choices=tuple(
                    Choice(
                        value=f"{d.vocabulary}:{d.code}",
                        label=f"{d.code} — {d.label}",
                        definition=d.definition,
                        conditions=d.conditions.value,
                        restrictive=d.restrictive,
                        code=d.code,
                        text=d.label,
                    )
                    for d in definitions
                ),
            )
        )
    return Pickers(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        reliability_title=scheme.reliability_title,
        credibility_title=scheme.credibility_title,
        reliability=tuple(
            Choice(g.code, f"{g.code} — {g.label}", g.definition, code=g.code, text=g.label)
            for g in scheme.reliability
        ),
        credibility=tuple(
            Choice(g.code, f"{g.code} — {g.label}", g.definition, code=g.code, text=g.label)
            for g in scheme.credibility
        ),
        handling=tuple(groups),
        default_handling=groups[0].choices[0].value if groups and groups[0].choices else "",
    )

"""Handling codes: what may be done with a piece of information, as data.

Three vocabularies live side by side: UK 3x5x2 handling (P, C with the
originator's conditions), the Europol handling codes H0-H3, and TLP 2.0 for
exchange with partners. A code is written ``vocabulary:code`` (``uk-3x5x2:C``,
``europol:H2``, ``tlp:AMBER+STRICT``) so it survives storage and exchange
without guessing which vocabulary it came from.

Which codes are restrictive, which carry conditions and which TLP a code is
shared under by default are data (``handling.yaml``), validated at load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from portintel.errors import InvalidInput


class ConditionsRule(StrEnum):
    """Whether a code carries the originator's free-text conditions."""

    REQUIRED = "required"  # 3x5x2 C: permitted only with the stated conditions
    OPTIONAL = "optional"  # Europol H3: the other restrictions, when given
    NONE = "none"  # the code says everything; conditions would be ignored


@dataclass(frozen=True, slots=True)
class HandlingCode:
    """A handling code as attached to a report or statement.

    ``restrictive`` is not part of identity (two codes compare equal on
    vocabulary, code and conditions). It defaults to True so that a code
    built by hand, e.g. from a database row, is treated as restrictive until
    :meth:`HandlingVocabularies.resolve` or ``parse`` gives it the value from
    the vocabulary: a missing lookup refuses a share rather than leaking one.
    """

    vocabulary: str
    code: str
    conditions: str | None = None
    restrictive: bool = field(default=True, compare=False)

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"


@dataclass(frozen=True, slots=True)
class HandlingDefinition:
    """One code of a vocabulary with its meaning and its rules."""

    vocabulary: str
    code: str
    label: str
    definition: str
    restrictive: bool
    conditions: ConditionsRule
    default_tlp: str

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"


@dataclass(frozen=True, slots=True)
class HandlingVocabulary:
    """One vocabulary: its id, name and codes in their listed order."""

    id: str
    name: str
    codes: tuple[HandlingDefinition, ...]


class HandlingVocabularies:
    """All handling vocabularies a node knows; parses and explains codes."""

    def __init__(self, vocabularies: Mapping[str, HandlingVocabulary], tlp_vocabulary: str) -> None:
        self._vocabularies = dict(vocabularies)
        self.tlp_vocabulary = tlp_vocabulary

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, object], *, source: str = "handling vocabulary"
    ) -> HandlingVocabularies:
        """Build and validate from the parsed YAML; ConfigurationError names section and code."""
        from portintel.domain.handling_loader import build_handling_vocabularies

        vocabularies, tlp_vocabulary = build_handling_vocabularies(data, source=source)
        return cls(vocabularies, tlp_vocabulary)

    @property
    def ids(self) -> tuple[str, ...]:
        """Vocabulary ids in the order the file lists them."""
        return tuple(self._vocabularies)

    def vocabulary(self, vocabulary_id: str) -> HandlingVocabulary:
        """The vocabulary with this id; InvalidInput(field="handling") otherwise."""
        try:
            return self._vocabularies[vocabulary_id]
        except KeyError:
            raise InvalidInput(
                f"no handling vocabulary {vocabulary_id!r}",
                field="handling",
                hint=f"known vocabularies: {', '.join(self._vocabularies)}",
            ) from None

    def codes(self, vocabulary: str) -> tuple[HandlingDefinition, ...]:
        """The codes of one vocabulary, each with label, definition and rules."""
        return self.vocabulary(vocabulary).codes

    def parse(self, text: str, conditions: str | None = None) -> HandlingCode:
        """Read ``vocabulary:code`` (case-insensitive) and check its conditions.

        A bare code (``H2``, ``AMBER``) is accepted when exactly one vocabulary
        has it. 3x5x2 C without conditions is refused: sharing "with
        conditions" that nobody wrote down cannot be honoured. Conditions on a
        code that takes none are refused too, rather than silently dropped.
        """
        return self._with_conditions(self._parse_definition(text), conditions)

    def resolve(self, code: HandlingCode) -> HandlingCode:
        """The same code with ``restrictive`` from the vocabulary (e.g. after a database read)."""
        definition = self._definition(code)
        return replace(code, restrictive=definition.restrictive)

    def definition(self, code: HandlingCode | str) -> str:
        """The official definition of the code, for display next to it."""
        return self._definition(code).definition

    def label(self, code: HandlingCode | str) -> str:
        """The short label of the code (``Lawful sharing permitted``)."""
        return self._definition(code).label

    def is_restrictive(self, code: HandlingCode | str) -> bool:
        """Whether the code limits dissemination, from the vocabulary data."""
        return self._definition(code).restrictive

    def default_tlp(self, code: HandlingCode | str) -> str:
        """The TLP code (``AMBER``) this code is shared under unless a person chooses."""
        return self._definition(code).default_tlp

    def _definition(self, code: HandlingCode | str) -> HandlingDefinition:
        if isinstance(code, str):
            return self._parse_definition(code)
        return self._lookup(code.vocabulary, code.code, str(code))

    def _parse_definition(self, text: str) -> HandlingDefinition:
        cleaned = text.strip()
        if not cleaned:
            raise InvalidInput(
                "handling code is empty", field="handling", hint=self._example_hint()
            )
        if ":" in cleaned:
            prefix, _, code = cleaned.partition(":")
            return self._lookup(prefix.strip().lower(), code.strip().upper(), text)
        return self._lookup_bare(cleaned.upper(), text)

    def _lookup(self, vocabulary_id: str, code: str, original: str) -> HandlingDefinition:
        vocabulary = self.vocabulary(vocabulary_id)
        for definition in vocabulary.codes:
            if definition.code == code:
                return definition
        known = ", ".join(definition.code for definition in vocabulary.codes)
        raise InvalidInput(
            f"{original!r} is not a code of the {vocabulary.name} vocabulary",
            field="handling",
            hint=f"use one of {known}",
        )

    def _lookup_bare(self, code: str, original: str) -> HandlingDefinition:
        matches = [
            definition
            for vocabulary in self._vocabularies.values()
            for definition in vocabulary.codes
            if definition.code == code
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            options = ", ".join(str(match) for match in matches)
            raise InvalidInput(
                f"handling code {original!r} is ambiguous",
                field="handling",
                hint=f"write it with its vocabulary: {options}",
            )
        raise InvalidInput(
            f"{original!r} is not a handling code", field="handling", hint=self._example_hint()
        )

    def _with_conditions(
        self, definition: HandlingDefinition, conditions: str | None
    ) -> HandlingCode:
        text = conditions.strip() if conditions is not None else None
        text = text or None
        if definition.conditions is ConditionsRule.REQUIRED and text is None:
            raise InvalidInput(
                f"handling code {definition} requires the originator's conditions",
                field="handling",
                hint=f"state the conditions ({definition.label.lower()})",
            )
        if definition.conditions is ConditionsRule.NONE and text is not None:
            raise InvalidInput(
                f"handling code {definition} takes no conditions, but some were given",
                field="handling",
                hint="choose a code that carries conditions, or leave them out",
            )
        return HandlingCode(
            vocabulary=definition.vocabulary,
            code=definition.code,
            conditions=text,
            restrictive=definition.restrictive,
        )

    def _example_hint(self) -> str:
        examples = [str(vocabulary.codes[-1]) for vocabulary in self._vocabularies.values()]
        return f"write vocabulary:code, e.g. {', '.join(examples)}"

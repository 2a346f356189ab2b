"""Build and validate handling vocabularies from the parsed ``handling.yaml``.

Checked at load: unique vocabulary ids and codes; every code has a label, a
definition, an explicit ``restrictive`` flag, a conditions rule and a default
TLP that is a code of the TLP vocabulary; each TLP code defaults to itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from portintel.domain.handling import ConditionsRule, HandlingDefinition, HandlingVocabulary
from portintel.domain.vocabulary_data import VocabularyReader


def build_handling_vocabularies(
    data: Mapping[str, object], *, source: str
) -> tuple[dict[str, HandlingVocabulary], str]:
    reader = VocabularyReader(source)
    document = reader.mapping(data, "(document)")
    tlp_vocabulary = reader.text(document, "tlp_vocabulary", "(document)")
    vocabularies: dict[str, HandlingVocabulary] = {}
    for index, item in enumerate(reader.sequence(document.get("vocabularies"), "vocabularies")):
        entry = reader.mapping(item, f"vocabularies[{index}]")
        vocabulary_id = reader.text(entry, "id", f"vocabularies[{index}]")
        section = f"vocabularies[{vocabulary_id}]"
        if vocabulary_id in vocabularies:
            raise reader.fail(section, f"vocabulary {vocabulary_id!r} is defined twice")
        if vocabulary_id != vocabulary_id.lower() or ":" in vocabulary_id:
            raise reader.fail(section, "a vocabulary id is lower case and has no ':'")
        vocabularies[vocabulary_id] = HandlingVocabulary(
            id=vocabulary_id,
            name=reader.text(entry, "name", section),
            codes=_codes(reader, entry.get("codes"), vocabulary_id, f"{section}.codes"),
        )
    if tlp_vocabulary not in vocabularies:
        raise reader.fail(
            "tlp_vocabulary",
            f"unknown vocabulary {tlp_vocabulary!r}",
            hint=f"known vocabularies: {', '.join(vocabularies)}",
        )
    tlp_codes = [definition.code for definition in vocabularies[tlp_vocabulary].codes]
    for vocabulary in vocabularies.values():
        for definition in vocabulary.codes:
            where = f"vocabularies[{vocabulary.id}].codes[{definition.code}].default_tlp"
            if definition.default_tlp not in tlp_codes:
                raise reader.fail(
                    where,
                    f"unknown code {definition.default_tlp!r} of vocabulary {tlp_vocabulary!r}",
                    hint=f"known codes: {', '.join(tlp_codes)}",
                )
            if vocabulary.id == tlp_vocabulary and definition.default_tlp != definition.code:
                raise reader.fail(where, f"a TLP code is shared as itself ({definition.code})")
    return vocabularies, tlp_vocabulary


def _codes(
    reader: VocabularyReader, value: object, vocabulary_id: str, section: str
) -> tuple[HandlingDefinition, ...]:
    codes: list[HandlingDefinition] = []
    for index, item in enumerate(reader.sequence(value, section)):
        entry = reader.mapping(item, f"{section}[{index}]")
        code = reader.code(entry.get("code"), f"{section}[{index}].code")
        where = f"{section}[{code}]"
        if code != code.upper():
            raise reader.fail(where, f"code {code!r} must be upper case")
        if any(existing.code == code for existing in codes):
            raise reader.fail(where, f"code {code!r} is defined twice")
        rule_text = reader.text(entry, "conditions", where)
        try:
            rule = ConditionsRule(rule_text)
        except ValueError:
            raise reader.fail(
                f"{where}.conditions",
                f"{rule_text!r} is not a conditions rule",
                hint=f"use one of {', '.join(rule.value for rule in ConditionsRule)}",
            ) from None
        codes.append(
            HandlingDefinition(
                vocabulary=vocabulary_id,
                code=code,
                label=reader.text(entry, "label", where),
                definition=reader.text(entry, "definition", where),
                restrictive=reader.boolean(entry, "restrictive", where),
                conditions=rule,
                default_tlp=reader.code(entry.get("default_tlp"), f"{where}.default_tlp"),
            )
        )
    if not codes:
        raise reader.fail(section, "no codes are defined")
    return tuple(codes)

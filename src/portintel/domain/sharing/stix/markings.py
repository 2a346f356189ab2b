"""Handling codes as STIX 2.1 marking definitions, and back.

Every shared object carries two kinds of marking in ``object_marking_refs``:

- the TLP 2.0 marking, by its OFFICIAL id (``tlp.yaml``), chosen by a person
  or the handling code's ``default_tlp`` (handling.yaml): any STIX tool
  understands it;
- for 3x5x2 and Europol codes, a portintel marking definition extended with
  the handling extension (vocabulary, code, label, definition, conditions):
  a portintel receiver enforces it (a received H2 report is not
  disseminated onwards without the provider's permission), other tools at
  least show its name.

A code without conditions has one id on every node (it means the same
everywhere); a code with the originator's conditions (3x5x2 C, Europol H3)
gets an id per sending node and conditions text. Marking definitions are
immutable in STIX (no ``modified``), so ``created`` is the fixed date of the
extension definitions, which keeps re-sent markings byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portintel.domain.handling import HandlingCode, HandlingVocabularies
from portintel.domain.sharing.stix.identifiers import SEPARATOR, stix_id
from portintel.domain.sharing.stix.records import Handling
from portintel.domain.sharing.stix.vocabulary import StixVocabulary
from portintel.errors import InvalidInput

Json = dict[str, object]


@dataclass(frozen=True, slots=True)
class Markings:
    """Builds marking refs and objects for one sending node."""

    vocabulary: StixVocabulary
    handling: HandlingVocabularies
    node_identity: str
    node: str

    def tlp_code(self, handling: Handling) -> str:
        """The TLP code the handling is exchanged under."""
        if handling.code.vocabulary == self.handling.tlp_vocabulary:
            if handling.tlp is not None and handling.tlp != handling.code.code:
                raise InvalidInput(
                    f"handling {handling.code} cannot be exchanged as TLP:{handling.tlp}",
                    field="tlp",
                    hint="a TLP handling code is its own marking",
                )
            return handling.code.code
        tlp = handling.tlp or self.handling.default_tlp(handling.code)
        if tlp not in self.vocabulary.tlp:
            raise InvalidInput(f"{tlp!r} is not a TLP 2.0 code", field="tlp")
        return tlp

    def refs(self, handlings: Iterable[Handling]) -> list[str]:
        """``object_marking_refs`` for an object under these handlings (most restrictive TLP)."""
        order = list(self.vocabulary.tlp)
        tlps: list[str] = []
        codes: list[str] = []
        for handling in handlings:
            tlps.append(self.tlp_code(handling))
            if handling.code.vocabulary != self.handling.tlp_vocabulary:
                marking = self.handling_marking_id(handling.code)
                if marking not in codes:
                    codes.append(marking)
        if not tlps:
            raise ValueError("an object needs at least one handling to be marked")
        strictest = max(tlps, key=order.index)
        return [self.vocabulary.tlp[strictest].id, *sorted(codes)]

    def handling_marking_id(self, code: HandlingCode) -> str:
        if code.conditions is None:
            return stix_id(self.vocabulary.namespace, "marking-definition", "portintel", str(code))
        return stix_id(
            self.vocabulary.namespace,
            "marking-definition",
            self.node,
            f"{code}{SEPARATOR}{code.conditions}",
        )

    def objects(self, handlings: Iterable[Handling]) -> list[Json]:
        """The marking-definition objects the handlings refer to (TLP ones included)."""
        found: dict[str, Json] = {}
        for handling in handlings:
            tlp = self.vocabulary.tlp[self.tlp_code(handling)]
            found[tlp.id] = {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": tlp.id,
                "created": self.vocabulary.tlp_created,
                "name": tlp.name,
                "extensions": {
                    self.vocabulary.tlp_extension_id: {
                        "extension_type": "property-extension",
                        "tlp_2_0": tlp.tlp_2_0,
                    }
                },
            }
            code = handling.code
            if code.vocabulary == self.handling.tlp_vocabulary:
                continue
            marking_id = self.handling_marking_id(code)
            extension: Json = {
                "extension_type": "property-extension",
                "vocabulary": code.vocabulary,
                "code": code.code,
                "label": self.handling.label(code),
                "definition": self.handling.definition(code),
            }
            if code.conditions is not None:
                extension["conditions"] = code.conditions
            name = f"{self.handling.vocabulary(code.vocabulary).name} {code.code}"
            found[marking_id] = {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": marking_id,
                "created_by_ref": (
                    self.vocabulary.author.id if code.conditions is None else self.node_identity
                ),
                "created": self.vocabulary.author.created,
                "name": f"{name}: {self.handling.label(code)}",
                "extensions": {self.vocabulary.extension("handling").id: extension},
            }
        return list(found.values())


def read_handling(
    refs: Iterable[object],
    markings: Mapping[str, Mapping[str, object]],
    vocabulary: StixVocabulary,
    handling: HandlingVocabularies,
    where: str,
) -> Handling:
    """The handling of a received object from its marking refs; InvalidInput when unmarked.

    An object with no TLP marking is refused rather than guessed: the
    receiver cannot know how far it may go.
    """
    tlp: str | None = None
    codes: list[HandlingCode] = []
    extension_id = vocabulary.extension("handling").id
    for ref in refs:
        if not isinstance(ref, str):
            raise InvalidInput(f"{where}: marking ref {ref!r} is not an id", field="markings")
        official = vocabulary.tlp_by_id(ref)
        if official is not None:
            order = list(vocabulary.tlp)
            if tlp is None or order.index(official.code) > order.index(tlp):
                tlp = official.code
            continue
        marking = markings.get(ref)
        if marking is None:
            raise InvalidInput(
                f"{where}: marking {ref} is not in the bundle",
                field="markings",
                hint="the sender must send the marking definitions it uses",
            )
        extensions = marking.get("extensions")
        data = extensions.get(extension_id) if isinstance(extensions, Mapping) else None
        if not isinstance(data, Mapping):
            raise InvalidInput(
                f"{where}: marking {ref} is neither TLP 2.0 nor a portintel handling code",
                field="markings",
            )
        conditions = data.get("conditions")
        codes.append(
            handling.parse(
                f"{data.get('vocabulary')}:{data.get('code')}",
                conditions if isinstance(conditions, str) else None,
            )
        )
    if tlp is None:
        raise InvalidInput(f"{where}: no TLP 2.0 marking", field="markings")
    if len(codes) > 1:
        raise InvalidInput(f"{where}: more than one handling code", field="markings")
    if codes:
        return Handling(code=codes[0], tlp=tlp)
    return Handling(code=handling.parse(f"{handling.tlp_vocabulary}:{tlp}"), tlp=tlp)

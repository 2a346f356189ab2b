"""The STIX vocabulary of a node: extension definitions and TLP 2.0 markings, as data.

Both come from YAML shipped in ``portintel/vocabularies/stix/`` (read by
``portintel.adapters.vocabularies.load_stix_vocabulary``) and are validated
here once, at load: an extension with a malformed id or a TLP code that
handling.yaml does not know is a configuration error naming the file and the
section, never a bundle that a partner rejects.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from portintel.domain.vocabulary_data import VocabularyReader

EXTENSION_TYPES = frozenset({"new-sdo", "new-sco", "new-sro", "property-extension"})
TYPE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$")
"""STIX 2.1 section 3.1: type names are 3-250 characters of a-z, 0-9 and hyphens."""

REQUIRED_EXTENSIONS = (
    "vessel",
    "phone",
    "entity",
    "statements",
    "grading",
    "handling",
    "report",
    "incident",
    "signature",
)


@dataclass(frozen=True, slots=True)
class ExtensionDefinition:
    """One portintel extension definition (fixed id; a new meaning is a new entry)."""

    key: str
    id: str
    name: str
    version: str
    description: str
    extension_types: tuple[str, ...]
    object_type: str | None = None


@dataclass(frozen=True, slots=True)
class TlpMarking:
    """One official TLP 2.0 marking definition, exactly as OASIS publishes it."""

    code: str
    id: str
    name: str
    tlp_2_0: str


@dataclass(frozen=True, slots=True)
class Author:
    """The identity that created the extension definitions."""

    id: str
    name: str
    identity_class: str
    description: str
    created: str


@dataclass(frozen=True, slots=True)
class StixVocabulary:
    """Everything fixed that a bundle needs besides the data itself."""

    author: Author
    namespace: uuid.UUID
    extensions: Mapping[str, ExtensionDefinition]
    tlp_extension_id: str
    tlp_created: str
    tlp: Mapping[str, TlpMarking]

    def extension(self, key: str) -> ExtensionDefinition:
        return self.extensions[key]

    def tlp_by_id(self, marking_id: str) -> TlpMarking | None:
        for marking in self.tlp.values():
            if marking.id == marking_id:
                return marking
        return None

    @classmethod
    def from_mappings(
        cls,
        extensions: Mapping[str, object],
        tlp: Mapping[str, object],
        *,
        tlp_codes: tuple[str, ...],
        sources: tuple[str, str] = ("extensions.yaml", "tlp.yaml"),
    ) -> StixVocabulary:
        """Build and validate; ``tlp_codes`` are the TLP codes handling.yaml knows."""
        ext_reader = VocabularyReader(sources[0])
        author_data = ext_reader.mapping(extensions.get("author"), "author")
        author = Author(
            id=_identifier(ext_reader, ext_reader.text(author_data, "id", "author"), "author.id"),
            name=ext_reader.text(author_data, "name", "author"),
            identity_class=ext_reader.text(author_data, "identity_class", "author"),
            description=ext_reader.text(author_data, "description", "author"),
            created=ext_reader.text(author_data, "created", "author"),
        )
        try:
            namespace = uuid.UUID(str(extensions.get("namespace")))
        except ValueError as exc:
            raise ext_reader.fail("namespace", "not a UUID") from exc
        found: dict[str, ExtensionDefinition] = {}
        items = ext_reader.sequence(extensions.get("extensions"), "extensions")
        for index, raw in enumerate(items):
            section = f"extensions[{index}]"
            item = ext_reader.mapping(raw, section)
            definition = _extension(ext_reader, item, section)
            if definition.key in found:
                raise ext_reader.fail(section, f"extension {definition.key!r} is listed twice")
            found[definition.key] = definition
        missing = [key for key in REQUIRED_EXTENSIONS if key not in found]
        if missing:
            raise ext_reader.fail("extensions", f"missing {', '.join(missing)}")

        tlp_reader = VocabularyReader(sources[1])
        markings: dict[str, TlpMarking] = {}
        for index, raw in enumerate(tlp_reader.sequence(tlp.get("markings"), "markings")):
            section = f"markings[{index}]"
            item = tlp_reader.mapping(raw, section)
            marking = TlpMarking(
                code=tlp_reader.code(item.get("code"), f"{section}.code"),
                id=_identifier(tlp_reader, tlp_reader.text(item, "id", section), section),
                name=tlp_reader.text(item, "name", section),
                tlp_2_0=tlp_reader.text(item, "tlp_2_0", section),
            )
            markings[marking.code] = marking
        if sorted(markings) != sorted(tlp_codes):
            raise tlp_reader.fail(
                "markings",
                f"TLP codes {sorted(markings)} differ from handling.yaml's {sorted(tlp_codes)}",
            )
        return cls(
            author=author,
            namespace=namespace,
            extensions=found,
            tlp_extension_id=_identifier(
                tlp_reader, tlp_reader.text(tlp, "extension_id", "extension_id"), "extension_id"
            ),
            tlp_created=tlp_reader.text(tlp, "created", "created"),
            tlp=markings,
        )


def _identifier(reader: VocabularyReader, text: str, section: str) -> str:
    kind, separator, value = text.partition("--")
    try:
        uuid.UUID(value)
    except ValueError:
        separator = ""
    if not separator or not TYPE_NAME.match(kind):
        raise reader.fail(section, f"{text!r} is not a STIX identifier (type--UUID)")
    return text


def _extension(
    reader: VocabularyReader, item: Mapping[str, object], section: str
) -> ExtensionDefinition:
    identifier = _identifier(reader, reader.text(item, "id", section), f"{section}.id")
    if not identifier.startswith("extension-definition--"):
        raise reader.fail(f"{section}.id", "must be an extension-definition id")
    types = tuple(
        reader.code(value, f"{section}.extension_types")
        for value in reader.sequence(item.get("extension_types"), f"{section}.extension_types")
    )
    unknown = [value for value in types if value not in EXTENSION_TYPES]
    if not types or unknown:
        raise reader.fail(
            f"{section}.extension_types",
            f"unknown or no extension types {unknown}",
            hint=f"use {', '.join(sorted(EXTENSION_TYPES))}",
        )
    object_type: str | None = None
    if "new-sdo" in types:
        object_type = reader.text(item, "object_type", section)
        if not TYPE_NAME.match(object_type) or "--" in object_type:
            raise reader.fail(f"{section}.object_type", f"{object_type!r} is not a STIX type name")
    return ExtensionDefinition(
        key=reader.text(item, "key", section),
        id=identifier,
        name=reader.text(item, "name", section),
        version=reader.text(item, "version", section),
        description=reader.text(item, "description", section),
        extension_types=types,
        object_type=object_type,
    )

"""Reading vocabulary data (parsed YAML) with errors that say where.

The grading and handling vocabularies are configuration a node may edit. When
an edit is wrong, the operator needs the file, the section and the code, not a
``KeyError``: every reader here takes the dotted path of what it reads and
raises :class:`~portintel.errors.ConfigurationError` naming it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from portintel.errors import ConfigurationError


class VocabularyReader:
    """Typed access to one parsed vocabulary document, for one source file."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, section: str, message: str, *, hint: str | None = None) -> ConfigurationError:
        """The error to raise for a problem in ``section`` of this source."""
        return ConfigurationError(
            f"{self.source}: {section}: {message}",
            hint=hint or f"fix {section} in {self.source}",
        )

    def mapping(self, value: object, section: str) -> Mapping[str, object]:
        if not isinstance(value, Mapping):
            raise self.fail(section, f"expected a mapping, found {type(value).__name__}")
        return {str(key): item for key, item in value.items()}

    def sequence(self, value: object, section: str) -> Sequence[object]:
        if isinstance(value, str | bytes) or not isinstance(value, Sequence):
            raise self.fail(section, f"expected a list, found {type(value).__name__}")
        return value

    def text(self, container: Mapping[str, object], key: str, section: str) -> str:
        value = container.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{section}.{key}", "missing or empty text")
        return value.strip()

    def code(self, value: object, section: str) -> str:
        """A code as text; YAML reads ``1`` as an int and ``yes`` as a bool, so be strict."""
        if isinstance(value, bool) or value is None:
            raise self.fail(section, f"{value!r} is not a code; quote codes in YAML")
        if isinstance(value, int | str):
            code = str(value).strip()
            if code:
                return code
        raise self.fail(section, f"{value!r} is not a code")

    def boolean(self, container: Mapping[str, object], key: str, section: str) -> bool:
        value = container.get(key)
        if not isinstance(value, bool):
            raise self.fail(f"{section}.{key}", f"expected true or false, found {value!r}")
        return value

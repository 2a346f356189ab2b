"""The curated table of regional spelling variants of name parts, as data.

``vocabularies/name_variants.csv`` lists, one row each, a *group* (the
canonical spelling, lower case ASCII) and a *variant* that writes the same
name part: Sok/Sokh, Chea/Chia, Soeharto/Suharto (the pre-1972 Indonesian
spelling), Mohammed/Muhammad, a Thai passport spelling beside its RTGS form,
and native-script spellings (Khmer សុខ, Burmese အောင်) beside their usual
romanisation. Every row names its source (the ``source`` column, explained
in ``name_variants-SOURCES.md``). A node may extend the table.

Burmese names are written without spaces between syllables; the native rows
are also the syllable table :func:`NameVariants.segment` reads them with.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from portintel.errors import ConfigurationError

COLUMNS = ("group", "variant", "script", "source")


@dataclass(frozen=True, slots=True)
class NameVariants:
    """Which group each spelling belongs to; native-script spellings by length for segmenting."""

    groups: dict[str, str] = field(default_factory=dict)
    """Lower-case spelling (ASCII or native script) -> group."""
    native: tuple[str, ...] = ()
    """Native-script spellings, longest first."""

    def group(self, token: str) -> str | None:
        return self.groups.get(token)

    def segment(self, text: str) -> list[str]:
        """``text`` (native script, no spaces) cut into known spellings, longest first,
        with the characters between them kept as pieces of their own."""
        pieces: list[str] = []
        unknown = ""
        i = 0
        while i < len(text):
            for spelling in self.native:
                if text.startswith(spelling, i):
                    if unknown:
                        pieces.append(unknown)
                        unknown = ""
                    pieces.append(spelling)
                    i += len(spelling)
                    break
            else:
                unknown += text[i]
                i += 1
        if unknown:
            pieces.append(unknown)
        return pieces


def parse_name_variants(text: str, *, source: str = "name_variants.csv") -> NameVariants:
    """The table from its CSV text; ConfigurationError naming the line of a bad row."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ConfigurationError(
            f"{source}: expected the columns {', '.join(COLUMNS)}, found {reader.fieldnames}",
            hint=f"fix the header of {source}",
        )
    groups: dict[str, str] = {}
    native: list[str] = []
    for row in reader:
        line = reader.line_num
        group = (row.get("group") or "").strip().lower()
        variant = unicodedata.normalize("NFC", (row.get("variant") or "").strip().lower())
        if not group or not variant or not (row.get("source") or "").strip():
            raise ConfigurationError(
                f"{source}: line {line}: group, variant and source are all required",
                hint=f"fix line {line} of {source}",
            )
        if not group.isascii() or not group.replace("-", "").isalpha():
            raise ConfigurationError(
                f"{source}: line {line}: group {group!r} must be ASCII letters",
                hint="name the group by its usual romanised spelling",
            )
        groups[variant] = group
        groups.setdefault(group, group)
        if not variant.isascii():
            native.append(variant)
    return NameVariants(groups, tuple(sorted(set(native), key=lambda s: (-len(s), s))))

"""Labels for the codes sharing pages show: handling codes, schemata and properties.

Pages show labels, never codes (codes sit in tooltips); the vocabulary
behind each label is data: handling labels come from ``handling.yaml``,
schema and property labels from followthemoney's model. Category, status and
reason wording is translated in ``templates/sharing/_labels.html``.
"""

from __future__ import annotations

from dataclasses import dataclass

from followthemoney import model

from portintel.domain.handling import HandlingVocabularies
from portintel.errors import PortintelError


@dataclass(frozen=True, slots=True)
class SharingLabels:
    handling: HandlingVocabularies

    def handling_label(self, code: str | None) -> str:
        """``Lawful sharing permitted (UK 3x5x2 handling)`` for ``uk-3x5x2:P``; an unknown
        code is shown as itself (the policy refuses it anyway)."""
        if not code:
            return ""
        try:
            label = self.handling.label(code)
            vocabulary = code.partition(":")[0]
            name = self.handling.vocabulary(vocabulary).name
        except PortintelError:
            return code
        if vocabulary == self.handling.tlp_vocabulary:
            return f"TLP:{code.partition(':')[2]}"
        return f"{label} ({name})"

    def tlp_label(self, level: str) -> str:
        return f"TLP:{level}"

    def handling_choices(self) -> list[tuple[str, str]]:
        """Every handling code as ``(code, label)``, vocabulary by vocabulary."""
        return [
            (
                f"{definition.vocabulary}:{definition.code}",
                self.handling_label(f"{definition.vocabulary}:{definition.code}"),
            )
            for vocabulary in self.handling.ids
            if vocabulary != self.handling.tlp_vocabulary
            for definition in self.handling.codes(vocabulary)
        ]

    def tlp_levels(self) -> list[str]:
        return [definition.code for definition in self.handling.codes(self.handling.tlp_vocabulary)]

    def schema_label(self, schema: str | None) -> str:
        found = model.get(schema) if schema else None
        return found.label if found is not None else (schema or "")

    def property_label(self, schema: str | None, prop: str | None) -> str:
        found = model.get(schema) if schema else None
        if found is None or not prop:
            return prop or ""
        prop_model = found.get(prop)
        return prop_model.label if prop_model is not None else prop

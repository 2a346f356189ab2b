"""Names across scripts: detection, romanisation, spelling variants and comparison.

Pure functions and data: nothing here reads a file (the variants table's
text is handed in, see ``portintel.adapters.name_data``).
"""

from portintel.domain.names.matching import (
    NameForm,
    PreparedName,
    best_name_match,
    compare_forms,
    compare_names,
    prepare_name,
    skeleton,
)
from portintel.domain.names.romanise import ascii_words, romanisations
from portintel.domain.names.scripts import Script, main_script, scripts_of
from portintel.domain.names.thai import rtgs
from portintel.domain.names.variants import NameVariants, parse_name_variants

__all__ = [
    "NameForm",
    "NameVariants",
    "PreparedName",
    "Script",
    "ascii_words",
    "best_name_match",
    "compare_forms",
    "compare_names",
    "main_script",
    "parse_name_variants",
    "prepare_name",
    "romanisations",
    "rtgs",
    "scripts_of",
    "skeleton",
]

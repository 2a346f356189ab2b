"""The name variants table and the labelled name pairs, read from package data.

Read once per process: the table is immutable and every cross-reference needs it.
"""

from __future__ import annotations

import functools
from importlib import resources

from portintel.domain.names import NameVariants, parse_name_variants
from portintel.errors import ConfigurationError

PACKAGE = "portintel.vocabularies"
VARIANTS_FILE = "name_variants.csv"
NAME_PAIRS_FILE = "name_pairs.csv"


def package_text(name: str, *, package: str = PACKAGE) -> str:
    """The text of package data file ``name``; ConfigurationError if it cannot be read."""
    try:
        return resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise ConfigurationError(
            f"cannot read {name} from {package}: {exc}",
            hint="reinstall portintel; the name tables ship as package data",
        ) from exc


@functools.cache
def name_variants() -> NameVariants:
    """The shipped table of name spelling variants, parsed once."""
    return parse_name_variants(package_text(VARIANTS_FILE), source=VARIANTS_FILE)

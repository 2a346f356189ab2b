"""Read the indicator sets: the shipped ones (package data) and the node's own file.

Shipped sets are ``portintel/vocabularies/indicators/<version>.yaml``, one
file per released version, never edited once released (``released.csv``
holds each file's SHA-256, which a test checks); the newest version is the
one in force. A node changes it in ``<data_dir>/indicators.yaml``, a set of
its own version built on the shipped one (``based_on``): see
:func:`portintel.domain.targeting.indicators.parse_indicator_set`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from portintel.domain.targeting.indicators import IndicatorSet, parse_indicator_set
from portintel.errors import ConfigurationError

PACKAGE = "portintel.vocabularies.indicators"
NODE_FILE = "indicators.yaml"
RELEASED_FILE = "released.csv"


def _version_key(name: str) -> tuple[int | str, ...]:
    stem = name.removesuffix(".yaml")
    return tuple(int(part) if part.isdigit() else part for part in stem.split("."))


def shipped_set_names() -> list[str]:
    """The shipped set files, oldest version first."""
    try:
        files = [
            entry.name
            for entry in resources.files(PACKAGE).iterdir()
            if entry.name.endswith(".yaml")
        ]
    except (OSError, ModuleNotFoundError) as exc:
        raise ConfigurationError(
            f"cannot list the indicator sets of {PACKAGE}: {exc}",
            hint="reinstall portintel; the indicators ship as package data",
        ) from exc
    return sorted(files, key=_version_key)


def shipped_text(name: str) -> str:
    try:
        return resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise ConfigurationError(f"cannot read {name} from {PACKAGE}: {exc}") from exc


def load_shipped_set(name: str | None = None) -> IndicatorSet:
    """A shipped set by file name (the newest when None)."""
    names = shipped_set_names()
    if not names:
        raise ConfigurationError(f"no indicator set in {PACKAGE}")
    chosen = name or names[-1]
    return parse_indicator_set(shipped_text(chosen), source=chosen)


def load_indicator_set(data_dir: Path) -> IndicatorSet:
    """The set in force: the newest shipped one, changed by ``<data_dir>/indicators.yaml``."""
    base = load_shipped_set()
    node = data_dir / NODE_FILE
    try:
        text = node.read_text(encoding="utf-8")
    except FileNotFoundError:
        return base
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read {node}: {exc}") from exc
    return parse_indicator_set(text, source=str(node), base=base)

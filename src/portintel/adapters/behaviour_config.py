"""Read the behaviour configuration files: thresholds, ports gazetteer, analyst areas.

Shipped defaults are package data (``portintel/vocabularies/behaviours.yaml``
and ``ports.csv``); a node overrides them from its data directory:
``<data_dir>/behaviours.yaml`` (only the thresholds it changes),
``<data_dir>/ports.csv`` (entries added or replacing shipped ids) and
``<data_dir>/areas/*.geojson`` (areas analysts drew or imported).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from portintel.domain.maritime.behaviour.area import Area, load_areas
from portintel.domain.maritime.behaviour.ports import Gazetteer, build_gazetteer
from portintel.domain.maritime.behaviour.settings import BehaviourSettings, parse_settings
from portintel.errors import ConfigurationError

PACKAGE = "portintel.vocabularies"
SETTINGS_FILE = "behaviours.yaml"
PORTS_FILE = "ports.csv"
AREAS_DIR = "areas"


def _shipped(name: str) -> str:
    try:
        return resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read {name} from {PACKAGE}: {exc}",
            hint="reinstall portintel; the behaviour defaults ship as package data",
        ) from exc


def _node_file(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc


def load_behaviour_settings(data_dir: Path) -> BehaviourSettings:
    """The shipped thresholds, overridden by ``<data_dir>/behaviours.yaml`` when present."""
    settings = parse_settings(_shipped(SETTINGS_FILE), source=SETTINGS_FILE)
    node = data_dir / SETTINGS_FILE
    text = _node_file(node)
    if text is not None:
        settings = parse_settings(text, source=str(node), base=settings)
    return settings


def load_gazetteer(data_dir: Path) -> Gazetteer:
    """The shipped gazetteer with the node's ``ports.csv`` over it."""
    texts = [(_shipped(PORTS_FILE), PORTS_FILE)]
    node = data_dir / PORTS_FILE
    text = _node_file(node)
    if text is not None:
        texts.append((text, str(node)))
    return build_gazetteer(*texts)


def load_node_areas(data_dir: Path) -> list[Area]:
    """Every area of ``<data_dir>/areas/*.geojson``, in file name order."""
    directory = data_dir / AREAS_DIR
    areas: list[Area] = []
    for path in sorted(directory.glob("*.geojson")) if directory.is_dir() else []:
        text = _node_file(path)
        if text is not None:
            areas.extend(load_areas(text, source=str(path)))
    return areas

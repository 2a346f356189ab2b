"""Read the behaviour configuration files: thresholds, ports gazetteer, analyst areas.

Shipped defaults are package data (``portintel/vocabularies/behaviours.yaml``
and ``ports.csv``); a node overrides them from its data directory:
``<data_dir>/behaviours.yaml`` (only the thresholds it changes),
``<data_dir>/ports.csv`` (entries added or replacing shipped ids) and
``<data_dir>/areas/*.geojson`` (areas analysts drew or imported).

What analysts enter in the app (areas, port additions and corrections) is
kept in the relational store, audited; the maritime services write it out
here after each change (``areas/analyst-areas.geojson`` and
``ports-analysts.csv``, both generated: edit them in the app, not by hand) so
detection reads one set of files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from portintel.domain.maritime.behaviour.area import Area, load_areas
from portintel.domain.maritime.behaviour.ports import (
    COLUMNS,
    Gazetteer,
    Port,
    build_gazetteer,
    parse_ports,
)
from portintel.domain.maritime.behaviour.settings import BehaviourSettings, parse_settings
from portintel.domain.targeting.destinations import parse_aliases
from portintel.errors import ConfigurationError

PACKAGE = "portintel.vocabularies"
SETTINGS_FILE = "behaviours.yaml"
PORTS_FILE = "ports.csv"
AREAS_DIR = "areas"
ANALYST_AREAS_FILE = "analyst-areas.geojson"
ANALYST_PORTS_FILE = "ports-analysts.csv"
ALIASES_FILE = "port_aliases.csv"
NODE_ALIASES_FILE = "port-aliases.csv"


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


def load_gazetteer(data_dir: Path, *, analysts: bool = True) -> Gazetteer:
    """The shipped gazetteer, the node's ``ports.csv`` over it, then the analysts' entries
    (unless ``analysts`` is false: the entries as they were before any analyst's edit)."""
    texts = [(_shipped(PORTS_FILE), PORTS_FILE)]
    files = (PORTS_FILE, ANALYST_PORTS_FILE) if analysts else (PORTS_FILE,)
    for node in (data_dir / name for name in files):
        text = _node_file(node)
        if text is not None:
            texts.append((text, str(node)))
    return build_gazetteer(*texts)


def add_node_port(data_dir: Path, port: Port) -> bool:
    """Add ``port`` to the node's ``<data_dir>/ports.csv`` unless an entry has its id.

    For setups that know a place the shipped gazetteer lacks (the demo's landing
    beach); analysts use the Ports page, which keeps its own audited file.
    """
    path = data_dir / PORTS_FILE
    text = _node_file(path)
    if text is not None:
        known, _ = parse_ports(text, source=str(path))
        if any(p.id == port.id for p in known):
            return False
    lines = [] if text else [",".join(COLUMNS)]
    row = io.StringIO()
    csv.writer(row, lineterminator="").writerow([getattr(port, name) for name in COLUMNS])
    lines.append(row.getvalue())
    prefix = text if text is None or text.endswith("\n") else text + "\n"
    _write_atomically(path, (prefix or "") + "\n".join(lines) + "\n")
    return True


def load_port_aliases(data_dir: Path) -> dict[str, tuple[str, ...]]:
    """Other names of ports (``id,alias``): shipped, then ``<data_dir>/port-aliases.csv``.

    A refused row is an error naming the file and line: an alias that silently
    did not load would leave vessels off the pre-arrival list.
    """
    texts = [(_shipped(ALIASES_FILE), ALIASES_FILE)]
    node = data_dir / NODE_ALIASES_FILE
    text = _node_file(node)
    if text is not None:
        texts.append((text, str(node)))
    merged: dict[str, tuple[str, ...]] = {}
    for body, source in texts:
        aliases, refused = parse_aliases(body, source)
        if refused:
            raise ConfigurationError(refused[0], hint="each row is a port id and one alias")
        for port_id, names in aliases.items():
            merged[port_id] = (*merged.get(port_id, ()), *names)
    return merged


def _write_atomically(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return  # unchanged: no new file, no new modification time
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_analyst_areas(data_dir: Path, features: list[dict[str, Any]]) -> Path:
    """Replace ``<data_dir>/areas/analyst-areas.geojson`` (a reader never sees half of it)."""
    path = data_dir / AREAS_DIR / ANALYST_AREAS_FILE
    if not features and not path.exists():
        return path  # nothing drawn yet: no file
    document = {"type": "FeatureCollection", "features": features}
    _write_atomically(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    return path


def write_analyst_ports(data_dir: Path, text: str) -> Path:
    """Replace ``<data_dir>/ports-analysts.csv`` with ``text`` (the columns of ``ports.csv``)."""
    path = data_dir / ANALYST_PORTS_FILE
    if len(text.splitlines()) <= 1 and not path.exists():
        return path  # no entry from the app yet (the header alone): no file
    _write_atomically(path, text)
    return path


def load_node_areas(data_dir: Path) -> list[Area]:
    """Every area of ``<data_dir>/areas/*.geojson``, in file name order."""
    directory = data_dir / AREAS_DIR
    areas: list[Area] = []
    for path in sorted(directory.glob("*.geojson")) if directory.is_dir() else []:
        text = _node_file(path)
        if text is not None:
            areas.extend(load_areas(text, source=str(path)))
    return areas

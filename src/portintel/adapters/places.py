"""Read the extraction gazetteer: shipped places and ports, with the node's files over them.

``portintel/vocabularies/places.csv`` (provinces, islands, landing sites;
sources in ``places-SOURCES.md``) and the ports gazetteer (``ports.csv``,
read by :func:`portintel.adapters.behaviour_config.load_gazetteer`); a node
adds or corrects places with ``<data_dir>/places.csv`` of the same columns
(an entry with a shipped id replaces it). Each refused row is kept with its
file, line and reason while the good rows load.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from portintel.adapters.behaviour_config import load_gazetteer
from portintel.domain.extraction import Place, PlaceTable, parse_places, port_names
from portintel.errors import ConfigurationError

PACKAGE = "portintel.vocabularies"
PLACES_FILE = "places.csv"


def _shipped() -> str:
    try:
        return resources.files(PACKAGE).joinpath(PLACES_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read {PLACES_FILE} from {PACKAGE}: {exc}",
            hint="reinstall portintel; the gazetteer ships as package data",
        ) from exc


def load_places(data_dir: Path) -> PlaceTable:
    """Places, then ports, in matching precedence; the node's places replace shipped ids."""
    shipped = parse_places(_shipped(), source=PLACES_FILE)
    by_id = {place.id: place for place in shipped.places}
    refused = list(shipped.refused)
    node = data_dir / PLACES_FILE
    try:
        text = node.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read {node}: {exc}") from exc
    if text is not None:
        own = parse_places(text, source=str(node))
        refused += own.refused
        # the node's entries first: a name the node and the shipped list share is the node's
        by_id = {place.id: place for place in own.places} | {
            key: place for key, place in by_id.items() if key not in {p.id for p in own.places}
        }
    ports = load_gazetteer(data_dir)
    refused += ports.refused
    places = list(by_id.values()) + [
        Place(
            id=port.id,
            name=port.name,
            country=port.country,
            kind=port.kind,
            lat=port.lat,
            lon=port.lon,
            aliases=port_names(port.name)[1:],
        )
        for port in ports.ports
        if port.id not in by_id
    ]
    return PlaceTable(tuple(places), tuple(refused))

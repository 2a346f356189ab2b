"""Which port an AIS destination names: free text typed by a crew, matched tolerantly.

Crews type the destination field of AIS message 5 by hand, in 20 upper-case
characters: ``SIHANOUKVILLE``, ``KH KOS``, ``KHKOS``, ``KOMPONG SOM``,
``SIHANOUK VILLE``, ``SIHANOUKVIL``, ``SHV>SONGKHLA`` (a route: the last leg
is the destination), ``SONGKHLA PORT``, ``SONGKLA``. A port is named by its
id when it has the shape of a UN/LOCODE (``KHKOS``, ``KH-KKG``), by its name
(and a name in brackets: ``Koh Kong (Khemarak Phoumin)``) and by the aliases
a node keeps as data (``vocabularies/port_aliases.csv`` and
``<data_dir>/port-aliases.csv``). Words that say what kind of place it is
(port, harbour, anchorage, deep sea) are left out on both sides, and a
spelling within a small edit distance still matches (``SONGKLA``), so the
usual spellings are found and nothing has to be listed twice.

Pure: the caller reads the gazetteer and the aliases.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

FILLER = frozenset(
    {
        "PORT",
        "PT",
        "HARBOUR",
        "HARBOR",
        "HBR",
        "ANCHORAGE",
        "ANCH",
        "ANCHOR",
        "DEEP",
        "SEA",
        "AUTONOMOUS",
        "FISHING",
        "TERMINAL",
        "OPL",
        "ROADS",
        "PIER",
        "JETTY",
        "BERTH",
        "FOR",
        "ORDERS",
    }
)
"""Words that say what kind of place a destination is, not which."""
ROUTE_SEPARATORS = re.compile(r">|=>|->|\bTO\b|/")
LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
NOT_AVAILABLE = frozenset({"", "NA", "N A", "NONE", "UNKNOWN", "NIL", "TBA", "TBN"})
MIN_FUZZY_LENGTH = 6
"""Shorter keys must match exactly: an edit in ``SATUN`` makes another word."""


@dataclass(frozen=True, slots=True)
class PortKey:
    """One way of naming a port: its compact text (no spaces) and how it is known."""

    text: str
    how: str
    """``UN/LOCODE``, ``port code``, ``name`` or ``alias``."""


@dataclass(frozen=True, slots=True)
class PortNames:
    id: str
    name: str
    keys: tuple[PortKey, ...]


@dataclass(frozen=True, slots=True)
class DestinationMatch:
    port_id: str
    how: str
    """``UN/LOCODE``, ``name``, ``alias``, or the same followed by ``, close spelling``."""


def _words(text: str) -> list[str]:
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).split()


def _compact(words: Iterable[str]) -> str:
    return "".join(w for w in words if w not in FILLER)


def last_leg(destination: str) -> str:
    """The destination of a route typed as ``FROM>TO`` (or ``FROM TO TO``, ``FROM/TO``)."""
    parts = [p for p in ROUTE_SEPARATORS.split(destination.upper()) if p.strip()]
    return parts[-1].strip() if parts else ""


def is_unavailable(destination: str | None) -> bool:
    """True for an empty destination or a placeholder (``N/A``, ``TBA``, ``@@@@``)."""
    if destination is None:
        return True
    return " ".join(_words(destination)) in NOT_AVAILABLE


def port_names(
    port_id: str, name: str, aliases: Iterable[str] = (), locodes: Iterable[str] = ()
) -> PortNames:
    """The keys a destination may name a port by."""
    keys: list[PortKey] = []
    code = re.sub(r"[^A-Z0-9]", "", port_id.upper())
    if LOCODE.match(code):
        # the shipped ids are UN/LOCODEs, or the project's own (KH-KKG) where there is none
        keys.append(PortKey(code, "UN/LOCODE" if code == port_id.upper() else "port code"))
    for candidate in (re.sub(r"[^A-Z0-9]", "", c.upper()) for c in locodes):
        if LOCODE.match(candidate):
            keys.append(PortKey(candidate, "UN/LOCODE"))
    inner = re.findall(r"\(([^)]*)\)", name)
    outer = re.sub(r"\([^)]*\)", " ", name)
    # "Kuching, Sarawak": the place before the comma is a name on its own
    parts = [part for part in outer.split(",") if part.strip()]
    for text in (outer, *parts[:1], *inner):
        compact = _compact(_words(text))
        if compact:
            keys.append(PortKey(compact, "name"))
    for alias in aliases:
        compact = _compact(_words(alias))
        if compact:
            keys.append(PortKey(compact, "alias"))
    unique = {(k.text, k.how): k for k in keys}
    return PortNames(port_id, name, tuple(unique.values()))


def _candidates(destination: str) -> list[str]:
    """Compact texts to compare: the whole last leg, then each run of its words."""
    words = [w for w in _words(last_leg(destination)) if w not in FILLER]
    out: list[str] = []
    for size in range(len(words), 0, -1):
        for start in range(0, len(words) - size + 1):
            out.append("".join(words[start : start + size]))
    return out


def match_destination(destination: str | None, port: PortNames) -> DestinationMatch | None:
    """How ``destination`` names ``port``, or None if it does not."""
    if destination is None or is_unavailable(destination):
        return None
    candidates = _candidates(destination)
    if not candidates:
        return None
    for key in port.keys:
        if key.text in candidates:
            return DestinationMatch(port.id, key.how)
    whole = candidates[0]
    for key in port.keys:
        if key.how in ("UN/LOCODE", "port code") or len(key.text) < MIN_FUZZY_LENGTH:
            continue
        for candidate in (whole, *candidates[1:]):
            if len(candidate) < MIN_FUZZY_LENGTH:
                continue
            # a truncated name (20 characters, or a crew's abbreviation): SIHANOUKVIL
            if len(candidate) >= 8 and key.text.startswith(candidate):
                return DestinationMatch(port.id, f"{key.how}, shortened")
            allowed = 1 if len(key.text) < 9 else 2
            if Levenshtein.distance(candidate, key.text, score_cutoff=allowed) <= allowed:
                return DestinationMatch(port.id, f"{key.how}, close spelling")
    return None


def parse_aliases(text: str, source: str) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """``id,alias`` rows: aliases by port id, and ``source line N: reason`` of refused rows."""
    aliases: dict[str, list[str]] = {}
    refused: list[str] = []
    reader = csv.reader(io.StringIO(text))
    for line, row in enumerate(reader, start=1):
        if not row or row[0].startswith("#"):
            continue
        if line == 1 and [c.strip().lower() for c in row[:2]] == ["id", "alias"]:
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            refused.append(f"{source} line {line}: a row needs a port id and an alias")
            continue
        aliases.setdefault(row[0].strip(), []).append(row[1].strip())
    return {k: tuple(v) for k, v in aliases.items()}, tuple(refused)


__all__ = [
    "DestinationMatch",
    "PortKey",
    "PortNames",
    "is_unavailable",
    "last_leg",
    "match_destination",
    "parse_aliases",
    "port_names",
]

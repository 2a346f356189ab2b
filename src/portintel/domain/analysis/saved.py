"""Saved charts as data: the analyst's layout, and the handling a chart must carry.

A saved chart keeps *how* it was drawn (root, hops, kinds of link, dates,
minimum grading) and the analyst's work on it (positions, pinned, hidden,
groups, notes), never the nodes and edges themselves: opening it expands it
again within the opener's scope, so a colleague it is shared with sees only
what they may read, and a node they may not see is absent from the layout as
well (:func:`layout_within`).

Its handling is at least the most restrictive of the handling codes of what
it shows. Codes of different vocabularies are compared by what they allow:
first the TLP they are exchanged under by default (CLEAR < GREEN < AMBER <
AMBER+STRICT < RED), then whether they are restrictive at all, then their
place in their own vocabulary (H0 < H1 < H2 < H3). :func:`strictest` picks
the floor; :func:`covers` says whether a chosen code is at or above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from portintel.domain.handling import HandlingVocabularies
from portintel.errors import InvalidInput, PortintelError

TLP_ORDER = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
"""TLP 2.0 codes from the widest audience to the narrowest."""

MAX_NAME = 200
MAX_NOTES = 20_000
MAX_GROUPS = 200


@dataclass(frozen=True, slots=True)
class Position:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Group:
    """A named group of nodes the analyst drew (a cell, a crew, a family)."""

    name: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Layout:
    """What the analyst did to the chart: where nodes are, which are pinned, hidden, grouped."""

    positions: Mapping[str, Position] = field(default_factory=dict)
    pinned: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()

    def node_ids(self) -> set[str]:
        ids = set(self.positions) | set(self.pinned) | set(self.hidden)
        for group in self.groups:
            ids.update(group.members)
        return ids


def layout_within(layout: Layout, visible: Iterable[str]) -> Layout:
    """The layout reduced to the nodes the opener sees: the others leave no trace.

    A group whose every member is out of sight goes too (its name could tell).
    """
    seen = set(visible)
    groups = []
    for group in layout.groups:
        members = tuple(m for m in group.members if m in seen)
        if members:
            groups.append(Group(group.name, members))
    return Layout(
        positions={k: v for k, v in layout.positions.items() if k in seen},
        pinned=tuple(n for n in layout.pinned if n in seen),
        hidden=tuple(n for n in layout.hidden if n in seen),
        groups=tuple(groups),
    )


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(
            "a saved chart needs a name", field="name", hint="name it, e.g. 'Sok network, March'"
        )
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"the name is longer than {MAX_NAME} characters", field="name")
    return cleaned


def check_notes(notes: str) -> str:
    if len(notes) > MAX_NOTES:
        raise InvalidInput(f"the notes are longer than {MAX_NOTES} characters", field="notes")
    return notes


def check_layout(layout: Layout) -> None:
    if len(layout.groups) > MAX_GROUPS:
        raise InvalidInput(f"at most {MAX_GROUPS} groups", field="layout")
    for group in layout.groups:
        check_name(group.name)
    for position in layout.positions.values():
        if not all(abs(v) < 1e7 for v in (position.x, position.y)):
            raise InvalidInput("a node position is out of range", field="layout")


def strictness(vocabularies: HandlingVocabularies, code: str) -> tuple[int, int, int]:
    """A sort key: a code sorts after every code that allows more (see the module docstring).

    A code the vocabularies do not know sorts last (fails closed).
    """
    try:
        tlp = vocabularies.default_tlp(code)
        restrictive = vocabularies.is_restrictive(code)
        vocabulary, _, bare = code.partition(":")
        codes = [d.code for d in vocabularies.codes(vocabulary.strip().lower())] if bare else []
    except PortintelError:
        return (len(TLP_ORDER), 1, 99)
    place = codes.index(bare.strip().upper()) if bare.strip().upper() in codes else 0
    rank = TLP_ORDER.index(tlp) if tlp in TLP_ORDER else len(TLP_ORDER)
    return (rank, int(restrictive), place)


def strictest(vocabularies: HandlingVocabularies, codes: Iterable[str]) -> str | None:
    """The most restrictive of ``codes``; None when there are none."""
    found = sorted({c for c in codes if c}, key=lambda c: (strictness(vocabularies, c), c))
    return found[-1] if found else None


def covers(vocabularies: HandlingVocabularies, chosen: str, floor: str | None) -> bool:
    """Whether ``chosen`` is at least as restrictive as ``floor`` on every axis."""
    if floor is None:
        return True
    mine, least = strictness(vocabularies, chosen), strictness(vocabularies, floor)
    if mine[0] < least[0] or mine[1] < least[1]:
        return False
    same_vocabulary = chosen.split(":", 1)[0].lower() == floor.split(":", 1)[0].lower()
    return not same_vocabulary or mine[2] >= least[2]

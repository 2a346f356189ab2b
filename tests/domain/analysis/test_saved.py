"""The handling floor of a saved chart and its layout within a reader's sight (#16)."""

from __future__ import annotations

import pytest

from portintel.adapters.vocabularies import load_handling
from portintel.domain.analysis.saved import (
    Group,
    Layout,
    Position,
    check_name,
    covers,
    layout_within,
    strictest,
)
from portintel.errors import InvalidInput

HANDLING = load_handling()


def test_the_strictest_code_across_vocabularies() -> None:
    assert strictest(HANDLING, []) is None
    assert strictest(HANDLING, ["uk-3x5x2:P", "tlp:GREEN", "europol:H1"]) == "europol:H1"
    assert strictest(HANDLING, ["europol:H2", "europol:H3"]) == "europol:H3"
    assert strictest(HANDLING, ["tlp:AMBER+STRICT", "tlp:RED", "europol:H0"]) == "tlp:RED"
    # a code the node does not know fails closed: it is the strictest
    assert strictest(HANDLING, ["tlp:RED", "made-up:X"]) == "made-up:X"


@pytest.mark.parametrize(
    ("chosen", "floor", "ok"),
    [
        ("tlp:AMBER", "europol:H1", True),
        ("tlp:GREEN", "europol:H1", False),
        ("europol:H3", "europol:H2", True),
        ("europol:H2", "europol:H3", False),
        ("uk-3x5x2:C", "tlp:AMBER+STRICT", True),
        ("tlp:AMBER", "uk-3x5x2:C", False),  # C is restrictive, AMBER is not
        ("tlp:CLEAR", None, True),
    ],
)
def test_a_chosen_code_covers_the_floor_on_every_axis(
    chosen: str, floor: str | None, ok: bool
) -> None:
    assert covers(HANDLING, chosen, floor) is ok


def test_the_layout_keeps_no_trace_of_nodes_out_of_sight() -> None:
    layout = Layout(
        positions={"a": Position(1, 2), "secret": Position(3, 4)},
        pinned=("secret", "a"),
        hidden=("secret",),
        groups=(Group("cell", ("secret",)), Group("family", ("a", "secret"))),
    )
    seen = layout_within(layout, {"a", "b"})
    assert seen == Layout(
        positions={"a": Position(1, 2)}, pinned=("a",), hidden=(), groups=(Group("family", ("a",)),)
    )
    assert "secret" not in repr(seen) and "cell" not in repr(seen)


def test_a_name_is_required_and_tidied() -> None:
    assert check_name("  Sok \n network ") == "Sok network"
    with pytest.raises(InvalidInput):
        check_name(" ")
    with pytest.raises(InvalidInput):
        check_name("x" * 201)

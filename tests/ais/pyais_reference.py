"""pyais, the reference decoder, applied line by line to give what portintel must equal."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Any

import polars as pl
import pyais
from pyais.exceptions import AISBaseException

from portintel.ais.fields import PYAIS_NAMES

OUR_NAMES = {theirs: ours for ours, theirs in PYAIS_NAMES.items()}


def reference_messages(lines: Sequence[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number of the last fragment, asdict) for every message pyais decodes."""
    parts: list[str] = []
    for number, line in enumerate(lines, start=1):
        sentence = line[line.find("!") :] if "!" in line else line
        fields = sentence.split(",")
        if len(fields) < 7:
            parts = []
            continue
        count, index = fields[1], fields[2]
        if count != "1":
            parts = [*parts, line] if index != "1" else [line]
            if index != count:
                continue
        else:
            parts = [line]
        try:
            message = pyais.decode(*parts)
            decoded = message.asdict(enum_as_int=True)
        except (AISBaseException, ValueError):
            parts = []
            continue
        parts = []
        yield number, decoded


def assert_same(ours: dict[str, Any], theirs: dict[str, Any], where: str) -> None:
    """Every field pyais gives is in ``ours`` with the same value and type.

    pyais's ``asdict(enum_as_int=True)`` turns only some coded fields into
    ints; the others (SOLAS states, ice class, EMMA codes, ...) stay int enum
    members, which portintel stores as their int. Columns named differently
    (``PYAIS_NAMES``) are compared under portintel's name.
    """
    for pyais_name, expected in theirs.items():
        name = OUR_NAMES.get(pyais_name, pyais_name)
        assert name in ours, f"{where}: column {name} missing"
        actual = ours[name]
        if isinstance(expected, Enum) and isinstance(expected, int):
            expected = int(expected)
        if isinstance(expected, float):
            assert isinstance(actual, float), f"{where}: {name} {actual!r} is not a float"
            assert actual == expected and math.copysign(1, actual) == math.copysign(1, expected), (
                f"{where}: {name} {actual!r} != {expected!r}"
            )
        elif isinstance(expected, bool):
            assert actual is expected, f"{where}: {name} {actual!r} != {expected!r}"
        else:
            assert actual == expected, f"{where}: {name} {actual!r} != {expected!r}"
            assert type(actual) is type(expected) or expected is None, (
                f"{where}: {name} {type(actual)} != {type(expected)}"
            )


def rows_by_line(frame: pl.DataFrame) -> dict[int, dict[str, Any]]:
    return {row["line"]: row for row in frame.iter_rows(named=True)}

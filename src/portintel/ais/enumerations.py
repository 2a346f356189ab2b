"""Coded fields whose unknown values pyais folds into a known one, as lookup tables.

pyais returns enum members, so a ship type or position-fixing device code
outside its list becomes the fallback member (0 "not available", or the base
of its group for reserved ship type codes). Output is the integer of that
member; these tables give it for every raw value the field can hold.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


def _ship_types() -> I64:
    table = np.arange(256, dtype=np.int64)
    table[1:20] = 0
    table[100:] = 0
    table[38:40] = 0
    for base in (25, 45, 65, 75, 85, 95):  # x6-x8 are reserved: folded onto x5
        table[base + 1 : base + 4] = base
    table[57] = 56
    return table


def _epfd_types() -> I64:
    table = np.arange(16, dtype=np.int64)
    table[9:15] = 0  # 9-14 are not defined, 15 is "internal GNSS"
    return table


CODE_TABLES: dict[str, I64] = {"ship_type": _ship_types(), "epfd": _epfd_types()}


def _folded(width: int, known: range | tuple[int, ...], fallback: int) -> I64:
    """Identity on the ``known`` codes, ``fallback`` for every other raw value of ``width`` bits."""
    table = np.full(2**width, fallback, dtype=np.int64)
    codes = np.array(list(known), dtype=np.int64)
    table[codes] = codes
    return table


def _station_types() -> I64:
    table = _folded(4, range(7), 0)
    table[6:10] = 6  # regional use
    table[10:16] = 1  # reserved
    return table


CODE_TABLES.update(
    {
        "solas_status": _folded(2, range(4), 0),
        "transmit_mode": _folded(2, range(4), 0),
        "station_type": _station_types(),
        "station_interval": _folded(4, range(12), 11),
        "signal_impact": _folded(3, range(5), 0),
        "inland_loaded": _folded(2, range(4), 0),
        "ice_class": _folded(4, (*range(11), 15), 15),
        "emma_wind": _folded(4, range(9), 0),
        "emma_type": _folded(4, range(10), 0),
    }
)

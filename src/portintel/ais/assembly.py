"""Multi-sentence AIS messages (types 5, 19, 21, 24, 6, 8, ... of any length) put together.

Fragments belong together when they share station, sequence id, channel and
fragment count, and follow each other 1, 2, ..., count among the sentences
with that key. Sorting by key (stable, so input order is kept within a key)
turns this into array comparisons over at most nine offsets: no loop per
message. Fragments that never complete a group are reported, not dropped;
a group still open at the end of a batch can be held back for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

MAX_FRAGMENTS = 9
OPEN_GROUP_WINDOW = 64
"""A group still open within this many sentences of the batch end may complete in the next."""


@dataclass
class Assembled:
    """Complete groups as ragged rows of sentence positions, plus leftovers."""

    members: I64  # sentence positions, group after group, fragments in order
    group_start: I64  # offsets into members, one per group plus the end
    incomplete: I64  # positions of fragments that belong to no complete group
    open: I64  # positions of fragments of groups that may still complete


def assemble(
    position: I64, key: I64, count: I64, index: I64, *, keep_open: bool, batch_size: int
) -> Assembled:
    """Group multi-part fragments (``position`` ascending = input order)."""
    size = position.shape[0]
    if size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Assembled(empty, np.zeros(1, dtype=np.int64), empty, empty)
    order = np.lexsort((position, key))
    sorted_key, sorted_count, sorted_index = key[order], count[order], index[order]

    starts = sorted_index == 1
    complete = starts.copy()
    run = np.ones(size, dtype=np.int64)  # how many fragments in a row continue the group
    for step in range(1, MAX_FRAGMENTS):
        ahead = np.minimum(np.arange(size) + step, size - 1)
        within = np.arange(size) + step < size
        continues = within & (sorted_key[ahead] == sorted_key) & (sorted_index[ahead] == step + 1)
        needed = step < sorted_count
        complete &= ~needed | continues
        run += (needed & continues & (run == step)).astype(np.int64)

    group_first = np.flatnonzero(complete)
    lengths = sorted_count[group_first]
    members_sorted = _expand(group_first, lengths)
    used = np.zeros(size, dtype=np.bool_)
    used[members_sorted] = True

    # A group is open when it ran out of fragments at the end of its key's list.
    open_mask = np.zeros(size, dtype=np.bool_)
    if keep_open:
        partial = np.flatnonzero(starts & ~complete)
        last = partial + run[partial] - 1
        next_pos = np.minimum(last + 1, size - 1)
        ran_out = (last + 1 >= size) | (sorted_key[next_pos] != sorted_key[last])
        recent = position[order[last]] >= batch_size - OPEN_GROUP_WINDOW
        keep = partial[ran_out & recent]
        open_members = _expand(keep, run[keep])
        open_mask[open_members] = True

    group_start = np.zeros(group_first.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=group_start[1:])
    members = position[order[members_sorted]]
    # Groups in the order of their last fragment, i.e. when the message was complete.
    if group_first.shape[0]:
        last_position = members[group_start[1:] - 1]
        group_order = np.argsort(last_position, kind="stable")
        members = members[_expand(group_start[:-1][group_order], lengths[group_order])]
        group_start[1:] = np.cumsum(lengths[group_order])
    leftover = ~used & ~open_mask
    return Assembled(
        members=members,
        group_start=group_start,
        incomplete=np.sort(position[order[leftover]]),
        open=np.sort(position[order[open_mask]]),
    )


def _expand(first: I64, lengths: I64) -> I64:
    """Positions first[i], first[i]+1, ..., first[i]+lengths[i]-1 for every i."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.zeros(lengths.shape[0], dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    return np.repeat(first - offsets, lengths) + np.arange(total, dtype=np.int64)

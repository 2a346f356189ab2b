"""Blocking: which pairs of entities are worth scoring at all.

Scoring every pair of 10,000 entities is 50 million comparisons; blocking
gives each entity a few keys and scores only pairs that share one. Keys are
chosen so that a true pair shares at least one even when one value is
mistyped or missing:

* every identifier (IMO, MMSI, call sign, passport and id numbers, phones);
* every pair of name-token keys of one name (given + family name in either
  order; keys are variant groups or consonant skeletons, so spellings and
  scripts meet), each name-token key alone (only rare ones survive the
  block limit), and the skeleton of the name written as one word (Chanocha
  = Chan-o-cha; Burmese syllables);
* the date of birth with the first letter of a name key (one mistyped
  name part and order unknown);
* the first and last numbers of an address (house number and postcode).

A key shared by more than ``max_block`` entities says too little (a common
surname, a default date) and is dropped: its pairs are found through the
other keys or not at all. Why not nomenklatura's index: its first call costs
7-16 s here, and the 5 s goal for 10,000 entities is the whole run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import combinations

from portintel.domain.names import skeleton
from portintel.domain.xref.profiles import IDENTIFIER_PROPS, Family, Profile, identifier_text

MAX_BLOCK = 60
"""Entities sharing one key beyond which the key is dropped (see the module docstring)."""
MAX_TOKEN_BLOCK = 6
"""The same for a single name part (``n1``): only a rare name part is worth a block alone."""

_ID_PROPS = (*IDENTIFIER_PROPS, "imoNumber", "mmsi", "callSign", "phone")


def blocking_keys(profile: Profile) -> set[str]:
    """The keys of one entity (prefixed by its family: persons never meet vessels)."""
    family = profile.family
    if family is None:
        return set()
    keys: set[str] = set()
    for prop in _ID_PROPS:
        for value in profile.any_text(prop):
            text = identifier_text(value)
            if len(text) >= 4:
                keys.add(f"id:{text}")
    dates = {identifier_text(value) for value in profile.any_text("birthDate")}
    initials: set[str] = set()
    for name in profile.names:
        for form in name.forms:
            tokens = [
                key
                for key, token in zip(form.keys, form.tokens, strict=True)
                if len(token) >= 2 or len(form.keys) == 1
            ]
            for key in tokens:
                keys.add(f"n1:{key}")
            if len(form.tokens) > 1:
                keys.add(f"j:{skeleton(form.joined)}")
                keys.add(f"j:{skeleton(''.join(reversed(form.tokens)))}")
            for a, b in combinations(sorted(set(tokens)), 2):
                keys.add(f"n2:{a}|{b}")
            for key in tokens:
                initials.add(key[0])
    for address in profile.any_text("address"):
        numbers = [token for token in address.split() if token.isdigit()]
        if len(numbers) >= 2:  # a house number and a postcode
            keys.add(f"a:{numbers[0]}|{numbers[-1]}")
    for date in dates:
        if len(date) >= 6:
            for initial in initials:
                keys.add(f"d:{date}|{initial}")
    return {f"{family}/{key}" for key in keys}


def candidate_pairs(
    profiles: Sequence[Profile], *, max_block: int = MAX_BLOCK
) -> Iterator[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of profiles of one family sharing a useful key;
    each pair once."""
    blocks: dict[str, list[int]] = {}
    for index, profile in enumerate(profiles):
        for key in blocking_keys(profile):
            blocks.setdefault(key, []).append(index)
    seen: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        limit = MAX_TOKEN_BLOCK if "/n1:" in key else max_block
        if len(members) < 2 or len(members) > limit:
            continue
        for pair in combinations(members, 2):
            if pair not in seen:
                seen.add(pair)
                yield pair


__all__ = ["MAX_BLOCK", "Family", "blocking_keys", "candidate_pairs"]

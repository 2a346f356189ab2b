"""A secret value that prints as asterisks: passwords, API tokens, TOTP secrets.

It lives in the domain because every layer handles secrets (a face reads a
password from a prompt, a service checks it, an adapter hashes it) and none
of them may let one slip into a log, a traceback or a repr.
"""

from __future__ import annotations

import secrets

MASK = "********"


class Secret:
    """A password, token or TOTP secret: its repr and str never show the value.

    Call :meth:`reveal` where the value must really be used (hashing, showing
    a new token to its owner once).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return secrets.compare_digest(self._value.encode("utf-8"), other._value.encode("utf-8"))

    def __hash__(self) -> int:
        return hash(self._value)

    def __len__(self) -> int:
        return len(self._value)

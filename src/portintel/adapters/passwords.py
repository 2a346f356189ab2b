"""Password hashing (argon2id), token digests and a secret that prints as asterisks.

argon2 is CPU work, not I/O, but it is a third-party library whose errors are
translated here so the services only see portintel's own vocabulary.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MASK = "********"

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile
_DUMMY_HASH = _HASHER.hash("portintel-timing-equaliser")


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


def hash_password(password: Secret) -> str:
    """An argon2id hash string (salt and parameters included)."""
    return _HASHER.hash(password.reveal())


def verify_password(password_hash: str, password: Secret) -> bool:
    """True when ``password`` matches; a corrupt stored hash never matches."""
    try:
        return _HASHER.verify(password_hash, password.reveal())
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def burn_verification_time(password: Secret) -> None:
    """Spend the time of one verification, so unknown usernames are not faster."""
    verify_password(_DUMMY_HASH, password)


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def new_token() -> Secret:
    """A fresh API token: 32 random bytes, URL-safe base64."""
    return Secret(secrets.token_urlsafe(32))


def token_digest(token: Secret) -> str:
    """What is stored for a token: its sha256, hex."""
    return hashlib.sha256(token.reveal().encode("utf-8")).hexdigest()

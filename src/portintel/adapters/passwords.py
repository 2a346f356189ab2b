"""Password hashing (argon2id) and token digests.

argon2 is CPU work, not I/O, but it is a third-party library whose errors are
translated here so the services only see portintel's own vocabulary. The
services reach the hasher through :class:`portintel.ports.PasswordHasher`
(:class:`Argon2PasswordHasher` implements it); :class:`Secret` lives in the
domain and is re-exported here for the adapters' callers.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from portintel.domain.secret import MASK, Secret

__all__ = [
    "MASK",
    "Argon2PasswordHasher",
    "Secret",
    "burn_verification_time",
    "hash_password",
    "needs_rehash",
    "new_token",
    "token_digest",
    "verify_password",
]

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile


@functools.cache
def _dummy_hash() -> str:
    """Hashed on first use, not at import: importing the module stays cheap."""
    return _HASHER.hash("portintel-timing-equaliser")


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
    verify_password(_dummy_hash(), password)


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


class Argon2PasswordHasher:
    """The node's password hasher (:class:`portintel.ports.PasswordHasher`): argon2id."""

    def hash(self, password: Secret) -> str:
        return hash_password(password)

    def verify(self, password_hash: str, password: Secret) -> bool:
        return verify_password(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return needs_rehash(password_hash)

    def burn_verification_time(self, password: Secret) -> None:
        burn_verification_time(password)


def new_token() -> Secret:
    """A fresh API token: 32 random bytes, URL-safe base64."""
    return Secret(secrets.token_urlsafe(32))


def token_digest(token: Secret) -> str:
    """What is stored for a token: its sha256, hex."""
    return hashlib.sha256(token.reveal().encode("utf-8")).hexdigest()

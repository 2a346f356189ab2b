"""Secrets print as asterisks; argon2id hashes verify and refuse corrupt hashes."""

from __future__ import annotations

from portintel.adapters.passwords import (
    MASK,
    Secret,
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)


def test_a_secret_never_prints_its_value() -> None:
    secret = Secret("hunter2hunter2")
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in str(secret)
    assert "hunter2" not in f"{secret} {secret!r} {[secret]}"
    assert MASK in repr(secret)
    assert secret.reveal() == "hunter2hunter2"
    assert secret == Secret("hunter2hunter2") and secret != Secret("other")


def test_argon2id_hash_verifies_only_the_right_password() -> None:
    stored = hash_password(Secret("correct horse battery"))
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, Secret("correct horse battery"))
    assert not verify_password(stored, Secret("correct horse battery!"))
    assert not verify_password("not-a-hash", Secret("correct horse battery"))
    assert not needs_rehash(stored)
    assert needs_rehash("not-a-hash")


def test_tokens_are_random_and_digests_are_sha256_hex() -> None:
    first, second = new_token(), new_token()
    assert first != second
    assert len(first.reveal()) == 43  # 32 bytes, URL-safe base64 without padding
    digest = token_digest(first)
    assert len(digest) == 64 and first.reveal() not in digest

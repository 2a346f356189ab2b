"""The tip page's rules: signed challenges, the sliding window, digits in any script."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.tips import (
    CHALLENGE_TTL,
    ChallengeFailed,
    ChallengeProblem,
    address_hash,
    check_challenge,
    issue_challenge,
    negotiate_language,
    read_number,
    retry_after,
    solve,
)

KEY = b"k" * 32
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_a_solved_challenge_gives_its_nonce_and_any_change_breaks_it() -> None:
    challenge = issue_challenge(KEY, NOW, 8)
    counter = solve(challenge.token, 8)
    nonce = check_challenge(KEY, challenge.token, NOW, counter=counter, answer="")
    assert challenge.token.startswith(nonce + ".")
    with pytest.raises(ChallengeFailed) as other_key:
        check_challenge(b"x" * 32, challenge.token, NOW, counter=counter, answer="")
    assert other_key.value.problem is ChallengeProblem.MALFORMED
    later = NOW + CHALLENGE_TTL + timedelta(seconds=1)
    with pytest.raises(ChallengeFailed) as expired:
        check_challenge(KEY, challenge.token, later, counter=counter, answer="")
    assert expired.value.problem is ChallengeProblem.EXPIRED


@given(st.text(max_size=120))
def test_any_token_the_node_did_not_sign_is_refused(token: str) -> None:
    with pytest.raises(ChallengeFailed):
        check_challenge(KEY, token, NOW, counter="0", answer="5")


def test_the_sum_is_the_fallback_and_a_wrong_one_is_refused() -> None:
    challenge = issue_challenge(KEY, NOW, 20)  # too much work for a test: the sum instead
    total = challenge.first + challenge.second
    assert check_challenge(KEY, challenge.token, NOW, counter="", answer=f" {total} ")
    with pytest.raises(ChallengeFailed) as wrong:
        check_challenge(KEY, challenge.token, NOW, counter="1", answer=str(total + 1))
    assert wrong.value.problem is ChallengeProblem.UNANSWERED


@pytest.mark.parametrize(
    ("typed", "value"),
    [("12", 12), ("១២", 12), ("๑๒", 12), ("၁၂", 12), ("1 2", None), ("", None), ("x", None)],
)
def test_numbers_are_read_in_every_scripts_digits(typed: str, value: int | None) -> None:
    assert read_number(typed) == value


def test_the_window_slides() -> None:
    window = timedelta(minutes=60)
    attempts = [
        NOW - timedelta(minutes=50),
        NOW - timedelta(minutes=10),
        NOW - timedelta(minutes=5),
    ]
    assert retry_after(attempts, NOW, limit=4, window=window) is None
    # full: the oldest of the last three frees a place ten minutes from now
    assert retry_after(attempts, NOW, limit=3, window=window) == 600
    assert retry_after(attempts, NOW + timedelta(minutes=11), limit=3, window=window) is None


def test_addresses_are_hashed_with_the_key() -> None:
    assert address_hash(KEY, "203.0.113.9") == address_hash(KEY, "203.0.113.9")
    assert address_hash(KEY, "203.0.113.9") != address_hash(b"y" * 32, "203.0.113.9")
    assert "203.0.113.9" not in address_hash(KEY, "203.0.113.9")


@pytest.mark.parametrize(
    ("requested", "header", "chosen"),
    [
        ("km", "th", "km"),
        (None, "th-TH,th;q=0.9", "th"),
        (None, "en;q=0.2, my;q=0.9", "my"),
        (None, "in-ID", "id"),
        (None, "fr, de", "en"),
        ("xx", "id;q=bad, km;q=0.5", "km"),
        (None, "", "en"),
    ],
)
def test_the_language_is_the_switchers_then_the_browsers(
    requested: str | None, header: str, chosen: str
) -> None:
    assert negotiate_language(requested, header) == chosen

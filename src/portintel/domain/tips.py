"""Public tips: the rules of the anonymous tip page, as pure functions.

Anyone may send a tip, so nothing about the sender is trusted and nothing
identifying is kept:

- **A signed challenge instead of a captcha.** The page carries a token the
  node signed (HMAC-SHA256 with a key of its own): a random nonce, the time it
  was issued and the proof-of-work difficulty. The browser's small script
  finds a counter such that ``sha256(token ":" counter)`` starts with that
  many zero bits; without a script the tipster answers a sum shown on the
  page, derived from the nonce with the same key. The token expires, and the
  nonce is stored with the tip (unique), so one solved challenge sends one
  tip: the token is the anonymous form's CSRF protection as well.
- **The address is hashed with the node's key**, never kept: an unkeyed hash
  of an IPv4 address is reversed by trying all four billion.
- **A sliding window** limits the tips of one (hashed) address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from portintel.errors import InvalidInput

LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("km", "ខ្មែរ"),
    ("th", "ไทย"),
    ("id", "Bahasa Indonesia"),
    ("my", "မြန်မာ"),
)
"""The public page's languages (code, name in that language), in the switcher's order."""
LANGUAGE_CODES = tuple(code for code, _ in LANGUAGES)
DEFAULT_LANGUAGE = "en"

TEXT_MAX_CHARS = 5_000
CONTACT_MAX_CHARS = 300
CHALLENGE_TTL = timedelta(hours=2)
"""How long a page's challenge may be answered: time enough to write a tip."""


class TipStatus(StrEnum):
    NEW = "new"
    REPORTED = "reported"
    DISCARDED = "discarded"


class ChallengeProblem(StrEnum):
    """Why a challenge was refused; the public page words each in the tipster's language."""

    MALFORMED = "malformed"
    EXPIRED = "expired"
    UNANSWERED = "unanswered"


class ChallengeFailed(InvalidInput):
    """The tip's challenge is not one this node signed, has expired or was not answered."""

    def __init__(self, problem: ChallengeProblem) -> None:
        super().__init__(
            f"the tip's challenge is {problem.value}",
            field="challenge",
            hint="reload the page and send the tip again",
        )
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Challenge:
    """What the page carries: the signed token, the work asked and the sum for no-script."""

    token: str
    bits: int
    first: int
    second: int


def _sign(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).hexdigest()


def _sum_of(key: bytes, nonce: str) -> tuple[int, int]:
    digest = hmac.new(key, f"sum:{nonce}".encode("ascii"), hashlib.sha256).digest()
    return 2 + digest[0] % 8, 1 + digest[1] % 9


def issue_challenge(key: bytes, now: datetime, bits: int) -> Challenge:
    """A fresh challenge signed with ``key``, to be answered before ``now + CHALLENGE_TTL``."""
    nonce = secrets.token_hex(16)
    body = f"{nonce}.{int(now.timestamp())}.{bits}"
    first, second = _sum_of(key, nonce)
    return Challenge(token=f"{body}.{_sign(key, body)}", bits=bits, first=first, second=second)


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def proof_holds(token: str, counter: str, bits: int) -> bool:
    """Whether ``sha256(token ":" counter)`` starts with ``bits`` zero bits."""
    if not counter.isascii() or not counter.isdigit() or len(counter) > 20:
        return False
    digest = hashlib.sha256(f"{token}:{counter}".encode("ascii")).digest()
    return leading_zero_bits(digest) >= bits


def solve(token: str, bits: int) -> str:
    """The counter the page's script would find (tests and the leaflet's demo use it)."""
    counter = 0
    while not proof_holds(token, str(counter), bits):
        counter += 1
    return str(counter)


def read_number(text: str) -> int | None:
    """A whole number typed in any script's digits (Khmer ១២, Thai ๑๒, Myanmar ၁၂, Latin 12)."""
    digits = []
    for character in text.strip():
        value = unicodedata.digit(character, None)
        if value is None:
            return None
        digits.append(str(value))
    if not digits or len(digits) > 6:
        return None
    return int("".join(digits))


def check_challenge(key: bytes, token: str, now: datetime, *, counter: str, answer: str) -> str:
    """The nonce of a challenge this node signed, not expired, answered by work or by sum.

    Raises :class:`ChallengeFailed` naming the problem.
    """
    parts = token.split(".")
    if len(parts) != 4 or not token.isascii():
        raise ChallengeFailed(ChallengeProblem.MALFORMED)
    nonce, issued_text, bits_text, signature = parts
    body = f"{nonce}.{issued_text}.{bits_text}"
    if not hmac.compare_digest(_sign(key, body), signature):
        raise ChallengeFailed(ChallengeProblem.MALFORMED)
    issued = int(issued_text)
    age = now.timestamp() - issued
    if age < -60 or age > CHALLENGE_TTL.total_seconds():
        raise ChallengeFailed(ChallengeProblem.EXPIRED)
    if counter and proof_holds(token, counter, int(bits_text)):
        return nonce
    first, second = _sum_of(key, nonce)
    if read_number(answer) == first + second:
        return nonce
    raise ChallengeFailed(ChallengeProblem.UNANSWERED)


def address_hash(key: bytes, address: str) -> str:
    """The sender's address as a keyed hash: enough to count, not enough to find them."""
    return hmac.new(key, f"address:{address}".encode(), hashlib.sha256).hexdigest()


def retry_after(
    attempts: Sequence[datetime], now: datetime, *, limit: int, window: timedelta
) -> int | None:
    """Seconds until one more tip is allowed, or None when it is allowed now.

    ``attempts`` are the address's earlier tips (any order); those older than
    ``window`` no longer count (a sliding window, not a fixed minute).
    """
    recent = sorted(at for at in attempts if at > now - window)
    if len(recent) < limit:
        return None
    frees_at = recent[len(recent) - limit] + window
    return max(1, int((frees_at - now).total_seconds() + 0.999))


def clean_tip(text: str, contact: str, language: str) -> tuple[str, str | None, str]:
    """The tip as it will be stored: text required, both within their limits, a known language."""
    body = text.replace("\x00", "").strip()
    given = contact.replace("\x00", "").strip()
    if not body:
        raise InvalidInput("the tip is empty", field="text", hint="write what you saw")
    if len(body) > TEXT_MAX_CHARS:
        raise InvalidInput(f"the tip is longer than {TEXT_MAX_CHARS} characters", field="text")
    if len(given) > CONTACT_MAX_CHARS:
        raise InvalidInput(
            f"the contact is longer than {CONTACT_MAX_CHARS} characters", field="contact"
        )
    return body, given or None, language if language in LANGUAGE_CODES else DEFAULT_LANGUAGE


def negotiate_language(requested: str | None, accept_language: str) -> str:
    """The page's language: the one asked for (the switcher), else the browser's best match."""
    if requested in LANGUAGE_CODES:
        return requested
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:20]):
        tag, _, parameters = item.strip().partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary == "in":  # the old code of Indonesian, still sent by some phones
            primary = "id"
        if primary in LANGUAGE_CODES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE

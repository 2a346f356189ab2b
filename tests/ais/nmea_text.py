"""NMEA text for decoder tests: checksums, sentences and tag blocks around a body."""

from __future__ import annotations

from functools import reduce


def checksum(body: str | bytes) -> str:
    """The NMEA checksum of ``body`` (XOR of its UTF-8 bytes) as two hex digits."""
    data = body.encode() if isinstance(body, str) else body
    return f"{reduce(lambda a, b: a ^ b, data, 0):02X}"


def sentence(body: str) -> str:
    """``!body*hh`` with the right checksum."""
    return f"!{body}*{checksum(body)}"


def tag_block(body: str) -> str:
    """``\\body*hh\\`` with the right checksum."""
    return f"\\{body}*{checksum(body)}\\"

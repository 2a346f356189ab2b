"""Dates and times the API accepts: ISO 8601 text only, never a number.

Why: pydantic's lax mode reads ``until=0.5`` as a Unix timestamp (half a
second after 1970), so a typo or a number from a spreadsheet silently
became a filter that matched nothing. A query parameter or body field of
type :data:`IsoDateTime` takes a date (``2026-03-01``, midnight UTC) or a date
and time (``2026-03-01T08:00:00Z``, any offset; none means UTC) and answers
anything else with 422 naming the parameter.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

ISO_8601 = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?"
)
"""A calendar date, optionally with a time and an offset (the shapes Python's
``datetime.fromisoformat`` reads, with RFC 3339's lower-case ``t`` and ``z``)."""

HINT = "use an ISO 8601 date (2026-03-01) or date and time (2026-03-01T08:00:00Z)"


def iso_instant(value: Any) -> datetime:
    """``value`` as an aware datetime, or ValueError unless it is ISO 8601 text."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not ISO_8601.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not a date or time: {HINT}")
    try:
        parsed = datetime.fromisoformat(value.strip().upper())
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid date or time: {HINT}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


IsoDateTime = Annotated[
    datetime,
    BeforeValidator(iso_instant),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ],
            "description": "ISO 8601 date or date and time; without an offset, UTC",
        }
    ),
]
"""A date or date-time from ISO 8601 text; numbers (Unix timestamps) are refused."""

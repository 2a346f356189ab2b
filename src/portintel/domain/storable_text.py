"""Text that can be stored: no NUL character.

Why: PostgreSQL refuses a NUL (``\\x00``) in any text value, so the same
report filed on SQLite went in and on PostgreSQL failed with a server
error; a NUL is never meaningful in a title, a name or a statement either.
It is refused at every entrance with an error that names the field.
"""

from __future__ import annotations

from portintel.errors import InvalidInput

NUL = "\x00"


def refuse_nul(value: str | None, field: str) -> None:
    """InvalidInput naming ``field`` when ``value`` holds a NUL character."""
    if value is not None and NUL in value:
        raise InvalidInput(
            f"{field} contains a NUL character (\\0), which cannot be stored",
            field=field,
            hint="remove the character; it usually comes from a binary file pasted as text",
        )

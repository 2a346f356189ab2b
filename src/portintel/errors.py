"""The errors portintel raises, one tree rooted at :class:`PortintelError`.

::

    PortintelError
     +-- InvalidInput          bad data from a user, a file or a partner
     |    +-- ImportRowError    one row of an import file (carries line number)
     +-- NotFound              the thing named does not exist (or is not visible)
     +-- PermissionDenied      the actor may not do this
     |    +-- AuthenticationFailed   no valid credentials
     |    +-- RateLimited            too many failures from one client; wait
     +-- Conflict              the state forbids it (wrong status, duplicate)
     +-- UpstreamFailure       a store, file system or partner failed
     |    +-- StorageFull          the disk of the store is full; nothing was saved
     +-- ConfigurationError    settings or vocabularies are wrong

Every error carries a human message that says what was wrong and, where it
helps, what to do next (``hint``). The web layer maps each class to one HTTP
status in one table; the CLI prints the message and hint and exits non-zero.
Third-party errors are translated at the adapter with ``raise ... from exc``.
"""

from __future__ import annotations


class PortintelError(Exception):
    """Root of every error portintel raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} ({self.hint})"
        return self.message


class InvalidInput(PortintelError):
    """Input that cannot be accepted as it is; says which field and why."""

    code = "invalid_input"

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


class ImportRowError(InvalidInput):
    """One row of an import file that was rejected; the rest still goes in."""

    code = "invalid_row"

    def __init__(
        self, message: str, *, line: int, field: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(f"line {line}: {message}", field=field, hint=hint)
        self.line = line
        self.reason = message


class NotFound(PortintelError):
    """The object does not exist, or the actor may not know it exists."""

    code = "not_found"


class PermissionDenied(PortintelError):
    """The actor is known but may not do this."""

    code = "permission_denied"


class AuthenticationFailed(PermissionDenied):
    """No valid credentials were presented."""

    code = "authentication_failed"


class RateLimited(PermissionDenied):
    """Too many failed attempts from one client in a short time; try again later."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_seconds: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after_seconds = retry_after_seconds


class Conflict(PortintelError):
    """The current state forbids the change (status, duplicate, stale)."""

    code = "conflict"


class UpstreamFailure(PortintelError):
    """A store, the file system or a partner failed; retrying may help."""

    code = "upstream_failure"


class StorageFull(UpstreamFailure):
    """The database's disk is full: the change was not saved; an operator must free space."""

    code = "storage_full"


class PeerRefused(PortintelError):
    """A partner node's server answered, but refused (401, 403, 404) or answered what
    cannot be used; retrying will not help until someone fixes the cause."""

    code = "peer_refused"


class ConfigurationError(PortintelError):
    """Settings or a vocabulary file are wrong; fix the configuration."""

    code = "configuration_error"

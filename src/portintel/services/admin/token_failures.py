"""Failed API tokens: a limit per client address, and one audit entry per address and minute.

Why: every request with a made-up bearer token used to append its own
``login.failure`` entry, each under the audit chain's write lock, so an
anonymous client could add thousands of entries a minute and slow every
writer of the node. Now, per client address and window of one minute:

- after ``token_failures_per_minute`` failed tokens, the address is refused
  (:class:`~portintel.errors.RateLimited`, HTTP 429) until the window ends,
  before any token is looked up and without writing anything;
- unknown tokens are not audited one by one: the window becomes one
  ``login.failure`` entry (``reason: unknown token``) with the address, the
  number of unknown tokens and of refused requests, written when the window
  has ended: at the next token check after it, or when the web server stops.
  A failure that names an account (revoked token, disabled account) is still
  audited at once, under that account.

The counts live in the web process (one :class:`TokenFailureLimiter` per
application): with several workers each keeps its own, so an address may
fail up to ``workers x limit`` times a minute. ``portintel serve`` does not
trust forwarded headers, so behind a reverse proxy the address is the proxy's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)


@dataclass(slots=True)
class TokenFailureWindow:
    """The failed tokens of one client address in one window."""

    client: str
    started: datetime
    unknown: int = 0
    """Tokens that match no token at all (audited here, together)."""
    failures: int = 0
    """Every failed token, unknown or not: what the limit counts."""
    refused: int = 0
    """Requests refused, unchecked, once the limit was reached."""

    @property
    def ends(self) -> datetime:
        return self.started + WINDOW


class TokenFailureLimiter:
    """Counts failed tokens per client address; thread-safe (checks run in a thread pool)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._open: dict[str, TokenFailureWindow] = {}
        self._ended: list[TokenFailureWindow] = []

    def _window(self, client: str, now: datetime) -> TokenFailureWindow:
        window = self._open.get(client)
        if window is None or window.ends <= now:
            if window is not None:
                self._ended.append(window)
            window = self._open[client] = TokenFailureWindow(client=client, started=now)
        return window

    def admit(self, client: str, now: datetime) -> datetime | None:
        """None when ``client`` may try a token; else when its window ends (refused)."""
        with self._lock:
            window = self._window(client, now)
            if window.failures < self.per_minute:
                return None
            window.refused += 1
            return window.ends

    def failed(self, client: str, now: datetime, *, unknown: bool) -> None:
        """Count one failed token of ``client``."""
        with self._lock:
            window = self._window(client, now)
            window.failures += 1
            window.unknown += int(unknown)

    def ended(self, now: datetime) -> list[TokenFailureWindow]:
        """Take the windows that have ended by ``now`` and have something to audit."""
        with self._lock:
            for client, window in list(self._open.items()):
                if window.ends <= now:
                    self._ended.append(window)
                    del self._open[client]
            taken, self._ended = self._ended, []
        return [window for window in taken if window.unknown or window.refused]

    def drain(self) -> list[TokenFailureWindow]:
        """Take every window, ended or not (the server is stopping)."""
        with self._lock:
            taken = [*self._ended, *self._open.values()]
            self._ended, self._open = [], {}
        return [window for window in taken if window.unknown or window.refused]

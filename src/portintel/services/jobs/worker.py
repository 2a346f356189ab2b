"""The worker: huey's consumer running the workspace's jobs, plus lease recovery.

``portintel worker`` runs one in the foreground until Ctrl-C (the first
stops it once the running jobs finish, a second at once); ``portintel demo``
and tests start one inside their own process. Either way the worker first
queues again the jobs a dead worker left running (their lease has run out),
then keeps checking every half lease.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from portintel.adapters.job_queue import QueueConsumer
from portintel.services.jobs.definitions import JobListener
from portintel.services.jobs.queue import queue_of

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace

logger = logging.getLogger("portintel.jobs")

IDLE_POLL_SECONDS = 1.0
"""Longest wait of an idle worker thread before it looks at the queue again."""


class Worker:
    """Runs ``ws``'s jobs on ``threads`` threads; tell it what to report with ``listener``."""

    def __init__(
        self,
        ws: Workspace,
        *,
        threads: int = 2,
        listener: JobListener | None = None,
        own_signals: bool = False,
    ) -> None:
        self.queue = queue_of(ws)
        if listener is not None:
            self.queue.listeners.append(listener)
        self._listener = listener
        self.consumer = QueueConsumer(
            self.queue.huey,
            workers=threads,
            periodic=False,
            initial_delay=0.05,
            backoff=1.5,
            max_delay=IDLE_POLL_SECONDS,
            worker_type="thread",
            own_signals=own_signals,
        )
        self._stopped = threading.Event()
        self._recovery = threading.Thread(target=self._recover_loop, name="lease-recovery")
        self._recovery.daemon = True

    @property
    def job_names(self) -> list[str]:
        return sorted(self.queue.definitions)

    def _recover_loop(self) -> None:
        interval = max(self.queue.lease.total_seconds() / 2, 0.5)
        while not self._stopped.wait(interval):
            self._recover()

    def _recover(self) -> None:
        try:
            self.queue.recover_lost()
        except Exception:  # a job boundary: log, and try again next round
            logger.exception("could not recover jobs whose worker died")

    def start(self) -> None:
        """Start in the background (``stop`` ends it)."""
        self._recover()
        self.consumer.start()
        self._recovery.start()

    def stop(self, *, graceful: bool = True) -> None:
        """Stop taking jobs; with ``graceful``, wait for the running ones to finish."""
        self._stopped.set()
        self.consumer.stop(graceful=graceful)
        if self._recovery.is_alive():
            self._recovery.join()
        if self._listener is not None and self._listener in self.queue.listeners:
            self.queue.listeners.remove(self._listener)

    def run(self) -> None:
        """Run in the foreground until SIGINT/SIGTERM (needs ``own_signals=True``)."""
        self._recover()
        self._recovery.start()
        try:
            self.consumer.run()  # starts, then loops until a signal stops it
        finally:
            self._stopped.set()
            self._recovery.join()

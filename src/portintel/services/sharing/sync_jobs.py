"""Sync with partners as a job: the plugin that wires it.

A node turns it on by naming this module in its ``plugins`` setting
(``plugins = ["portintel.services.sharing.sync_jobs"]``), so ``portintel
worker`` knows the job. ``portintel sync --enqueue`` (or a scheduler such as
cron calling it) enqueues one run per partner; a partner that is down fails
the run, which the queue retries with back-off (5 more attempts, 2 minutes
apart, after the HTTP client's own retries within each attempt). A run is
idempotent: it resumes from the collection's checkpoint, and what it reads
again is received again harmlessly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portintel.services.events import hookimpl
from portintel.services.jobs import JobDefinition

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace

JOB_NAME = "sharing.sync"


def run_sync(ws: Workspace, partner: str, user_id: str) -> None:
    """Sync as the user who queued it: what arrives is filed under their name."""
    from portintel.services import admin
    from portintel.services.sharing.sync import sync_partner

    sync_partner(ws, admin.get_actor(ws, user_id), partner)


@hookimpl
def register_jobs() -> Sequence[JobDefinition]:
    return [
        JobDefinition(
            JOB_NAME,
            run_sync,
            retries=5,
            retry_delay_seconds=120.0,
            title="Sync with a partner node",
        )
    ]

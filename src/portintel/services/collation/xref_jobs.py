"""Cross-referencing as a job after statements are written: the plugin that wires it.

A node turns it on by naming this module in its ``plugins`` setting
(``plugins = ["portintel.services.collation.xref_jobs"]``), so the writing
process and ``portintel worker`` both know the job. Every transaction that
wrote statements (``statements_written``) enqueues one incremental run over
the entities it touched (:func:`~portintel.services.collation.xref_queue.refresh_candidates`,
idempotent: a retried run keeps the same pairs). ``portintel xref refresh``
runs it in full on demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portintel.services.collation.xref_queue import JOB_NAME
from portintel.services.events import hookimpl
from portintel.services.jobs import JobDefinition, enqueue

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace


def run_cross_reference(ws: Workspace, entity_ids: list[str] | None = None) -> None:
    from portintel.services.collation.xref_queue import refresh_candidates

    refresh_candidates(ws, entity_ids)


@hookimpl
def register_jobs() -> Sequence[JobDefinition]:
    return [
        JobDefinition(
            JOB_NAME,
            run_cross_reference,
            retries=2,
            retry_delay_seconds=60.0,
            title="Cross-reference entities",
        )
    ]


@hookimpl
def statements_written(workspace: Workspace, entity_ids: tuple[str, ...]) -> None:
    if entity_ids:
        enqueue(workspace, JOB_NAME, {"entity_ids": list(entity_ids)})

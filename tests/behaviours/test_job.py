"""Detection as a job: enqueued after ingest, run by the worker."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from portintel.domain.actors import SYSTEM
from portintel.services import jobs
from portintel.services.jobs.definitions import run_definition
from portintel.services.maritime import behaviour_jobs
from portintel.services.maritime.behaviours import JOB_NAME, event_store
from portintel.services.maritime.ingest import ingest_paths
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.adapters.ais.nmea_samples import SEA, position


@pytest.fixture
def node(settings: Settings) -> Iterator[Workspace]:
    ws = open_workspace(
        settings.model_copy(
            update={
                "plugins": ("portintel.services.maritime.behaviour_jobs",),
                "job_queue_name": f"t-{uuid.uuid4().hex[:12]}",
            }
        )
    )
    behaviour_jobs._last_enqueued.clear()
    yield ws
    ws.close()


def test_ingest_enqueues_one_detection_job_that_detects(node: Workspace, tmp_path: Path) -> None:
    # a vessel heard, then silent for 8 hours: one gap
    lines = [
        position(574000001, *SEA, seconds=0),
        position(574000001, SEA[0] + 0.001, SEA[1], seconds=600),
        position(574000001, SEA[0] + 0.002, SEA[1], seconds=8 * 3600 + 600),
        position(574000001, SEA[0] + 0.003, SEA[1], seconds=8 * 3600 + 1200),
    ]
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(lines) + "\n")
    ingest_paths(node, [path], source="rx")
    (view,) = jobs.list_jobs(node, SYSTEM)
    assert view.name == JOB_NAME and view.label == "Detect vessel behaviours"
    (definition,) = [d for d in node.hooks.collect("register_jobs") if d.name == JOB_NAME]
    run_definition(definition, node, view.arguments)
    events = event_store(node).load()
    assert events["type"].to_list() == ["gap"]

"""The job list for administrators: JSON and page apart; everyone else refused (403)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from portintel.domain.actors import SYSTEM
from portintel.services import jobs
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services import job_plugin
from tests.web.conftest import Person


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The node with the test plugin (its hook enqueues a job per submitted report)."""
    return settings.model_copy(
        update={
            "plugins": ("tests.services.job_plugin",),
            "job_queue_name": f"t-{uuid.uuid4().hex[:12]}",
        }
    )


def _run_jobs(ws: Workspace) -> None:
    """Run the queue in this process until every job is done (a ceiling, not a timing)."""
    worker = jobs.Worker(ws)
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while any(view.state is not jobs.JobState.DONE for view in jobs.list_jobs(ws, SYSTEM)):
            assert time.monotonic() < deadline, "the jobs did not finish"
            time.sleep(0.05)
    finally:
        worker.stop()


def _submit(olga: Person) -> str:
    created = olga.api(
        "POST",
        "/api/v1/reports",
        json={
            "title": "Boat at night",
            "text": "30 people boarded.",
            "reliability": "B",
            "credibility": "2",
            "handling": "uk-3x5x2:P",
            "submit": True,
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_administrators_see_the_job_a_submission_enqueued_by_api(
    person: Callable[..., Person], ws: Workspace
) -> None:
    olga = person("olga", "officer")
    report_id = _submit(olga)
    alice = person("alice", "administrator")
    (queued,) = alice.api("GET", "/api/v1/jobs").json()
    assert queued["state"] == "queued" and queued["state_label"] == "Waiting"
    _run_jobs(ws)
    (done,) = alice.api("GET", "/api/v1/jobs").json()
    assert done["id"] == queued["id"]
    assert done["name"] == job_plugin.NOTE and done["title"] == "Note a submission"
    assert done["state"] == "done" and done["state_label"] == "Done"
    assert done["arguments"] == {"report_id": report_id}
    assert done["attempts"] == 1 and done["max_attempts"] == 2
    assert done["started_at"] and done["finished_at"] and done["error"] is None
    assert alice.api("GET", "/api/v1/jobs", params={"state": "failed"}).json() == []


def test_administrators_see_jobs_on_their_page_with_labels(
    person: Callable[..., Person], ws: Workspace
) -> None:
    _submit(person("olga", "officer"))
    _run_jobs(ws)
    alice = person("alice", "administrator")
    page = alice.client.get("/admin/jobs")
    assert page.status_code == 200
    assert "Note a submission" in page.text and ">Done<" in page.text
    assert f'title="{job_plugin.NOTE} ' in page.text  # the code only in a tooltip
    assert 'href="/admin/jobs"' in page.text  # in the administrator's navigation
    waiting = alice.client.get("/admin/jobs", params={"state": "queued"})
    assert "No jobs yet." in waiting.text


def test_no_one_else_sees_the_jobs(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer", "supervisor", "analyst", "source_handler")
    refused = olga.api("GET", "/api/v1/jobs")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert olga.client.get("/admin/jobs").status_code == 403
    assert 'href="/admin/jobs"' not in olga.client.get("/").text

"""The review queue page: a pair side by side, judged from a form with access keys (#12)."""

from __future__ import annotations

from collections.abc import Callable

from portintel.domain.actors import SYSTEM
from portintel.services.collation.canonical import canonical_entity
from portintel.services.collation.xref_queue import refresh_candidates
from portintel.services.workspace import Workspace
from tests.web.conftest import Person
from tests.web.test_judgements_api import _persons


def test_an_analyst_judges_the_pair_shown(ws: Workspace, person: Callable[..., Person]) -> None:
    analyst = person("ana", "analyst")
    _persons(ws, "ent-a", "ent-b")
    refresh_candidates(ws)
    page = analyst.client.get("/review")
    assert page.status_code == 200
    assert "ent-a" in page.text and "ent-b" in page.text and "registry:test" in page.text
    assert 'accesskey="s"' in page.text and 'accesskey="d"' in page.text
    skipped = analyst.form(
        "/review/judge",
        {"left": "ent-a", "right": "ent-b", "verdict": "skip", "skip": 0},
        follow_redirects=False,
    )
    assert skipped.status_code == 303 and skipped.headers["location"] == "/review?skip=1"
    assert canonical_entity(ws, SYSTEM, "ent-a").member_ids == ("ent-a",)
    judged = analyst.form(
        "/review/judge",
        {"left": "ent-a", "right": "ent-b", "verdict": "same", "skip": 0},
        follow_redirects=False,
    )
    assert judged.status_code == 303
    assert canonical_entity(ws, SYSTEM, "ent-b").member_ids == ("ent-a", "ent-b")
    assert 'id="queue-empty"' in analyst.client.get("/review").text

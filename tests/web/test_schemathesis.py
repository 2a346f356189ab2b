"""The JSON API against its own OpenAPI document, by schemathesis, every check on.

Every operation of ``/api/v1/openapi.json`` is called in process (ASGI) with
cases generated from the document, as a signed-in user who holds every role,
and each response is checked by all of schemathesis's built-in checks: no
server error, a status the document lists for that operation, a body and
headers that match the documented schema, a content type the document
names, and the negative cases (invalid input must be refused).

The budget is small and derandomized, so a run is repeatable and stays
within a couple of minutes on a loaded two-core machine; an examination of
the full space is a job for a long run against a served demo, not for CI.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import get_client, shutdown_lifespans

from portintel.domain.actors import SYSTEM
from portintel.services import admin
from portintel.settings import Settings
from portintel.web import create_app
from tests.conftest import TickingClock

EXAMPLES_PER_OPERATION = 10
"""Hypothesis examples per API operation (and per phase); 27 operations today."""

PASSWORD = "correct horse battery staple"


DATA_DIR = Path(tempfile.gettempdir()) / f"portintel-schemathesis-{uuid.uuid4().hex[:12]}"
"""Made when the app starts (its lifespan), removed when the module is done."""

RULES_BEYOND_THE_DOCUMENT = SchemathesisConfig.from_str(
    """
[[operations]]
include-method = "POST"
include-path-regex = "^/api/v1/(reports|sources|users)$|^/api/v1/reports/[^/]+/evaluate$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"
]

[[operations]]
include-path-regex = "^/api/v1/(partners|disseminations)(/[^/]+(/agreements|/recipient)?)?$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"
]

[[operations]]
include-path-regex = "^/api/v1/(maritime/positions/latest|maritime/events|vessels/[^/]+/track)$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"
]

[[operations]]
include-path-regex = "^/api/v1/(entities/[^/]+/chart|paths|timeline|maps/intelligence(/export)?)$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"
]

[[operations]]
include-path-regex = "^/api/v1/maritime/ports(/[^/]+)?$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"
]

[[operations]]
include-path-regex = "^/api/v1/permissions(/[^/]+/withdraw)?$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"
]

[[operations]]
include-method = "POST"
include-path-regex = "^/api/v1/tasks(/[^/]+/(answers|close|reopen|cancel))?$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"
]

[[operations]]
include-path-regex = "^/api/v1/packages/[^/]+/feedback$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"
]
"""
)
"""Where a body that matches the document may still be refused with 422, and why.

Every check stays on for every operation. Only ``positive_data_acceptance``
("a body the document allows is accepted") also takes 422 here, for rules
JSON Schema cannot state: a grading code must belong to the grading scheme
named beside it (or the node's), a handling code to its vocabulary, and C
handling needs its conditions (reports, their evaluation, sources); a user's
agency must be one the node has (users); a partner's kind, country, URL and key must be
ones the node can use, an agreement's codes must be known, a dissemination's reports must
let something go to the partner, feedback must not be blank, a push recipient must be an
active analyst or supervisor, a provider's permission must name a received restricted report
or a delivery (not both), be dated no later than today and carry a reference, a withdrawal a
reason, once spaces are folded (sharing); a port entry's country
must be in the node's country list and its name and source must not be blank once spaces are
folded (the gazetteer of ports, issue #10); a window's ``since`` must not be after its
``until``, and an event type must be one the node detects (the map, a link chart's dates);
a timeline names its entities one way only (entity, chart or report), at least one, and a
map's period and window are not given together inconsistently (issue #16); a task names
one assignee (a person or an agency) the node has, a deadline in the future and a known
handling code, and answers with a submitted report the caller may read (issue #15).
Each is still refused
with 422 naming the field (tests/web/test_reports.py, tests/web/test_admin_pages.py).
"""

APP = create_app(Settings(data_dir=DATA_DIR, secure_cookies=False))
schema = schemathesis.openapi.from_dict(APP.openapi(), config=RULES_BEYOND_THE_DOCUMENT)
schema.app = APP  # called in process; the lifespan starts at the first call


@pytest.fixture(scope="module")
def token() -> Iterator[str]:
    """A user of every role and their API token, in the app's own workspace."""
    with get_client(APP):  # starts the lifespan, which stays up for the run
        pass
    ws = APP.state.workspace
    ws.clock = TickingClock()
    admin.ensure_agencies(ws)
    view = admin.create_user(
        ws,
        SYSTEM,
        username="tess",
        display_name="Tess Everyrole",
        agency="immigration",
        roles=("officer", "analyst", "supervisor", "administrator", "source_handler"),
        password=PASSWORD,
    )
    issued = admin.issue_token(ws, admin.get_actor(ws, view.id), "tess", "schemathesis")
    yield issued.secret.reveal()
    shutdown_lifespans()  # closes the workspace (and audits its last failed tokens) first
    shutil.rmtree(DATA_DIR, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_document(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

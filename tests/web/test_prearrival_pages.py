"""The pre-arrival page, its table fragment, its CSV and PDF, and ``/api/v1/prearrival``."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from portintel.services.workspace import Workspace
from tests.services.targeting.prearrival_sample import BY_COURSE, BY_ETA, write_arrivals
from tests.services.targeting.test_prearrival import _plant_reason
from tests.web.conftest import Person


def test_the_page_lists_and_explains_with_labels(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_arrivals(ws, tmp_path)
    _plant_reason(ws, BY_ETA, 30.0)
    officer = person("olga", "officer")
    empty = officer.client.get("/prearrival")
    assert empty.status_code == 200 and "Choose a port" in empty.text
    assert 'href="/prearrival"' in empty.text  # the nav entry
    assert '<option value="KHKOS">Sihanoukville Autonomous Port</option>' in empty.text
    page = officer.client.get("/prearrival", params={"port": "KHKOS", "hours": 48})
    assert page.status_code == 200
    assert 'value="KHKOS" selected' in page.text and 'value="48" checked' in page.text
    rows = page.text[page.text.index('id="prearrival-table"') :]
    assert rows.index(f'data-mmsi="{BY_ETA}"') < rows.index(f'data-mmsi="{BY_COURSE}"')
    assert "ETA 02 Jan 03:00 from AIS" in rows and "Kompong Som" not in rows  # as typed:
    assert "“KOMPONG SOM”" in rows
    assert "Projected from course 090 and 10.0 kn" in rows
    assert "Met another vessel at sea" in rows and f'href="/vessels/{BY_ETA}#event-ev-1"' in rows
    assert f'href="/vessels/{BY_COURSE}"' in rows and "Not scored yet" in rows
    assert 'src="/static/targeting_prearrival.js"' in page.text and "<script>" not in page.text
    assert 'data-rows="/prearrival/rows?port=KHKOS&amp;hours=48"' in page.text

    fragment = officer.client.get("/prearrival/rows", params={"port": "KHKOS", "hours": 48})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'data-mmsi="{BY_ETA}"' in fragment.text

    unknown = officer.client.get("/prearrival", params={"port": "Atlantis"})
    assert unknown.status_code == 404 and "no port called" in unknown.text
    assert "an analyst can add it there" in unknown.text
    admin = person("alice", "administrator")
    assert admin.client.get("/prearrival").status_code == 403
    assert 'href="/prearrival"' not in admin.client.get("/").text


def test_csv_and_pdf_exports(ws: Workspace, person: Callable[..., Person], tmp_path: Path) -> None:
    write_arrivals(ws, tmp_path)
    _plant_reason(ws, BY_ETA, 30.0)
    officer = person("olga", "officer")
    exported = officer.client.get("/prearrival.csv", params={"port": "KHKOS", "hours": 48})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["rank", "mmsi", "name", "score", "expected_at", "how", "reasons"]
    assert [r[1] for r in rows[1:]] == [str(BY_ETA), str(BY_COURSE)]
    assert rows[1][3] == "30" and rows[1][6] == "Met another vessel at sea (+30)"

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is needed (Debian: poppler-utils; see .ci/run)")
    printed = officer.client.get("/prearrival.pdf", params={"port": "KHKOS", "hours": 48})
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=printed.content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    # in the order it was drawn, cell by cell (a name wrapped inside its cell stays whole)
    text = " ".join(text.split())
    assert "Pre-arrival list: Sihanoukville Autonomous Port (KHKOS)" in text
    assert "EASTERN GRACE" in text and "Met another vessel at sea" in text
    assert text.index("EASTERN GRACE") < text.index(str(BY_COURSE))
    assert "printed by olga" in text


def test_the_api_lists_the_same(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    write_arrivals(ws, tmp_path)
    _plant_reason(ws, BY_COURSE, 12.5)
    analyst = person("ana", "analyst")
    body = analyst.client.get("/api/v1/prearrival", params={"port": "Kompong Som"}).json()
    assert body["port"] == {
        "id": "KHKOS",
        "name": "Sihanoukville Autonomous Port",
        "kind": "port",
        "country": "KH",
    }
    assert [v["mmsi"] for v in body["vessels"]] == [BY_COURSE, BY_ETA]
    first = body["vessels"][0]
    assert first["score"] == 12.5 == sum(r["weight"] for r in first["reasons"])
    assert first["method"] == "course" and first["reasons"][0]["evidence"][0]["id"] == "ev-1"
    assert body["vessels"][1]["matched_by"] == "alias" and not body["vessels"][1]["scored"]
    missing = analyst.client.get("/api/v1/prearrival", params={"port": "Atlantis"})
    assert missing.status_code == 404 and "hint" in missing.json()["error"]
    bad = analyst.client.get("/api/v1/prearrival", params={"port": "KHKOS", "hours": 500})
    assert bad.status_code == 422
    ports = analyst.client.get("/api/v1/prearrival/ports").json()
    assert {
        "id": "KHKOS",
        "name": "Sihanoukville Autonomous Port",
        "kind": "port",
        "country": "KH",
    } in ports

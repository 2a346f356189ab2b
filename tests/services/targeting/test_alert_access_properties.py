"""Need-to-know for alerts: random readers against alerts resting on a seeded world.

Alerts are planted with the evidence the risk-score property plants for its
reasons (the access world's reports and statements, AIS events, areas of
several agencies, incidents, watchlist entries of several handling codes):
one alert per reason, and one per vessel resting on all of its reasons (a
score alert). For every reader, what the services return is compared with
the oracle (:mod:`portintel.domain.access` over the raw rows): an alert is
listed, counted, opened and delivered iff the reader may read all of its
evidence, and the alerts they do receive carry exactly the planted evidence
and reasons, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.domain.access import may_work_with_intelligence
from portintel.errors import NotFound, PermissionDenied
from portintel.services.targeting import count_alerts, get_alert, list_alerts
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import CASES, World, build_world, cases, world_database
from tests.services.targeting.test_risk_access_properties import VESSELS, Planted, _may_read, _plant

Item = tuple[str, str, str | None]


class PlantedAlerts:
    def __init__(self) -> None:
        self.items: dict[int, list[Item]] = {}
        self.reasons: dict[int, list[tuple[str, float]]] = {}


def _plant_alerts(world: World, planted: Planted) -> PlantedAlerts:
    alerts = PlantedAlerts()
    now = world.ws.clock()
    rows: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    next_id = 1

    def add(kind: str, mmsi: int, items: list[Item], reasons: list[tuple[str, float]]) -> None:
        nonlocal next_id
        alert_id = next_id
        next_id += 1
        alerts.items[alert_id] = sorted(set(items))
        alerts.reasons[alert_id] = reasons
        rows.append(
            {
                "id": alert_id,
                "cause_key": f"planted:{alert_id}",
                "kind": kind,
                "title": f"planted {alert_id}",
                "reason": "planted",
                "mmsi": mmsi,
                "reasons": [
                    {"indicator_id": cause, "description": "planted", "weight": weight}
                    for cause, weight in reasons
                ],
                "raised_at": now + timedelta(seconds=alert_id),
                "status": "open",
                "updated_at": now,
            }
        )
        evidence.extend(
            {
                "alert_id": alert_id,
                "kind": k,
                "item_id": i,
                "report_id": r,
                "label": "",
                "area_id": i.replace("ev-area-", "area-") if i.startswith("ev-area-") else None,
            }
            for k, i, r in sorted(set(items))
        )

    for mmsi in VESSELS:
        reasons = planted.reasons[mmsi]
        for cause, weight, items in reasons:
            add("watchlist_hit", mmsi, items, [(cause, weight)])
        if reasons:
            add(
                "score",
                mmsi,
                [item for _, _, items in reasons for item in items],
                [(cause, weight) for cause, weight, _ in reasons],
            )
    with world.ws.engine.begin() as connection:
        connection.execute(insert(tables.alerts), rows)
        connection.execute(insert(tables.alert_evidence), evidence)
    return alerts


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, Planted, PlantedAlerts]]:
    directory: Path = tmp_path_factory.mktemp("alert-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        built.load()
        planted = _plant(built)
        yield built, planted, _plant_alerts(built, planted)
        built.ws.close()


@cases(200)
@given(data=st.data())
def test_a_reader_receives_exactly_the_alerts_whose_evidence_they_may_read(
    world: tuple[World, Planted, PlantedAlerts], data: st.DataObject
) -> None:
    built, planted, alerts = world
    reader = data.draw(st.sampled_from(built.people)).actor
    CASES[(built.backend, "services.list_alerts")] += 1
    if not may_work_with_intelligence(reader):
        with pytest.raises(PermissionDenied):
            list_alerts(built.ws, reader)
        return
    expected = {
        alert_id
        for alert_id, items in alerts.items.items()
        if all(_may_read(built, planted, reader, item) for item in items)
    }
    listed = list_alerts(built.ws, reader, limit=1000)
    assert {a.id for a in listed} == expected
    assert count_alerts(built.ws, reader) == len(expected)
    for alert in listed:
        assert sorted((e.kind, e.id, e.report_id) for e in alert.evidence) == alerts.items[alert.id]
        assert [(r.indicator_id, r.weight) for r in alert.reasons] == alerts.reasons[alert.id]
    # one alert opened by id: the same answer as the list, NotFound as for a missing one
    alert_id = data.draw(st.sampled_from(sorted(alerts.items)))
    if alert_id in expected:
        assert get_alert(built.ws, reader, alert_id).id == alert_id
    else:
        with pytest.raises(NotFound):
            get_alert(built.ws, reader, alert_id)
    # the stream's read (after an id) holds the same rule
    after = data.draw(st.integers(0, len(alerts.items)))
    streamed = list_alerts(built.ws, reader, after_id=after, limit=1000)
    assert [a.id for a in streamed] == sorted(i for i in expected if i > after)

"""Need-to-know for risk scores: random readers against reasons resting on a seeded world.

Reasons are planted with evidence drawn from the access world's reports and
statements (each readable by some readers and not others), AIS events, an
incident without a report and watchlist entries of several agencies and
handling codes. For every reader and vessel, what the services return is
compared with the oracle (raw rows and :mod:`portintel.domain.access`): a
reason is listed iff the reader may read all of its evidence, its evidence is
exactly what was planted, and the score (of the vessel page and of the ranked
list alike) is the sum of the listed reasons.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor, Role
from portintel.domain.targeting import score_of
from portintel.errors import PermissionDenied
from portintel.services.targeting import list_risk, vessel_risk
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import (
    AGENCIES,
    CASES,
    World,
    build_world,
    cases,
    world_database,
)

VESSELS = tuple(range(574_100_001, 574_100_041))
ENTRY_HANDLING = ("tlp:GREEN", "tlp:AMBER+STRICT", "europol:H3", "uk-3x5x2:P")


class Planted:
    """The reasons planted per vessel, with their evidence, and the watchlist entries."""

    def __init__(self) -> None:
        self.reasons: dict[int, list[tuple[str, float, list[tuple[str, str, str | None]]]]] = {}
        self.entries: dict[str, tuple[str, bool]] = {}  # id -> (agency, restrictive)


def _plant(world: World) -> Planted:
    rng = random.Random(14)
    planted = Planted()
    ws = world.ws
    now = ws.clock()
    owner = next(p for p in world.people if p.actor.has(Role.ANALYST)).actor
    handling = load_handling()
    entries: list[dict[str, Any]] = []
    for number, (agency, code) in enumerate(
        (agency, code) for agency in AGENCIES for code in ENTRY_HANDLING
    ):
        entry_id = f"watch-{number:03d}"
        restrictive = handling.is_restrictive(code)
        planted.entries[entry_id] = (agency, restrictive)
        entries.append(
            {
                "id": entry_id,
                "kind": "person",
                "names": ["zq name"],
                "reason": "planted",
                "owner_id": owner.user_id,
                "agency_id": agency,
                "handling": code,
                "restrictive": restrictive,
                "expires_at": now + timedelta(days=30),
                "created_at": now,
            }
        )
    statements = [s for s in world.statement_rows]
    subjects, reasons, evidence = [], [], []
    for mmsi in VESSELS:
        subjects.append(
            {
                "mmsi": mmsi,
                "voyage_id": "",
                "window_start": now - timedelta(days=30),
                "window_end": now,
                "indicator_version": "test",
                "computed_at": now,
            }
        )
        planted.reasons[mmsi] = []
        for index in range(rng.randint(0, 5)):
            cause = f"{mmsi}-{index}"
            weight = float(rng.choice((5, 10, 12.5, 20, 30)))
            items: list[tuple[str, str, str | None]] = []
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice(("event", "report", "statement", "incident", "watchlist"))
                if kind == "event" and rng.random() < 0.4:  # entered another's analyst area?
                    items.append(("event", f"ev-area-{rng.choice(AGENCIES)}", None))
                elif kind == "event":
                    items.append(("event", f"ev-{rng.randint(1, 9)}", None))
                elif kind == "report":
                    report_id = rng.choice(world.report_ids)
                    items.append(("report", report_id, report_id))
                elif kind == "statement":
                    row = rng.choice(statements)
                    origin = row.origin if row.origin in world.report_rows else None
                    items.append(("statement", row.id, origin))
                elif kind == "incident":
                    report_id = rng.choice((*world.report_ids, None))
                    items.append(("incident", f"inc-{report_id}", report_id))
                else:
                    items.append(("watchlist", rng.choice(sorted(planted.entries)), None))
            items = sorted(set(items))
            planted.reasons[mmsi].append((cause, weight, items))
            reasons.append(
                {
                    "cause_key": cause,
                    "mmsi": mmsi,
                    "voyage_id": "",
                    "indicator_id": f"indicator_{index}",
                    "indicator_version": "test",
                    "description": "planted",
                    "weight": weight,
                    "observed_at": now,
                    "fired_at": now,
                }
            )
            evidence.extend(
                {
                    "cause_key": cause,
                    "kind": k,
                    "item_id": i,
                    "report_id": r,
                    "label": "",
                    "area_id": i.replace("ev-area-", "area-") if i.startswith("ev-area-") else None,
                }
                for k, i, r in items
            )
    areas = [
        {
            "id": f"area-{agency}",
            "name": f"zq area {agency}",
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[100, 6], [101, 6], [101, 7], [100, 6]]],
            },
            "created_by": owner.user_id,
            "agency_id": agency,
            "created_at": now,
        }
        for agency in AGENCIES
    ]
    with ws.engine.begin() as connection:
        connection.execute(insert(tables.analyst_areas), areas)
        connection.execute(insert(tables.watch_entries), entries)
        connection.execute(insert(tables.risk_subjects), subjects)
        connection.execute(insert(tables.risk_reasons), reasons)
        connection.execute(insert(tables.risk_evidence), evidence)
    return planted


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, Planted]]:
    directory: Path = tmp_path_factory.mktemp("risk-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        built.load()
        yield built, _plant(built)
        built.ws.close()


def _may_read(
    world: World, planted: Planted, reader: Actor, item: tuple[str, str, str | None]
) -> bool:
    kind, item_id, report_id = item
    if kind == "event" and item_id.startswith("ev-area-"):
        # an entry into an analyst area: read within the area's agency (and by supervisors)
        return reader.agency_id == item_id.removeprefix("ev-area-") or reader.has(Role.SUPERVISOR)
    if kind == "event":
        return True
    if kind == "statement":
        row = next(s for s in world.statement_rows if s.id == item_id)
        return world.may_read_statement(reader, row)
    if kind in ("report", "incident"):
        return report_id is None or world.may_read_report(reader, report_id)
    agency, restrictive = planted.entries[item_id]
    return not restrictive or reader.agency_id == agency or reader.has(Role.SUPERVISOR)


@cases(300)
@given(data=st.data())
def test_a_reader_sees_the_reasons_whose_evidence_they_may_read_and_their_sum(
    world: tuple[World, Planted], data: st.DataObject
) -> None:
    built, planted = world
    reader = data.draw(st.sampled_from(built.people)).actor
    mmsi = data.draw(st.sampled_from(VESSELS))
    CASES[(built.backend, "services.vessel_risk")] += 1
    if not may_work_with_intelligence(reader):
        with pytest.raises(PermissionDenied):
            vessel_risk(built.ws, reader, mmsi)
        return
    expected = {
        cause: (weight, items)
        for cause, weight, items in planted.reasons[mmsi]
        if all(_may_read(built, planted, reader, item) for item in items)
    }
    risk = vessel_risk(built.ws, reader, mmsi)
    subject = risk.vessel
    assert subject is not None
    shown = {r.cause_key: r for r in subject.reasons}
    assert set(shown) == set(expected)
    for cause, reason in shown.items():
        weight, items = expected[cause]
        assert reason.weight == weight
        assert sorted((e.kind, e.id, e.report_id) for e in reason.evidence) == items
    assert risk.score == score_of(weight for weight, _ in expected.values())
    (line,) = list_risk(built.ws, reader, mmsi=mmsi)
    assert line.score == risk.score and line.reasons == len(expected)


@pytest.fixture(scope="module")
def arriving(world: tuple[World, Planted], tmp_path_factory: pytest.TempPathFactory) -> World:
    """Every planted vessel heard once, west of Sihanoukville, heading for it at 10 kn."""
    from portintel.services.maritime import ingest_paths
    from tests.services.targeting.prearrival_sample import PORT, SENT, position_line

    built, _ = world
    lines = [
        position_line(mmsi, PORT[0], PORT[1] - 0.3 - 0.02 * k, 10.0, 90.0, SENT)
        for k, mmsi in enumerate(VESSELS)
    ]
    path = tmp_path_factory.mktemp("arriving") / "arriving.nmea"
    path.write_text("\n".join(lines) + "\n")
    ingest_paths(built.ws, [path], source="rx-test")
    return built


@cases(60, at_least=30)  # a small space: the readers times three windows
@given(data=st.data())
def test_the_pre_arrival_list_shows_no_vessel_or_reason_outside_the_readers_scope(
    world: tuple[World, Planted], arriving: World, data: st.DataObject
) -> None:
    from portintel.services.targeting import prearrival_list

    built, planted = world
    reader = data.draw(st.sampled_from(built.people)).actor
    hours = data.draw(st.sampled_from((24, 48, 72)))
    CASES[(built.backend, "services.prearrival_list")] += 1
    if not may_work_with_intelligence(reader):
        with pytest.raises(PermissionDenied):
            prearrival_list(built.ws, reader, "KHKOS", hours=hours)
        return
    listed = prearrival_list(built.ws, reader, "KHKOS", hours=hours)
    # AIS is the picture every such reader sees: each vessel heard is there, none other
    assert sorted(line.mmsi for line in listed.lines) == sorted(VESSELS)
    for line in listed.lines:
        expected = {
            cause: weight
            for cause, weight, items in planted.reasons[line.mmsi]
            if all(_may_read(built, planted, reader, item) for item in items)
        }
        assert {r.cause_key: r.weight for r in line.reasons} == expected
        assert line.score == score_of(expected.values())
    scores = [line.score for line in listed.lines]
    assert scores == sorted(scores, reverse=True)

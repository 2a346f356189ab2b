"""Smoke tests of the benchmarks: they build their data and agree with their baselines.

No timing is asserted (timings live in ``benchmarks/results``). The access
benchmark's comparison is a real check: the services' reads must return
exactly what the previous fetch-then-filter approach returns, for a reader
who sees almost everything and one who sees little.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.append(str(BENCHMARKS))  # last: the benchmarks shadow no module

import _access_baseline  # noqa: E402
import _access_data  # noqa: E402
import _access_reads  # noqa: E402
import _access_store  # noqa: E402
import access_scale  # noqa: E402

import behaviours as behaviours_bench  # noqa: E402
from portintel.adapters.database import tables  # noqa: E402
from portintel.adapters.vocabularies import load_handling  # noqa: E402
from portintel.domain.reports import ReportDraft  # noqa: E402
from portintel.scenario import iter_report_batches  # noqa: E402
from portintel.services.admin import get_actor  # noqa: E402
from portintel.services.intake import fact_statements  # noqa: E402
from portintel.services.intake.reports import create_report  # noqa: E402
from portintel.services.workspace import Workspace  # noqa: E402
from portintel.settings import Settings  # noqa: E402

POSTGRES_URL = os.environ.get("PORTINTEL_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
REPORTS, STATEMENTS = 300, 3_000


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> _access_store.BuiltStore:
    return _access_store.ensure_store(tmp_path_factory.mktemp("access"), REPORTS, STATEMENTS)


@pytest.fixture(params=BACKENDS)
def bench_workspace(
    request: pytest.FixtureRequest, store: _access_store.BuiltStore
) -> Iterator[Workspace]:
    backend = request.param
    with (
        access_scale.backend_store(backend, store, POSTGRES_URL or "", lambda _: None) as url,
        access_scale.workspace(url) as ws,
    ):
        yield ws


def test_the_store_has_the_size_and_the_mix_asked_for(store: _access_store.BuiltStore) -> None:
    assert store.reports == REPORTS
    assert store.statements == STATEMENTS
    with _access_store.sqlite_copy(store) as url, access_scale.workspace(url) as ws:
        reports, statements = tables.reports.c, tables.statements.c
        with ws.engine.connect() as connection:
            statuses = set(connection.execute(select(reports.status).distinct()).scalars())
            agencies = connection.execute(select(func.count(reports.agency_id.distinct())))
            codes = set(connection.execute(select(reports.handling).distinct()).scalars())
            origins = list(connection.execute(select(statements.origin)).scalars())
            own_codes = set(
                connection.execute(
                    select(statements.handling).where(statements.handling.is_not(None))
                ).scalars()
            )
            shared = connection.execute(
                select(statements.canonical_id)
                .where(statements.origin.like("R-%"))
                .group_by(statements.canonical_id)
                .having(func.count(statements.origin.distinct()) > 1)
            ).first()
            releasable = _releasable_count(connection)
        assert statuses == {"draft", "submitted", "evaluated", "disseminated", "archived"}
        assert agencies.scalar_one() == 4
        restrictive = {code for code in codes if load_handling().is_restrictive(code)}
        assert {"uk-3x5x2:C", "tlp:RED", "tlp:AMBER+STRICT", "europol:H3"} <= restrictive
        assert codes - restrictive  # open reports too
        assert releasable > 0
        no_report = [origin for origin in origins if not origin.startswith("R-")]
        assert any(o.startswith("ais:") for o in no_report)
        assert any(o.startswith("partner:") for o in no_report)
        assert any(load_handling().is_restrictive(code) for code in own_codes)
        assert shared is not None  # entities met by several reports


def _releasable_count(connection: Any) -> int:
    if "releasable_to" in tables.reports.c:
        column = tables.reports.c.releasable_to
        return int(connection.execute(select(func.count()).where(column.is_not(None))).scalar_one())
    table = tables.metadata.tables["report_releasable_to"]
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_scoped_reads_return_what_fetch_then_filter_returns(
    store: _access_store.BuiltStore, bench_workspace: Workspace
) -> None:
    ws = bench_workspace
    seen = {}
    for reader in access_scale.readers(store):
        actor = get_actor(ws, reader.user_id)
        work = _access_reads.choose_workload(ws, actor, 3, seed=7)
        assert work.visible and work.invisible and work.common_terms and work.rare_terms
        for name, (scoped, old) in _access_reads.reads(work).items():
            for run in range(3):
                assert scoped(ws, actor, run) == old(ws, actor, run), (reader.label, name, run)
        assert _access_reads.reads(work)["entity page (not visible)"][0](ws, actor, 0) == (
            "not found"
        )
        seen[reader.label] = _access_baseline.count_reports(ws, actor)
    supervisor, officer = seen.values()
    assert 0 < officer < supervisor < REPORTS  # others' drafts stay hidden even from supervisors


def test_a_measured_round_records_both_approaches_and_renders(
    store: _access_store.BuiltStore,
) -> None:
    with _access_store.sqlite_copy(store) as url, access_scale.workspace(url) as ws:
        reader = access_scale.readers(store)[1]
        actor = get_actor(ws, reader.user_id)
        work = _access_reads.choose_workload(ws, actor, 2, seed=7)
        measured = _access_reads.measure(ws, actor, work, runs=3, baseline_runs=2)
    assert set(measured) == set(_access_reads.reads(work))
    rows = []
    for name, timings in measured.items():
        assert (len(timings.scoped_ms), len(timings.baseline_ms)) == (3, 2)
        assert timings.mismatches == []
        rows.append(
            {
                "backend": "sqlite",
                "reader": reader.label,
                "visible_reports": 1,
                "read": name,
                "mismatched_runs": [],
                **_access_reads.figures(timings),
            }
        )
    result = {
        "machine": access_scale.machine(None),
        "load_average_1min": [0.0, 0.0],
        "sizes": {"reports": REPORTS, "statements": STATEMENTS, "seed": 7, "schema": "x"},
        "runs": 3,
        "baseline_runs": 2,
        "rows": rows,
    }
    page = access_scale.markdown(result)
    assert page.count("| sqlite |") == len(measured)
    assert "entity page (not visible)" in page
    assert "3 runs of each read, 2 of them timing both approaches" in page


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert _access_reads.percentile(values, 0.95) == 19.0
    assert _access_reads.percentile(values, 0.5) == 10.0
    assert _access_reads.percentile([3.0], 0.95) == 3.0


def _stored(rows: Any) -> dict[str, dict[str, Any]]:
    return {row.id: dict(row._mapping) for row in rows}


def _chosen_report(maker: _access_data.ReportMaker) -> tuple[Any, _access_data.Made]:
    """The first scenario report that is restrictive, releasable to another agency, and has a
    fact under its own handling and a registry vessel (each part of the rows is exercised)."""
    for batch in iter_report_batches(7, 400):
        for report in batch:
            maker.known.clear()  # as if it were the first report filed
            maker.namesakes.clear()
            made = maker.make(report, 1_000)
            if (
                made.filing.code.restrictive
                and made.filing.releasable_to
                and any(fact.handling for fact in made.facts)
                and any(fact.entity_key.startswith("vessel-") for fact in made.facts)
            ):
                return report, made
    raise AssertionError("no report of the scenario has every part")


def test_the_builder_writes_the_rows_the_filing_service_writes(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One report filed through ``create_report`` and the same report from the builder:
    the same report row (but the status the builder sets directly), statements and lists.

    Entity ids are random in the service: here they come from the builder's
    generator for the report, so both sides mint the same ids in the same order.
    """
    shape = _access_data.detect_shape(workspace.engine)
    with workspace.engine.begin() as connection:
        staff = _access_store.insert_unit(connection, shape, workspace.settings)
    maker = _access_data.ReportMaker(7, workspace.settings, staff)
    report, made = _chosen_report(maker)
    code = made.filing.code
    draft = ReportDraft(
        title=report.title,
        text=report.text,
        credibility=report.credibility,
        handling=f"{code.vocabulary}:{code.code}",
        reliability=report.reliability,
        grading_scheme=report.grading_scheme,
        handling_conditions=code.conditions,
        releasable_to=made.filing.releasable_to,
        occurred_at=report.occurred_at,
        place=report.place.name,
        latitude=report.place.latitude,
        longitude=report.place.longitude,
        source_id=_access_data.source_id_of(report.source_key),
        category=report.category,
        origin_node=report.origin_node,
        facts=made.facts,
        extract=False,
        report_id=report.key,
    )
    workspace.clock = lambda: report.reported_at
    new_id = maker.ids.for_report(report.key)
    prefix = len(fact_statements.ENTITY_ID_PREFIX)
    minted = SimpleNamespace(token_hex=lambda _size: new_id()[prefix:])
    monkeypatch.setattr(fact_statements, "secrets", minted)  # what ``new_entity_id`` draws from
    create_report(workspace, get_actor(workspace, made.filing.author.user_id), draft)

    with workspace.engine.connect() as connection:
        filed = _stored(connection.execute(select(tables.reports)))[report.key]
        statements = _stored(
            connection.execute(
                select(tables.statements).where(tables.statements.c.origin == report.key)
            )
        )
        if shape.has("report_releasable_to"):
            table = tables.metadata.tables["report_releasable_to"]
            releasable = [dict(r._mapping) for r in connection.execute(select(table))]
            expected = _access_data.releasable_rows(report.key, made.filing.releasable_to)
            assert sorted(releasable, key=str) == sorted(expected, key=str)
    built = shape.fit("reports", _access_data.report_row(report, made.filing))
    for name in ("status", "updated_at"):  # the builder sets the lifecycle's end directly
        built.pop(name)
        filed.pop(name)
    assert filed == built
    assert statements == {
        record.id: shape.fit("statements", _access_data.statement_db_row(record))
        for record in made.statements
    }


def test_a_statement_heard_twice_is_one_row_with_the_wider_span() -> None:
    records = _access_data.external_statements(7, 200, Settings())
    first = records[0]
    later = replace(
        first,
        first_seen=first.first_seen + timedelta(days=3),
        last_seen=first.last_seen + timedelta(days=9),
    )
    merged: dict[str, Any] = {}
    _access_data._merge(merged, [first, later])
    assert list(merged) == [first.id]
    assert merged[first.id].first_seen == first.first_seen
    assert merged[first.id].last_seen == later.last_seen
    assert len({record.id for record in records}) == len(records) == 200


def test_ratios_compare_only_the_runs_both_approaches_timed() -> None:
    timings = _access_reads.Timings(
        scoped_ms=[10.0, 10.0, 500.0, 500.0], baseline_ms=[100.0, 100.0]
    )
    found = _access_reads.figures(timings)
    assert found["ratio_p50"] == 10.0
    assert found["scoped_p50_ms"] == 255.0  # every run of the scoped read


def test_every_ratio_below_the_goal_is_listed_with_what_it_compares() -> None:
    def row(read: str, backend: str, scoped: float, old: float) -> dict[str, Any]:
        timings = _access_reads.Timings(
            scoped_ms=[scoped], scoped_cpu_ms=[scoped / 2], baseline_ms=[old]
        )
        return {
            "backend": backend,
            "reader": "officer (x)",
            "visible_reports": 1,
            "read": read,
            "mismatched_runs": [],
            **_access_reads.figures(timings),
        }

    rows = [
        row("entity page (visible)", "sqlite", 2.0, 1.0),
        row("search (rare term)", "postgresql", 5.0, 10.0),
        row("report list page + total", "sqlite", 10.0, 5000.0),
    ]
    result = {
        "machine": access_scale.machine(None),
        "load_average_1min": [1.0, 2.0],
        "load_average_samples": [1.0, 3.0, 2.0],
        "sizes": {"reports": 1, "statements": 1, "seed": 7, "schema": "x"},
        "runs": 1,
        "baseline_runs": 1,
        "rows": rows,
    }
    page = access_scale.markdown(result)
    notes = page.split("Ratios below 10x", 1)[1]
    assert "entity page (visible): 1.0 ms against 2.0 ms (0.50x): both approaches" in notes
    assert "search (rare term): 10.0 ms against 5.0 ms (2.0x): pg_trgm" in notes
    assert "report list page" not in notes  # 500x: no note
    assert "1.0 to 3.0, median 2.0" in page
    assert "| 2.0 | 2.0 | 1.0 | 1.0 |" in page  # scoped p50, p95, CPU p50, baseline p50


def test_each_item_of_a_pool_is_timed_first_by_both_approaches() -> None:
    cycle = _access_reads.PAGES
    for item in range(cycle):
        orders = {_access_reads.scoped_first(run) for run in range(item, 3 * cycle, cycle)}
        assert orders == {True, False}
    assert sum(_access_reads.scoped_first(run) for run in range(30)) == 15


def test_the_ingest_benchmark_retimes_every_sample_type_without_repeating_a_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ais_ingest
    from pyais.stream import IterMessages

    monkeypatch.setattr(ais_ingest, "DATA", tmp_path)
    path = ais_ingest.nmea_file(5_000)
    lines = path.read_text().splitlines()
    assert len(lines) >= 5_000
    for line in lines:
        body, checksum = line[1:].split("\\", 1)[0].split("*")
        assert body.startswith("c:") and ais_ingest._checksum(body) == checksum

    def types(raw: list[bytes]) -> set[int]:
        found = set()
        for message in IterMessages(raw):
            try:
                found.add(message.decode().msg_type)
            except Exception:  # real samples hold lines pyais refuses
                continue
        return found

    samples = [
        line
        for p in sorted(ais_ingest.SAMPLES.glob("*.n*"))
        for line in p.read_bytes().splitlines()
    ]
    assert types([line.encode() for line in lines]) == types(samples)

    archive = ais_ingest.csv_file(1_000).read_text().splitlines()
    assert archive[0] == ais_ingest.CSV_HEADER and len(archive) == 1_001
    assert all(row.count(",") == archive[0].count(",") for row in archive)


def test_the_ingest_benchmark_reads_counts_from_the_summary_table() -> None:
    import ais_ingest

    output = "│ stored                               │ 860,057 │\n│   positions stored │ 789,439 │"
    assert ais_ingest.table_value(output, "stored") == 860_057
    assert ais_ingest.table_value(output, "positions stored") == 789_439
    with pytest.raises(SystemExit):
        ais_ingest.table_value(output, "quarantined rows")


# --- benchmarks/behaviours.py (issue #11 item 5) ----------------------------------------


@pytest.fixture(scope="module")
def fleet() -> tuple[Any, dict[str, int]]:
    return behaviours_bench.tracks(60, 300, seed=5)


def test_the_generated_fleet_has_the_size_and_behaviours_asked_for(
    fleet: tuple[Any, dict[str, int]],
) -> None:
    frame, injected = fleet
    assert frame.height == 60 * 300
    assert frame["mmsi"].n_unique() == 60
    assert all(count > 0 for count in injected.values()), injected
    lat0, lat1, lon0, lon1 = behaviours_bench.REGION
    first = frame.sort("ts").group_by("mmsi", maintain_order=True).first()
    assert first["lat"].is_between(lat0 - 2.5, lat1 + 2.5).all()
    assert first["lon"].is_between(lon0 - 2.5, lon1 + 2.5).all()
    assert frame["sog"].max() < 20  # sea-lane speeds, no jumps
    for part in frame.partition_by("mmsi"):  # each vessel's clock runs forward
        assert part["ts"].is_sorted()


def test_the_executor_finds_every_injected_behaviour_and_times_its_stages(
    tmp_path: Path, fleet: tuple[Any, dict[str, int]]
) -> None:
    frame, injected = fleet
    figures = behaviours_bench.run_executor(tmp_path / "data", frame)
    assert figures["positions_written"] == frame.height
    found = figures["by_type"]
    assert found.get("gap", 0) >= injected["reception_holes"]
    assert found.get("loitering", 0) >= injected["stops_at_sea"] // 2
    assert found.get("port_visit", 0) >= injected["port_starts"]
    assert found.get("encounter", 0) >= injected["meeting_pairs"]
    # both stages are timed; on a quiet machine the encounters of 18,000 positions can take
    # under 5 ms, which the figures round (to 0.01 s) to 0.0
    assert figures["per_vessel_kernels_s"] > 0 and figures["encounters_s"] >= 0
    assert figures["end_to_end_s"] >= figures["per_vessel_kernels_s"] + figures["encounters_s"]
    assert len(figures["load_average_before"]) == 3


def test_the_stop_comparison_runs_both_sides_on_the_same_subset(
    fleet: tuple[Any, dict[str, int]],
) -> None:
    frame, _ = fleet
    compared = behaviours_bench.compare(frame, 3, runs=1)
    assert compared["subset_positions"] == 3 * 300
    assert compared["portintel_stops"] >= 0
    if "movingpandas_s" in compared:  # the optional bench extra is installed
        assert compared["ratio_same_subset"] > 0
        assert compared["movingpandas_extrapolated_full_s"] >= 0
    else:
        assert "not installed" in compared["movingpandas"]


def test_the_quick_run_prints_its_figures_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results"
    assert (
        behaviours_bench.main(
            [
                "--quick",
                "--vessels",
                "20",
                "--fixes",
                "200",
                "--peer-vessels",
                "2",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "positions/s end to end" in printed
    assert '"positions": 4000' in printed
    assert not out.exists()


def test_the_search_benchmark_draws_queries_that_find_and_renders(
    store: _access_store.BuiltStore,
) -> None:
    import search as search_bench

    with (
        _access_store.sqlite_copy(store) as url,
        access_scale.workspace(url) as ws,
        ws.engine.connect() as connection,
    ):
        indexed = connection.execute(select(func.count()).select_from(tables.report_words))
        assert indexed.scalar_one() == REPORTS  # the builder indexed every report's words
        chosen = search_bench.queries(url, 7, 2)
        assert {what for what, _listed in chosen.values()} == {"entities", "reports"}
        actor = get_actor(ws, store.supervisor_id)
        listed = chosen["IMO, spaced prefix"][1]
        timing, found = search_bench._timed(
            ws, lambda q: search_bench.search(ws, actor, q), listed, 1
        )
    assert timing["n"] == len(listed) and timing["server_cpu_ms_per_search"] is None
    assert all(page.total >= 1 for page in found)  # an IMO number written another way
    row = {"backend": "sqlite", "reader": "r", "search": "entities", "queries": "q",
           **timing, "found": "1/1 found", "goal": "yes"}  # fmt: skip
    payload = {"reports": REPORTS, "statements": STATEMENTS, "seed": 7, "runs": 1, "commit": "x",
               "cpus": 2, "load_start": 1.0, "load_end": 1.0, "rows": [row]}  # fmt: skip
    assert "| sqlite | r | entities | q |" in search_bench.markdown(payload)

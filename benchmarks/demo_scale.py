"""Scale of the scenario: build 1,000,000 statements into a fresh SQLite store.

Run: ``python3 benchmarks/demo_scale.py`` (``--quick`` for 100,000 statements,
``--statements N`` for any size, ``--database-url`` for PostgreSQL).

The scenario's scale path yields reports in batches (memory stays flat); each
report's facts go through the core's ``make_fact_statements`` (the cleaning,
identifier checks and entity ids every real report gets) and are written with
``write_statements`` (bulk upsert), one transaction per batch. Reports,
audit entries and lifecycle events are not written: this measures the
statement path, which is what grows to millions. No peer: the figure is
compared over time. Prints generation, statement-building and writing rates
and writes ``results/demo_scale.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from portintel.domain.statements import StatementRecord
from portintel.scenario import iter_report_batches
from portintel.services.events import transaction
from portintel.services.intake.statements import make_fact_statements, write_statements
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
FACTS_PER_REPORT_GUESS = 20
BATCH = 500


def _statements_of(batch, dataset: str) -> list[StatementRecord]:
    records: list[StatementRecord] = []
    for report in batch:
        records.extend(
            make_fact_statements(
                report.facts,
                origin=report.key,
                dataset=dataset,
                seen_at=report.occurred_at,
                region="KH",
            )
        )
    return records


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def run(target: int, database_url: str | None, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="portintel-scale-") as directory:
        settings = Settings(data_dir=Path(directory), database_url=database_url)
        ws = open_workspace(settings)
        reports_needed = target // FACTS_PER_REPORT_GUESS + 1
        generate = build = write = 0.0
        statements = reports = 0
        started = time.perf_counter()
        batches = iter_report_batches(seed, reports_needed * 2, batch_size=BATCH)
        while statements < target:
            t0 = time.perf_counter()
            batch = next(batches)
            t1 = time.perf_counter()
            records = _statements_of(batch, settings.node_id)
            t2 = time.perf_counter()
            with transaction(ws) as connection:
                statements += write_statements(connection, records)
            t3 = time.perf_counter()
            generate, build, write = generate + t1 - t0, build + t2 - t1, write + t3 - t2
            reports += len(batch)
            print(f"\r{statements:>10,} statements from {reports:,} reports", end="", flush=True)
        total = time.perf_counter() - started
        print()
        backend = ws.engine.dialect.name
        size = settings.sqlite_path.stat().st_size if backend == "sqlite" else None
        ws.close()
    return {
        "backend": backend,
        "seed": seed,
        "reports": reports,
        "statements": statements,
        "seconds": total,
        "statements_per_s": statements / total,
        "generate_reports_per_s": reports / generate,
        "build_statements_per_s": statements / build,
        "write_statements_per_s": statements / write,
        "sqlite_bytes": size,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _markdown(row: dict[str, object], machine: dict[str, object]) -> str:
    size = row["sqlite_bytes"]
    size_text = f"{int(size) / 1e6:,.0f} MB" if isinstance(size, int) else "n/a"
    return "\n".join(
        [
            "# Demo scenario at scale: statements into a fresh store",
            "",
            "Run: `python3 benchmarks/demo_scale.py` (no peer; compare over time).",
            "",
            "| backend | reports | statements | seconds | statements/s (end to end) "
            "| reports generated/s | statements built/s | statements written/s "
            "| store size | peak RSS |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {row['backend']} | {row['reports']:,} | {row['statements']:,} "
            f"| {row['seconds']:.1f} | {row['statements_per_s']:,.0f} "
            f"| {row['generate_reports_per_s']:,.0f} | {row['build_statements_per_s']:,.0f} "
            f"| {row['write_statements_per_s']:,.0f} | {size_text} "
            f"| {row['peak_rss_mb']:,.0f} MB |",
            "",
            f"Machine: {machine['nproc']} cores, {machine['cpu']}; Python {machine['python']}. "
            f"Date {machine['date']}, commit {machine['commit']}. Load average (1 min) "
            f"before and after: {machine['load_average_1min']} (other jobs on the machine "
            "slow every figure down; compare runs at similar load).",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 statements")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args(argv)
    target = 100_000 if args.quick else args.statements
    load_before = os.getloadavg()[0]
    row = run(target, args.database_url, args.seed)
    machine = {
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "nproc": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
    }
    print(
        f"{row['statements']:,} statements from {row['reports']:,} reports in "
        f"{row['seconds']:.1f} s: {row['statements_per_s']:,.0f} statements/s end to end "
        f"(build {row['build_statements_per_s']:,.0f}/s, write "
        f"{row['write_statements_per_s']:,.0f}/s), peak RSS {row['peak_rss_mb']:,.0f} MB"
    )
    if not args.no_save and not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "demo_scale.json").write_text(
            json.dumps({"machine": machine, "rows": [row]}, indent=2) + "\n", encoding="utf-8"
        )
        (RESULTS / "demo_scale.md").write_text(_markdown(row, machine), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The Spark executor beside the local one, same data, same run; and the conformance suite's cost.

Run: ``python3 benchmarks/behaviours_spark.py`` (needs ``pip install -e '.[spark]'``
and Java 17; ``--quick``: 100 vessels x 300 fixes, nothing written to ``results/``).

1. Generates the fleet of ``benchmarks/behaviours.py`` (default 300 vessels x
   1,000 fixes), writes it with the track store's writer, runs the local
   executor from scratch (``detect_behaviours``), then the Spark executor
   (``detect_behaviours_spark``, ``local[2]``) twice on a copy of the same
   store: cold (first queries of a new session: Python workers start) and warm
   (a re-run, which must change nothing). Checks both stored the same events.
2. Times the conformance suite (``tests/behaviours/conformance``) in a pytest
   subprocess, as CI runs it (``-n 0`` here: one process, the way one xdist
   worker runs the file under ``--dist loadfile``), once with PySpark and once
   with PySpark hidden (its cases skip): the difference is the Spark cases' cost.

Wall times on a shared 2-core machine: the load average is printed beside
each figure, and the CPU time of the process tree (this process or the
pytest subprocess, the JVM and the Python workers), read from ``/proc``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from portintel.domain.maritime.schema import POSITIONS
from portintel.services.maritime.behaviours import detect_behaviours, event_store
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.append(str(HERE))  # last: the benchmarks shadow no module

import behaviours as fleet_benchmark  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def load() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def tree_cpu_s(root: int) -> float:
    """User + system CPU seconds of ``root`` and every live descendant (from /proc)."""
    return sum(tree_cpu(root).values())


def tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds of ``root`` and of each live descendant, by process id."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    found: dict[int, float] = {}
    for pid in cpu:
        walk = pid
        while walk > 1 and walk != root:
            walk = parents.get(walk, 1)
        if walk == root:
            found[pid] = cpu[pid]
    return found


def clocked(function: Any) -> tuple[Any, dict[str, Any]]:
    before_load, before_cpu = load(), tree_cpu_s(os.getpid())
    started = time.perf_counter()
    value = function()
    wall = time.perf_counter() - started
    return value, {
        "wall_s": round(wall, 2),
        "cpu_s": round(tree_cpu_s(os.getpid()) - before_cpu, 2),
        "load_before": before_load,
        "load_after": load(),
    }


def workspace(data_dir: Path) -> Any:
    return open_workspace(
        Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'portintel.sqlite'}")
    )


def executors(vessels: int, fixes: int, seed: int) -> dict[str, Any]:
    from portintel.adapters.spark import spark_session
    from portintel.services.maritime.spark_executor import detect_behaviours_spark

    fleet, _ = fleet_benchmark.tracks(vessels, fixes, seed)
    figures: dict[str, Any] = {"positions": fleet.height, "vessels": vessels}
    with tempfile.TemporaryDirectory() as folder:
        local_dir, spark_dir = Path(folder) / "local", Path(folder) / "spark"
        ws = workspace(local_dir)
        try:
            ws.tracks.write(POSITIONS, fleet)  # type: ignore[attr-defined]
        finally:
            ws.close()
        shutil.copytree(local_dir, spark_dir)
        ws = workspace(local_dir)
        try:
            summary, figures["local"] = clocked(lambda: detect_behaviours(ws))
            local_events = event_store(ws).load()
        finally:
            ws.close()
        figures["events"] = summary.events
        session, figures["spark_session_start"] = clocked(
            lambda: spark_session("local[2]", shuffle_partitions=2)
        )
        ws = workspace(spark_dir)
        try:
            _, figures["spark_cold"] = clocked(lambda: detect_behaviours_spark(ws, session=session))
            again, figures["spark_warm_rerun"] = clocked(
                lambda: detect_behaviours_spark(ws, session=session)
            )
            spark_events = event_store(ws).load()
        finally:
            ws.close()
        session.stop()
        figures["rerun_changed"] = again.changed
        figures["identical_events"] = spark_events.equals(local_events)
    return figures


def suite(hide_pyspark: bool) -> dict[str, Any]:
    """The conformance suite in a pytest subprocess; its wall and CPU time and its outcome."""
    environment = dict(os.environ, CI="true")
    with tempfile.TemporaryDirectory() as hidden:
        if hide_pyspark:
            fake = Path(hidden) / "pyspark"
            fake.mkdir()
            (fake / "__init__.py").write_text(
                "raise ModuleNotFoundError('pyspark hidden by the benchmark', name='pyspark')\n"
            )
            environment["PYTHONPATH"] = os.pathsep.join(
                [hidden, *filter(None, [environment.get("PYTHONPATH")])]
            )
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q"]
        command.append("tests/behaviours/conformance")
        before_load = load()
        started = time.perf_counter()
        seen: dict[int, float] = {}
        with tempfile.TemporaryFile("w+") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
            )
            # the JVM and the Python workers are not all reaped by pytest: sample the tree
            while process.poll() is None:
                seen.update(tree_cpu(process.pid))
                time.sleep(0.5)
            wall = time.perf_counter() - started
            output.seek(0)
            stdout = output.read()
    lines = [line for line in stdout.splitlines() if " in " in line and "passed" in line]
    return {
        "pyspark": not hide_pyspark,
        "outcome": lines[-1] if lines else stdout[-300:],
        "exit": process.returncode,
        "wall_s": round(wall, 1),
        # last CPU time seen of every process of the tree (sampled every 0.5 s)
        "cpu_tree_s": round(sum(seen.values()), 1),
        "load_before": before_load,
        "load_after": load(),
    }


def markdown(figures: dict[str, Any]) -> str:
    run = figures["executors"]
    lines = [
        "# The Spark executor beside the local one (issue #11 item 4)",
        "",
        f"`python3 benchmarks/behaviours_spark.py`, {figures['when']}, {figures['machine']}.",
        f"{run['vessels']:,} vessels, {run['positions']:,} generated positions "
        f"(`benchmarks/behaviours.py`'s fleet), {run['events']:,} events; "
        f"identical events from both executors: **{run['identical_events']}**; "
        f"Spark re-run changed {run['rerun_changed']} events.",
        "",
        "| run | wall s | CPU s (process tree) | load before | load after |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in ("local", "spark_session_start", "spark_cold", "spark_warm_rerun"):
        row = run[name]
        lines.append(
            f"| {name} | {row['wall_s']} | {row['cpu_s']} | {row['load_before']} | "
            f"{row['load_after']} |"
        )
    lines += [
        "",
        "## The conformance suite (`tests/behaviours/conformance`, one process)",
        "",
        "| PySpark | outcome | wall s | CPU s (process tree) | load before | load after |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in figures["suite"]:
        lines.append(
            f"| {row['pyspark']} | {row['outcome']} | {row['wall_s']} | {row['cpu_tree_s']} "
            f"| {row['load_before']} | {row['load_after']} |"
        )
    lines += [
        "",
        "Spark in local mode on two cores is not faster than Polars on one machine: it "
        "pays a JVM, Arrow transfers to Python workers and shuffles. It is there for "
        "archives whose positions do not fit one machine, on a cluster.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 vessels x 300 fixes")
    parser.add_argument("--vessels", type=int, default=None)
    parser.add_argument("--fixes", type=int, default=None)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-suite", action="store_true", help="skip timing the test suite")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    arguments = parser.parse_args(argv)
    vessels = arguments.vessels or (100 if arguments.quick else 300)
    fixes = arguments.fixes or (300 if arguments.quick else 1_000)
    figures: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Polars {pl.__version__}",
        "executors": executors(vessels, fixes, arguments.seed),
        "suite": [] if arguments.no_suite else [suite(False), suite(True)],
    }
    print(json.dumps(figures, indent=2))
    if not arguments.quick:
        arguments.out.mkdir(exist_ok=True)
        (arguments.out / "behaviours_spark.json").write_text(json.dumps(figures, indent=2) + "\n")
        (arguments.out / "behaviours_spark.md").write_text(markdown(figures))
    return 0 if figures["executors"]["identical_events"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

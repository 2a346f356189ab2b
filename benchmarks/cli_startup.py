"""How fast ``portintel --help`` and ``portintel ais --help`` answer, process start to exit.

Run: ``python3 benchmarks/cli_startup.py`` (``--quick`` for fewer rounds).
Each round starts a fresh interpreter on this checkout's ``src`` for each
command, warm (the first, cold round is not counted), and the figures are the
median and the best of the rounds in wall-clock time, and the median CPU time
(user plus system of the child: on a machine shared with other jobs the wall
clock mostly measures the queue, CPU time much less). The floor beside them is
a bare ``python3 -c pass`` from the same run: what no CLI can beat.
``--baseline SRC`` times the same commands on another checkout's ``src`` in
the same run, side by side (e.g. the commit before the lazy imports). The goal
(issue #8) is under 0.3 s for both commands.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
GOAL_SECONDS = 0.3

MAIN = "import sys; sys.argv[0] = 'portintel'; from portintel.cli.app import main; main()"
FLOOR = "python3 -c pass (floor)"
COMMANDS: dict[str, list[str]] = {
    "portintel --help": ["-c", MAIN, "--help"],
    "portintel ais --help": ["-c", MAIN, "ais", "--help"],
}


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of the interpreter with ``args``."""
    cpu = _cpu_of_children()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
    )
    return time.perf_counter() - started, _cpu_of_children() - cpu


def _commit() -> str:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def _runs(baseline: Path | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Name -> (interpreter arguments, environment) of every command timed in a round."""

    def env(source: Path) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(source), "COLUMNS": "100"}

    runs = {FLOOR: (["-c", "pass"], env(ROOT / "src"))}
    runs |= {name: (args, env(ROOT / "src")) for name, args in COMMANDS.items()}
    if baseline is not None:
        runs |= {f"baseline: {name}": (args, env(baseline)) for name, args in COMMANDS.items()}
    return runs


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="Timed rounds per command.")
    parser.add_argument("--quick", action="store_true", help="5 rounds.")
    parser.add_argument(
        "--baseline", type=Path, help="src directory of another checkout, timed side by side."
    )
    options = parser.parse_args(argv)
    rounds = 5 if options.quick else options.rounds
    runs = _runs(options.baseline.resolve() if options.baseline else None)
    load_before = os.getloadavg()[0]
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for args, env in runs.values():
        _time_once(args, env)  # the cold start (file cache, .pyc) is not counted
    for _ in range(rounds):
        for name, (args, env) in runs.items():  # interleaved: load changes hit all alike
            seconds, cpu_seconds = _time_once(args, env)
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
    load_after = os.getloadavg()[0]
    rows = [
        {
            "command": name,
            "median_s": statistics.median(wall[name]),
            "best_s": min(wall[name]),
            "median_cpu_s": statistics.median(cpu[name]),
            "rounds": len(wall[name]),
        }
        for name in runs
    ]
    print(f"{'command':<32} {'median s':>9} {'best s':>8} {'CPU s':>8}")
    for row in rows:
        print(
            f"{row['command']:<32} {row['median_s']:>9.3f} {row['best_s']:>8.3f} "
            f"{row['median_cpu_s']:>8.3f}"
        )
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "baseline": str(options.baseline) if options.baseline else None,
        "python": platform.python_version(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "load_before_after": [round(load_before, 2), round(load_after, 2)],
        "goal_s": GOAL_SECONDS,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cli_startup.json").write_text(
        json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        "# CLI start-up: help, process start to exit",
        "",
        "Run: `python3 benchmarks/cli_startup.py` (warm, a fresh interpreter per round; the floor "
        "is a bare interpreter start; CPU is user plus system time of the process; `baseline:` "
        "rows, when present, are another checkout timed in the same run).",
        "",
        "| command | median s | best s | median CPU s | rounds |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(
            f"| `{row['command']}` | {row['median_s']:.3f} | {row['best_s']:.3f} "
            f"| {row['median_cpu_s']:.3f} | {row['rounds']} |"
            for row in rows
        ),
        "",
        f"Goal: under {GOAL_SECONDS} s for both help commands (issue #8). Machine: "
        f"{meta['machine']}; Python {meta['python']}. Date {meta['date']}, commit "
        f"{meta['commit']}"
        + (f", baseline {meta['baseline']}" if meta["baseline"] else "")
        + f". Load average (1 min) before and after: {meta['load_before_after']} "
        "(other jobs on the machine slow every wall-clock figure down).",
        "",
    ]
    (RESULTS / "cli_startup.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

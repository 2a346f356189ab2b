"""How fast ``portintel --help`` and ``portintel ais --help`` answer, process start to exit.

Run: ``python3 benchmarks/cli_startup.py`` (``--quick`` for fewer rounds).
Each round starts a fresh interpreter on this checkout's ``src`` for each
command, warm (the first, cold round is not counted), and the figures are the
median and the best of the rounds. The floor beside them is a bare
``python3 -c pass`` from the same run: what no CLI can beat. The goal (issue
#8) is under 0.3 s for both commands.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
COMMANDS: dict[str, list[str]] = {
    "python3 -c pass (floor)": ["-c", "pass"],
    "portintel --help": ["-c", MAIN, "--help"],
    "portintel ais --help": ["-c", MAIN, "ais", "--help"],
}


def _time_once(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
    )
    return time.perf_counter() - started


def _commit() -> str:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="Timed rounds per command.")
    parser.add_argument("--quick", action="store_true", help="5 rounds.")
    options = parser.parse_args(argv)
    rounds = 5 if options.quick else options.rounds
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    load_before = os.getloadavg()[0]
    timings: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for args in COMMANDS.values():
        _time_once(args, env)  # the cold start (file cache, .pyc) is not counted
    for _ in range(rounds):
        for name, args in COMMANDS.items():  # interleaved: load changes hit every command alike
            timings[name].append(_time_once(args, env))
    load_after = os.getloadavg()[0]
    rows = [
        {
            "command": name,
            "median_s": statistics.median(values),
            "best_s": min(values),
            "rounds": len(values),
        }
        for name, values in timings.items()
    ]
    print(f"{'command':<26} {'median s':>9} {'best s':>8}")
    for row in rows:
        print(f"{row['command']:<26} {row['median_s']:>9.3f} {row['best_s']:>8.3f}")
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
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
        "Run: `python3 benchmarks/cli_startup.py` (warm, a fresh interpreter per round; "
        "the floor is a bare interpreter start).",
        "",
        "| command | median s | best s | rounds |",
        "| --- | ---: | ---: | ---: |",
        *(
            f"| `{row['command']}` | {row['median_s']:.3f} | {row['best_s']:.3f} "
            f"| {row['rounds']} |"
            for row in rows
        ),
        "",
        f"Goal: under {GOAL_SECONDS} s for both help commands (issue #8). Machine: "
        f"{meta['machine']}; Python {meta['python']}. Date {meta['date']}, commit "
        f"{meta['commit']}. Load average (1 min) before and after: "
        f"{meta['load_before_after']} (other jobs on the machine slow every figure down).",
        "",
    ]
    (RESULTS / "cli_startup.md").write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""From an AIS message over UDP to the alert on every channel (issue #14: within 5 seconds).

Run: ``python3 benchmarks/alerts.py`` (``--runs N``, default 5; ``--quick``: 2 runs,
nothing written to ``results/``; ``--postgres URL`` stores on PostgreSQL instead of SQLite).

Each run is the end-to-end test's node (``tests/web/test_alerts_live.py``): a fresh
data directory, a watchlist entry naming a vessel's IMO, ``portintel ais listen`` on
UDP 127.0.0.1 (flushing every 0.5 s), a worker with two threads, the web app under
uvicorn with a logged-in analyst reading ``/alerts/stream``, an ``http.server``
webhook and an aiosmtpd server. The clock starts when the datagram (the vessel's
static report and one position) is sent, and stops for each channel when the alert
arrives there. The goal is 5 s on every channel; the 1-minute load average is
recorded beside the figures (the machine is shared). No peer: no open tool
raises watchlist alerts from a live AIS feed to compare with.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the end-to-end harness lives with the tests

from tests.web.test_alerts_live import delivered  # noqa: E402

from portintel.adapters.ais.land import LandMask  # noqa: E402
from portintel.settings import Settings  # noqa: E402

RESULTS = HERE / "results"
GOAL_SECONDS = 5.0
CHANNELS = ("stream", "webhook", "email")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (a scratch database)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    measured: list[dict[str, float]] = []
    loads: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        LandMask(Path(scratch) / "land-cache").load()  # built once, before any clock starts
        for run in range(runs):
            data = Path(scratch) / f"node-{run}"
            url = args.postgres or f"sqlite:///{data / 'portintel.sqlite'}"
            if args.postgres is None:
                data.mkdir()
            settings = Settings(data_dir=data, database_url=url, secure_cookies=False)
            latencies = delivered(settings)
            loads.append(round(os.getloadavg()[0], 2))
            measured.append(latencies)
            print(f"run {run + 1}/{runs}: {latencies} (load {loads[-1]})", flush=True)
    figures: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "backend": "postgresql" if args.postgres else "sqlite",
        "runs": runs,
        "goal_s": GOAL_SECONDS,
    }
    for channel in CHANNELS:
        values = [m[channel] for m in measured]
        figures[f"{channel}_median_s"] = round(statistics.median(values), 2)
        figures[f"{channel}_max_s"] = round(max(values), 2)
    figures["all_within_goal"] = all(m[c] <= GOAL_SECONDS for m in measured for c in CHANNELS)
    figures["load_average"] = loads
    text = "\n".join(
        [
            "# Alerts from live AIS (issue #14)",
            "",
            "`python3 benchmarks/alerts.py`; seconds from the UDP datagram to the alert on each "
            "channel (goal: 5 s).",
            "",
            "| figure | value |",
            "| --- | --- |",
            *(f"| {key} | {value} |" for key, value in figures.items()),
            "",
        ]
    )
    print(text)
    if not args.quick:
        args.out.mkdir(parents=True, exist_ok=True)
        stem = "alerts" if args.postgres is None else "alerts_postgres"
        (args.out / f"{stem}.json").write_text(json.dumps(figures, indent=2) + "\n")
        (args.out / f"{stem}.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

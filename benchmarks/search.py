"""Search at scale: names across spellings, identifiers however written, common terms.

Uses the access benchmark's cached store (``_access_store``: 100,000 reports,
1,000,000 statements by default; ``--quick`` 10,000 and 100,000), whose build
fills the search keys as ``write_statements`` does, and times
:func:`portintel.services.collation.search.search` (one page of 50, the
total and the counts by type, through the reader's scope) for the access
benchmark's two readers, on SQLite and PostgreSQL. Queries are drawn from
the store: person names rewritten the way another report would write them
(accents folded, upper case, words swapped), identifiers without their
spacing or prefix, and short common words. Goal (issue #12): p95 under 200 ms
at 1,000,000 statements, both backends. The 1-minute load average and the
process CPU time are printed beside the wall times (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _access_store import ensure_store
from access_scale import DATA, backend_store, readers, workspace
from sqlalchemy import text

from portintel.domain.names import ascii_words
from portintel.services.admin import get_actor
from portintel.services.collation.search import search

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_MS = 200.0


def _queries(url: str, seed: int, size: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    with workspace(url) as ws, ws.engine.connect() as connection:
        names = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT value FROM statements WHERE prop_type = 'name' AND schema = 'Person' "
                    "ORDER BY id LIMIT 5000"
                )
            )
        ]
        numbers = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT value FROM statements WHERE prop_type IN ('identifier', 'phone') "
                    "ORDER BY id LIMIT 5000"
                )
            )
        ]
    people = rng.sample(names, min(size, len(names)))
    spelled = [" ".join(reversed(ascii_words(name).upper().split())) for name in people]
    digits = [
        re.sub(r"[^0-9A-Za-z]", "", value) for value in rng.sample(numbers, min(size, len(numbers)))
    ]
    return {
        "name, respelled": spelled,
        "identifier, unspaced": [d for d in digits if d],
        "common word": ["sea", "ali", "boat", "nguyen", "star"][:size],
    }


def _timed(ws: Any, actor: Any, queries: list[str], runs: int) -> dict[str, float]:
    walls: list[float] = []
    cpu_start = time.process_time()
    for _ in range(runs):
        for query in queries:
            started = time.perf_counter()
            search(ws, actor, query, limit=50)
            walls.append((time.perf_counter() - started) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / max(len(walls), 1)
    walls.sort()
    return {
        "n": len(walls),
        "p50_ms": round(statistics.median(walls), 1),
        "p95_ms": round(walls[max(int(len(walls) * 0.95) - 1, 0)], 1),
        "cpu_ms_per_search": round(cpu, 1),
        "load_1m": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="10,000 reports, 100,000 statements")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PORTINTEL_BENCH_POSTGRES_URL")
        or os.environ.get("PORTINTEL_TEST_POSTGRES_URL", ""),
    )
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args(argv)
    reports, statements = (10_000, 100_000) if args.quick else (args.reports, args.statements)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    store = ensure_store(DATA, reports, statements, seed=args.seed, progress=progress)
    progress(f"store: {store.statements:,} statements in {time.perf_counter() - started:.1f} s")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    rows: list[dict[str, Any]] = []
    for backend in backends:
        if backend == "postgresql" and not args.postgres_url:
            progress("postgresql: no --postgres-url, skipped")
            continue
        with backend_store(backend, store, args.postgres_url, progress) as url:
            queries = _queries(url, args.seed, args.queries)
            with workspace(url) as ws:
                for reader in readers(store):
                    actor = get_actor(ws, reader.user_id)
                    for kind, chosen in queries.items():
                        timing = _timed(ws, actor, chosen, args.runs)
                        row = {
                            "backend": backend,
                            "reader": reader.label,
                            "queries": kind,
                            **timing,
                        }
                        row["goal"] = "yes" if timing["p95_ms"] < GOAL_MS else "no"
                        rows.append(row)
                        print(json.dumps(row), flush=True)
    if args.save:
        RESULTS.mkdir(exist_ok=True)
        name = "search_quick" if args.quick else "search"
        payload = {"statements": store.statements, "reports": store.reports, "rows": rows}
        (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

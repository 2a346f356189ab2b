"""Search at scale: entities by names and identifiers, reports by their full text.

Uses the access benchmark's cached store (``_access_store``: 100,000 reports,
1,000,000 statements by default; ``--quick`` 10,000 and 100,000), whose
build fills the search keys as ``write_statements`` does and the report
words as filing does (a store cached at an earlier schema is upgraded by the
migrations, as a node is). For the access benchmark's two readers (a
supervisor, who reads nearly everything, and an officer of the smallest
agency), on SQLite and PostgreSQL, it times:

* :func:`~portintel.services.collation.search.search` (entities: one page of
  50, the total and the counts by type, counted to 1,000) for common words, rare words, person
  names respelled (accents folded, upper case, words swapped), native-script
  names (Khmer, Thai, Burmese) asked in their romanisation, phones in local
  format, IMO numbers with and without the prefix, passport numbers;
* :func:`~portintel.services.collation.search.search_reports` (reports' full
  text: one page of 50, the total and six facets, counted to 1,000) for common
  and rare words;
* the search page, which runs both for one query.

Queries are drawn from the store. Goal (issue #12): p95 under 200 ms at
1,000,000 statements, both backends. The machine is shared: the 1-minute
load average and the process CPU time per search are printed beside the wall
times, which wait for a core as much as they work.

    python3 benchmarks/search.py --save           # both backends, results/search.{md,json}
    python3 benchmarks/search.py --quick          # 100,000 statements
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import phonenumbers
from _access_store import ensure_store
from access_scale import DATA, backend_store, readers, workspace
from sqlalchemy import text

from portintel.adapters.name_data import name_variants
from portintel.domain.names import ascii_words
from portintel.domain.names.romanise import romanisations
from portintel.domain.names.scripts import Script, main_script
from portintel.services.admin import get_actor
from portintel.services.collation.search import (
    MAX_COUNTED,
    MAX_ENTITIES,
    search,
    search_reports,
)

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_MS = 200.0
NOTES = "<!-- notes: written by hand, kept when the figures are rewritten -->"
NATIVE = (Script.KHMER, Script.THAI, Script.MYANMAR)


def _column(connection: Any, sql: str) -> list[str]:
    return [row[0] for row in connection.execute(text(sql))]


def _local_phone(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _rare_words(texts: list[str], rng: random.Random, size: int) -> list[str]:
    counts = Counter(word for value in texts for word in set(ascii_words(value).split()))
    rare = sorted(word for word, n in counts.items() if n == 1 and len(word) >= 6)
    return rng.sample(rare, min(size, len(rare)))


def queries(url: str, seed: int, size: int) -> dict[str, tuple[str, list[str]]]:
    """kind -> (what is searched: entities or reports, the queries)."""
    rng = random.Random(seed)
    with workspace(url) as ws, ws.engine.connect() as connection:
        names = _column(
            connection,
            "SELECT value FROM statements WHERE prop_type = 'name' AND schema = 'Person' "
            "ORDER BY id LIMIT 20000",
        )

        def identifiers(prop: str) -> list[str]:
            return _column(
                connection,
                f"SELECT DISTINCT value FROM statements WHERE prop = '{prop}' "
                "ORDER BY value LIMIT 5000",
            )

        phones, imos = identifiers("phone"), identifiers("imoNumber")
        passports = identifiers("passportNumber")
        titles = _column(connection, "SELECT title FROM reports ORDER BY id LIMIT 20000")
    latin = [name for name in names if name.isascii()]
    native = [name for name in names if main_script(name) in NATIVE]
    variants = name_variants()
    respelled = [
        " ".join(reversed(ascii_words(name).upper().split()))
        for name in rng.sample(latin, min(size, len(latin)))
    ]
    romanised = [
        romanisations(name, variants)[0].title()
        for name in rng.sample(native, min(size, len(native)))
    ]
    local = [p for p in map(_local_phone, rng.sample(phones, min(size, len(phones)))) if p]
    imo = rng.sample(imos, min(size, len(imos)))
    digits = [re.sub(r"[^0-9]", "", value) for value in imo]
    return {
        "common word": ("entities", ["sea", "ali", "boat", "nguyen", "star"][:size]),
        "rare word": ("entities", _rare_words(names, rng, size)),
        "name, respelled": ("entities", respelled),
        "native name, romanised": ("entities", romanised),
        "phone, local format": ("entities", local),
        "IMO, spaced prefix": ("entities", [f"IMO {d}" for d in digits]),
        "IMO, digits only": ("entities", digits),
        "passport": ("entities", rng.sample(passports, min(size, len(passports)))),
        "report, common word": ("reports", ["boat", "the", "migrants", "police", "sea"][:size]),
        "report, rare word": ("reports", _rare_words(titles, rng, size)),
        "report, name accents folded": (
            "reports",
            [" ".join(ascii_words(name).split()[:2]) for name in respelled],
        ),
    }


APPLICATION = f"portintel-bench-search-{os.getpid()}"
"""The PostgreSQL application_name of this run's connections: their server processes'
CPU time is read from /proc (the server runs on this machine)."""


def _server_cpu(ws: Any) -> float | None:
    """Seconds of CPU the PostgreSQL server processes of this run's connections used so
    far; None on SQLite (which runs in this process) or when /proc cannot tell."""
    if ws.engine.dialect.name != "postgresql":
        return None
    with ws.engine.connect() as connection:
        pids = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
            {"name": APPLICATION},
        ).scalars()
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _timed(
    ws: Any, run: Callable[[str], Any], queries: list[str], runs: int
) -> tuple[dict[str, Any], list[Any]]:
    walls: list[float] = []
    found: list[Any] = []
    run(queries[0])  # the connection is open and warm
    server_start = _server_cpu(ws)
    cpu_start = time.process_time()
    for _ in range(runs):
        for query in queries:
            started = time.perf_counter()
            found.append(run(query))
            walls.append((time.perf_counter() - started) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / max(len(walls), 1)
    server_end = _server_cpu(ws)
    server = (
        None
        if server_start is None or server_end is None
        else round((server_end - server_start) * 1000 / max(len(walls), 1), 1)
    )
    walls.sort()
    return {
        "n": len(walls),
        "p50_ms": round(statistics.median(walls), 1),
        "p95_ms": round(walls[max(int(len(walls) * 0.95 + 0.5) - 1, 0)], 1),
        "cpu_ms_per_search": round(cpu, 1),
        "server_cpu_ms_per_search": server,
        "load_1m": round(os.getloadavg()[0], 2),
    }, found


def _found(results: list[Any]) -> str:
    """What the searches found: how many found something, and the median total."""
    totals = [getattr(page, "total", 0) for page in results]
    some = sum(1 for total in totals if total)
    capped = sum(1 for page in results if getattr(page, "total_exact", True) is False)
    median = statistics.median(totals) if totals else 0
    return f"{some}/{len(totals)} found, median total {median:g}" + (
        f", {capped} more than the total" if capped else ""
    )


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def markdown(payload: dict[str, Any]) -> str:
    lines = [
        "# Search at scale (`benchmarks/search.py`)",
        "",
        f"Store: {payload['reports']:,} reports and {payload['statements']:,} statements "
        f"(the access benchmark's, seed {payload['seed']}); commit {payload['commit']}; "
        f"{payload['runs']} runs of each query; load average (1 minute) at the start "
        f"{payload['load_start']}, at the end {payload['load_end']}, on "
        f"{payload['cpus']} cores shared with other engineers' work. Entity searches: one "
        f"page of 50 with the total (exact up to {MAX_ENTITIES:,}, else 'more than "
        f"{MAX_ENTITIES:,}') and the counts by type; report searches: one page of 50 with the "
        f"total (exact up to {MAX_COUNTED:,}, else 'more than {MAX_COUNTED:,}') and six "
        "facets; the search page runs both. Milliseconds; CPU is this process's CPU time "
        "per search (the database's too on SQLite, which runs in the process); server CPU is the "
        "PostgreSQL server processes' CPU time per search, read from /proc. "
        f"Goal: p95 under {GOAL_MS:.0f} ms.",
        "",
        "| backend | reader | search | queries | n | p50 | p95 | CPU/search "
        "| server CPU/search | load 1m | found | p95 < 200 ms |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in payload["rows"]:
        lines.append(
            f"| {row['backend']} | {row['reader']} | {row['search']} | {row['queries']} "
            f"| {row['n']} | {row['p50_ms']} | {row['p95_ms']} | {row['cpu_ms_per_search']} "
            f"| {row['server_cpu_ms_per_search'] or '-'} | {row['load_1m']} | {row['found']} "
            f"| {row['goal']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="10,000 reports, 100,000 statements")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default="", help="only the query kinds containing this")
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

    load_start = round(os.getloadavg()[0], 2)
    commit = _commit()  # the code measured, not what HEAD is when the run ends
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
            if backend == "postgresql":
                url = f"{url}&application_name={APPLICATION}"
            chosen = queries(url, args.seed, args.queries)
            with workspace(url) as ws:
                for reader in readers(store):
                    actor = get_actor(ws, reader.user_id)
                    runners: dict[str, Callable[[str], Any]] = {
                        "entities": lambda q, a=actor: search(ws, a, q, limit=50),
                        "reports": lambda q, a=actor: search_reports(ws, a, q, limit=50),
                        "search page": lambda q, a=actor: (
                            search(ws, a, q, limit=50),
                            search_reports(ws, a, q, limit=50),
                        )[1],
                    }
                    for kind, (what, listed) in chosen.items():
                        if args.only not in kind:
                            continue
                        for name in (what, "search page"):
                            timing, found = _timed(ws, runners[name], listed, args.runs)
                            row = {
                                "backend": backend,
                                "reader": reader.label,
                                "search": name,
                                "queries": kind,
                                **timing,
                                "found": _found(found),
                                "goal": "yes" if timing["p95_ms"] < GOAL_MS else "no",
                            }
                            rows.append(row)
                            print(json.dumps(row), flush=True)
    payload = {
        "statements": store.statements,
        "reports": store.reports,
        "seed": args.seed,
        "runs": args.runs,
        "commit": commit,
        "cpus": os.cpu_count(),
        "load_start": load_start,
        "load_end": round(os.getloadavg()[0], 2),
        "rows": rows,
    }
    if args.save:
        RESULTS.mkdir(exist_ok=True)
        name = "search_quick" if args.quick else "search"
        (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
        target = RESULTS / f"{name}.md"
        kept = target.read_text().partition(NOTES)[2] if target.exists() else ""
        target.write_text(markdown(payload) + (f"\n{NOTES}{kept}" if kept else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

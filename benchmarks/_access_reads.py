"""What the access benchmark reads, and how a read is timed.

Each read is a pair: the service's read (scoped in the database once #8 is
merged) and the previous fetch-then-filter read (``_access_baseline``), each
returning a fingerprint of its result so the two can be compared run by
run. Pages, entities and terms vary with the run number.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import _access_baseline as baseline
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor
from portintel.errors import NotFound
from portintel.services.collation.entities import list_entities, search_entities
from portintel.services.collation.entity_list import browse_entities
from portintel.services.collation.profile import VALUES_SHOWN, _best, entity_profile
from portintel.services.intake.reports import ReportFilters, count_reports, list_reports
from portintel.services.workspace import Workspace

PAGE = 50
PAGES = 10


# --- what is read ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Workload:
    """The entities and terms the reads vary over, chosen once per store and reader."""

    visible: tuple[str, ...]
    invisible: tuple[str, ...]
    common_terms: tuple[str, ...]
    rare_terms: tuple[str, ...]
    largest: tuple[str, ...] = ()
    """The entity with the most statements that the reader may read (its page is where
    fetch-then-filter has the most to fetch)."""


Fingerprint = Any


@dataclass(frozen=True, slots=True)
class Read:
    """One approach to one read: ``fetch`` is timed, ``key`` (the fingerprint compared
    between the approaches) is computed after the clock stops."""

    fetch: Callable[[Workspace, Actor, int], Any]
    key: Callable[[Any], Fingerprint]

    def __call__(self, ws: Workspace, actor: Actor, run: int) -> Fingerprint:
        return self.key(self.fetch(ws, actor, run))


ReadFunction = Read


def _summaries(found: list[Any]) -> Fingerprint:
    return tuple((s.id, s.schema, s.caption, s.statement_count, s.report_count) for s in found)


NOT_FOUND = "not found"


def _found(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except NotFound:
        return NOT_FOUND


def _page_key(page: Any) -> Fingerprint:
    """What an entity page shows of its values (``entity_profile``), as comparable data:
    per property its counts and its best supported values, each with its statements,
    reports, first and last seen, best and latest grading."""
    if page == NOT_FOUND:
        return NOT_FOUND
    properties = tuple(
        (
            p.prop,
            p.statement_count,
            p.value_count,
            tuple(
                (
                    v.value,
                    v.statements,
                    v.reports,
                    v.first_seen,
                    v.last_seen,
                    v.best_grading,
                    v.latest_grading,
                )
                for v in p.values
            ),
        )
        for p in sorted(page.properties, key=lambda p: p.prop)
    )
    return (
        page.id,
        page.schema,
        page.caption,
        page.statement_count,
        page.report_count,
        properties,
        tuple(sorted(r.id for r in page.reports)),
    )


def _page_of_full_read(entity: Any) -> Fingerprint:
    """The same profile worked out from the previous read (every readable statement,
    fetched and filtered): per property and value its support. Computed after the clock
    stops."""
    if entity == NOT_FOUND:
        return NOT_FOUND
    by_prop: dict[str, list[Any]] = {}
    for statement in entity.statements:
        by_prop.setdefault(statement.prop, []).append(statement)
    properties = []
    for prop in sorted(by_prop):
        by_value: dict[str, list[Any]] = {}
        for statement in by_prop[prop]:
            by_value.setdefault(statement.value, []).append(statement)
        ranked = sorted(by_value.items(), key=lambda item: (-len(item[1]), item[0]))
        values = []
        for value, stated in ranked[:VALUES_SHOWN]:
            newest = max(stated, key=lambda s: (s.last_seen, s.id))
            values.append(
                (
                    value,
                    len(stated),
                    len({s.report_id for s in stated if s.report_id}),
                    min(s.first_seen for s in stated),
                    max(s.last_seen for s in stated),
                    _best(s.grading for s in stated if s.grading),
                    newest.grading,
                )
            )
        properties.append((prop, len(by_prop[prop]), len(by_value), tuple(values)))
    # the page names the newest reports; compared as a set, the full read's are all of them
    return (
        entity.id,
        entity.schema,
        entity.caption,
        len(entity.statements),
        len(entity.report_ids),
        tuple(properties),
        None,
    )


def _profile_key(page: Any) -> Fingerprint:
    """The profile's fingerprint less the reports it names (the full read's are all)."""
    key = _page_key(page)
    return key if key == NOT_FOUND else (*key[:-1], None)


@dataclass(frozen=True)
class Total:
    """A list's total, counted to the end (``exact``) or only up to ``value`` (a wide
    reader's list says "more than 1,000"): the two agree when the exact one is above
    the cap, or both are equal."""

    value: int
    exact: bool = True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Total):
            return NotImplemented
        if self.exact and other.exact:
            return self.value == other.value
        if self.exact:
            return self.value > other.value
        if other.exact:
            return other.value > self.value
        return self.value == other.value

    def __hash__(self) -> int:  # pragma: no cover - fingerprints are compared, not hashed
        return 0


def _browse_key(page: Any) -> Fingerprint:
    return Total(page.total, page.total_exact), [item.id for item in page.entities]


def _browse_old_key(found: tuple[int, list[str]]) -> Fingerprint:
    return Total(found[0]), found[1]


def _has_pool(work: Workload, read: str) -> bool:
    pools = {
        "entity page (visible)": work.visible,
        "entity page (not visible)": work.invisible,
        "entity page (largest)": work.largest,
        "search (common term)": work.common_terms,
        "search (rare term)": work.rare_terms,
    }
    return bool(pools.get(read, True))


def _pick(pool: tuple[str, ...], run: int) -> str:
    return pool[run % len(pool)]


def _report_key(found: Any) -> Fingerprint:
    page, total = found
    return tuple(r.id for r in page), total


def reads(work: Workload) -> dict[str, tuple[Read, Read]]:
    """Read name -> (scoped service read, fetch-then-filter read).

    The entity page is what the web page reads (``entity_profile``: each value's
    support counted in SQL, with relationships, reports and timeline); the previous
    page read every readable statement (``get_entity`` then), and the same values and
    support are worked out from it (relationships are not compared: the full read has
    none). The entity list page with its total is what the list page reads
    (``browse_entities``), sorted by reports so both approaches order alike.
    """

    def report_page(ws: Workspace, actor: Actor, run: int) -> Any:
        filters = ReportFilters(limit=PAGE, offset=(run % PAGES) * PAGE)
        return list_reports(ws, actor, filters), count_reports(ws, actor)

    def report_page_old(ws: Workspace, actor: Actor, run: int) -> Any:
        page = baseline.list_reports(ws, actor, offset=(run % PAGES) * PAGE, limit=PAGE)
        return page, baseline.count_reports(ws, actor)

    def entity_list(ws: Workspace, actor: Actor, run: int) -> Any:
        return list_entities(ws, actor, limit=PAGE, offset=(run % PAGES) * PAGE)

    def entity_list_old(ws: Workspace, actor: Actor, run: int) -> Any:
        return baseline.list_entities(ws, actor, limit=PAGE, offset=(run % PAGES) * PAGE)

    def browse(ws: Workspace, actor: Actor, run: int) -> Any:
        return browse_entities(ws, actor, sort="reports", limit=PAGE, offset=(run % PAGES) * PAGE)

    def browse_old(ws: Workspace, actor: Actor, run: int) -> Any:
        return baseline.browse_by_reports(ws, actor, limit=PAGE, offset=(run % PAGES) * PAGE)

    def entity(pool: tuple[str, ...], old: bool) -> Read:
        def fetch(ws: Workspace, actor: Actor, run: int) -> Any:
            wanted = _pick(pool, run)
            if old:
                return _found(lambda: baseline.get_entity(ws, actor, wanted))
            return _found(lambda: entity_profile(ws, actor, wanted))

        return Read(fetch, _page_of_full_read if old else _profile_key)

    def search(terms: tuple[str, ...], old: bool) -> Read:
        def fetch(ws: Workspace, actor: Actor, run: int) -> Any:
            term = _pick(terms, run)
            if old:
                return baseline.search_entities(ws, actor, term, limit=PAGE)
            return search_entities(ws, actor, term, limit=PAGE)

        return Read(fetch, _summaries)

    return {
        "report list page + total": (
            Read(report_page, _report_key),
            Read(report_page_old, _report_key),
        ),
        "entity list page": (Read(entity_list, _summaries), Read(entity_list_old, _summaries)),
        "entity list page + total (by reports)": (
            Read(browse, _browse_key),
            Read(browse_old, _browse_old_key),
        ),
        "entity page (visible)": (entity(work.visible, False), entity(work.visible, True)),
        "entity page (not visible)": (entity(work.invisible, False), entity(work.invisible, True)),
        "entity page (largest)": (entity(work.largest, False), entity(work.largest, True)),
        "search (common term)": (search(work.common_terms, False), search(work.common_terms, True)),
        "search (rare term)": (search(work.rare_terms, False), search(work.rare_terms, True)),
    }


def _readable(ws: Workspace, actor: Actor, entity_id: str) -> bool:
    try:
        baseline.get_entity(ws, actor, entity_id)
    except NotFound:
        return False
    return True


READ_NAMES = (
    "report list page + total",
    "entity list page",
    "entity list page + total (by reports)",
    "entity page (visible)",
    "entity page (not visible)",
    "entity page (largest)",
    "search (common term)",
    "search (rare term)",
)
"""The reads :func:`reads` measures, by name (``access_scale.py --only``)."""


def choose_workload(ws: Workspace, actor: Actor, size: int, seed: int) -> Workload:
    """Entities the reader may and may not see (checked with the baseline), and search terms.

    Entities are taken one per report from reports drawn at random; common
    terms are the most frequent words of person names, rare terms passport
    numbers (each on very few statements). The largest entity is the one with
    the most statements among those the reader may read.
    """
    rng = random.Random(seed)
    statements = tables.statements.c
    with ws.engine.connect() as connection:
        report_ids = list(connection.execute(select(tables.reports.c.id)).scalars())
        names = connection.execute(
            select(statements.value)
            .where(statements.prop == "name", statements.schema == "Person")
            .limit(20_000)
        ).scalars()
        words = Counter(word for name in names for word in name.split() if len(word) >= 4)
        passports = list(
            connection.execute(
                select(statements.value)
                .where(statements.schema == "Passport", statements.prop == "number")
                .order_by(statements.id)
                .limit(size * 20)
            ).scalars()
        )
    visible: list[str] = []
    invisible: list[str] = []
    rng.shuffle(report_ids)
    with ws.engine.connect() as connection:
        for report_id in report_ids[: size * 200]:
            if len(visible) >= size and len(invisible) >= size:
                break
            ids = sorted(
                set(
                    connection.execute(
                        select(statements.canonical_id).where(statements.origin == report_id)
                    ).scalars()
                )
            )
            if not ids:
                continue
            candidate = rng.choice(ids)
            if candidate in visible or candidate in invisible:
                continue
            pool = visible if _readable(ws, actor, candidate) else invisible
            if len(pool) < size:
                pool.append(candidate)
    rare = tuple(rng.sample(passports, min(size, len(passports))))
    return Workload(
        visible=tuple(visible),
        invisible=tuple(invisible),
        common_terms=tuple(word for word, _ in words.most_common(size)),
        rare_terms=rare,
        largest=_largest_readable(ws, actor),
    )


def _largest_readable(ws: Workspace, actor: Actor, tried: int = 20) -> tuple[str, ...]:
    """The entity with the most statements among the first ``tried`` by size that the
    reader may read (one, or none)."""
    statements = tables.statements.c
    with ws.engine.connect() as connection:
        biggest = connection.execute(
            select(statements.canonical_id)
            .group_by(statements.canonical_id)
            .order_by(func.count().desc(), statements.canonical_id)
            .limit(tried)
        ).scalars()
        candidates = list(biggest)
    return next(((entity,) for entity in candidates if _readable(ws, actor, entity)), ())


# --- timing ---------------------------------------------------------------------------------


@dataclass
class Timings:
    scoped_ms: list[float] = field(default_factory=list)
    scoped_cpu_ms: list[float] = field(default_factory=list)
    """CPU time of this process during each scoped read (not the PostgreSQL server's)."""
    baseline_ms: list[float] = field(default_factory=list)
    mismatches: list[int] = field(default_factory=list)


def _timed(read: Read, ws: Workspace, actor: Actor, run: int) -> tuple[float, Any]:
    """The time of ``read``'s fetch alone, and its fingerprint."""
    elapsed, _cpu, key = _timed_with_cpu(read, ws, actor, run)
    return elapsed, key


def _timed_with_cpu(read: Read, ws: Workspace, actor: Actor, run: int) -> tuple[float, float, Any]:
    """Wall and process CPU time of ``read``'s fetch alone, and its fingerprint."""
    cpu_started = time.process_time()
    started = time.perf_counter()
    found = read.fetch(ws, actor, run)
    elapsed = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() - cpu_started) * 1000
    return elapsed, cpu, read.key(found)


def scoped_first(run: int) -> bool:
    """Which approach goes first in ``run``: alternating, and flipped every cycle of
    ``PAGES`` runs, so the same page, entity or term (which comes back every cycle)
    does not always find the cache warmed by the same approach."""
    return (run + run // PAGES) % 2 == 0


def measure(
    ws: Workspace,
    actor: Actor,
    work: Workload,
    runs: int,
    progress: Callable[[str], None] | None = None,
    *,
    baseline_runs: int | None = None,
    only: Collection[str] | None = None,
) -> dict[str, Timings]:
    """Every read (of ``only``, if given) ``runs`` times, after one untimed warm-up of each
    approach.

    The first ``baseline_runs`` runs (all of them by default) time both
    approaches back to back, alternating which goes first, and compare
    their results; the rest time the scoped read alone (fetch-then-filter
    takes seconds a read at full size).
    """
    both = runs if baseline_runs is None else min(baseline_runs, runs)
    measured: dict[str, Timings] = {}
    for name, (scoped, old) in reads(work).items():
        if only is not None and name not in only:
            continue
        if not _has_pool(work, name):
            if progress:
                progress(f"  {name}: skipped, the store has no such entity or term for the reader")
            continue
        timings = measured[name] = Timings()
        scoped(ws, actor, 0)
        old(ws, actor, 0)
        for run in range(runs):
            if run >= both:
                new_ms, new_cpu, _ = _timed_with_cpu(scoped, ws, actor, run)
                timings.scoped_ms.append(new_ms)
                timings.scoped_cpu_ms.append(new_cpu)
                continue
            if scoped_first(run):
                new_ms, new_cpu, new_found = _timed_with_cpu(scoped, ws, actor, run)
                old_ms, old_found = _timed(old, ws, actor, run)
            else:
                old_ms, old_found = _timed(old, ws, actor, run)
                new_ms, new_cpu, new_found = _timed_with_cpu(scoped, ws, actor, run)
            timings.scoped_ms.append(new_ms)
            timings.scoped_cpu_ms.append(new_cpu)
            timings.baseline_ms.append(old_ms)
            if new_found != old_found:
                timings.mismatches.append(run)
        if progress:
            progress(f"  {name}: {line_of(timings)}")
    return measured


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(timings: Timings) -> dict[str, float]:
    """p50 and p95 of each approach, and their ratios over the paired runs.

    The scoped read's figures cover every run; the ratios compare the runs
    both approaches timed (the same pages, entities and terms), so a
    shorter ``baseline_runs`` does not compare different workloads.
    """
    scoped, old = timings.scoped_ms, timings.baseline_ms
    paired = scoped[: len(old)]
    paired_p50, paired_p95 = statistics.median(paired), percentile(paired, 0.95)
    old_p50, old_p95 = statistics.median(old), percentile(old, 0.95)
    cpu = timings.scoped_cpu_ms
    return {
        "scoped_cpu_p50_ms": statistics.median(cpu) if cpu else math.nan,
        "scoped_p50_ms": statistics.median(scoped),
        "scoped_p95_ms": percentile(scoped, 0.95),
        "baseline_p50_ms": old_p50,
        "baseline_p95_ms": old_p95,
        "ratio_p50": old_p50 / paired_p50 if paired_p50 else math.inf,
        "ratio_p95": old_p95 / paired_p95 if paired_p95 else math.inf,
    }


def ratio_text(ratio: float) -> str:
    """``12.3x``; below 1, two decimals (``0.04x``) so a slowdown does not read as 0."""
    return f"{ratio:.1f}x" if ratio >= 1 else f"{ratio:.2f}x"


def line_of(timings: Timings) -> str:
    f = figures(timings)
    mismatch = f", {len(timings.mismatches)} MISMATCHED runs" if timings.mismatches else ""
    return (
        f"scoped p50 {f['scoped_p50_ms']:.1f} ms p95 {f['scoped_p95_ms']:.1f} ms | "
        f"fetch-then-filter p50 {f['baseline_p50_ms']:.1f} ms p95 {f['baseline_p95_ms']:.1f} ms "
        f"| {ratio_text(f['ratio_p50'])}{mismatch}"
    )

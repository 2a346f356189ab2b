"""Link charts at scale: 2-hop neighbourhoods and shortest paths on 1,000,000 statements,
and the chart page's frame time with 5,000 nodes in Chromium (issue #16).

Run: ``python3 benchmarks/graph.py`` (``--backends sqlite`` for one backend,
``--no-browser`` to skip Chromium, ``--runs N``).

Server side, as the analyst runs it: the API request through the app
(``GET /api/v1/entities/{id}/chart?hops=2`` and ``GET /api/v1/paths``) with
a supervisor's bearer token, in process over ASGI, on the cached store of
the access benchmark (100,000 reports, 1,000,000 statements;
``benchmarks/_access_store.py``), copied to each backend. Roots are people
with a phone number (the links a chart follows), drawn with a fixed seed; a
path goes from the root to an entity two steps away in its chart. Goal: p95
under 300 ms.

Browser side: the chart page in headless Chromium with 5,000 nodes and
7,500 links added to its Cytoscape instance, then panned and zoomed every
frame for a few seconds; the intervals between ``requestAnimationFrame``
callbacks are the frame times (median and p95).

Results: ``benchmarks/results/graph.json`` and ``graph.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _access_store import BuiltStore, ensure_store
from access_scale import DEFAULT_POSTGRES, backend_store, machine, postgres_version
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.services.admin import get_actor
from portintel.settings import Settings

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
GOAL_P95_MS = 300.0
BROWSER_NODES = 5_000
BROWSER_SECONDS_NOTE = "5 s (`--browser-seconds`)"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _figures(timings: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
    }


def _roots(url: str, count: int, seed: int) -> list[str]:
    """People with a phone number, the kind of entity an analyst charts (fixed seed)."""
    from portintel.adapters.database import create_database_engine

    engine = create_database_engine(url)
    s = tables.statements.c
    with engine.connect() as connection:
        found = sorted(
            connection.execute(
                select(s.canonical_id)
                .where(s.prop_type == "phone", s.schema == "Person")
                .distinct()
                .limit(20_000)
            ).scalars()
        )
    engine.dispose()
    return random.Random(seed).sample(found, min(count, len(found)))


def measure_backend(
    backend: str,
    store: BuiltStore,
    runs: int,
    seed: int,
    postgres_url: str,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from portintel.services.admin import create_token
    from portintel.web import create_app

    started = time.perf_counter()
    with backend_store(backend, store, postgres_url, progress) as url:
        progress(f"{backend}: store ready in {time.perf_counter() - started:.1f} s")
        roots = _roots(url, 5 * runs, seed)
        with tempfile.TemporaryDirectory(prefix="portintel-graph-bench-") as directory:
            settings = Settings(data_dir=Path(directory), database_url=url, secure_cookies=False)
            app = create_app(settings)
            with TestClient(app) as client:
                ws = app.state.workspace
                actor = get_actor(ws, store.supervisor_id)
                token = create_token(ws, actor, actor.username, "graph benchmark")
                headers = {"Authorization": f"Bearer {token}"}

                def timed(path: str) -> tuple[float, Any]:
                    begun = time.perf_counter()
                    answer = client.get(path, headers=headers)
                    elapsed = (time.perf_counter() - begun) * 1000
                    if answer.status_code == 404:  # drafts and others' restricted reports
                        return elapsed, None
                    if answer.status_code != 200:
                        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
                    return elapsed, answer.json()

                for root in roots[-5:]:  # warm the caches
                    timed(f"/api/v1/entities/{root}/chart?hops=2")
                charts: list[float] = []
                sizes: list[tuple[int, int]] = []
                targets: list[tuple[str, str]] = []
                for root in roots[:-5]:
                    if len(charts) == runs:
                        break
                    elapsed, chart = timed(f"/api/v1/entities/{root}/chart?hops=2")
                    if chart is None:
                        continue  # not readable by this reader: not a chart they would draw
                    charts.append(elapsed)
                    sizes.append((len(chart["nodes"]), len(chart["edges"])))
                    far = [
                        n["id"] for n in chart["nodes"] if n["hop"] == 2 and n["kind"] == "entity"
                    ]
                    if far:
                        targets.append((root, sorted(far)[0]))
                paths: list[float] = []
                found = 0
                for source, target in targets:
                    elapsed, answer = timed(
                        f"/api/v1/paths?source={source}&target={target}&max_length=2"
                    )
                    paths.append(elapsed)
                    found += answer["shortest"] is not None
                progress(
                    f"{backend}: chart p95 {percentile(charts, 0.95):.1f} ms, "
                    f"path p95 {percentile(paths, 0.95) if paths else float('nan'):.1f} ms"
                )
    nodes = [n for n, _ in sizes]
    edges = [e for _, e in sizes]
    return {
        "backend": backend,
        "chart_2_hops": {
            "runs": len(charts),
            **_figures(charts),
            "nodes_median": statistics.median(nodes),
            "nodes_max": max(nodes),
            "edges_median": statistics.median(edges),
            "edges_max": max(edges),
            "ms": [round(v, 2) for v in charts],
        },
        "shortest_path": {
            "runs": len(paths),
            "found": found,
            **(_figures(paths) if paths else {}),
            "ms": [round(v, 2) for v in paths],
        },
    }


FRAMES = """async ([ms, count, renderer]) => {
  window.portintelChartRenderer = renderer;
  const nodes = [];
  const edges = [];
  for (let i = 0; i < count; i += 1) {
    nodes.push({ id: `n${i}`, label: `Entity ${i}`, kind: "entity",
      type: i % 3 ? "Person" : "Vessel",
      hop: Math.min(4, Math.floor(Math.log2(i + 1))), community: i % 12 });
  }
  for (let i = 0; i < count * 1.5; i += 1) {
    const a = i % count; const b = (a * 7 + 13 + Math.floor(i / count) * 101) % count;
    if (a !== b) edges.push({ id: `e${i}`, source: `n${a}`, target: `n${b}`, kind: "phone",
      label: "Phone", statements: [], reports: [], events: [], grading: null });
  }
  const began = performance.now();
  window.portintelDraw({ root: "n0", nodes, edges, brokers: [], truncated: false });
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const drawn = performance.now() - began;
  const cy = window.portintelChart;
  const frames = [];
  let last = performance.now();
  const started = last;
  let step = 0;
  await new Promise((done) => {
    function frame(now) {
      frames.push(now - last); last = now; step += 1;
      if (step % 60 < 30) { cy.panBy({ x: 8, y: 5 }); } else {
        cy.zoom({ level: cy.zoom() * (step % 120 < 90 ? 1.02 : 0.98),
          renderedPosition: { x: 400, y: 300 } });
      }
      if (now - started < ms) { requestAnimationFrame(frame); } else { done(); }
    }
    requestAnimationFrame(frame);
  });
  return { frames: frames.slice(1), nodes: cy.nodes().length, edges: cy.edges().length, drawn,
    renderer: document.getElementById("chart").dataset.renderer || "canvas" };
}"""


RECORD = """() => {
  window.benchFrames = [];
  window.benchRecording = true;
  let last = performance.now();
  function frame(now) {
    window.benchFrames.push(now - last); last = now;
    if (window.benchRecording) requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
}"""


VIEWPORT = "() => [portintelChart.pan().x, portintelChart.pan().y, portintelChart.zoom()]"


def _gestures(page: Any, seconds: float) -> tuple[list[float], int]:
    """Frame times while the mouse drags the chart and the wheel zooms it, as an analyst does,
    and how many of the gestures moved the chart (a gesture that moves nothing measures nothing)."""
    chart = page.locator("#chart")
    chart.scroll_into_view_if_needed()
    page.evaluate(RECORD)
    moved = 0
    box = chart.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    started = time.perf_counter()
    step = 0
    while time.perf_counter() - started < seconds:
        before = page.evaluate(VIEWPORT)
        if step % 2 == 0:  # a drag across the chart
            page.mouse.move(x, y)
            page.mouse.down()
            for i in range(1, 11):
                page.mouse.move(x + 12 * i, y + 7 * i)
            page.mouse.up()
        else:  # a few wheel notches in or out
            page.mouse.move(x, y)
            for _ in range(5):
                page.mouse.wheel(0, -120 if step % 4 == 1 else 120)
        moved += page.evaluate(VIEWPORT) != before
        step += 1
    page.evaluate("() => { window.benchRecording = false; }")
    frames: list[float] = page.evaluate("() => window.benchFrames")
    return frames[1:], moved * 100 // max(step, 1)


RENDERERS = ("pixels", "webgl")  # the drawing of big charts now, and the one before it


def measure_browser(seconds: float, progress: Callable[[str], None]) -> dict[str, Any]:
    """Frame times of the chart page with BROWSER_NODES nodes, panned and zoomed, with each
    renderer in turn in one run, and the load average of the machine beside them."""
    runs = []
    for renderer in RENDERERS:
        load_before = os.getloadavg()[0]
        run = measure_renderer(seconds, renderer, progress)
        run["load_average"] = round((load_before + os.getloadavg()[0]) / 2, 1)
        runs.append(run)
    return {"runs": runs}


def measure_renderer(
    seconds: float, renderer: str, progress: Callable[[str], None]
) -> dict[str, Any]:
    """Frame times of the chart page with BROWSER_NODES nodes drawn by `renderer`."""
    from _map_browser import CHROMIUM, FLAGS, PASSWORD, _serve, descendants_cpu_s
    from playwright.sync_api import sync_playwright

    from portintel.domain.actors import SYSTEM
    from portintel.domain.statements import StatementRecord
    from portintel.services import admin
    from portintel.services.events import transaction
    from portintel.services.intake import write_statements

    if not Path(CHROMIUM).exists():
        return {"skipped": "/usr/bin/chromium is not installed"}
    with tempfile.TemporaryDirectory(prefix="portintel-graph-browser-") as directory:
        settings = Settings(data_dir=Path(directory), secure_cookies=False)
        server, thread, sock, url, app = _serve(settings)
        foreign: list[str] = []
        try:
            ws = app.state.workspace
            admin.ensure_agencies(ws)
            admin.create_user(
                ws,
                SYSTEM,
                username="bench",
                display_name="Bench",
                agency="immigration",
                roles=["analyst"],
                password=PASSWORD,
            )
            from datetime import UTC, datetime

            seen = datetime(2026, 1, 1, tzinfo=UTC)
            record = StatementRecord(
                entity_id="p-root", schema="Person", prop="name", prop_type="name",
                value="Root", dataset="registry", origin="registry:bench",
                first_seen=seen, last_seen=seen,
            )  # fmt: skip
            with transaction(ws) as connection:
                write_statements(connection, [record])
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                context = browser.new_context(viewport={"width": 1280, "height": 900})

                def guard(route: Any, request: Any) -> None:
                    if request.url.startswith(url + "/"):
                        route.continue_()
                    else:
                        foreign.append(request.url)
                        route.abort()

                context.route("**/*", guard)
                page = context.new_page()
                page.goto(f"{url}/login")
                page.fill("#username", "bench")
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_url(f"{url}/")
                page.goto(f"{url}/entities/p-root/chart")
                page.wait_for_selector("#chart[data-state]:not([data-state=loading])")
                cpu_before = descendants_cpu_s()
                result = page.evaluate(FRAMES, [int(seconds * 1000), BROWSER_NODES, renderer])
                mouse, moved = _gestures(page, seconds)
                mouse.sort()
                cpu = descendants_cpu_s() - cpu_before
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()
    frames = sorted(result["frames"])
    progress(
        f"browser ({result['renderer']}): draw {result['drawn']:.0f} ms, {len(frames)} frames, "
        f"median {statistics.median(frames):.1f} ms, mouse median "
        f"{statistics.median(mouse) if mouse else float('nan'):.1f} ms"
    )
    return {
        "renderer": result["renderer"],
        "nodes": result["nodes"],
        "edges": result["edges"],
        "draw_ms": round(result["drawn"], 1),
        "frames": len(frames),
        "frame_median_ms": round(statistics.median(frames), 1),
        "frame_p95_ms": round(percentile(frames, 0.95), 1),
        "frame_max_ms": round(frames[-1], 1),
        "mouse_frames": len(mouse),
        "mouse_gestures_moved_pct": moved,
        "mouse_frame_median_ms": round(statistics.median(mouse), 1) if mouse else None,
        "mouse_frame_p95_ms": round(percentile(mouse, 0.95), 1) if mouse else None,
        "mouse_frame_max_ms": round(mouse[-1], 1) if mouse else None,
        "browser_cpu_s": round(cpu, 1),
        "foreign_requests": len(foreign),
    }


FINDINGS = """## Where the time goes

Profiled on the SQLite copy (cProfile and SQLAlchemy's cursor events, 8 roots):
the 12 to 19 scoped queries of a 2-hop chart take 1 to 9 ms together, so the
store is not the bottleneck and no index was added. The time was in the
graph algorithms run on every chart: exact betweenness (brokers) took about
two thirds, Louvain communities most of the rest. Brokers are now estimated
from 64 sampled sources above 100 nodes (fixed seed): a 269-node chart went
from 495 ms to 179 ms in process. Louvain remains the largest cost; computing
communities only when the analyst asks for them (or with rustworkx) is the
next step. Before the change the same run gave p95 512 ms (chart) and 584 ms
(path) on SQLite, 754 ms and 511 ms on PostgreSQL.

In the browser, with software rendering (`--disable-gpu`, as on the unit's
thin clients), Cytoscape's own drawing does not keep a 5,000-node,
7,500-link chart interactive: its canvas renderer took seconds a frame, and
its WebGL renderer (the "before" rows) draws the links through the software
rasteriser in about a second a frame and needs over 10 s for the first draw.
Big charts (over 1,000 nodes) are now drawn by `analysis_chart_big.js`
(the "after" rows): Cytoscape stays the model and handles choosing,
dragging, pinning, box selection, layouts and events, but its drawing is
replaced. Nodes and links are written as pixels into one image (no
anti-aliasing, no canvas call per element) and put on the canvas at once;
labels are drawn for the root, the chosen node, the path and brokers, and
for every visible node once no more than 250 are in view. Links are drawn
within 6 ms a frame, those nearest the root first: while the chart moves
the rest may be left out, and they are all drawn over the next few frames
once it stands still. The page says so beside the chart ("A big chart:
while it moves, some links may be left out; all of them are drawn again
once it stands still"), and `data-links` on the summary tells "partial" or
"complete". The first draw was cut by making the chart without a renderer
or style (each cost seconds when every element was added), placing the
nodes in rings filled band by band (Cytoscape's concentric layout put each
step on one ring tens of thousands of units across), fitting the view from
the positions alone, and filling the two path lists of 5,000 entities only
when the analyst first reaches for them. The figures were taken on a
shared 2-core machine while other engineers ran their test suites (load
column): on an idle machine every figure is lower, for both renderers.
"""


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Link charts at scale",
        "",
        "Run: `python3 benchmarks/graph.py` (the API request through the app, in process, "
        "with a supervisor's token; milliseconds).",
        "",
        f"Store: {result['reports']:,} reports and {result['statements']:,} statements "
        f"(the access benchmark's store, seed {result['seed']}). Goal: p95 under "
        f"{GOAL_P95_MS:.0f} ms for a 2-hop chart and a shortest path.",
        "",
        "| backend | request | runs | p50 | p95 | max | nodes (median / max) | goal met |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in result["backends"]:
        chart, path = row["chart_2_hops"], row["shortest_path"]
        lines.append(
            f"| {row['backend']} | `GET /entities/{{id}}/chart?hops=2` | {chart['runs']} | "
            f"{chart['p50_ms']} | {chart['p95_ms']} | {chart['max_ms']} | "
            f"{chart['nodes_median']} / {chart['nodes_max']} | "
            f"{'yes' if chart['p95_ms'] < GOAL_P95_MS else 'no'} |"
        )
        if path.get("runs"):
            lines.append(
                f"| {row['backend']} | `GET /paths` (2 steps; {path['found']} found) | "
                f"{path['runs']} | {path['p50_ms']} | {path['p95_ms']} | {path['max_ms']} | – | "
                f"{'yes' if path['p95_ms'] < GOAL_P95_MS else 'no'} |"
            )
    browser = result.get("browser") or {}
    runs = [run for run in browser.get("runs", []) if "frames" in run]
    if runs:
        lines += [
            "",
            f"## The chart page with {runs[0]['nodes']:,} nodes and {runs[0]['edges']:,} links",
            "",
            "Headless Chromium (software rendering, `--disable-gpu`, the flags of CI); frame "
            "time = interval between `requestAnimationFrame` callbacks; *draw* = from handing "
            "the chart to the page until its first frame. *Every frame*: the script pans or "
            "zooms the chart on every frame for "
            f"{BROWSER_SECONDS_NOTE}. *Mouse*: drags and wheel zooms sent as real input. Both "
            "renderers in one run, one after the other; *load* is the machine's 1-minute load "
            "average during each (2 cores, shared with other engineers' test runs: every "
            "figure here is slower than on an idle machine). Goal: first draw under 3 s, "
            "median at most 33 ms and p95 at most 100 ms.",
            "",
            "| renderer | load | draw | moved by | frames | median | p95 | max | browser CPU s "
            "| requests off the node |",
            "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for run in runs:
            name = (
                "pixels (after)" if run["renderer"] == "pixels" else f"{run['renderer']} (before)"
            )
            lines.append(
                f"| {name} | {run.get('load_average', '–')} | {run['draw_ms']} ms | every frame | "
                f"{run['frames']} | {run['frame_median_ms']} ms | {run['frame_p95_ms']} ms | "
                f"{run['frame_max_ms']} ms | {run['browser_cpu_s']} | {run['foreign_requests']} |"
            )
            if run.get("mouse_frames"):
                lines.append(
                    f"| {name} | | | mouse ({run['mouse_gestures_moved_pct']}% of gestures "
                    f"moved it) | {run['mouse_frames']} | {run['mouse_frame_median_ms']} ms | "
                    f"{run['mouse_frame_p95_ms']} ms | {run['mouse_frame_max_ms']} ms | | |"
                )
    elif browser.get("runs"):
        lines += ["", f"Browser: {browser['runs'][0].get('skipped')}"]
    machine_info = result["machine"]
    if result.get("browser_machine"):
        at = result["browser_machine"]
        lines += ["", f"Browser figures: {at['date']}, commit {at['commit']} (`--browser-only`)."]
    lines += ["", FINDINGS.strip()]
    lines += [
        "",
        f"Machine: {machine_info['nproc']} cores, {machine_info['cpu']}; Python "
        f"{machine_info['python']}, SQLite {machine_info['sqlite']}, PostgreSQL "
        f"{machine_info['postgresql']}; {machine_info['date']}, commit {machine_info['commit']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--browser-only", action="store_true", help="only the frame times")
    parser.add_argument("--browser-seconds", type=float, default=5.0)
    parser.add_argument("--cache-dir", type=Path, default=DATA)
    parser.add_argument("--out", default="graph", help="results file name, without extension")
    args = parser.parse_args(argv)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.browser_only:  # added to the results of the last full run
        browser = measure_browser(args.browser_seconds, progress)
        saved = RESULTS / f"{args.out}.json"
        result = json.loads(saved.read_text())
        result["browser"] = browser
        result["browser_machine"] = machine(None)
        saved.write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / f"{args.out}.md").write_text(markdown(result))
        print(json.dumps(browser, indent=2))
        return 0
    store = ensure_store(args.cache_dir, args.reports, args.statements, progress=progress)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    result: dict[str, Any] = {
        "reports": store.reports,
        "statements": store.statements,
        "seed": args.seed,
        "goal_p95_ms": GOAL_P95_MS,
        "backends": [
            measure_backend(b, store, args.runs, args.seed, args.postgres, progress)
            for b in backends
        ],
        "machine": machine(postgres_version(args.postgres) if "postgresql" in backends else None),
    }
    if not args.no_browser:
        result["browser"] = measure_browser(args.browser_seconds, progress)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"{args.out}.md").write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

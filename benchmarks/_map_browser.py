"""The map page in headless Chromium over a real server on loopback: how long until it is
drawn, how long a filter takes, and the frame times while the map is panned.

Used by ``map_layers.py --browser``. The browser is Debian's chromium with the
flags of the browser tests; every request not to the loopback server is
aborted and counted (it must be 0). The browser's CPU time is the sum of
user and system time of this process's descendants (the Playwright driver
and Chromium's processes), read from ``/proc`` just before it closes.
"""

from __future__ import annotations

import os
import socket
import statistics
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"
READY = int(os.environ.get("MAP_BENCH_READY_MS", "180000"))  # ms

FRAMES = """async (ms) => {
  const map = window.portintelMap.map;
  const frames = [];
  let last = performance.now();
  const started = last;
  await new Promise((done) => {
    function step(now) {
      frames.push(now - last); last = now;
      map.panBy([6, 3], { duration: 0 });
      if (now - started < ms) { requestAnimationFrame(step); } else { done(); }
    }
    requestAnimationFrame(step);
  });
  return frames.slice(1);
}"""


def descendants_cpu_s() -> float:
    """CPU seconds (user + system) of the live descendants of this process, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    mine, total = {os.getpid()}, 0.0
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                total += times[pid]
                grew = True
    return total


def _serve(settings: Any) -> tuple[Any, threading.Thread, socket.socket, str, Any]:
    import uvicorn

    from portintel.web import create_app

    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the benchmark server did not start")
        time.sleep(0.05)
    return server, thread, sock, f"http://127.0.0.1:{sock.getsockname()[1]}", app


def register(ws: Any, positions: Any) -> None:
    """Put the vessels of ``positions`` in the registry as ingestion would (the track
    API finds a vessel there); the benchmark writes its positions straight to the store."""
    from datetime import UTC, datetime

    import polars as pl

    from portintel.domain.maritime.normalise import InputContext
    from portintel.services.maritime.registry import VesselRegistry

    context = InputContext("benchmark", "map_layers", datetime.now(UTC), False)
    statics = pl.DataFrame(schema={"mmsi": pl.Int64, "ts": pl.Datetime("us", "UTC")})
    VesselRegistry(ws).observe(positions, statics, context)


def measure(settings: Any, one_mmsi: int, one_track: Any) -> dict[str, Any]:
    """Figures of the map page over the track store of ``settings``."""
    from playwright.sync_api import sync_playwright

    from portintel.domain.actors import SYSTEM
    from portintel.services import admin

    if not Path(CHROMIUM).exists():
        return {"browser": "skipped: /usr/bin/chromium is not installed"}
    server, thread, sock, url, app = _serve(settings)
    foreign: list[str] = []
    figures: dict[str, Any] = {}
    try:
        ws = app.state.workspace
        admin.ensure_agencies(ws)
        register(ws, one_track)
        admin.create_user(ws, SYSTEM, username="bench", display_name="Bench", agency="immigration",
                          roles=["analyst"], password=PASSWORD)  # fmt: skip
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

            started = time.perf_counter()
            page.goto(f"{url}/map")
            page.wait_for_selector("#map[data-state=ready]", timeout=READY)
            figures["page_ready_s"] = round(time.perf_counter() - started, 2)
            figures["vessels_drawn"] = page.evaluate("window.portintelMap.state.vessels")

            started = time.perf_counter()
            page.fill("#f-vessel", str(one_mmsi))
            page.click("#map-filters button[type=submit]")
            page.wait_for_function("() => window.portintelMap.state.trackPoints > 0", timeout=READY)
            page.wait_for_selector("#map[data-state=ready]", timeout=READY)
            figures["filter_vessel_s"] = round(time.perf_counter() - started, 2)

            started = time.perf_counter()
            page.fill("#f-vessel", "")
            page.select_option("#f-type", "gap")
            page.click("#map-filters button[type=submit]")
            page.wait_for_function(
                "() => window.portintelMap.state.trackPoints === 0", timeout=READY
            )
            page.wait_for_selector("#map[data-state=ready]", timeout=READY)
            figures["filter_type_s"] = round(time.perf_counter() - started, 2)

            frames = page.evaluate(FRAMES, 3_000)
            frames.sort()
            figures["pan_frames"] = len(frames)
            figures["pan_frame_median_ms"] = round(statistics.median(frames), 1)
            figures["pan_frame_p95_ms"] = round(frames[int(len(frames) * 0.95) - 1], 1)
            figures["pan_frame_max_ms"] = round(frames[-1], 1)
            figures["map_errors"] = page.evaluate("window.portintelMap.state.errors")
            figures["browser_cpu_s"] = round(descendants_cpu_s(), 1)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    figures["foreign_requests"] = len(foreign)
    return figures

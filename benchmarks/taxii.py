"""TAXII 2.1 pull: 10,000 objects from portintel and from OASIS medallion, side by side.

Both servers hold the same objects (``--objects`` STIX 2.1 notes, published
in portintel with an approved package: every object shares one
``date_added``, the bulk-publish case) in one collection, and
both are pulled over HTTP on 127.0.0.1 by the same client, the OASIS
``taxii2-client`` (``as_pages(collection.get_objects, per_request=PAGE)``),
with the same page size. portintel runs as ``portintel serve`` (uvicorn, one
worker) on SQLite or PostgreSQL; medallion 3.0 runs its own ``medallion``
script (Flask) with its memory backend, its ``max_page_size`` set to the
page size. Each run pulls every object once; the ids pulled must be the
same, in the same order, from both, or the benchmark fails.

Printed and saved (``--save``: ``benchmarks/results/taxii.md`` and
``.json``): wall time per full pull (median of ``--runs``), objects per
second, the CPU seconds the server process spent (from ``/proc``), the
client's CPU, the 1-minute load average, and the ratio medallion / portintel
(goal, issue #13: at least 10). The machine is shared: compare CPU seconds
as well as wall times.

Why notes only: medallion 3.0 cannot serve the ``extension-definition``
objects every portintel package carries (its version lookup reads their
STIX ``version`` property, ``"1.0.0"``, as a timestamp and answers 500), so
the collection compared holds only the notes.

    python3 benchmarks/taxii.py --save
    python3 benchmarks/taxii.py --objects 2000 --runs 1      # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select as sql_select
from taxii2client.v21 import Collection, as_pages

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.domain.reports import ReportDraft
from portintel.domain.sharing.taxii import PublishedObject, format_timestamp
from portintel.services import admin, sharing
from portintel.services.intake import reports
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"
PARTNER = "TH-PIU-RNG"
TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _notes(count: int) -> list[PublishedObject]:
    """``count`` STIX 2.1 notes of a few hundred bytes, like a report's summary."""
    import uuid

    created = "2026-03-01T08:00:00.000Z"
    found = []
    for number in range(count):
        object_id = f"note--{uuid.uuid5(uuid.NAMESPACE_URL, f'bench-note-{number}')}"
        obj = {
            "type": "note",
            "spec_version": "2.1",
            "id": object_id,
            "created": created,
            "modified": created,
            "abstract": f"Observation {number}",
            "content": f"Vessel seen loading passengers at the pier, sighting {number}; "
            "the master was not on board; crew of five; departure expected at night.",
            "object_refs": ["identity--5b1a4a8e-3c1f-5f6a-9a3e-0c9d7b2f4e11"],
        }
        found.append(
            PublishedObject(
                id=object_id,
                type="note",
                spec_version="2.1",
                version=created,
                version_at=datetime(2026, 3, 1, 8, tzinfo=UTC),
                text=json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            )
        )
    return found


def build_portintel(data_dir: Path, database_url: str | None, count: int) -> dict[str, Any]:
    """A node with one partner, one approved package and ``count`` notes published with it."""
    settings = Settings(data_dir=data_dir, database_url=database_url, secure_cookies=False)
    ws = open_workspace(settings)
    try:
        admin.ensure_agencies(ws)
        sharing.init_node(ws, SYSTEM)
        people = []
        for username, role in (("olga", "officer"), ("ana", "analyst"), ("sam", "supervisor")):
            view = admin.create_user(
                ws, SYSTEM, username=username, display_name=username.title(),
                agency="immigration", roles=[role], password="correct horse battery staple",
            )  # fmt: skip
            people.append(admin.get_actor(ws, view.id))
        officer, analyst, boss = people
        report = reports.create_report(
            ws, officer,
            ReportDraft(title="Boat loading at night", text="A boat loads people at the pier.",
                        credibility="2", reliability="B", handling="uk-3x5x2:P", extract=False),
            submit=True,
        )  # fmt: skip
        reports.evaluate_report(ws, boss, report)
        sharing.add_partner(ws, SYSTEM, name=PARTNER, kind="PIU", country="TH")
        sharing.add_agreement(
            ws, SYSTEM, PARTNER, handling_codes=["uk-3x5x2:P"], tlp_levels=["GREEN"],
            categories=["reports", "entities"],
        )  # fmt: skip
        request = sharing.request_dissemination(ws, analyst, PARTNER, [report])
        package = sharing.approve_dissemination(ws, boss, request)
        # the notes go to a second agreement's collection, published with the package:
        # medallion cannot serve the package's extension-definition objects (see the docstring)
        bench = sharing.add_agreement(
            ws, SYSTEM, PARTNER, handling_codes=["uk-3x5x2:P"], tlp_levels=["GREEN"],
            categories=["reports"],
        )  # fmt: skip
        objects = tables.taxii_objects
        with ws.engine.begin() as connection:
            partner_id = connection.execute(
                sql_select(tables.partners.c.id).where(tables.partners.c.name == PARTNER)
            ).scalar_one()
            date_added = ws.clock()
            sharing.publish_objects(
                connection, package_id=package, partner_id=partner_id,
                agreement_id=bench.id, objects=_notes(count), at=date_added,
            )  # fmt: skip
            rows = connection.execute(
                sql_select(
                    objects.c.object_id, objects.c.version, objects.c.object, objects.c.date_added
                )
                .where(objects.c.agreement_id == bench.id)
                .order_by(objects.c.seq)
            ).all()  # fmt: skip
        assert len({row.date_added for row in rows}) == 1  # one instant for all: bulk publish
        token = sharing.issue_partner_token(ws, SYSTEM, PARTNER).secret.reveal()
        from portintel.domain.sharing.taxii import collection_id

        return {
            "token": token,
            "collection": collection_id(bench.id),
            "date_added": format_timestamp(rows[0].date_added),
            "objects": [(row.object_id, row.version, row.object) for row in rows],
        }
    finally:
        ws.close()


def medallion_data(built: dict[str, Any], port: int) -> dict[str, Any]:
    """medallion's memory-backend file holding the same objects in the same collection."""
    base = f"http://127.0.0.1:{port}"
    objects = [json.loads(text) for _, _, text in built["objects"]]
    manifest = [
        {
            "id": object_id,
            "date_added": built["date_added"],
            "version": version,
            "media_type": "application/stix+json;version=2.1",
        }
        for object_id, version, _ in built["objects"]
    ]
    return {
        "/discovery": {
            "title": "medallion",
            "description": "the peer of benchmarks/taxii.py",
            "default": f"{base}/api1/",
            "api_roots": [f"{base}/api1/"],
        },
        "api1": {
            "information": {
                "title": "api1",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 100 * 1024 * 1024,
            },
            "status": [],
            "collections": [
                {
                    "id": built["collection"],
                    "title": "bench",
                    "can_read": True,
                    "can_write": False,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": objects,
                    "manifest": manifest,
                }
            ],
        },
    }


@contextmanager
def running(command: list[str], port: int, probe: str, env: dict[str, str]) -> Iterator[int]:
    """A server process on 127.0.0.1:``port``; its pid once ``probe`` answers at all."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):
            if process.poll() is not None:
                error = process.stderr.read().decode()[-2000:] if process.stderr else ""
                raise RuntimeError(f"{command[:3]} stopped: {error}")
            try:
                requests.get(f"http://127.0.0.1:{port}{probe}", timeout=5)
                break
            except requests.ConnectionError:
                select.select([], [], [], 0.1)
        else:
            raise RuntimeError(f"{command[:3]} did not start")
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def pull(url: str, user: str, password: str, page: int) -> tuple[list[str], int]:
    """Every object id of the collection at ``url`` through taxii2-client; and the pages."""
    collection = Collection(url, user=user, password=password)
    ids: list[str] = []
    pages = 0
    for envelope in as_pages(collection.get_objects, per_request=page):
        ids += [obj["id"] for obj in envelope.get("objects", [])]
        pages += 1
    return ids, pages


def measure(name: str, url: str, user: str, password: str, page: int, pid: int) -> dict[str, Any]:
    server_cpu = _cpu_seconds(pid)
    client_cpu = time.process_time()
    started = time.perf_counter()
    ids, pages = pull(url, user, password, page)
    wall = time.perf_counter() - started
    return {
        "server": name,
        "wall_s": wall,
        "server_cpu_s": _cpu_seconds(pid) - server_cpu,
        "client_cpu_s": time.process_time() - client_cpu,
        "objects": len(ids),
        "pages": pages,
        "load_1m": os.getloadavg()[0],
        "ids": ids,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--objects", type=int, default=10_000, help="notes besides the package")
    parser.add_argument("--page", type=int, default=100, help="objects per page, both servers")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/taxii.*")
    args = parser.parse_args(argv)
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(variable, None)  # nothing leaves 127.0.0.1
    os.environ["NO_PROXY"] = "127.0.0.1"
    database_url = None
    if args.backend == "postgresql":
        database_url = os.environ.get("PORTINTEL_BENCH_POSTGRES_URL") or os.environ.get(
            "PORTINTEL_TEST_POSTGRES_URL"
        )
        if not database_url:
            parser.error(
                "--backend postgresql needs PORTINTEL_TEST_POSTGRES_URL (an empty database)"
            )

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "PORTINTEL_SECURE_COOKIES": "false",
    }
    env.pop("PORTINTEL_DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="taxii-bench-") as scratch:
        root = Path(scratch)
        print(f"building: one approved package and {args.objects:,} notes ...", flush=True)
        built = build_portintel(root / "node", database_url, args.objects)
        total = len(built["objects"])
        ours_port, theirs_port = _free_port(), _free_port()
        data_file = root / "medallion-data.json"
        data_file.write_text(json.dumps(medallion_data(built, theirs_port)))
        config = root / "medallion.json"
        config.write_text(
            json.dumps(
                {
                    "backend": {
                        "module": "medallion.backends.memory_backend",
                        "module_class": "MemoryBackend",
                        "filename": str(data_file),
                        # a paging session lives 30 s by default: longer than a loaded pull
                        "session_timeout": 24 * 3600,
                    },
                    "users": {PARTNER: built["token"]},
                    "taxii": {"max_page_size": args.page},
                }
            )
        )
        ours_command = [
            sys.executable, "-c", "from portintel.cli.app import main; main()",
            "--data-dir", str(root / "node"), "serve", "--port", str(ours_port),
        ]  # fmt: skip
        if database_url:
            env["PORTINTEL_DATABASE_URL"] = database_url
        theirs_command = [
            sys.executable, "-c", "from medallion.scripts.run import main; main()",
            "--host", "127.0.0.1", "--port", str(theirs_port), str(config),
        ]  # fmt: skip
        ours_url = f"http://127.0.0.1:{ours_port}/taxii2/sharing/collections/{built['collection']}/"
        theirs_url = f"http://127.0.0.1:{theirs_port}/api1/collections/{built['collection']}/"
        results: list[dict[str, Any]] = []
        with (
            running(ours_command, ours_port, "/healthz", env) as ours_pid,
            running(theirs_command, theirs_port, "/taxii2/", env) as theirs_pid,
        ):
            for run in range(args.runs):
                for name, url, pid in (
                    ("portintel", ours_url, ours_pid),
                    ("medallion", theirs_url, theirs_pid),
                ):
                    result = measure(name, url, PARTNER, built["token"], args.page, pid)
                    if result["objects"] != total:
                        raise SystemExit(f"{name} returned {result['objects']} of {total} objects")
                    results.append(result)
                    print(
                        f"run {run + 1} {name:9} {result['wall_s']:7.2f} s wall  "
                        f"{result['server_cpu_s']:6.2f} s server CPU  "
                        f"{result['client_cpu_s']:5.2f} s client CPU  "
                        f"{result['pages']} pages  load {result['load_1m']:.1f}",
                        flush=True,
                    )
        first_ids = {r["server"]: r["ids"] for r in results}
        if first_ids["portintel"] != first_ids["medallion"]:
            raise SystemExit("the two servers returned different objects or orders")
    summary = _summary(results, args, total)
    _print(summary)
    if args.save:
        _save(summary)
    return 0


def _summary(results: list[dict[str, Any]], args: argparse.Namespace, total: int) -> dict[str, Any]:
    by_server: dict[str, Any] = {}
    for name in ("portintel", "medallion"):
        mine = [r for r in results if r["server"] == name]
        wall = statistics.median(r["wall_s"] for r in mine)
        by_server[name] = {
            "wall_s_median": round(wall, 3),
            "wall_s_runs": [round(r["wall_s"], 3) for r in mine],
            "objects_per_s": round(total / wall),
            "server_cpu_s_median": round(statistics.median(r["server_cpu_s"] for r in mine), 3),
            "client_cpu_s_median": round(statistics.median(r["client_cpu_s"] for r in mine), 3),
            "pages": mine[0]["pages"],
        }
    ours, theirs = by_server["portintel"], by_server["medallion"]
    return {
        "benchmark": "taxii",
        "objects": total,
        "page": args.page,
        "runs": args.runs,
        "portintel_backend": args.backend,
        "load_1m": [round(r["load_1m"], 2) for r in results],
        "cpus": os.cpu_count(),
        "servers": by_server,
        "ratio_wall": round(theirs["wall_s_median"] / ours["wall_s_median"], 2),
        "ratio_server_cpu": round(
            theirs["server_cpu_s_median"] / max(ours["server_cpu_s_median"], 1e-9), 2
        ),
        "goal_ratio": 10,
    }


def _print(summary: dict[str, Any]) -> None:
    print()
    print(
        f"{summary['objects']:,} objects, pages of {summary['page']}, {summary['runs']} runs each"
    )
    for name, figures in summary["servers"].items():
        print(
            f"  {name:9} {figures['wall_s_median']:7.2f} s  "
            f"{figures['objects_per_s']:>7,} objects/s  "
            f"server CPU {figures['server_cpu_s_median']:.2f} s  "
            f"client CPU {figures['client_cpu_s_median']:.2f} s"
        )
    print(
        f"  medallion / portintel: {summary['ratio_wall']:.1f}x wall, "
        f"{summary['ratio_server_cpu']:.1f}x server CPU (goal {summary['goal_ratio']}x)"
    )


def _save(summary: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "taxii.json").write_text(json.dumps(summary, indent=2) + "\n")
    ours, theirs = summary["servers"]["portintel"], summary["servers"]["medallion"]
    lines = [
        "# TAXII 2.1 pull (`benchmarks/taxii.py --save`)",
        "",
        f"{summary['objects']:,} objects in one collection, all with one `date_added`, pulled with "
        f"the OASIS taxii2-client (`as_pages`, pages of {summary['page']}) over HTTP on 127.0.0.1, "
        f"{summary['runs']} run(s) each, alternating. portintel: `portintel serve` (uvicorn, one "
        f"worker), {summary['portintel_backend']}; medallion 3.0 memory backend (Flask). "
        f"{summary['cpus']} cores shared with other work; 1-minute load averages during the runs: "
        f"{', '.join(str(x) for x in summary['load_1m'])}.",
        "",
        "| server | wall s (median) | runs | objects/s | server CPU s | client CPU s | pages |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, figures in (("portintel", ours), ("medallion", theirs)):
        lines.append(
            f"| {name} | {figures['wall_s_median']} "
            f"| {', '.join(str(x) for x in figures['wall_s_runs'])} "
            f"| {figures['objects_per_s']:,} | {figures['server_cpu_s_median']} "
            f"| {figures['client_cpu_s_median']} | {figures['pages']} |"
        )
    lines += [
        "",
        f"medallion / portintel: **{summary['ratio_wall']}x** wall time, "
        f"**{summary['ratio_server_cpu']}x** server CPU (goal: at least {summary['goal_ratio']}x).",
        "",
    ]
    (RESULTS / "taxii.md").write_text("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())

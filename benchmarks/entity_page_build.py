"""CPU per call of the entity page on a demo-sized workspace (#8): not a pass/fail test.

    portintel --data-dir /tmp/demo demo --no-serve
    python3 benchmarks/entity_page_build.py /tmp/demo [--calls 200]

Times ``entity_page`` for the smallest entity a supervisor and an officer may
each read, ``--calls`` times in-process, and prints CPU (``process_time``)
and wall milliseconds per call: the Python cost of building the page's
statements shows in CPU, the SQL of a small entity takes little.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.services.admin import get_actor
from portintel.services.collation import entity_page, list_entities
from portintel.services.workspace import open_workspace
from portintel.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    ws = open_workspace(Settings(data_dir=args.data_dir))
    with ws.engine.connect() as connection:
        users = connection.execute(select(tables.users.c.id)).scalars().all()
    actors = [get_actor(ws, user_id) for user_id in users]
    for role in (Role.SUPERVISOR, Role.OFFICER):
        actor = next((a for a in actors if a.roles == {role}), None)
        if actor is None:
            print(f"{role.value}: no such user in this workspace")
            continue
        summaries = list_entities(ws, actor, limit=500)
        small = min(summaries, key=lambda s: (s.statement_count, s.id))
        entity_page(ws, actor, small.id)  # warm the caches
        cpu: list[float] = []
        wall: list[float] = []
        for _ in range(args.calls):
            c0, w0 = time.process_time(), time.perf_counter()
            entity_page(ws, actor, small.id)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        print(
            f"{role.value:<10} entity {small.id} ({small.statement_count} statements): "
            f"CPU {statistics.mean(cpu):.2f} ms/call (median {statistics.median(cpu):.2f}), "
            f"wall p50 {statistics.median(wall):.2f} ms over {args.calls} calls"
        )
    with ws.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(tables.statements)).scalar()
    print(f"{ws.engine.dialect.name}, {count} statements")


if __name__ == "__main__":
    main()

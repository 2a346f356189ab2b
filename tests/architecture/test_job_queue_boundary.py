"""Only the job-queue adapter imports huey or redis: services see the queue through it."""

from __future__ import annotations

import ast
from pathlib import Path

import portintel

PACKAGE = Path(portintel.__file__).parent
QUEUE_LIBRARIES = ("huey", "redis")
ADAPTER = PACKAGE / "adapters" / "job_queue.py"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_only_the_adapter_imports_the_queue_libraries() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != ADAPTER
        for name in _imports(path)
        if name.split(".")[0] in QUEUE_LIBRARIES
    ]
    assert offenders == []
    assert "huey" in {name.split(".")[0] for name in _imports(ADAPTER)}

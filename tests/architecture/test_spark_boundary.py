"""Only ``adapters/spark/`` imports PySpark at run time: it is an optional extra.

Elsewhere PySpark may appear under ``if TYPE_CHECKING:`` (annotations only),
so portintel imports and runs without the extra installed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import portintel

PACKAGE = Path(portintel.__file__).parent
ADAPTER = PACKAGE / "adapters" / "spark"


def _runtime_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    hidden: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            hidden.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    names: list[str] = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_only_the_spark_adapter_imports_pyspark() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if ADAPTER not in path.parents
        for name in _runtime_imports(path)
        if name.split(".")[0] == "pyspark"
    ]
    assert offenders == []
    found = {name.split(".")[0] for path in ADAPTER.glob("*.py") for name in _runtime_imports(path)}
    assert "pyspark" in found


def test_the_spark_adapter_imports_pyspark_only_inside_functions() -> None:
    """Importing the adapter (as the services do) needs no PySpark."""
    for path in sorted(ADAPTER.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        top = [
            node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
        ]
        assert not [m for m in top if m and m.startswith("pyspark")], path.name

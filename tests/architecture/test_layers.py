"""The domain is pure: no module under portintel/domain imports an I/O library
or touches the file system (DESIGN: dependencies point inward)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import portintel

PACKAGE = Path(portintel.__file__).parent
DOMAIN = PACKAGE / "domain"

FORBIDDEN_MODULES = {
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "pydantic",
    "httpx",
    "requests",
    "duckdb",
    "psycopg",
    "sqlite3",
    "uvicorn",
    "socket",
    "shutil",
    "subprocess",
    "urllib.request",
    "portintel.adapters",
    "portintel.services",
    "portintel.web",
    "portintel.cli",
}
# Polars and pyarrow are allowed for computation, not for reading or writing files.
FORBIDDEN_CALLS = {
    "open",
    "read_parquet",
    "scan_parquet",
    "write_parquet",
    "sink_parquet",
    "read_csv",
    "scan_csv",
    "write_csv",
    "read_text",
    "write_text",
    "read_bytes",
    "write_bytes",
    "mkdir",
    "unlink",
    "glob",
    "iterdir",
    "read_table",
    "write_table",
}


def _domain_modules() -> list[Path]:
    return sorted(DOMAIN.rglob("*.py"))


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES):
                found.append(f"{path.name}:{node.lineno} imports {name}")
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in FORBIDDEN_CALLS:
                found.append(f"{path.name}:{node.lineno} calls {called}()")
    return found


def test_domain_has_modules() -> None:
    assert _domain_modules(), "the domain package is empty"


@pytest.mark.parametrize("path", _domain_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_domain_module_is_pure(path: Path) -> None:
    assert _violations(path) == []


def test_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom duckdb import connect\nopen('x')\n", encoding="utf-8")
    assert len(_violations(bad)) == 3

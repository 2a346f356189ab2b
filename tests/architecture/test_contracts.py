"""The import-linter contracts of pyproject.toml hold, and they catch what they promise.

The contracts (``[tool.importlinter]``) draw the architecture of DESIGN.md as
rules over the import graph: layers, faces that reach stores only through
services, a pure domain, capabilities that use each other's public API only.
CI runs ``lint-imports``; this test runs the same command so the README's test
command covers the contracts too, and plants one violation at a time in a
copy of the package to show that each contract can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import portintel

ROOT = Path(__file__).parents[2]
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = Path(portintel.__file__).parent
_BESIDE_PYTHON = Path(sys.executable).parent / "lint-imports"  # the test environment's own
LINT_IMPORTS = str(_BESIDE_PYTHON) if _BESIDE_PYTHON.exists() else shutil.which("lint-imports")


def _contract_ids() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return [contract["id"] for contract in config["tool"]["importlinter"]["contracts"]]


def _lint(package_parent: Path, *contract_ids: str) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with our contracts over the ``portintel`` found in ``package_parent``."""
    environment = {**os.environ, "PYTHONPATH": str(package_parent)}
    only = [option for contract_id in contract_ids for option in ("--contract", contract_id)]
    assert LINT_IMPORTS, "lint-imports is missing: pip install -e '.[test]'"
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo", *only, str(PYPROJECT)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=package_parent,
        timeout=300,
        check=False,
    )


def _verdicts(output: str) -> dict[str, str]:
    """Contract name -> KEPT or BROKEN, from the summary lines of the report."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        for verdict in ("KEPT", "BROKEN"):
            if line.endswith(f" {verdict}") or f" {verdict} (" in line:
                found[line.split(f" {verdict}")[0].strip()] = verdict
    return found


def _names() -> dict[str, str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_the_package_keeps_every_contract() -> None:
    result = _lint(PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    verdicts = _verdicts(result.stdout)
    assert {verdicts.get(name) for name in _names().values()} == {"KEPT"}, result.stdout


PLANTED = {
    "events-public-api": (
        "services/collation/leak.py",
        "from portintel.services.events.registry import HookRegistry\n",
    ),
    "jobs-public-api": (
        "services/collation/leak.py",
        "from portintel.services.jobs.records import get\n",
    ),
    "layers": ("adapters/leak.py", "from portintel.services import admin\n"),
    "faces-through-services": ("web/leak.py", "import sqlalchemy\n"),
    "faces-no-database": ("cli/leak.py", "from portintel.adapters.database import tables\n"),
    "domain-pure": ("domain/leak.py", "import duckdb\n"),
    "capabilities-acyclic": ("services/audit/leak.py", "from portintel.services import admin\n"),
    "admin-public-api": (
        "services/training/leak.py",
        "from portintel.services.admin.users import create_user\n",
    ),
    "audit-public-api": (
        "services/admin/leak.py",
        "from portintel.services.audit.log import record\n",
    ),
    "intake-public-api": (
        "services/maritime/leak.py",
        "from portintel.services.intake.statements import write_statements\n",
    ),
    "collation-public-api": (
        "services/intake/leak.py",
        "from portintel.services.collation.entities import get_entity\n",
    ),
    "maritime-public-api": (
        "services/collation/leak.py",
        "from portintel.services.maritime.registry import list_vessels\n",
    ),
    "sharing-public-api": (
        "services/collation/leak.py",
        "from portintel.services.sharing.partners import list_partners\n",
    ),
    "targeting-public-api": (
        "services/maritime/leak_risk.py",
        "from portintel.services.targeting.scores import list_risk\n",
    ),
    "training-public-api": (
        "services/maritime/leak_demo.py",
        "from portintel.services.training.demo import build_demo\n",
    ),
}


def test_every_contract_has_a_planted_violation() -> None:
    assert sorted(PLANTED) == sorted(_contract_ids())


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package's Python files, to plant violations in."""
    parent = tmp_path_factory.mktemp("planted")
    for source in PACKAGE.rglob("*.py"):
        target = parent / "portintel" / source.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return parent


@pytest.mark.parametrize("contract_id", sorted(PLANTED))
def test_a_planted_violation_breaks_its_contract(package_copy: Path, contract_id: str) -> None:
    relative, code = PLANTED[contract_id]
    planted = package_copy / "portintel" / relative
    planted.write_text(code, encoding="utf-8")
    try:
        result = _lint(package_copy, contract_id)
    finally:
        planted.unlink()
    assert result.returncode != 0, result.stdout
    assert _verdicts(result.stdout) == {_names()[contract_id]: "BROKEN"}, result.stdout

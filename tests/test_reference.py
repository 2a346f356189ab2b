"""The generated reference in docs/reference is in step with the code.

The comparison itself is tested on a copy of the pages with one line changed,
so a check that cannot see a change would fail here; and the CLI page is read
against the command tree: every command has its help and every option its row.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import typer.main

from portintel.cli.app import app
from portintel.reference import render_pages, stale_pages
from portintel.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reference"
PAGES = render_pages()
REGENERATE = "run: python3 -m portintel.reference docs/reference"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_reference_page_is_current(name: str) -> None:
    committed = DOCS / name
    assert committed.exists(), f"{REGENERATE} ({name})"
    assert committed.read_text(encoding="utf-8") == PAGES[name], (
        f"docs/reference/{name} is stale: {REGENERATE}"
    )


def test_no_stale_or_stray_reference_pages() -> None:
    assert stale_pages(DOCS, PAGES) == [], REGENERATE


@pytest.fixture
def copy_of_docs(tmp_path: Path) -> Path:
    copy = tmp_path / "reference"
    shutil.copytree(DOCS, copy)
    assert stale_pages(copy, PAGES) == []
    return copy


def test_a_changed_option_line_is_caught(copy_of_docs: Path) -> None:
    """One option's row of one command edited by hand: the comparison names the page."""
    page = copy_of_docs / "cli.md"
    text = page.read_text(encoding="utf-8")
    row = "| `--ignore-tag-checksums` | Use the time of NMEA tag blocks"
    assert row in text
    edited = row.replace("--ignore-tag-checksums", "--ignore-tag-checksum")
    page.write_text(text.replace(row, edited))
    assert stale_pages(copy_of_docs, PAGES) == ["cli.md"]


def test_a_missing_page_and_a_stray_page_are_caught(copy_of_docs: Path) -> None:
    (copy_of_docs / "settings.md").unlink()
    (copy_of_docs / "old-commands.md").write_text("# gone\n", encoding="utf-8")
    assert stale_pages(copy_of_docs, PAGES) == ["settings.md", "old-commands.md"]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    description = Settings.model_fields[name].description
    assert description and len(description) > 10, f"setting {name} needs a description"
    assert f"| `{name}` | `PORTINTEL_{name.upper()}` |" in PAGES["settings.md"]


def _commands(command: Any, path: str = "portintel") -> list[tuple[str, Any]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not sub.hidden:
            found += _commands(sub, f"{path} {name}")
    return found


COMMANDS = _commands(typer.main.get_command(app))
SKIPPED = {"help", "install_completion", "show_completion"}  # Typer's own, the same everywhere


def _section(path: str) -> list[str]:
    """The lines of one command's section of cli.md, up to the next heading."""
    lines = PAGES["cli.md"].splitlines()
    heading = next(
        (i for i, line in enumerate(lines) if line.lstrip("#").strip() == f"`{path}`"), None
    )
    assert heading is not None, f"no section for `{path}` in cli.md"
    end = next((i for i in range(heading + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return lines[heading + 1 : end]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_every_command_has_its_help_and_options(path: str, command: Any) -> None:
    section = _section(path)
    body = [line for line in section if line.strip()]
    assert body and not body[0].startswith("|"), f"`{path}` has no help text before its options"
    summary = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
    assert summary and body[0] == summary
    rows = [line for line in section if line.startswith("| ")]
    for param in command.params:
        if param.name in SKIPPED:
            continue
        if param.param_type_name == "option":
            names = [*param.opts, *param.secondary_opts]
            expected = "| " + ", ".join(f"`{name}`" for name in names) + " |"
        else:
            expected = f"| `{param.name.upper()}` (argument) |"
        assert any(row.startswith(expected) for row in rows), f"`{path}`: no row {expected}"


def test_the_walk_reaches_commands_with_options() -> None:
    """The command check above sees leaves with options, not only the groups."""
    paths = {path for path, _ in COMMANDS}
    assert {"portintel", "portintel ais ingest", "portintel report add"} <= paths
    assert len(paths) > 20

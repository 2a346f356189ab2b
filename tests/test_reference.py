"""The generated reference in docs/reference is in step with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from portintel.reference import render_pages
from portintel.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reference"
PAGES = render_pages()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_reference_page_is_current(name: str) -> None:
    committed = DOCS / name
    assert committed.exists(), f"run: python3 -m portintel.reference docs/reference ({name})"
    assert committed.read_text(encoding="utf-8") == PAGES[name], (
        f"docs/reference/{name} is stale: run python3 -m portintel.reference docs/reference"
    )


def test_no_stray_reference_pages() -> None:
    on_disk = {path.name for path in DOCS.glob("*.md")} - {"README.md"}
    assert on_disk == set(PAGES)


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    description = Settings.model_fields[name].description
    assert description and len(description) > 10, f"setting {name} needs a description"


def test_every_cli_command_has_help() -> None:
    text = PAGES["cli.md"]
    sections = text.split("\n#")
    for section in sections[1:]:
        body = [line for line in section.splitlines()[1:] if line.strip()]
        assert body, f"command without help: {section.splitlines()[0]}"

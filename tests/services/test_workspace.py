"""Opening a workspace: clear errors for a data directory that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from portintel.errors import ConfigurationError
from portintel.services.workspace import open_workspace
from portintel.settings import Settings


def test_a_file_as_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "notes.txt"
    not_a_directory.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"notes\.txt as the data directory") as caught:
        open_workspace(Settings(data_dir=not_a_directory))
    assert caught.value.hint and "--data-dir" in caught.value.hint
    assert not_a_directory.read_text(encoding="utf-8") == "x"


def test_opening_twice_keeps_what_is_stored(workspace_settings_dir: Path) -> None:
    first = open_workspace(Settings(data_dir=workspace_settings_dir))
    first.close()
    again = open_workspace(Settings(data_dir=workspace_settings_dir))
    again.close()
    assert (workspace_settings_dir / "portintel.sqlite").exists()


@pytest.fixture
def workspace_settings_dir(tmp_path: Path) -> Path:
    return tmp_path / "node"

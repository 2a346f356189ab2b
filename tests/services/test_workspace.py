"""Opening a workspace: clear errors for a data directory that cannot be used; private modes."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from portintel.adapters.database.engine import sqlite_file
from portintel.adapters.files.node_key import load_or_create_node_key, node_key_path
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


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_directory_and_secrets_are_private(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """0700 and 0600 from the start, on either backend; looser ones tightened, with a log line."""
    previous = os.umask(0o022)  # a usual umask, whatever the runner's
    try:
        workspace = open_workspace(settings)
        key = load_or_create_node_key(settings.data_dir)
        workspace.close()
        data_dir = settings.data_dir
        database = sqlite_file(settings.effective_database_url)
        files = [node_key_path(data_dir)] + ([database] if database is not None else [])
        assert _mode(data_dir) == 0o700
        for path in files:
            assert _mode(path) == 0o600, path
        (data_dir / "portintel.toml").write_text('node_name = "piu"\n', encoding="utf-8")
        loose = [data_dir / "portintel.toml", *files]
        data_dir.chmod(0o755)
        for path in loose:
            path.chmod(0o644)
        with caplog.at_level(logging.WARNING, logger="portintel.adapters.files.permissions"):
            open_workspace(settings).close()
    finally:
        os.umask(previous)
    assert _mode(data_dir) == 0o700
    for path in loose:
        assert _mode(path) == 0o600, path
        assert f"tightened {path} from mode 0644 to 0600" in caplog.text
    assert f"tightened {data_dir} from mode 0755 to 0700" in caplog.text
    assert load_or_create_node_key(data_dir) == key

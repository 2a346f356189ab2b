"""Choosing the queue store by URL, and refusing what is not one; plugins that cannot load."""

from __future__ import annotations

from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey

from portintel.adapters.job_queue import build_huey
from portintel.errors import ConfigurationError
from portintel.services.events import HookRegistry


def test_the_embedded_default_is_a_sqlite_file_where_it_is_told(tmp_path: Path) -> None:
    default = build_huey(None, "q", tmp_path / "data" / "jobs.sqlite")
    assert isinstance(default, SqliteHuey) and default.name == "q"
    assert (tmp_path / "data").is_dir()
    named = build_huey(f"sqlite:///{tmp_path / 'other.sqlite'}", "q", tmp_path / "unused")
    assert isinstance(named, SqliteHuey)
    assert named.storage.filename == str(tmp_path / "other.sqlite")


def test_a_redis_url_names_a_redis_queue_without_connecting(tmp_path: Path) -> None:
    queue = build_huey("redis://127.0.0.1:1/0", "unit", tmp_path / "jobs.sqlite")
    assert isinstance(queue, RedisHuey) and queue.name == "unit"


def test_an_unsupported_url_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no supported queue store") as refused:
        build_huey("amqp://broker/", "q", tmp_path / "jobs.sqlite")
    assert refused.value.hint is not None and "redis://" in refused.value.hint


def test_a_plugin_that_cannot_be_imported_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="no_such_plugin_module"):
        HookRegistry(["no_such_plugin_module"], entry_points=False)

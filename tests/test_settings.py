"""Settings: one object, built once from arguments, environment and portintel.toml."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from portintel.errors import ConfigurationError
from portintel.settings import Settings, load_settings


def test_defaults_put_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.data_dir == tmp_path
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'portintel.sqlite'}"


def test_toml_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "portintel.toml").write_text(
        'node_id = "piu-ranong"\ncountry = "th"\ngrading_scheme = "europol"\n', encoding="utf-8"
    )
    monkeypatch.setenv("PORTINTEL_GRADING_SCHEME", "uk-3x5x2")
    settings = load_settings(tmp_path)
    assert settings.node_id == "piu-ranong"
    assert settings.country == "TH"
    assert settings.grading_scheme == "uk-3x5x2"


def test_data_dir_argument_beats_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTINTEL_DATA_DIR", str(tmp_path / "from-env"))
    assert load_settings(tmp_path / "from-arg").data_dir == tmp_path / "from-arg"
    assert load_settings().data_dir == tmp_path / "from-env"


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "portintel.toml").write_text("node_id = \n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"portintel\.toml is not valid TOML"):
        load_settings(tmp_path)


def test_unknown_setting_is_refused(tmp_path: Path) -> None:
    (tmp_path / "portintel.toml").write_text('colour = "blue"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="colour"):
        load_settings(tmp_path)


def test_bad_country_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="country"):
        load_settings(tmp_path, country="Cambodia")


def test_secret_key_is_gone_and_an_old_file_naming_it_still_loads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing signs with a node secret (sessions are random ids stored hashed): no setting."""
    assert "secret_key" not in Settings.model_fields
    with pytest.raises(ValueError, match="secret_key"):
        Settings(secret_key="very-secret-value")  # type: ignore[call-arg]
    (tmp_path / "portintel.toml").write_text('secret_key = "k3y-of-old"\nnode_name = "piu-kh"\n')
    with caplog.at_level(logging.WARNING, logger="portintel.settings"):
        settings = load_settings(tmp_path)
    assert settings.node_name == "piu-kh"
    assert "no longer uses" in caplog.text and "k3y-of-old" not in caplog.text


def test_database_password_is_hidden_in_labels() -> None:
    from portintel.adapters.database.engine import engine_label

    assert (
        engine_label("postgresql://piu:hunter2@db:5432/piu") == "postgresql://piu:***@db:5432/piu"
    )

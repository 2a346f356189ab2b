"""The English catalog is complete, and catalogs compile (build step and in-memory fallback)."""

from __future__ import annotations

from pathlib import Path

from portintel.domain.languages import LANGUAGES
from portintel.web.catalogs import (
    TRANSLATIONS_DIR,
    compile_catalogs,
    extract_messages,
    load_translations,
    read_catalog,
)


def test_english_catalog_translates_every_message() -> None:
    english = read_catalog("en")
    missing = [
        message.id
        for message in extract_messages()
        if message.id and not (english.get(message.id) and english.get(message.id).string)
    ]
    assert missing == [], "run `python -m portintel.web.catalogs` to update the catalog"


def test_catalogs_compile_to_mo_files(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(TRANSLATIONS_DIR, tmp_path / "translations")
    written = compile_catalogs(tmp_path / "translations")
    assert sorted(path.parent.parent.name for path in written) == sorted(LANGUAGES)
    assert {path.name for path in written} == {"messages.mo"}
    assert all(path.stat().st_size > 100 for path in written)


def test_translations_load_without_a_compiled_file() -> None:
    translations = load_translations("en")
    assert translations.gettext("Log in") == "Log in"

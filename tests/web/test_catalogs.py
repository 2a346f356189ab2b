"""The English catalog is complete, and catalogs compile (build step and in-memory fallback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

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


def _write_catalog(path: Path, locale: str, translated: dict[str, str]) -> None:
    catalog = Catalog(locale=locale, project="portintel", domain="messages")
    for message_id, string in translated.items():
        catalog.add(message_id, string, user_comments=["not reviewed by a native speaker"])
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


def test_a_new_message_comes_out_empty_outside_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """English translates a new message by itself; every other language gets it empty (so the
    completeness test names it), never an English copy that passes for a translation."""
    from portintel.web import catalogs

    _write_catalog(tmp_path / "en/LC_MESSAGES/messages.po", "en", {"Log in": "Log in"})
    for locale, login in (("id", "Masuk"), ("km", "ចូល"), ("th", "เข้าสู่ระบบ")):
        _write_catalog(tmp_path / f"{locale}/LC_MESSAGES/messages.po", locale, {"Log in": login})
    template = Catalog(project="portintel", domain="messages")
    template.add("Log in", None, [("templates/login.html", 1)])
    template.add("Public tip", None, [("templates/tips.html", 2)])
    template.add(("%(num)d tip", "%(num)d tips"), None, [("templates/tips.html", 3)])
    monkeypatch.setattr(catalogs, "TRANSLATIONS_DIR", tmp_path)
    monkeypatch.setattr(catalogs, "extract_messages", lambda: template)

    catalogs.update_catalogs()

    english = catalogs.read_catalog("en")
    assert english["Public tip"].string == "Public tip"
    assert english["%(num)d tip"].string == ("%(num)d tip", "%(num)d tips")
    for locale, login in (("id", "Masuk"), ("km", "ចូល"), ("th", "เข้าสู่ระบบ")):
        catalog = catalogs.read_catalog(locale)
        assert catalog["Log in"].string == login, locale  # what was translated stays
        assert catalog["Public tip"].string == "", locale
        assert not any(catalog["%(num)d tip"].string), locale
    assert not template["Public tip"].string  # the extracted template is left as it was

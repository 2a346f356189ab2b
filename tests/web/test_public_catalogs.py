"""The public page's catalogs are complete in every language it offers, and marked unreviewed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from portintel.domain.tips import LANGUAGE_CODES
from portintel.web.public.languages import (
    UNREVIEWED,
    environment,
    extract_messages,
    read_catalog,
)

PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.mark.parametrize("locale", LANGUAGE_CODES)
def test_every_public_message_is_translated(locale: str) -> None:
    catalog = read_catalog(locale)
    for message in extract_messages():
        if not message.id:
            continue
        translated = catalog.get(message.id)
        assert translated is not None and translated.string, (
            f"{locale}: {message.id!r} untranslated; run `python -m portintel.web.public.languages`"
        )
        # every placeholder survives translation, or the page would fail to render
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
            PLACEHOLDER.findall(translated.string)
        ), (locale, message.id)
        if locale != "en":
            assert UNREVIEWED in translated.user_comments, (locale, message.id)
            assert translated.string != message.id, (locale, message.id)


@pytest.mark.parametrize("locale", LANGUAGE_CODES)
def test_the_public_templates_render_in_every_language(locale: str) -> None:
    template = environment(locale).get_template("tip_sent.html")
    html = template.render(language=locale, languages=(), node_name="PIU")
    assert f'<html lang="{locale}">' in html


def test_a_new_public_message_comes_out_empty_outside_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """English translates a new message by itself; the other languages get it empty and
    marked unreviewed, never an English copy that passes for a translation."""
    from portintel.web.public import languages

    template = Catalog(project="portintel-public", domain="public")
    template.add("Send the tip", None, [("templates/tip_form.html", 1)])
    monkeypatch.setattr(languages, "TRANSLATIONS_DIR", tmp_path)
    monkeypatch.setattr(languages, "LANGUAGE_CODES", ("en", "km", "th", "id", "my"))
    monkeypatch.setattr(languages, "extract_messages", lambda: template)

    languages.update_catalogs()

    english = languages.read_catalog("en")["Send the tip"]
    assert english.string == "Send the tip"
    assert UNREVIEWED not in english.user_comments
    for locale in ("km", "th", "id", "my"):
        message = languages.read_catalog(locale)["Send the tip"]
        assert message.string == "", locale
        assert UNREVIEWED in message.user_comments, locale

"""The public page's own catalogs: English, Khmer, Thai, Bahasa Indonesia and Burmese.

The tip page and the leaflet speak to the public, in the languages of the
people who see the boats (``domain.tips.LANGUAGES``), which are not all the
workspace's. Their few strings live in a catalog of their own (gettext
domain ``public``, ``public/translations/<locale>/LC_MESSAGES/public.po``)
so that the page is complete in every one of its languages whatever the
workspace's catalogs hold; the templates use ``_()`` like every page.

The translations were written without a native speaker's review: each
catalog says so in its header and on every entry ("not reviewed by a native
speaker"), until a speaker of the language has read it and removes the mark.

Maintainers refresh the catalogs after changing the public templates with
``python -m portintel.web.public.languages``; a test fails while any message
is untranslated in any of the languages.
"""

from __future__ import annotations

import copy
import io
import sys
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from portintel.domain.tips import LANGUAGE_CODES

PUBLIC_DIR = Path(__file__).parent
TEMPLATES_DIR = PUBLIC_DIR / "templates"
TRANSLATIONS_DIR = PUBLIC_DIR / "translations"
DOMAIN = "public"
UNREVIEWED = "not reviewed by a native speaker"
"""The mark a machine or non-native translation carries until a native speaker has read it."""


def _po_path(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str) -> Catalog:
    with _po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def load_translations(locale: str) -> Translations:
    """The compiled catalog of ``locale`` (the ``.po`` compiled in memory)."""
    catalog = read_catalog(locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def environment(locale: str) -> Environment:
    """The public templates in ``locale``: autoescape on, gettext from the public catalog."""
    built = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    built.install_gettext_translations(load_translations(locale), newstyle=True)  # type: ignore[attr-defined]
    return built


def extract_messages() -> Catalog:
    """Every message of the public templates."""
    catalog = Catalog(project="portintel-public", domain=DOMAIN)
    method_map = [("templates/**.html", "jinja2.ext:babel_extract")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PUBLIC_DIR), method_map, options
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update_catalogs() -> None:
    """Merge the extracted messages into every language's catalog (English translates itself;
    in the other languages a new message comes out empty and marked unreviewed).

    Each language merges its own copy of the template: Babel's ``Catalog.update`` adds a new
    message as the template's own ``Message`` object, so filling English in place would
    otherwise give the English text to every language merged after it."""
    template = extract_messages()
    for locale in LANGUAGE_CODES:
        path = _po_path(locale)
        catalog = read_catalog(locale) if path.exists() else Catalog(locale=locale, domain=DOMAIN)
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.fuzzy = False
        catalog.project = "portintel-public"
        catalog.version = "1"
        for message in catalog:
            if not message.id:
                continue
            if locale == "en" and not message.string:
                message.string = message.id
            if locale != "en" and UNREVIEWED not in message.user_comments:
                message.user_comments.append(UNREVIEWED)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)


if __name__ == "__main__":  # pragma: no cover - maintainer command
    update_catalogs()
    sys.stdout.write(f"updated public catalogs: {', '.join(LANGUAGE_CODES)}\n")

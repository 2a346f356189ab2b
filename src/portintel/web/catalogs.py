"""Message catalogs (Babel/gettext) of the web face.

Catalogs live as ``translations/<locale>/LC_MESSAGES/messages.po`` in the
package. The build compiles them to ``.mo`` (see ``setup.py``); when the
``.mo`` is missing, as in an editable install or a fresh clone, the ``.po``
is compiled in memory at start-up, so pages are translated either way.

Maintainers refresh the catalog after changing strings with
``python -m portintel.web.catalogs`` (extracts from templates and Python,
merges into every ``.po``); a test fails while any message is untranslated
in the English catalog.
"""

from __future__ import annotations

import copy
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations

from portintel.errors import ConfigurationError

WEB_DIR = Path(__file__).parent
PACKAGE_DIR = WEB_DIR.parent
INDICATORS_DIR = WEB_DIR.parent / "vocabularies" / "indicators"
"""The shipped indicator sets: their descriptions are what officers read as reasons."""
TRANSLATIONS_DIR = WEB_DIR / "translations"
DOMAIN = "messages"
DEFAULT_LOCALE = "en"
METHOD_MAP = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
LABEL_METHOD_MAP = [("domain/**.py", "python"), ("services/**.py", "python")]
"""Labels defined below the web face, marked with ``domain.languages.N_`` (a task's status,
a home page panel's title): pages translate them where they show them."""
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def available_locales() -> tuple[str, ...]:
    return tuple(
        sorted(
            path.parent.parent.name for path in TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
        )
    )


def _po_path(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(locale: str = DEFAULT_LOCALE) -> NullTranslations:
    """The translations of ``locale``: the compiled ``.mo``, else the ``.po`` compiled now."""
    po_path = _po_path(locale)
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as handle:
            return Translations(fp=handle, domain=DOMAIN)
    if not po_path.exists():
        raise ConfigurationError(
            f"no message catalog for locale {locale!r} at {po_path}",
            hint=f"available locales: {', '.join(available_locales()) or 'none'}",
        )
    return Translations(fp=io.BytesIO(compile_po(po_path)), domain=DOMAIN)


def compile_po(po_path: Path) -> bytes:
    """The ``.mo`` bytes of one ``.po`` file."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogs(directory: Path) -> list[Path]:
    """Compile every ``.po`` under ``directory`` to its ``.mo`` beside it (build step)."""
    written = []
    for po_path in sorted(directory.rglob(f"{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        mo_path.write_bytes(compile_po(po_path))
        written.append(mo_path)
    return written


def extract_messages() -> Catalog:
    """Every translatable message in the templates and Python modules of the web face, and
    followthemoney's labels of entity types and properties (pages show them through
    ``_()``: "IMO Number", "Owner", never ``imoNumber``)."""
    from portintel.domain.entity_labels import every_label

    catalog = Catalog(project="portintel", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(WEB_DIR), METHOD_MAP, OPTIONS_MAP
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(PACKAGE_DIR), LABEL_METHOD_MAP, keywords={"N_": None}
    ):
        if message not in catalog:
            catalog.add(message, None, [(f"../{filename}", lineno)], auto_comments=comments)
    for message, location in indicator_messages():
        catalog.add(message, None, [location], auto_comments=["a reason for a risk score"])
    for message, location in vocabulary_messages():
        if message not in catalog:
            catalog.add(message, None, [location], auto_comments=["a grading or handling label"])
    for label in every_label():
        if label not in catalog:
            catalog.add(label, None, [("followthemoney", 0)], auto_comments=["followthemoney"])
    return catalog


def indicator_messages() -> list[tuple[str, tuple[str, int]]]:
    """The description of every shipped indicator, with its file and line."""
    from portintel.domain.targeting import parse_indicator_set

    found: list[tuple[str, tuple[str, int]]] = []
    for path in sorted(INDICATORS_DIR.glob("*.yaml")):
        indicators = parse_indicator_set(path.read_text(encoding="utf-8"), source=path.name)
        relative = f"../vocabularies/indicators/{path.name}"
        found.extend((i.description, (relative, i.line)) for i in indicators.indicators)
    return found


def vocabulary_messages() -> list[tuple[str, tuple[str, int]]]:
    """The names, titles, labels and definitions of the grading schemes and handling codes:
    pages show them through ``_()`` (a grade's definition in the reader's language)."""
    from portintel.adapters.vocabularies import load_grading_schemes, load_handling

    found: list[tuple[str, tuple[str, int]]] = []
    grading_file = ("../vocabularies/grading.yaml", 0)
    for scheme_id in load_grading_schemes().ids:
        scheme = load_grading_schemes().get(scheme_id)
        found.extend(
            (text, grading_file)
            for text in (scheme.name, scheme.reliability_title, scheme.credibility_title)
        )
        for grade in (*scheme.reliability, *scheme.credibility):
            found.extend(((grade.label, grading_file), (grade.definition, grading_file)))
    handling_file = ("../vocabularies/handling.yaml", 0)
    handling = load_handling()
    for vocabulary_id in handling.ids:
        found.append((handling.vocabulary(vocabulary_id).name, handling_file))
        for code in handling.codes(vocabulary_id):
            found.extend(((code.label, handling_file), (code.definition, handling_file)))
    return found


def read_catalog(locale: str) -> Catalog:
    with _po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def update_catalogs() -> None:
    """Merge freshly extracted messages into every locale's ``.po``.

    In the English catalog a new message is translated by itself (msgstr =
    msgid), so English stays complete; other locales get empty entries, which
    the completeness test names until someone translates them.

    Each locale merges its own copy of the template: Babel's ``Catalog.update``
    puts a new message into the catalog as the template's very ``Message``
    object, so filling English in place would otherwise hand the English text
    to every locale merged after it (an English copy that looks translated).
    """
    template = extract_messages()
    for locale in available_locales() or (DEFAULT_LOCALE,):
        path = _po_path(locale)
        if path.exists():
            catalog = read_catalog(locale)
        else:
            catalog = Catalog(locale=locale, project="portintel", domain=DOMAIN)
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.fuzzy = False
        catalog.project = "portintel"
        catalog.version = "1"
        if locale == DEFAULT_LOCALE:
            for message in catalog:
                if isinstance(message.id, tuple):
                    if not isinstance(message.string, tuple) or not all(message.string):
                        message.string = message.id  # singular and plural, as written
                elif message.id and not message.string:
                    message.string = message.id
                message.flags.discard("fuzzy")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)


if __name__ == "__main__":  # pragma: no cover - maintainer command
    update_catalogs()
    sys.stdout.write(f"updated catalogs: {', '.join(available_locales())}\n")

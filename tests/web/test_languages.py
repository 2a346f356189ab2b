"""The unit's languages and time (#15 item 6): complete catalogs for every language shipped,
placeholders and tags kept, a language and time zone chosen per user, pages without English
fallbacks, times shown in the reader's zone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from babel.messages.catalog import Message
from fastapi import FastAPI
from fastapi.testclient import TestClient

from portintel.domain.actors import Role
from portintel.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from portintel.services import admin
from portintel.settings import Settings
from portintel.web import create_app
from portintel.web.catalogs import available_locales, extract_messages, read_catalog
from portintel.web.templating import format_moment, negotiate_language, offered_languages
from tests.web.conftest import Person

TRANSLATED = sorted(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sdr]|%[sd]|\{[A-Za-z_]*\}|</?[A-Za-z][^>]*>")
NOT_REVIEWED = "not reviewed by a native speaker"


SAME_IN_EVERY_LANGUAGE = frozenset({"GeoJSON", "GraphML", "PermID", "Europol 4x4", "UK 3x5x2"})
"""Names written the same in every language (file formats, an identifier scheme, the names of
grading schemes), beside codes (see ``_is_code``)."""
SAME_IN_LANGUAGE: dict[str, frozenset[str]] = {
    "id": frozenset(
        {
            "Admiralty / NATO",
            "Alias",
            "Audio",
            "Audit",
            "Bank",
            "Checksum",
            "Folder",
            "Metadata",
            "Model",
            "Operator",
            "Program",
            "Status",
            "Traffic Light Protocol 2.0",
            "Video",
        }
    ),
}
"""Words that really are the same in that language (Indonesian borrows them as written)."""


def _ids(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[-1]


def _is_code(text: str) -> bool:
    """An acronym, code, number or placeholder: no lowercase letter once placeholders and tags
    are taken out ("PDF", "MMSI", "TLP:CLEAR", "SWIFT/BIC", "%(num)d")."""
    return not re.search(r"[a-z]", PLACEHOLDER.sub("", text))


def _may_stay_english(locale: str, text: str) -> bool:
    return (
        _is_code(text)
        or text in SAME_IN_EVERY_LANGUAGE
        or text in SAME_IN_LANGUAGE.get(locale, frozenset())
    )


def _untranslated(locale: str, found: Message | None) -> bool:
    """Missing, empty, fuzzy, or (outside English) a copy of the English it should translate."""
    if found is None or "fuzzy" in found.flags:
        return True
    strings = (found.string,) if isinstance(found.string, str) else tuple(found.string)
    if not strings or not all(strings):
        return True
    if locale == DEFAULT_LANGUAGE:
        return False
    sources = (found.id,) if isinstance(found.id, str) else tuple(found.id)
    return any(string in sources and not _may_stay_english(locale, string) for string in strings)


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
def test_every_shipped_language_has_a_complete_catalog(locale: str) -> None:
    """Each language offered translates every message the templates, code and vocabularies
    have (run ``python -m portintel.web.catalogs`` after changing strings, then translate).
    A translation identical to its English source counts as untranslated, except for codes
    and the few words listed as the same in that language."""
    assert locale in available_locales()
    catalog = read_catalog(locale)
    missing = [
        _ids(message.id)
        for message in extract_messages()
        if message.id and _untranslated(locale, catalog.get(message.id))
    ]
    assert missing == [], f"{locale}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_an_english_copy_counts_as_untranslated() -> None:
    copied = Message("Public tip", "Public tip")
    assert _untranslated("km", copied)
    assert not _untranslated("en", copied)
    assert not _untranslated("km", Message("Public tip", "ព័ត៌មានសម្ងាត់ពីសាធារណជន"))
    assert _untranslated("th", Message(("%(num)d tip", "%(num)d tips"), ("%(num)d tips",)))
    assert _untranslated("id", Message("Tips", ""))
    assert _untranslated("id", Message("Tips", "Petunjuk", flags=["fuzzy"]))
    assert not _untranslated("th", Message("MMSI", "MMSI"))
    assert not _untranslated("th", Message("TLP:CLEAR", "TLP:CLEAR"))
    assert not _untranslated("th", Message("GeoJSON", "GeoJSON"))
    assert not _untranslated("id", Message("Status", "Status"))
    assert _untranslated("km", Message("Status", "Status"))  # only where the word is the same


def test_only_complete_languages_are_offered() -> None:
    assert offered_languages() == LANGUAGES


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_the_placeholders_and_tags_of_their_source(locale: str) -> None:
    wrong = []
    for message in read_catalog(locale):
        if not message.id or not message.string:
            continue
        source = _ids(message.id)
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != sorted(PLACEHOLDER.findall(source)):
                wrong.append((source, string))
    assert wrong == []


@pytest.mark.parametrize("locale", TRANSLATED)
def test_unreviewed_translations_are_marked_in_the_catalog(locale: str) -> None:
    """The header says so, and each entry carries the comment gettext tools keep."""
    catalog = read_catalog(locale)
    assert catalog.last_translator is not None and NOT_REVIEWED in catalog.last_translator
    assert NOT_REVIEWED.upper() in (catalog.header_comment or "").upper()
    marked = [m for m in catalog if m.id and NOT_REVIEWED in m.user_comments]
    assert marked, "entries not yet reviewed carry the translator comment"


def test_grading_definitions_are_translated_in_each_language() -> None:
    definition = (
        "No doubt of authenticity, trustworthiness or competency; "
        "the source has a history of complete reliability."
    )
    for locale in TRANSLATED:
        catalog = read_catalog(locale)
        for message_id in (definition, "Completely reliable", "Lawful sharing permitted"):
            found = catalog.get(message_id)
            assert found is not None and found.string and found.string != message_id


def test_the_browser_language_is_used_before_login() -> None:
    assert negotiate_language("km-KH,km;q=0.9,en;q=0.5") == "km"
    assert negotiate_language("fr-FR, th;q=0.8, en;q=0.7") == "th"
    assert negotiate_language("en;q=0.4, id;q=0.9") == "id"
    assert negotiate_language("in") == "id"
    assert negotiate_language("de, fr") == "en"
    assert negotiate_language("th;q=0, en") == "en"
    assert negotiate_language(None) == "en"


def test_login_page_speaks_the_browser_language(client: TestClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "th-TH,th;q=0.9"})
    assert '<html lang="th">' in page.text
    assert "เข้าสู่ระบบ" in page.text
    english = client.get("/login", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in english.text


def test_times_are_shown_in_the_chosen_zone_with_the_zone() -> None:
    moment = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    assert format_moment(moment, "en", "UTC") == "Nov 29, 2026 14:05 UTC"
    assert format_moment(moment, "en", "Asia/Phnom_Penh") == "Nov 29, 2026 21:05 UTC+7"
    assert format_moment(moment, "id", "Asia/Makassar") == "29 Nov 2026 22:05 UTC+8"
    assert format_moment(moment, "km", "Asia/Phnom_Penh").endswith("2026 21:05 UTC+7")
    assert "พ.ย." in format_moment(moment, "th", "Asia/Bangkok")
    assert format_moment(datetime(2026, 1, 1, 3, 0), "en", "Asia/Kolkata").endswith(
        "08:30 UTC+5:30"
    )


def test_a_user_chooses_language_and_zone_and_every_page_follows(
    person: Callable[..., Person],
) -> None:
    olga = person("olga", "officer")
    olga.form("/account/tokens", {"name": "laptop"})
    saved = olga.form("/account/preferences", {"locale": "km", "time_zone": "Asia/Bangkok"})
    assert saved.status_code == 200
    assert '<html lang="km">' in saved.text
    assert "ភាសា និងល្វែងម៉ោងរបស់អ្នកត្រូវបានរក្សាទុក។" in saved.text  # the saved notice
    account = olga.client.get("/account", headers={"Accept-Language": "th"})
    assert '<html lang="km">' in account.text  # the choice wins over the browser
    assert "UTC+7" in account.text  # the token's creation time, in the chosen zone
    assert '<option value="Asia/Bangkok" selected>' in account.text
    home = olga.client.get("/")
    assert '<html lang="km">' in home.text and "ទំព័រដើម" in home.text
    back = olga.form("/account/preferences", {"locale": "", "time_zone": ""})
    assert '<html lang="en">' in back.text
    assert "UTC+7" not in olga.client.get("/account").text


def test_preferences_refuse_unknown_values_and_keep_the_old_ones(
    person: Callable[..., Person],
) -> None:
    olga = person("olga", "officer")
    refused = olga.form("/account/preferences", {"locale": "xx", "time_zone": "Asia/Bangkok"})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    refused = olga.form("/account/preferences", {"locale": "th", "time_zone": "Mars/Base"})
    assert refused.status_code == 422 and "Asia/Phnom_Penh" in refused.text
    assert '<html lang="en">' in olga.client.get("/account").text


def test_the_node_time_zone_is_the_default(settings: Settings) -> None:
    node = settings.model_copy(update={"time_zone": "Asia/Jakarta"})
    app = create_app(node)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        admin.ensure_agencies(app.state.workspace)
        from tests.web.conftest import log_in, make_user

        make_user(app.state.workspace, "olga", "officer")
        olga = log_in(app, "olga")
        olga.form("/account/tokens", {"name": "laptop"})
        page = olga.client.get("/account")
        assert "UTC+7" in page.text
        assert "Asia/Jakarta" in page.text  # the default option names the node's zone
        assert client.get("/login").status_code == 200


def test_a_time_zone_setting_must_be_a_real_zone(settings: Settings) -> None:
    with pytest.raises(ValueError, match="Asia/Phnom_Penh"):
        Settings(data_dir=settings.data_dir, time_zone="Asia/Atlantis")


class _Text(HTMLParser):
    """The visible text nodes and the labels people read in attributes."""

    ATTRIBUTES = ("title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _english_fallbacks(html: str, translated: dict[str, str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return sorted({text for text in parser.texts if text in translated})


NAV = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/[^"#?]*)"')


@pytest.mark.parametrize("locale", ["km", "th"])
def test_pages_of_every_role_show_no_english_where_a_translation_exists(
    app: FastAPI, person: Callable[..., Person], locale: str
) -> None:
    catalog = read_catalog(locale)
    translated = {
        message.id: message.string
        for message in catalog
        if isinstance(message.id, str)
        and isinstance(message.string, str)
        and message.string
        and message.string != message.id
        and re.search(r"[A-Za-z]{3}", message.id)
        and "%" not in message.id
        and "{" not in message.id
    }
    for role in Role:
        reader = person(f"reader-{role.value.replace('_', '-')}", role.value)
        assert reader.form("/account/preferences", {"locale": locale}).status_code == 200
        home = reader.client.get("/")
        nav = NAV.search(home.text)
        paths = {"/", "/account", *(HREF.findall(nav[1]) if nav else [])}
        for path in sorted(paths):
            page = reader.client.get(path)
            if page.status_code != 200 or "text/html" not in page.headers["content-type"]:
                continue
            assert f'<html lang="{locale}">' in page.text, path
            leftovers = _english_fallbacks(page.text, translated)
            assert leftovers == [], f"{role.value} {path}: {leftovers}"


def test_labels_defined_below_the_web_face_are_extracted() -> None:
    """A task's kind and status, a home panel's title and a job's state are defined in
    ``domain`` and ``services`` (marked ``N_``): the catalogs carry them, so pages can
    translate them."""
    extracted = extract_messages()
    for label in ("Request for information", "Cancelled", "My drafts", "Waiting to retry"):
        assert label in extracted, label


def test_the_home_page_panels_speak_the_chosen_language(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer")
    olga.form("/account/preferences", {"locale": "km"})
    home = olga.client.get("/")
    assert "សេចក្តីព្រាងរបស់ខ្ញុំ" in home.text  # "My drafts"
    assert "My drafts" not in home.text and "No drafts." not in home.text

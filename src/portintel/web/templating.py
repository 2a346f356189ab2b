"""Jinja2 templates with autoescaping and gettext, one environment per language.

Each page renders in the reader's language: the one chosen on the account page,
else the best match of the browser's ``Accept-Language`` among the languages
offered, else English. Times are stored in UTC and shown in the reader's time
zone (their own choice, else the node's ``time_zone`` setting) with the zone
written beside them; dates and numbers are formatted for the language by Babel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from portintel.domain.actors import Actor
from portintel.domain.entity_labels import property_label, schema_label
from portintel.domain.languages import DEFAULT_LANGUAGE, LANGUAGES
from portintel.web.catalogs import load_translations

TEMPLATES_DIR = Path(__file__).parent / "templates"


def offered_languages() -> dict[str, str]:
    """The languages a reader may choose: every listed one whose catalog ships."""
    from portintel.web.catalogs import available_locales

    shipped = set(available_locales())
    return {code: name for code, name in LANGUAGES.items() if code in shipped}


def negotiate_language(accept_language: str | None) -> str:
    """The best offered language for an ``Accept-Language`` header (English if none fits)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    wanted: list[tuple[float, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            wanted.append((-quality, f"{position:03d}{tag.strip()}"))
    preferred = [tag[3:].replace("_", "-") for _, tag in sorted(wanted)]
    offered = offered_languages()
    for tag in preferred:
        primary = tag.split("-")[0].lower()
        if primary == "in":  # the old code of Bahasa Indonesia
            primary = "id"
        if primary in offered:
            return primary
    return DEFAULT_LANGUAGE


def zone_label(moment: datetime) -> str:
    """The zone of a shown time as its offset from UTC: ``UTC``, ``UTC+7``, ``UTC+5:30``."""
    offset = moment.utcoffset()
    if offset is None or not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_moment(value: datetime | None, locale: str, time_zone: str) -> str:
    """A stored (UTC) time in ``time_zone``, written for ``locale``, with the zone beside it."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(ZoneInfo(time_zone))
    babel_locale = _babel_locale(locale)
    day = format_date(local, "medium", locale=babel_locale)
    return f"{day} {format_time(local, 'HH:mm', locale=babel_locale)} {zone_label(local)}"


def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


def reader_time_zone(request: Request) -> str:
    """The reader's own time zone, else the node's."""
    principal = getattr(request.state, "principal", None)
    if principal is not None and principal.preferences.time_zone:
        return str(principal.preferences.time_zone)
    return str(request.app.state.settings.time_zone)


def reader_language(request: Request) -> str:
    """The reader's chosen language, else the browser's best offered one, else English."""
    principal = getattr(request.state, "principal", None)
    if principal is not None and principal.preferences.locale in offered_languages():
        return str(principal.preferences.locale)
    return negotiate_language(request.headers.get("accept-language"))


_READER_TIME_ZONE: ContextVar[str] = ContextVar("reader_time_zone", default="UTC")
"""The zone of the page being rendered (set by :func:`render`; macros see it too)."""


def _filters(locale: str) -> dict[str, Callable[[Any], str]]:
    """The formatting filters of one language's environment."""

    def time(value: datetime | None) -> str:
        return format_moment(value, locale, _READER_TIME_ZONE.get())

    def day(value: date | None) -> str:
        return "" if value is None else format_date(value, "medium", locale=_babel_locale(locale))

    def number(value: float | None) -> str:
        return "" if value is None else format_decimal(value, locale=_babel_locale(locale))

    return {"time": time, "day": day, "number": number}


def N_(message: str) -> str:
    """gettext's marker: the message is extracted from here and translated where shown."""
    return message


SOURCE_KIND_LABELS = {
    "informant": N_("Registered informant"),
    "officer": N_("Officer's own observation"),
    "ais_receiver": N_("AIS receiver"),
    "partner_node": N_("Partner node"),
    "open_source": N_("Open source"),
    "public_tip": N_("Public tip"),
}
"""What pages call each kind of source (``services.intake.sources.SourceKind``)."""


@pass_context
def _source_kind(context: Context, kind: str) -> str:
    """A source kind's label in the page's language (the code itself if unknown)."""
    label = SOURCE_KIND_LABELS.get(kind)
    if label is None:
        return kind
    return str(context.resolve("gettext")(context, label))


def _may_see_picture(actor: Actor | None) -> bool:
    """Whether the nav offers the map (the maritime service decides; imported on first use)."""
    from portintel.services.maritime import may_see_picture

    return actor is not None and may_see_picture(actor)


def _may_share(actor: Actor | None) -> bool:
    """Whether the nav offers sharing (the sharing service checks again on every call)."""
    from portintel.domain.access import may_work_with_intelligence

    return actor is not None and may_work_with_intelligence(actor)


def build_environment(locale: str = "en") -> Environment:
    """The template environment: autoescape on every template, gettext installed."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(load_translations(locale), newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(_filters(locale))
    environment.globals["language"] = locale
    environment.filters["schema_label"] = schema_label
    environment.filters["prop_label"] = property_label
    environment.filters["source_kind"] = _source_kind
    environment.globals["may_see_picture"] = _may_see_picture
    environment.globals["may_share"] = _may_share
    return environment


def environment_for(request: Request, locale: str) -> Environment:
    """The application's environment for ``locale``, built on first use."""
    environments: dict[str, Environment] = request.app.state.template_environments
    if locale not in environments:
        environments[locale] = build_environment(locale)
    return environments[locale]


def _unread(request: Request, principal: Any) -> int:
    """The bell's count: the unread notifications of the person logged in (0 for nobody)."""
    from portintel.services import notices

    workspace = getattr(request.app.state, "workspace", None)
    if principal is None or workspace is None:
        return 0
    return notices.unread_count(workspace, principal.actor)


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the request's principal and CSRF token in the context."""
    environment = environment_for(request, reader_language(request))
    principal = getattr(request.state, "principal", None)
    time_zone = reader_time_zone(request)
    base = {
        "locale": environment.globals["language"],
        "time_zone": time_zone,
        "request": request,
        "principal": principal,
        "actor": principal.actor if principal is not None else None,
        "csrf_token": principal.csrf_token if principal is not None else "",
        "node_name": request.app.state.settings.node_name,
        "unread_notifications": _unread(request, principal),
    }
    html = render_in_zone(environment, template, time_zone, {**base, **(context or {})})
    return HTMLResponse(html, status_code=status_code)


def render_in_zone(
    environment: Environment, template: str, time_zone: str, context: Mapping[str, Any]
) -> str:
    """Render ``template`` with its times shown in ``time_zone``."""
    token = _READER_TIME_ZONE.set(time_zone)
    try:
        return environment.get_template(template).render(context)
    finally:
        _READER_TIME_ZONE.reset(token)

"""Jinja2 templates with autoescaping and gettext, built once per application."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from portintel.domain.actors import Actor
from portintel.domain.entity_labels import property_label, schema_label
from portintel.web.catalogs import load_translations

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M UTC")


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
    environment.filters["time"] = _format_time
    environment.filters["schema_label"] = schema_label
    environment.filters["prop_label"] = property_label
    environment.globals["may_see_picture"] = _may_see_picture
    environment.globals["may_share"] = _may_share
    return environment


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
    environment: Environment = request.app.state.templates
    principal = getattr(request.state, "principal", None)
    base = {
        "request": request,
        "principal": principal,
        "actor": principal.actor if principal is not None else None,
        "csrf_token": principal.csrf_token if principal is not None else "",
        "node_name": request.app.state.settings.node_name,
        "unread_notifications": _unread(request, principal),
    }
    html = environment.get_template(template).render({**base, **(context or {})})
    return HTMLResponse(html, status_code=status_code)

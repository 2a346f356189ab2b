"""The tip page: ``GET /tip`` shows the form, ``POST /tip`` sends a tip.

Nothing here knows about sessions: no dependency reads the session cookie,
no response sets one, and the pages link only to themselves and to static
files. A refused tip comes back in the form as typed, in the tipster's
language, with what to do next (and ``Retry-After`` when the address must
wait). The body is limited before it is read (``request_limits``).
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.tips import (
    CONTACT_MAX_CHARS,
    LANGUAGES,
    TEXT_MAX_CHARS,
    ChallengeFailed,
    negotiate_language,
)
from portintel.errors import Conflict, InvalidInput, RateLimited
from portintel.services.intake import tips
from portintel.services.workspace import Workspace
from portintel.web.authentication import workspace_of
from portintel.web.public.languages import environment

PREFIX = "/tip"
router = APIRouter()


def _render(
    request: Request,
    language: str,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    html = (
        environment(language)
        .get_template(template)
        .render(
            {
                "language": language,
                "languages": LANGUAGES,
                "node_name": request.app.state.settings.node_name,
                **context,
            }
        )
    )
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["content-language"] = language
    return response


def _form(
    request: Request,
    ws: Workspace,
    language: str,
    *,
    text: str = "",
    contact: str = "",
    problem: str | None = None,
    wait_seconds: int = 0,
    status: int = 200,
) -> HTMLResponse:
    headers = {"Retry-After": str(wait_seconds)} if wait_seconds else None
    context = {
        "challenge": tips.new_challenge(ws),
        "text": text,
        "contact": contact,
        "problem": problem,
        "wait_minutes": max(1, math.ceil(wait_seconds / 60)),
        "text_limit": TEXT_MAX_CHARS,
        "contact_limit": CONTACT_MAX_CHARS,
    }
    return _render(request, language, "tip_form.html", context, status=status, headers=headers)


@router.get(PREFIX)
async def tip_form(
    request: Request, lang: str | None = None, ws: Workspace = Depends(workspace_of)
) -> Response:
    language = negotiate_language(lang, request.headers.get("accept-language", ""))
    return await run_in_threadpool(_form, request, ws, language)


@router.post(PREFIX)
async def send_tip(
    request: Request,
    text: str = Form("", max_length=4 * TEXT_MAX_CHARS),
    contact: str = Form("", max_length=4 * CONTACT_MAX_CHARS),
    lang: str = Form("", max_length=8),
    challenge: str = Form("", max_length=200),
    counter: str = Form("", max_length=32),
    answer: str = Form("", max_length=32),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    language = negotiate_language(lang, request.headers.get("accept-language", ""))
    address = request.client.host if request.client else "unknown"

    def work() -> Response:
        def again(problem: str, status: int, wait: int = 0) -> Response:
            """The form as typed, a fresh challenge, and what went wrong."""
            return _form(
                request,
                ws,
                language,
                text=text,
                contact=contact,
                problem=problem,
                wait_seconds=wait,
                status=status,
            )

        try:
            tips.receive_tip(
                ws,
                address=address,
                text=text,
                contact=contact,
                language=language,
                token=challenge,
                counter=counter,
                answer=answer,
            )
        except RateLimited as exc:
            return again("rate_limited", 429, exc.retry_after_seconds)
        except ChallengeFailed as exc:
            return again(exc.problem.value, 422)
        except Conflict:
            return again("used", 409)
        except InvalidInput as exc:
            return again("empty" if exc.field == "text" and not text.strip() else "too_long", 422)
        return _render(request, language, "tip_sent.html", {})

    return await run_in_threadpool(work)

"""The application factory: one FastAPI app per settings, the workspace opened in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from portintel.adapters.memory import keep_freed_memory
from portintel.adapters.vocabularies import load_grading_schemes, load_handling
from portintel.services import admin
from portintel.services.workspace import open_workspace
from portintel.settings import Settings
from portintel.web.error_responses import install_error_handlers
from portintel.web.pickers import build_pickers
from portintel.web.request_limits import RequestLimitsMiddleware
from portintel.web.security_headers import SecurityHeadersMiddleware
from portintel.web.taxii import MOUNT as TAXII_MOUNT
from portintel.web.taxii import create_taxii_app
from portintel.web.templating import build_environment
from portintel.web.text_inputs import document_nul_refusal, refuse_nul_characters

STATIC_DIR = Path(__file__).parent / "static"
API_PREFIX = "/api/v1"


def create_app(settings: Settings) -> FastAPI:
    """Build the web application for one node.

    The workspace (stores) is opened once when the app starts and closed when
    it stops; handlers reach it through :func:`portintel.web.authentication.workspace_of`.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        keep_freed_memory(settings.memory_keep_mb)  # once per server process
        workspace = await run_in_threadpool(open_workspace, settings)
        app.state.workspace = workspace
        try:
            yield
        finally:
            # the failed tokens of windows still open are audited before the store closes
            await run_in_threadpool(
                admin.record_token_failures, workspace, app.state.token_failures.drain()
            )
            workspace.close()

    app = FastAPI(
        title=f"portintel API ({settings.node_name})",
        version="1",
        description="JSON API of a portintel node. Authenticate with a bearer token "
        "(`portintel user token NAME`) or a session cookie plus the `X-CSRF-Token` header.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(refuse_nul_characters)],
    )
    app.state.settings = settings
    app.state.token_failures = admin.TokenFailureLimiter(settings.token_failures_per_minute)
    app.state.templates = build_environment()
    # one environment per language a page was rendered in (English built now)
    app.state.template_environments = {"en": app.state.templates}
    # the handling vocabularies, for pages that label codes (sharing's dry run)
    app.state.handling = load_handling()
    app.state.pickers = build_pickers(
        load_grading_schemes(),
        app.state.handling,
        scheme_id=settings.grading_scheme,
        vocabulary_id=settings.handling_vocabulary,
    )
    _document_api(app)
    install_error_handlers(app)
    # outermost but for the headers: no body is read before the limits are checked
    app.add_middleware(RequestLimitsMiddleware, settings=settings)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(TAXII_MOUNT, create_taxii_app(app), name="taxii")
    _include_routers(app)
    return app


def _document_api(app: FastAPI) -> None:
    """The OpenAPI document as FastAPI builds it, plus what the edge refuses (NUL characters)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            document_nul_refusal(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _include_routers(app: FastAPI) -> None:
    from portintel.web.api import routers as api_routers
    from portintel.web.public import router as public_router
    from portintel.web.routes import routers as page_routers

    for router in api_routers():
        app.include_router(router, prefix=API_PREFIX)
    for router in page_routers():
        app.include_router(router, include_in_schema=False)
    app.include_router(public_router, include_in_schema=False)  # the tip page: no session

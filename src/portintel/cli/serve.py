"""CLI: `portintel serve`: the web application and JSON API of this node."""

from __future__ import annotations

from typing import Annotated

import typer

from portintel.cli.context import console, context_of


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (one per core is plenty).")
    ] = 1,
) -> None:
    """Serve the web pages and the JSON API (/api/v1) until interrupted."""
    from portintel.web.server import serve

    settings = context_of(ctx).settings
    console.print(f"portintel {settings.node_name}: http://{host}:{port}/ (Ctrl-C stops)")
    serve(settings, host=host, port=port, workers=workers)

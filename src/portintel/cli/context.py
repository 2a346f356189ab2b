"""What every CLI command shares: settings built once, the workspace, error output."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from portintel.errors import PortintelError

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace
    from portintel.settings import Settings

console = Console()
error_console = Console(stderr=True)


@dataclass
class CliContext:
    """Built by the root callback; commands reach it through ``ctx.obj``."""

    data_dir: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _workspace: Workspace | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from portintel.adapters.memory import keep_freed_memory
            from portintel.settings import load_settings

            self._settings = load_settings(self.data_dir)
            keep_freed_memory(self._settings.memory_keep_mb)
        return self._settings

    def workspace(self) -> Workspace:
        if self._workspace is None:
            from portintel.services.workspace import open_workspace

            self._workspace = open_workspace(self.settings)
        return self._workspace


def operating_system_user() -> str:
    """Who runs this command on the host: the login name, else ``uid:N``.

    Recorded in the audit of everything the CLI does, so that acting at the
    console (``--as USER``, or as the system) is never anonymous.
    """
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def context_of(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliContext):
        obj = CliContext()
        ctx.find_root().obj = obj
    return obj


def run_guarded(app: typer.Typer) -> None:
    """Run the Typer app; a PortintelError becomes a clear message and exit 1."""
    try:
        app(standalone_mode=True)
    except PortintelError as exc:
        error_console.print(f"[bold red]error:[/] {exc.message}")
        if exc.hint:
            error_console.print(f"[yellow]what to do:[/] {exc.hint}")
        sys.exit(1)

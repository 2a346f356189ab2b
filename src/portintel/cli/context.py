"""What every CLI command shares: settings built once, the workspace, error output."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from portintel.errors import PortintelError

if TYPE_CHECKING:
    from rich.console import Console

    from portintel.services.workspace import Workspace
    from portintel.settings import Settings


class _ConsoleOnFirstUse:
    """Rich's ``Console``, built the first time a command prints.

    Help and argument errors never print through it, so ``portintel --help``
    does not import rich at all (Typer's plain help is used). Attributes are
    read from and written to the real console, so ``console.width = 200`` works.
    """

    def __init__(self, *, stderr: bool) -> None:
        object.__setattr__(self, "_stderr", stderr)
        object.__setattr__(self, "_console", None)

    def _real(self) -> Console:
        real: Console | None = object.__getattribute__(self, "_console")
        if real is None:
            from rich.console import Console

            real = Console(stderr=object.__getattribute__(self, "_stderr"))
            object.__setattr__(self, "_console", real)
        return real

    def __getattr__(self, name: str) -> object:
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._real(), name, value)


def built(which: Console) -> Console:
    """The real console behind ``console`` or ``error_console``, for rich's own
    ``Progress`` and ``Live``, which use it as a context manager."""
    if isinstance(which, _ConsoleOnFirstUse):
        return which._real()
    return which


console: Console = cast("Console", _ConsoleOnFirstUse(stderr=False))
error_console: Console = cast("Console", _ConsoleOnFirstUse(stderr=True))


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

"""The hook registry of one workspace: a pluggy plugin manager and how it fires.

Built once per :class:`~portintel.services.workspace.Workspace`. Plugins come
from three places: portintel's own (none fire-and-forget yet; built-in
features are meant to be plugins on these same hooks), the installed
packages that declare a ``portintel`` entry point, and the modules the
``plugins`` setting names (how a node or a test adds one without packaging).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pluggy

from portintel.errors import ConfigurationError
from portintel.services.events import hookspecs

logger = logging.getLogger("portintel.events")


@dataclass(frozen=True, slots=True)
class Announcement:
    """One hook call waiting for its transaction to commit."""

    hook: str
    arguments: dict[str, Any] = field(default_factory=dict)


class HookRegistry:
    """Subscribers of one workspace and the one way hooks are fired.

    ``fire`` calls every subscriber of a hook, newest registered first (as
    pluggy does), each in its own ``try``: one that raises is logged with its
    plugin's name and the rest still run. Hook wrappers are not supported:
    a subscriber here observes a committed change, it cannot alter it.
    """

    def __init__(self, plugin_modules: Iterable[str] = (), *, entry_points: bool = True) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        if entry_points:
            self.manager.load_setuptools_entrypoints(hookspecs.PROJECT)
        for name in plugin_modules:
            self.register(_import_plugin(name), name=name)

    def register(self, plugin: object, *, name: str | None = None) -> None:
        """Add a subscriber: a module or object with ``@hookimpl`` functions."""
        self.manager.register(plugin, name=name)

    def unregister(self, plugin: object) -> None:
        self.manager.unregister(plugin)

    def fire(self, workspace: object, announcements: Sequence[Announcement]) -> None:
        """Call the subscribers of each announcement in order (after a commit)."""
        for announcement in announcements:
            caller = getattr(self.manager.hook, announcement.hook)
            arguments = {"workspace": workspace, **announcement.arguments}
            for implementation in reversed(caller.get_hookimpls()):
                try:
                    implementation.function(*(arguments[name] for name in implementation.argnames))
                except Exception:
                    # a follower cannot undo a committed change: log it and go on
                    logger.exception(
                        "subscriber %s of %s failed; the change is committed, other "
                        "subscribers still run",
                        implementation.plugin_name,
                        announcement.hook,
                    )

    def collect(self, hook: str) -> list[Any]:
        """Ask every plugin (``register_jobs``): their non-``None`` answers, flattened."""
        answers: list[Any] = getattr(self.manager.hook, hook)()
        return [item for answer in answers if answer for item in answer]


def _import_plugin(name: str) -> object:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ConfigurationError(
            f"plugin module {name!r} cannot be imported: {exc}",
            hint="check the plugins setting; the module must be importable by the server "
            "and by portintel worker alike",
        ) from exc

"""Hooks: services announce what they changed; subscribers hear of it after the commit.

Public API: :data:`hookimpl` to write a subscriber, :class:`HookRegistry`
(one per workspace, ``ws.hooks``), :func:`transaction` and :func:`announce`
for services. The hooks themselves are documented in :mod:`.hookspecs`.
"""

from portintel.services.events.after_commit import announce, announcing, transaction
from portintel.services.events.hookspecs import HOOK_NAMES, hookimpl, hookspec
from portintel.services.events.registry import Announcement, HookRegistry

__all__ = [
    "HOOK_NAMES",
    "Announcement",
    "HookRegistry",
    "announce",
    "announcing",
    "hookimpl",
    "hookspec",
    "transaction",
]

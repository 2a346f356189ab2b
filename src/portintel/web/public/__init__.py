"""The public face: the anonymous tip page (``/tip``) and its catalogs, apart from the workspace.

Mounted beside the workspace's pages by the application factory, it shares
nothing with them but the workspace (through the intake service) and the
static files: its own templates, its own catalogs, no session.
"""

from __future__ import annotations

from portintel.web.public.pages import PREFIX, router

__all__ = ["PREFIX", "router"]

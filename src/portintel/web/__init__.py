"""The web face: JSON API under ``/api/v1`` and server-rendered pages.

A thin layer over the services: every access decision is taken by a
service; this package translates HTTP to calls and errors back to HTTP.
Build the application with :func:`create_app`; serve it with
:func:`portintel.web.server.serve`.
"""

from portintel.web.application import create_app

__all__ = ["create_app"]

"""Attachment downloads that a browser never renders as a page of ours.

An attachment is untrusted content (a boarding photo, or an HTML file an
informant sent): it is always served as a download, sandboxed, so it can
never run script in the node's origin.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

from portintel.services.intake.reports import AttachmentView


def attachment_response(view: AttachmentView, content: bytes) -> Response:
    ascii_name = view.filename.encode("ascii", "replace").decode("ascii").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(view.filename)}"
    return Response(
        content,
        media_type=view.media_type or "application/octet-stream",
        headers={
            "Content-Disposition": disposition,
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "X-Content-Type-Options": "nosniff",
        },
    )

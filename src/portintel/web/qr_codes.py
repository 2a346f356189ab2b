"""QR codes as inline SVG, drawn on the server with segno: nothing fetched, no script.

The authenticator app scans the TOTP provisioning URI from the account page.
The SVG is one ``<path>`` of numbers (the modules); the URI is encoded in
its shape, never copied into the markup, so nothing a user typed reaches
the page through it. It is checked to be that shape before it is marked safe,
and it needs no inline style, so the page's CSP holds as it is.
"""

from __future__ import annotations

import re

import segno
from markupsafe import Markup

_SVG_SHAPE = re.compile(
    r'<svg width="\d+" height="\d+" class="qr-code">'
    r'<path transform="scale\(\d+\)" stroke="#000" d="[Mmhv0-9. -]+"/></svg>'
)


def qr_svg(data: str, *, scale: int = 4) -> Markup:
    """``data`` as a QR code (error correction M): an ``<svg>`` element to put in a page."""
    svg = segno.make(data, error="m").svg_inline(scale=scale, svgclass="qr-code", lineclass=None)
    if not _SVG_SHAPE.fullmatch(svg):  # pragma: no cover - a segno release that draws otherwise
        raise ValueError("segno drew a QR code in a shape this page does not expect")
    return Markup(svg)  # noqa: S704 - checked above: numbers in a fixed frame

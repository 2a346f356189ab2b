"""HTML in, PDF bytes out: printable lists and products, rendered by WeasyPrint.

Small on purpose, for every face that prints (the pre-arrival list today,
analysts' products later): the caller renders its own HTML (a Jinja
template with a print stylesheet) and gets the PDF back. Nothing is fetched
from the network while rendering (a PIU's network is often closed, and a
document must not call out): only ``data:`` URLs and files under the
package's static folder load, anything else is refused and left out.

Fonts: the ``@font-face`` rules of :func:`font_faces` name the font files the
package ships under ``web/static/fonts/`` (none yet: Noto Sans with Khmer,
Thai and Myanmar is to be vendored there); until then the system's fonts are
used (DejaVu Sans on Debian), which cover Latin, not Khmer or Thai script.

WeasyPrint is the optional ``pdf`` extra and needs Pango from the system
(Debian: ``libpango-1.0-0 libpangoft2-1.0-0``); without them
:func:`render_pdf` raises :class:`~portintel.errors.ConfigurationError`
saying what to install.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from portintel.errors import ConfigurationError

FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf")


def _static_dir() -> Path:
    return Path(str(resources.files("portintel.web").joinpath("static")))


def font_files() -> list[Path]:
    """The font files the package ships (``web/static/fonts/``), if any."""
    folder = _static_dir() / "fonts"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES)


def font_faces() -> str:
    """``@font-face`` rules for the shipped fonts, each family named by its file's stem."""
    rules = []
    for path in font_files():
        family = path.stem.split("-")[0]
        rules.append(f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); }}')
    return "\n".join(rules)


def _offline_fetcher() -> Any:
    """A fetcher for ``data:`` URLs and the package's static files, refusing the rest."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    static = _static_dir().resolve()

    class OfflineFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://")).resolve()
                if not path.is_relative_to(static):
                    raise ValueError(f"not read while printing (outside the package): {url}")
            return super().fetch(url, headers)

    return OfflineFetcher(allowed_protocols=("data", "file"), fail_on_errors=False)


def render_pdf(html: str, *, stylesheet: str = "", title: str | None = None) -> bytes:
    """The PDF of ``html``, with ``stylesheet`` (CSS text) and the shipped fonts applied."""
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:
        raise ConfigurationError(
            f"PDF export is not available: {exc}",
            hint="install the pdf extra (pip install 'portintel[pdf]') and Pango "
            "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)",
        ) from exc
    sheets = [CSS(string=text) for text in (font_faces(), stylesheet) if text]
    document = HTML(
        string=html, base_url=_static_dir().as_uri() + "/", url_fetcher=_offline_fetcher()
    )
    rendered = document.render(stylesheets=sheets)
    if title:
        rendered.metadata.title = title
    data = rendered.write_pdf()
    assert isinstance(data, bytes)
    return data


__all__ = ["font_faces", "font_files", "render_pdf"]

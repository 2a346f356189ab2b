"""HTML to PDF with WeasyPrint, the node's vendored Noto fonts, and nothing fetched.

Products and lists are written as HTML (Jinja, like the pages) and printed
here. Two rules hold for every PDF:

- **Every script prints.** The Noto Sans faces vendored for the web pages
  (Latin, Khmer, Thai, Myanmar, Lao; ``web/static/vendor/@fontsource``) are
  declared with ``@font-face`` before the document's own styles, and
  :data:`FONT_STACK` lists them in the order a glyph is looked for, so a
  Khmer name never comes out as boxes on a machine without Khmer fonts.
- **Nothing leaves the node.** The URL fetcher serves ``data:`` URLs and
  files inside the folders given (the fonts' and the ``base_url``'s) and
  refuses every other address, so a link in a report's text cannot make the
  printer call out (or read ``/etc/passwd``).

WeasyPrint is the optional extra ``pdf``: without it :func:`render_pdf` raises
:class:`~portintel.errors.ConfigurationError` saying what to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from portintel.errors import ConfigurationError, UpstreamFailure

FONT_DIR = Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "@fontsource"
"""The fonts vendored by ``tools/vendor_web.py`` (shared with the web pages' style.css)."""

FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Noto Sans", "noto-sans", ("latin", "latin-ext")),
    ("Noto Sans Khmer", "noto-sans-khmer", ("khmer",)),
    ("Noto Sans Thai", "noto-sans-thai", ("thai",)),
    ("Noto Sans Myanmar", "noto-sans-myanmar", ("myanmar",)),
    ("Noto Sans Lao", "noto-sans-lao", ("lao",)),
)
"""(family, vendored package, subsets): one ``@font-face`` per subset and weight."""

FONT_STACK = ", ".join(f'"{family}"' for family, _, _ in FAMILIES) + ", sans-serif"
"""The ``font-family`` of a printed page: Latin first, then each script's face."""

WEIGHTS = (400, 700)


def font_files() -> list[Path]:
    """Every vendored font file the PDFs use (a test checks they are all there)."""
    return [
        FONT_DIR / package / f"{package}-{subset}-{weight}-normal.woff2"
        for _, package, subsets in FAMILIES
        for subset in subsets
        for weight in WEIGHTS
    ]


@cache
def font_face_css() -> str:
    """``@font-face`` rules for the vendored faces, as file URLs."""
    rules = []
    for family, package, subsets in FAMILIES:
        for subset in subsets:
            for weight in WEIGHTS:
                path = FONT_DIR / package / f"{package}-{subset}-{weight}-normal.woff2"
                rules.append(
                    f'@font-face {{ font-family: "{family}"; font-style: normal; '
                    f'font-weight: {weight}; src: url("{path.as_uri()}") format("woff2"); }}'
                )
    rules.append(f"html {{ font-family: {FONT_STACK}; }}")
    return "\n".join(rules)


def _local_fetcher(allowed: Sequence[Path]) -> Any:
    """A WeasyPrint URL fetcher that reads ``data:`` URLs and files under ``allowed`` only."""
    from weasyprint.urls import URLFetcher

    roots = [folder.resolve() for folder in allowed]

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"the PDF may not fetch {url!r}: only the node's own files print")

    return LocalFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def render_pdf(
    html: str,
    *,
    base_url: str | None = None,
    stylesheets: Sequence[str] = (),
    title: str | None = None,
) -> bytes:
    """The PDF of ``html`` (a whole document), printed with the vendored fonts.

    ``base_url`` resolves the document's relative links (a ``file://`` folder:
    its files may be fetched too); ``stylesheets`` are CSS texts applied after
    the fonts' (a product's page rules, for example); ``title`` is the PDF's
    own title (its metadata), when the document's ``<title>`` is not the one.
    """
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
    except ImportError as exc:  # the optional extra is missing
        raise ConfigurationError(
            "printing to PDF needs WeasyPrint, which is not installed",
            hint="install portintel with the pdf extra: pip install 'portintel[pdf]'",
        ) from exc
    except OSError as exc:  # the Pango libraries are missing
        raise ConfigurationError(
            f"WeasyPrint cannot load its system libraries: {exc}",
            hint="install Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0",
        ) from exc
    allowed = [FONT_DIR]
    if base_url is not None and base_url.startswith("file:"):
        allowed.append(Path(unquote(urlsplit(base_url).path)))
    fetcher = _local_fetcher(allowed)
    try:
        fonts = FontConfiguration()  # @font-face rules register their files here
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        sheets = [CSS(string=font_face_css(), url_fetcher=fetcher, font_config=fonts)]
        sheets += [
            CSS(string=text, base_url=base_url, url_fetcher=fetcher, font_config=fonts)
            for text in stylesheets
        ]
        rendered = document.render(stylesheets=sheets, font_config=fonts)
        if title:
            rendered.metadata.title = title
        written = rendered.write_pdf()
    except (ValueError, OSError) as exc:
        raise UpstreamFailure(f"the PDF could not be printed: {exc}") from exc
    if not isinstance(written, bytes):  # write_pdf without a target returns the bytes
        raise UpstreamFailure("the PDF printer returned nothing")
    return written


__all__ = ["FONT_DIR", "FONT_STACK", "font_face_css", "font_files", "render_pdf"]

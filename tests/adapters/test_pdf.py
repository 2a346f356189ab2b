"""PDF printing: every script comes back as text, the page renders, nothing is fetched.

The PDF is read back with poppler (``pdftotext``, ``pdffonts``, ``pdftoppm``),
the tools a reader's viewer resembles, not with WeasyPrint itself.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("weasyprint")

from portintel.adapters.pdf import font_files, render_pdf

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")

KHMER = "ស្វាគមន៍"
THAI = "สวัสดีครับ"
MYANMAR = "မင်္ဂလာပါ"
LAO = "ສະບາຍດີ"
LATIN = "Nguyễn Văn Ánh"


def _document(body: str) -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def _run(*command: str | Path) -> str:
    return subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, text=True
    ).stdout


def test_every_vendored_font_is_there() -> None:
    missing = [path for path in font_files() if not path.is_file()]
    assert not missing, "run tools/vendor_web.py"


@needs_poppler
def test_khmer_thai_myanmar_lao_and_latin_print_and_read_back(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in (KHMER, THAI, MYANMAR, LAO, LATIN))
    pdf = tmp_path / "scripts.pdf"
    pdf.write_bytes(render_pdf(_document(f"<h1>Names</h1>{paragraphs}")))

    # poppler splits complex scripts at cluster boundaries with spaces or line breaks
    text = "".join(_run("pdftotext", "-enc", "UTF-8", pdf, "-").split())
    for written in (KHMER, THAI, MYANMAR, LAO, LATIN):
        assert "".join(written.split()) in text

    # the vendored faces are the ones embedded, not whatever the machine has
    # (Pango names them NotoSansKhmer or Noto-Sans-Khmer, depending on the fontconfig cache)
    fonts = _run("pdffonts", pdf).replace(" ", "").replace("-", "")
    for family in ("NotoSansKhmer", "NotoSansThai", "NotoSansMyanmar", "NotoSansLao"):
        assert family in fonts, fonts
    assert "+NotoSansCID" in fonts or "+NotoSansBoldCID" in fonts, fonts  # the Latin face


@needs_poppler
def test_the_page_renders_with_ink_on_it(tmp_path: Path) -> None:
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(render_pdf(_document(f"<h1 style='font-size:40pt'>{KHMER} {THAI}</h1>")))
    _run("pdftoppm", "-r", "40", "-gray", "-singlefile", pdf, tmp_path / "page")
    image = (tmp_path / "page.pgm").read_bytes()
    # binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel
    header_end = image.index(b"\n255\n") + 5
    pixels = image[header_end:]
    dark = sum(1 for value in pixels if value < 128)
    assert 0 < dark < len(pixels) // 2


def test_nothing_off_the_node_is_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.css"
    secret.parent.mkdir()
    secret.write_text("body { background: red }")
    fetched: list[str] = []

    from weasyprint.urls import URLFetcher

    original = URLFetcher.fetch

    def spy(self, url: str, headers=None):  # type: ignore[no-untyped-def]
        fetched.append(url)
        return original(self, url, headers)

    with pytest.MonkeyPatch.context() as monkey:
        monkey.setattr(URLFetcher, "fetch", spy)
        html = _document(
            "<link rel='stylesheet' href='http://example.org/x.css'>"
            f"<link rel='stylesheet' href='{secret.as_uri()}'>"
            "<img src='https://example.org/pixel.png'><p>text</p>"
        )
        assert render_pdf(html).startswith(b"%PDF")
    assert any("noto-sans" in url for url in fetched)  # the fonts were read through it
    assert not [url for url in fetched if "example.org" in url or "secret" in url]


def test_a_base_url_folder_may_be_read(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("p { color: #123456 }")
    html = _document("<link rel='stylesheet' href='style.css'><p>styled</p>")
    pdf = render_pdf(html, base_url=tmp_path.as_uri() + "/")
    assert pdf.startswith(b"%PDF") and len(pdf) > 500

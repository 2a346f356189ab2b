"""Khmer and Thai pages render with the vendored Noto fonts in headless Chromium.

The machine has no Khmer or Thai system font: without the fonts the app ships, the text
would be empty boxes. The journey chooses the language on the account page like an
officer would, then checks that the browser loaded the vendored faces and that the text
is drawn with them (its width differs from the same text in a font with no such glyphs).
"""

from __future__ import annotations

import pytest

from tests.web import test_browser as base

pytestmark = pytest.mark.browser

live_server = base.live_server
browser = base.browser

MEASURE = """([family, text]) => {
  const measure = (stack) => {
    const span = document.createElement('span');
    span.style.fontFamily = stack;
    span.style.fontSize = '32px';
    span.style.whiteSpace = 'nowrap';
    span.style.position = 'absolute';  // its own width, not the flex body's
    span.textContent = text;
    document.body.appendChild(span);
    const width = span.getBoundingClientRect().width;
    span.remove();
    return width;
  };
  return {vendored: measure(`"${family}"`), missing: measure('"portintel-no-such-font"')};
}"""

LOADED = """(family) => document.fonts.ready.then(() =>
  [...document.fonts].filter(f => f.family.replace(/"/g, '') === family && f.status === 'loaded')
    .length)"""


@pytest.mark.parametrize(
    ("locale", "family", "sample", "heading"),
    [
        ("km", "Noto Sans Khmer", "ភាសាខ្មែរ", "ទំព័រដើម"),
        ("th", "Noto Sans Thai", "ภาษาไทย", "หน้าแรก"),
    ],
)
def test_khmer_and_thai_render_with_the_vendored_fonts(
    browser: object,
    live_server: base.LiveServer,
    locale: str,
    family: str,
    sample: str,
    heading: str,
) -> None:
    page = base._page(browser, live_server)
    base._log_in(page, live_server, "olga")
    page.goto(f"{live_server.url}/account")
    page.select_option("#pref-locale", locale)
    page.select_option("#pref-zone", "Asia/Phnom_Penh")
    page.click("#preferences-title ~ form button[type=submit]")
    page.wait_for_selector(f'html[lang="{locale}"]')
    page.goto(f"{live_server.url}/")
    assert page.get_attribute("html", "lang") == locale
    assert heading in page.inner_text("header nav")
    # the page's own text pulled the vendored face in, and it covers the script
    assert page.evaluate(LOADED, family) >= 1
    assert page.evaluate(f"document.fonts.check('16px \"{family}\"', '{sample}')")
    widths = page.evaluate(MEASURE, [family, sample])
    assert widths["vendored"] > 0
    assert abs(widths["vendored"] - widths["missing"]) > 1, widths
    # the navigation itself is drawn with glyphs: its text has a real width
    assert (
        page.eval_on_selector("header nav a[href='/']", "e => e.getBoundingClientRect().width") > 0
    )
    page.screenshot(path=f"/tmp/portintel-{locale}-home.png", full_page=False)
    assert live_server.foreign_requests == []

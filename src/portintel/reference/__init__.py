"""The reference documentation, generated from the code.

``python3 -m portintel.reference docs/reference`` writes one Markdown page per
topic (CLI, settings, vocabularies). A test regenerates them and fails when
the committed pages differ (:func:`stale_pages`), so the reference never
drifts from the code.
"""

from portintel.reference.pages import render_pages, stale_pages

__all__ = ["render_pages", "stale_pages"]

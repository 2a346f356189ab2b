"""Write the generated reference pages: ``python3 -m portintel.reference DIR``."""

from __future__ import annotations

import sys
from pathlib import Path

from portintel.reference.pages import render_pages


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path("docs/reference")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in render_pages().items():
        (target / name).write_text(text, encoding="utf-8")
        print(f"wrote {target / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

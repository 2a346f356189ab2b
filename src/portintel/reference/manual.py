"""Write the Manual of Operations: ``python -m portintel.reference.manual [FILE] [WORKFLOW]``.

FILE defaults to ``docs/manual-of-operations.md``; WORKFLOW is a node's
workflow file (the shipped workflow when left out).
"""

from __future__ import annotations

import sys
from pathlib import Path

from portintel.adapters.vocabularies import load_workflow
from portintel.domain.workflow_manual import render_manual

DEFAULT_TARGET = Path("docs/manual-of-operations.md")


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else DEFAULT_TARGET
    workflow = load_workflow(Path(argv[2]) if len(argv) > 2 else None)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_manual(workflow), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

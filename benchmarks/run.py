"""Run every benchmark in this folder, one after the other: ``python3 benchmarks/run.py``.

Each benchmark is a script beside this one that prints portintel's figure
and its peer's side by side from one run and writes its results under
``benchmarks/results/``. Pass names to run only some:
``python3 benchmarks/run.py ais_decode``. Extra arguments after ``--`` go to
every benchmark (for example ``-- --quick``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    wanted = set(argv)
    scripts = sorted(
        path
        for path in HERE.glob("*.py")
        if path.name != "run.py"
        and not path.name.startswith("_")
        and (not wanted or path.stem in wanted)
    )
    if not scripts:
        print(
            f"no benchmark matches {sorted(wanted)}; have: "
            + ", ".join(p.stem for p in HERE.glob("*.py") if p.name != "run.py")
        )
        return 2
    failed = []
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script), *extra], check=False)
        print(
            f"--- {script.stem}: exit {result.returncode} in {time.perf_counter() - started:.1f} s"
        )
        if result.returncode:
            failed.append(script.stem)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

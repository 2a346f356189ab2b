"""Whether two track stores hold the same rows: the before/after check of an ingest change.

    python3 benchmarks/compare_track_stores.py DATA_DIR_A DATA_DIR_B

Every dataset (positions, statics, other, quarantine) of both stores is read
whole, sorted by row key, and compared column by column (file names and row
groups may differ; rows may not). Prints one line per dataset and exits 1 on
any difference, with the first differing keys.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

DATASETS = ("positions", "statics", "other", "quarantine")


def rows(data_dir: Path, dataset: str) -> pl.DataFrame:
    files = sorted((data_dir / "tracks" / dataset).glob("day=*/*.parquet"))
    if not files:
        return pl.DataFrame()
    return pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed").sort("key")


def main() -> int:
    first, second = (Path(arg) for arg in sys.argv[1:3])
    different = False
    for dataset in DATASETS:
        a, b = rows(first, dataset), rows(second, dataset)
        if a.height == 0 and b.height == 0:
            print(f"{dataset}: empty in both")
            continue
        same_columns = a.columns == b.columns
        equal = same_columns and a.height == b.height and a.equals(b)
        verdict = "same" if equal else "DIFFERENT"
        print(f"{dataset}: {a.height:,} rows / {b.height:,} rows: {verdict}")
        if not equal:
            different = True
            if not same_columns:
                print(f"  columns {a.columns} / {b.columns}")
            keys_a, keys_b = set(a["key"].to_list()), set(b["key"].to_list())
            print(f"  keys only in the first: {sorted(keys_a - keys_b)[:5]}")
            print(f"  keys only in the second: {sorted(keys_b - keys_a)[:5]}")
            if keys_a == keys_b and same_columns:
                for column in a.columns:
                    if not a[column].equals(b[column]):
                        print(f"  column {column} differs")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())

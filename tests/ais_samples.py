"""Where the real AIS samples (shared/data/ais, beside the repository) are.

Looked for in ``PORTINTEL_AIS_SAMPLES``, then ``../shared/data/ais`` next to
the checkout, then ``/work/shared/data/ais``. A test that needs them skips
when they are absent on a developer's machine, but fails under CI (``CI`` set),
so a missing sample can never turn into a silent skip there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
CANDIDATES = [
    Path(os.environ["PORTINTEL_AIS_SAMPLES"]) if os.environ.get("PORTINTEL_AIS_SAMPLES") else None,
    REPOSITORY.parent / "shared" / "data" / "ais",
    Path("/work/shared/data/ais"),
]


def sample_dir() -> Path:
    """The folder with the real samples; skip (or, under CI, fail) when there is none."""
    for candidate in CANDIDATES:
        if candidate is not None and (candidate / "kystverket-1000.nm4").exists():
            return candidate
    message = "real AIS samples not found (set PORTINTEL_AIS_SAMPLES to shared/data/ais)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def sample(name: str) -> Path:
    """One sample file by name, e.g. ``marinetraffic-sample.nmea``."""
    path = sample_dir() / name
    if not path.exists():
        pytest.fail(f"sample {name} missing from {path.parent}")
    return path

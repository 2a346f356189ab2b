"""Whether the compiled AIS kernel must be there, and what a kernel-only test does without it.

The kernel is optional at install (setup.py): without a C compiler, or on a
big-endian host, the package installs without it and decodes with the NumPy
engine. Where the kernel is expected (a developer's ``pip install -e .``, the
main CI run) its absence fails the kernel's tests, so a broken build cannot
pass as a row of skips. CI's no-compiler step installs a wheel built with
``CC=/bin/false`` and sets ``PORTINTEL_TEST_AIS_ENGINE=numpy``: there each
kernel-only test is skipped with the reason below, every other AIS test
decodes on the NumPy engine, and ``test_the_engine_under_test_is_the_installed_one``
checks that the kernel really is absent.
"""

from __future__ import annotations

import os

import pytest

from portintel.ais import NATIVE_AVAILABLE

ENGINE_UNDER_TEST = os.environ.get("PORTINTEL_TEST_AIS_ENGINE", "native")
if ENGINE_UNDER_TEST not in ("native", "numpy"):
    raise ValueError(f"PORTINTEL_TEST_AIS_ENGINE={ENGINE_UNDER_TEST!r}: use native or numpy")

SKIP_REASON = (
    "needs the compiled AIS kernel, which this install has not "
    "(PORTINTEL_TEST_AIS_ENGINE=numpy: the NumPy engine is under test)"
)
BUILD_HINT = "the compiled AIS kernel is not built: run `pip install -e .` with a C compiler"


def require_native(detail: str = "") -> None:
    """Fail without the kernel where it is expected; skip, saying why, where it is not."""
    if NATIVE_AVAILABLE:
        return
    if ENGINE_UNDER_TEST == "numpy":
        pytest.skip(SKIP_REASON)
    pytest.fail(BUILD_HINT + (f" ({detail})" if detail else ""))

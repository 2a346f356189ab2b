"""The allocator policy: freed memory is kept for the next batch instead of faulting in again.

Measured in page faults (what the policy saves), not in seconds, in a fresh
process each, since the policy is process-wide.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from portintel.settings import Settings

CYCLES = """
import resource, sys
import numpy as np
from portintel.adapters.memory import keep_freed_memory

applied = keep_freed_memory(int(sys.argv[1]))

def batch():  # like a decoded batch: many arrays of a few megabytes, then freed
    arrays = [np.ones(1_000_000) for _ in range(40)]
    del arrays

batch()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(3):
    batch()
print(applied, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(keep_mb: int) -> tuple[bool, int]:
    result = subprocess.run(
        [sys.executable, "-c", CYCLES, str(keep_mb)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    applied, faults = result.stdout.split()
    return applied == "True", int(faults)


def test_kept_memory_is_reused_without_faulting_in_again() -> None:
    applied, kept = _faults(1024)
    default_applied, default = _faults(0)
    assert applied and not default_applied
    # 3 batches of 320 MB: the default policy faults most of it in again every time.
    assert default > 10_000
    assert kept < default / 20


def test_the_setting_defaults_to_a_gibibyte_and_zero_disables() -> None:
    assert Settings().memory_keep_mb == 1024
    assert Settings(memory_keep_mb=0).memory_keep_mb == 0
    with pytest.raises(ValueError):
        Settings(memory_keep_mb=4096)  # mallopt takes an int of bytes

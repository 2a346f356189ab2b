"""Allocator policy of a portintel process: keep freed memory for the next batch.

Decoding a batch of AIS builds NumPy arrays of a few megabytes each, freed
when the batch is done. Under glibc's default policy, freed memory at the top
of the heap goes back to the system as soon as it exceeds a threshold that
glibc adjusts on the fly, and the next batch's arrays fault their pages in
again, zero-filled by the kernel: on a million sentences that is about a third
of the decoding time (measured in benchmarks/results/ais_decode.md).

:func:`keep_freed_memory` fixes the policy for the process: arrays up to
32 MiB come from the heap, and up to ``keep_mb`` MiB of freed heap stay with
the process for reuse. The cost is resident memory that stays at its
high-water mark (up to ``keep_mb`` more than in use). It applies to glibc
only (Linux); elsewhere it does nothing. Polars and Arrow use their own
allocators and are not affected.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20
"""Allocations up to this size come from the heap (glibc's ceiling for the dynamic threshold)."""


def keep_freed_memory(keep_mb: int) -> bool:
    """Keep up to ``keep_mb`` MiB of freed memory for reuse; True when the policy was applied.

    ``keep_mb`` 0 leaves the C library's default policy alone.
    """
    if keep_mb <= 0 or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - present in glibc only (not musl)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    keep = min(keep_mb, 2047) * 2**20  # mallopt takes an int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, keep))

"""The kernel's C core under AddressSanitizer and UndefinedBehaviorSanitizer, on hostile input.

The kernel parses what arrives from the network (``portintel ais listen``), so
a read past a buffer must not be possible. ``kernel_sanitized.c`` compiles the
core (``_kernel_core.h``, no Python in it) with both sanitizers, allocates
every buffer at its exact size and feeds it mutated real lines; any bad read,
write or undefined arithmetic aborts with a report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORE = HERE.parents[1] / "src" / "portintel" / "ais"
HARNESS = HERE / "kernel_sanitized.c"


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = shutil.which("gcc") or shutil.which("cc")
    assert compiler, "a C compiler is needed (installing portintel needs one too)"
    binary = tmp_path_factory.mktemp("kernel") / "kernel_sanitized"
    subprocess.run(
        [
            compiler,
            "-std=c11",
            "-O1",
            "-g",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
            "-I",
            str(CORE),
            str(HARNESS),
            "-o",
            str(binary),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return binary


def _run(binary: Path, iterations: int, seed: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary), str(iterations), str(seed)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0"},
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_hostile_batches_read_and_write_only_their_own_memory(harness: Path, seed: int) -> None:
    result = _run(harness, 150_000, seed)
    assert result.returncode == 0, result.stderr[-4000:]
    # "ok: 150000 batches, 574321 lines"
    words = result.stdout.split()
    assert words[:3] == ["ok:", "150000", "batches,"], result.stdout
    assert int(words[3]) > 100_000  # the batches held real lines, not only empty ones


def test_the_sanitizers_are_live(harness: Path, tmp_path: Path) -> None:
    """A read one byte past a buffer is reported: the harness would catch the kernel's."""
    probe = tmp_path / "probe.c"
    probe.write_text(
        "#include <stdlib.h>\n"
        "int main(void) { char *b = malloc(8); int v = b[8]; free(b); return v; }\n"
    )
    binary = tmp_path / "probe"
    compiler = shutil.which("gcc") or shutil.which("cc")
    assert compiler
    subprocess.run(
        [compiler, "-fsanitize=address", "-g", str(probe), "-o", str(binary)],
        check=True,
        capture_output=True,
    )
    result = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "heap-buffer-overflow" in result.stderr

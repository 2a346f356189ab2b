"""Build hooks: the AIS decoder's compiled kernel, and the web face's message catalogs.

Everything else about the package is declared in pyproject.toml.

- ``portintel.ais._kernel`` is a small C extension (the CPython
  API and the buffer protocol only, no other headers) that frames NMEA lines
  and de-armours payloads. It is optional: without a working C compiler, or
  on a big-endian host (the kernel reads little-endian words and refuses to
  build or load there), the build goes on without it and the decoder uses its
  pure NumPy path (``engine="numpy"``, ``portintel.ais.NATIVE_AVAILABLE`` is
  False). CI builds a wheel with ``CC=/bin/false`` and runs the AIS tests on it.
- Compiled catalogs (.po -> .mo) are not kept in git; an editable install or a
  fresh clone compiles them in memory at start-up instead
  (portintel.web.catalogs.load_translations).
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py


class BuildPyWithCatalogs(build_py):
    """The usual build_py, then every messages.po under web/translations compiled beside it."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        translations = Path(self.build_lib) / "portintel" / "web" / "translations"
        for po_path in sorted(translations.rglob("messages.po")):
            with po_path.open("rb") as source:
                catalog = read_po(source)
            with po_path.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)


GCC_LIKE = ("-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter")
COMPILE_FLAGS = {"unix": GCC_LIKE, "mingw32": GCC_LIKE, "msvc": ("/O2",)}
"""Flags by compiler family (setuptools' ``compiler_type``); others build with their defaults."""


class BuildOptionalKernel(build_ext):
    """The usual build_ext with the flags of the compiler at hand; skipped on big-endian hosts."""

    def build_extensions(self) -> None:
        if sys.byteorder != "little":
            print("portintel: big-endian host, the AIS kernel is not built (NumPy engine)")
            self.extensions = []
            return
        flags = COMPILE_FLAGS.get(self.compiler.compiler_type, ())
        for extension in self.extensions:
            extension.extra_compile_args = [*flags, *extension.extra_compile_args]
        super().build_extensions()


KERNEL = Extension(
    "portintel.ais._kernel",
    sources=["src/portintel/ais/_kernel.c"],
    depends=["src/portintel/ais/_kernel_core.h"],
    optional=True,  # a failed build warns and the package installs without it
)

setup(
    cmdclass={"build_py": BuildPyWithCatalogs, "build_ext": BuildOptionalKernel},
    ext_modules=[KERNEL],
)

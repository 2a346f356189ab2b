"""Build hooks: the AIS decoder's compiled kernel, and the web face's message catalogs.

Everything else about the package is declared in pyproject.toml.

- ``portintel.ais._kernel`` is a small C extension (the CPython
  API and the buffer protocol only, no other headers) that frames NMEA lines
  and de-armours payloads; the decoder falls back to its pure NumPy path when
  the extension is missing (``engine="numpy"``).
- Compiled catalogs (.po -> .mo) are not kept in git; an editable install or a
  fresh clone compiles them in memory at start-up instead
  (portintel.web.catalogs.load_translations).
"""

from __future__ import annotations

from pathlib import Path

from setuptools import Extension, setup
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


KERNEL = Extension(
    "portintel.ais._kernel",
    sources=["src/portintel/ais/_kernel.c"],
    depends=["src/portintel/ais/_kernel_core.h"],
    extra_compile_args=["-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
)

setup(cmdclass={"build_py": BuildPyWithCatalogs}, ext_modules=[KERNEL])

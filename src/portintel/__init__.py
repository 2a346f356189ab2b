"""portintel: the intelligence system of a Port Intelligence Unit.

Layers (dependencies point inward, see docs/ and shared DESIGN):

- ``domain``: pure functions and frozen data (grading, handling, identifiers,
  statements, access rules, AIS decoding kernels). Imports no I/O library.
- ``services``: use cases (intake, collation, maritime, admin, audit).
- ``adapters``: relational store, track store, files, AIS sources.
- ``web`` and ``cli``: thin faces over the services.
"""

__version__ = "0.1.0"

"""The data directory and its secrets, readable by the node's own user only.

Why: the data directory holds the SQLite database (informant identities,
password hashes, the audit log), the node key that signs audit checkpoints,
``portintel.toml`` (which may carry the database password) and the
attachments. Created with the process's umask they were 0755 and 0644:
every local account could copy them. The directory is made 0700 and those
files 0600; a directory or file found looser when a node opens is tightened,
with a warning in the log that names it, so an operator learns it was open.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

logger = logging.getLogger(__name__)

PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600

SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside a database, which hold its pages too."""


def tighten(path: Path, mode: int) -> bool:
    """Take from ``path`` every permission bit beyond ``mode``; True when it had some.

    A missing path is left alone; a path that cannot be changed (another
    owner, read-only media) is logged, not fatal.
    """
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if not current & ~mode:
        return False
    try:
        os.chmod(path, current & mode)
    except OSError as exc:
        logger.warning("%s has mode %04o and cannot be tightened: %s", path, current, exc)
        return False
    logger.warning("tightened %s from mode %04o to %04o", path, current, current & mode)
    return True


def private_directory(path: Path) -> None:
    """Create ``path`` (and its parents) if missing; the directory itself ends up 0700."""
    path.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    tighten(path, PRIVATE_DIRECTORY)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if missing, so it is never readable by others.

    An empty file is a valid SQLite database: SQLite then keeps the mode, and
    gives its write-ahead log and shared-memory files the same.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        tighten(path, PRIVATE_FILE)
        return
    os.close(descriptor)


def tighten_files(paths: Iterable[Path]) -> None:
    """Every existing file of ``paths`` (and its SQLite companions) to at most 0600."""
    for path in paths:
        tighten(path, PRIVATE_FILE)
        for suffix in SQLITE_COMPANIONS:
            tighten(path.with_name(path.name + suffix), PRIVATE_FILE)

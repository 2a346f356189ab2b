"""The node key: a 32-byte secret in a file of the data directory, never in the database.

Why a file: the audit log's checkpoints are signed with this key so that
someone who can write to the database (a database administrator, a restored
dump, an attacker with the PostgreSQL password) cannot forge them. The key
must therefore live where the database does not: ``audit.key`` in the data
directory, readable by the node's own user only (mode 0600).

The file holds the key as 64 hexadecimal characters and a newline, so it can
be printed, backed up and compared. It is created on first use, atomically:
two processes starting together end up with the same key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

from portintel.domain.audit_checkpoints import KEY_BYTES
from portintel.errors import ConfigurationError, UpstreamFailure

NODE_KEY_FILE = "audit.key"
"""Name of the key file inside the data directory."""


def node_key_path(data_dir: Path) -> Path:
    return data_dir / NODE_KEY_FILE


def read_node_key(data_dir: Path) -> bytes | None:
    """The key, or ``None`` when the file does not exist (nothing is created).

    Refuses a key file that other users may read, or one that is not a key.
    """
    path = node_key_path(data_dir)
    try:
        with path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            text = handle.read(4 * KEY_BYTES)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UpstreamFailure(
            f"cannot read the node key {path}: {exc.strerror or exc}",
            hint="run portintel as the user that owns the data directory",
        ) from exc
    if os.name == "posix" and status.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"the node key {path} may be read by other users "
            f"(mode {stat.S_IMODE(status.st_mode):04o})",
            hint=f"chmod 600 {path}",
        )
    try:
        key = bytes.fromhex(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigurationError(
            f"the node key {path} is not a key (expected {2 * KEY_BYTES} hex characters)",
            hint="restore it from your backup of the data directory",
        ) from exc
    if len(key) != KEY_BYTES:
        raise ConfigurationError(
            f"the node key {path} holds {len(key)} bytes, not {KEY_BYTES}",
            hint="restore it from your backup of the data directory",
        )
    return key


def load_or_create_node_key(data_dir: Path) -> bytes:
    """The key, created (mode 0600) if the data directory has none yet."""
    existing = read_node_key(data_dir)
    if existing is not None:
        return existing
    path = node_key_path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file with mode 0600; it is linked into place only
        # once written, so no reader ever sees a half-written key
        handle, temporary = tempfile.mkstemp(dir=data_dir, prefix=".audit-key-")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as file:
                file.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first: theirs
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    except OSError as exc:
        raise UpstreamFailure(
            f"cannot create the node key {path}: {exc.strerror or exc}",
            hint="the data directory must be writable by the node's user",
        ) from exc
    created = read_node_key(data_dir)
    if created is None:  # pragma: no cover - removed between link and read
        raise UpstreamFailure(f"the node key {path} vanished while it was created")
    return created

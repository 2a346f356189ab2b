"""Content-addressed attachment store under the data directory.

A file lives at ``attachments/<sha256[:2]>/<sha256>``: the same bytes
attached twice are stored once, a name cannot collide or escape the
directory, and a file's address proves its integrity. Writes go to a
temporary file in the same directory and are renamed into place, so a
crash never leaves a half-written attachment under a valid address.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from portintel.errors import InvalidInput, NotFound, UpstreamFailure

logger = logging.getLogger(__name__)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[^\w.\- ()+,]+")
MAX_FILENAME = 200


def sanitise_filename(filename: str) -> str:
    """A display name safe to store and to send back in a header.

    Keeps only the last path component, drops control and shell-special
    characters, never starts with a dot, and is never empty.
    """
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, suffix = name.rpartition(".")
        if dot and len(suffix) <= 10:
            name = stem[: MAX_FILENAME - len(suffix) - 1] + "." + suffix
        else:
            name = name[:MAX_FILENAME]
    return name or "attachment"


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


class AttachmentStore:
    """Attachments of one node, addressed by the SHA-256 of their bytes."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def path_of(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise InvalidInput(f"{sha256!r} is not a SHA-256 hex digest", field="sha256")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> StoredFile:
        """Store ``content`` (idempotent); InvalidInput when it exceeds the size limit."""
        if len(content) > self.max_bytes:
            raise InvalidInput(
                f"the attachment is {len(content):,} bytes; the limit is {self.max_bytes:,}",
                field="content",
                hint="split or compress the file, or raise PORTINTEL_ATTACHMENT_MAX_BYTES",
            )
        sha256 = hashlib.sha256(content).hexdigest()
        target = self.path_of(sha256)
        if target.exists() and target.stat().st_size == len(content):
            return StoredFile(sha256, len(content), target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(content)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            # the path is for the operator's log, never for the client's message
            logger.error("cannot write attachment %s at %s: %s", sha256, target, exc)
            raise UpstreamFailure(
                f"cannot store attachment {sha256[:12]}: {exc.strerror or type(exc).__name__}",
                hint="an administrator should check the server log, the free space and "
                "the permissions of the attachments directory",
            ) from exc
        return StoredFile(sha256, len(content), target)

    def read(self, sha256: str) -> bytes:
        path = self.path_of(sha256)
        try:
            content = path.read_bytes()
        except FileNotFoundError as exc:
            logger.error("attachment %s is missing: no file at %s", sha256, path)
            raise NotFound(
                f"attachment content {sha256[:12]} is missing from the attachment store",
                hint="an administrator should restore the attachments directory from a backup",
            ) from exc
        except OSError as exc:
            logger.error("cannot read attachment %s at %s: %s", sha256, path, exc)
            raise UpstreamFailure(
                f"cannot read attachment {sha256[:12]}: {exc.strerror or type(exc).__name__}",
                hint="an administrator should check the server log",
            ) from exc
        if hashlib.sha256(content).hexdigest() != sha256:
            logger.error("attachment %s at %s no longer matches its address", sha256, path)
            raise UpstreamFailure(
                f"attachment {sha256[:12]} is corrupt: its content no longer matches its address",
                hint="restore the attachments directory from a backup",
            )
        return content

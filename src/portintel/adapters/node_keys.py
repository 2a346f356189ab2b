"""The node's Ed25519 key pair and its sealing secret, as files of the data directory.

Layout (the directory 0700, every file 0600)::

    <data_dir>/node-keys/
        private.pem            the current Ed25519 private key (PKCS#8 PEM)
        public/<hex>.pub       every public key the node has had, one per file
        secret                 32 random bytes (hex): the key partner credentials
                               are sealed with is derived from it (HKDF-SHA256)

Why files and not the database: whoever can write the database (a restored
dump, the PostgreSQL administrator) must not be able to sign as the node or
read a partner's credentials. The private key is read only to sign: no
function here returns it. Rotation writes a new private key in place
(atomically) and keeps the old public key, so what the node signed before
can still be verified.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portintel.domain.secret import Secret
from portintel.errors import ConfigurationError, Conflict, InvalidInput, UpstreamFailure
from portintel.ports import NodePublicKey

KEYS_DIRECTORY = "node-keys"
PRIVATE_KEY_FILE = "private.pem"
PUBLIC_DIRECTORY = "public"
SECRET_FILE = "secret"  # noqa: S105 - a file name, not a secret
_PUBLIC_PREFIX = "ed25519:"
_SEAL_VERSION = b"\x01"
_NONCE_BYTES = 12


def keys_directory(data_dir: Path) -> Path:
    return data_dir / KEYS_DIRECTORY


def encode_public_key(raw: bytes) -> str:
    """``ed25519:`` and the raw 32-byte key in base64: how keys are shown and exchanged."""
    return _PUBLIC_PREFIX + base64.b64encode(raw).decode("ascii")


def decode_public_key(text: str) -> bytes:
    """The raw key of ``ed25519:<base64>``; InvalidInput naming what is wrong."""
    cleaned = text.strip()
    if not cleaned.startswith(_PUBLIC_PREFIX):
        raise InvalidInput(
            "a public key must start with 'ed25519:'",
            field="public_key",
            hint="ask the partner for the output of `portintel node show`",
        )
    try:
        raw = base64.b64decode(cleaned[len(_PUBLIC_PREFIX) :], validate=True)
    except ValueError as exc:
        raise InvalidInput("the public key is not base64", field="public_key") from exc
    if len(raw) != 32:
        raise InvalidInput(
            f"an Ed25519 public key has 32 bytes, this one {len(raw)}", field="public_key"
        )
    return raw


def fingerprint(raw: bytes) -> str:
    """``SHA256:`` and the hex SHA-256 of the raw public key."""
    return "SHA256:" + hashlib.sha256(raw).hexdigest()


def _write_private(path: Path, content: bytes, *, replace: bool) -> None:
    """Write ``content`` to ``path`` with mode 0600, atomically; refuse to overwrite
    unless ``replace``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
            return
        try:
            os.link(temporary, path)
        except FileExistsError as exc:
            raise Conflict(f"{path} exists already") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _read_private(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            content = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UpstreamFailure(
            f"cannot read {path}: {exc.strerror or exc}",
            hint="run portintel as the user that owns the data directory",
        ) from exc
    if os.name == "posix" and status.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"{path} may be read by other users (mode {stat.S_IMODE(status.st_mode):04o})",
            hint=f"chmod 600 {path}",
        )
    return content


class NodeKeys:
    """The :class:`portintel.ports.NodeSigner` of a data directory."""

    def __init__(self, data_dir: Path) -> None:
        self._directory = keys_directory(data_dir)

    @property
    def initialised(self) -> bool:
        return (self._directory / PRIVATE_KEY_FILE).exists()

    def _prepare(self) -> None:
        try:
            for directory in (self._directory, self._directory / PUBLIC_DIRECTORY):
                directory.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.chmod(directory, 0o700)
        except OSError as exc:
            raise UpstreamFailure(
                f"cannot create {self._directory}: {exc.strerror or exc}",
                hint="the data directory must be writable by the node's user",
            ) from exc

    def _install(self, *, replace: bool) -> NodePublicKey:
        self._prepare()
        key = Ed25519PrivateKey.generate()
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # the public key first: a crash in between leaves a spare public key, never a
        # private key whose public half is missing
        public_path = self._directory / PUBLIC_DIRECTORY / f"{hashlib.sha256(raw).hexdigest()}.pub"
        _write_private(public_path, (encode_public_key(raw) + "\n").encode("ascii"), replace=True)
        _write_private(self._directory / PRIVATE_KEY_FILE, pem, replace=replace)
        return NodePublicKey(encode_public_key(raw), fingerprint(raw), current=True)

    def create(self) -> NodePublicKey:
        """Generate the node's first key pair; Conflict when it has one."""
        if self.initialised:
            raise Conflict(
                f"this node has a key already ({self._directory / PRIVATE_KEY_FILE})",
                hint="use `portintel node rotate-key` to replace it",
            )
        return self._install(replace=False)

    def rotate(self) -> NodePublicKey:
        """A new current key pair; the old public key stays for verification."""
        self._private()  # refuses a node without a key, or with an unreadable one
        return self._install(replace=True)

    def _private(self) -> Ed25519PrivateKey:
        path = self._directory / PRIVATE_KEY_FILE
        content = _read_private(path)
        if content is None:
            raise ConfigurationError(
                "this node has no key pair yet", hint="run `portintel node init` first"
            )
        try:
            key = serialization.load_pem_private_key(content, password=None)
        except ValueError as exc:
            raise ConfigurationError(
                f"{path} is not a private key",
                hint="restore it from your backup of the data directory",
            ) from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigurationError(f"{path} is not an Ed25519 private key")
        return key

    def _current_raw(self) -> bytes | None:
        if not self.initialised:
            return None
        return (
            self._private()
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )

    def public_keys(self) -> list[NodePublicKey]:
        current = self._current_raw()
        found: list[NodePublicKey] = []
        public = self._directory / PUBLIC_DIRECTORY
        paths = sorted(public.glob("*.pub"), key=lambda p: p.stat().st_mtime)
        for path in paths:
            raw = decode_public_key(path.read_text(encoding="ascii"))
            found.append(NodePublicKey(encode_public_key(raw), fingerprint(raw), raw == current))
        if current is not None and not any(key.current for key in found):
            found.append(NodePublicKey(encode_public_key(current), fingerprint(current), True))
        return sorted(found, key=lambda key: not key.current)

    def sign(self, data: bytes) -> tuple[str, bytes]:
        key = self._private()
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return fingerprint(raw), key.sign(data)

    def verify(self, data: bytes, signature: bytes, public_key: str) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(decode_public_key(public_key)).verify(
                signature, data
            )
        except (InvalidSignature, InvalidInput):
            return False
        return True


class CredentialVault:
    """The :class:`portintel.ports.CredentialSealer` of a data directory (AES-256-GCM).

    The key is HKDF-SHA256 of the node secret file (created on first use,
    mode 0600); each sealed value has its own random nonce and is bound to
    its context (the partner id), so a value copied to another row does not open.
    """

    def __init__(self, data_dir: Path) -> None:
        self._directory = keys_directory(data_dir)

    def _key(self) -> bytes:
        path = self._directory / SECRET_FILE
        content = _read_private(path)
        if content is None:
            NodeKeys(self._directory.parent)._prepare()
            with contextlib.suppress(Conflict):  # another process was first: theirs
                _write_private(path, (secrets.token_hex(32) + "\n").encode("ascii"), replace=False)
            content = _read_private(path)
        try:
            secret = bytes.fromhex((content or b"").decode("ascii").strip())
        except (UnicodeDecodeError, ValueError):
            secret = b""
        if len(secret) != 32:
            raise ConfigurationError(
                f"{path} is not a node secret (expected 64 hex characters)",
                hint="restore it from your backup of the data directory",
            )
        return HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=b"portintel partner credentials v1",
        ).derive(secret)

    def seal(self, secret: Secret, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self._key()).encrypt(
            nonce, secret.reveal().encode("utf-8"), context.encode("utf-8")
        )
        return _SEAL_VERSION + nonce + sealed

    def open(self, sealed: bytes, context: str) -> Secret:
        if not sealed.startswith(_SEAL_VERSION) or len(sealed) < 1 + _NONCE_BYTES + 16:
            raise ConfigurationError("a sealed credential is damaged")
        nonce, body = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
        try:
            plain = AESGCM(self._key()).decrypt(nonce, body, context.encode("utf-8"))
        except InvalidTag as exc:
            raise ConfigurationError(
                "a sealed credential does not open with this node's secret",
                hint="the node secret file was replaced: register the credential again",
            ) from exc
        return Secret(plain.decode("utf-8"))

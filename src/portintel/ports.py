"""Ports: what the services need from a store, as small typed protocols.

A service names the port; an adapter implements it; the workspace
(:mod:`portintel.services.workspace`) plugs one adapter into each port when
a node opens. Tests plug in an in-memory fake instead, so a service is tested
without a database, and the same contract test runs against the fake and the
real adapter on every backend.

::

    port (here)          adapter (portintel.adapters)                  used by
    -------------------  --------------------------------------------  -----------------------
    SessionStore         database.sessions.SqlSessionStore             services.admin.sessions
    StoreProbe           database.probe.SqlStoreProbe                  services.admin.health
    PasswordHasher       passwords.Argon2PasswordHasher                services.admin
    AttachmentStore      files.AttachmentStore (content-addressed)     services.intake
    TrackReader          trackstore.TrackStore (Parquet)               services.maritime
    NodeSigner           node_keys.NodeKeys (Ed25519 files)            services.sharing
    CredentialSealer     node_keys.CredentialVault (AES-GCM)           services.sharing
    TaxiiPeer            taxii_peer.HttpTaxiiPeer (TAXII 2.1, httpx)   services.sharing.sync

The module sits between the adapters and the domain: both the services and
the adapters may import it, and it imports only the domain (checked by the
import-linter contracts in ``pyproject.toml``). Records that cross a port are
frozen dataclasses declared here, so an adapter never needs a service type.

Reports, statements and entities are not behind a port of this module: they
are read through the scoped view the store renders as SQL (DESIGN, "Reading
through a scoped view"), and written by the services in one transaction with
their audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from portintel.domain.secret import Secret

if TYPE_CHECKING:  # only for annotations: importing the ports stays cheap
    import polars as pl

    from portintel.domain.maritime.schema import Dataset

__all__ = [
    "AttachmentStore",
    "CredentialSealer",
    "NodePublicKey",
    "NodeSigner",
    "ObjectPage",
    "PasswordHasher",
    "PeerCollection",
    "SessionRecord",
    "SessionStore",
    "StoreProbe",
    "StoredBlob",
    "TaxiiPeer",
    "TrackReader",
]


# --- web sessions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One browser session as stored: only the sha256 of its id, never the id itself."""

    id_hash: str
    user_id: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    second_factor_done: bool
    revoked_at: datetime | None = None


class SessionStore(Protocol):
    """Where sessions live. Times are timezone-aware UTC both ways."""

    def add(self, session: SessionRecord) -> None:
        """Store a new session (its ``id_hash`` is new)."""

    def get(self, id_hash: str) -> SessionRecord | None:
        """The session of ``id_hash`` as stored (revoked or expired included), or None."""

    def revoke(self, id_hash: str, at: datetime) -> bool:
        """Mark one live session revoked at ``at``; False when unknown or already revoked."""

    def revoke_user(self, user_id: str, at: datetime) -> int:
        """Revoke every live session of ``user_id``; how many were live."""


# --- the relational store, seen from operations -------------------------------------------


class StoreProbe(Protocol):
    """Whether the relational store answers, and where it is (for operators)."""

    def reachable(self) -> bool:
        """True when a trivial query succeeds now; never raises for an unreachable store."""

    def label(self) -> str:
        """Where the store is, safe to print and log (no password)."""


# --- passwords -----------------------------------------------------------------------------


class PasswordHasher(Protocol):
    """Hashes and checks passwords; the stored hash carries its own salt and parameters."""

    def hash(self, password: Secret) -> str: ...

    def verify(self, password_hash: str, password: Secret) -> bool:
        """True when ``password`` matches; a corrupt stored hash never matches."""

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with weaker parameters than today's."""

    def burn_verification_time(self, password: Secret) -> None:
        """Spend the time of one verification, so unknown usernames are not faster."""


# --- attachments ---------------------------------------------------------------------------


class StoredBlob(Protocol):
    """What the attachment store says about content it holds."""

    @property
    def sha256(self) -> str: ...

    @property
    def size(self) -> int: ...


class AttachmentStore(Protocol):
    """Attachment content addressed by its SHA-256; the same bytes are stored once."""

    def put(self, content: bytes) -> StoredBlob:
        """Store ``content`` (idempotent); InvalidInput when it exceeds the size limit."""

    def read(self, sha256: str) -> bytes:
        """The content of ``sha256``; NotFound when missing, UpstreamFailure when corrupt."""


# --- AIS tracks ----------------------------------------------------------------------------


class TrackReader(Protocol):
    """Reads the AIS datasets of :mod:`portintel.domain.maritime.schema`.

    Ingestion writes through the track store adapter itself (it owns the
    Parquet layout, the row keys and the manifest); everything else reads.
    """

    def scan(
        self,
        dataset: Dataset,
        *,
        days: str | date | tuple[str | date, str | date] | None = None,
        mmsi: int | Sequence[int] | None = None,
        track_id: str | Sequence[str] | None = None,
    ) -> pl.LazyFrame:
        """A lazy scan of ``dataset`` (empty, with the dataset's schema, when nothing is stored).

        ``days`` (one day or an inclusive range) and ``mmsi``/``track_id``
        prune what is read: day directories by path, vessels by statistics.
        """

    def count(self, dataset: Dataset) -> int: ...

    def reading(self) -> AbstractContextManager[None]:
        """Hold while collecting scans: compaction deletes no file meanwhile."""

    def days(self, dataset: Dataset) -> list[str]:
        """The days that hold rows, ``YYYY-MM-DD`` (and ``undated``), sorted."""


# --- the node's signing key and sealed partner credentials (sharing) -------------------


@dataclass(frozen=True, slots=True)
class NodePublicKey:
    """A public key of this node: current or retired (kept to verify what it signed)."""

    public_key: str
    """``ed25519:`` and the raw 32-byte key in base64."""
    fingerprint: str
    """``SHA256:`` and the hex SHA-256 of the raw key."""
    current: bool


class NodeSigner(Protocol):
    """The node's Ed25519 key pair. The private key never crosses this port."""

    def public_keys(self) -> list[NodePublicKey]:
        """Every public key of the node, current first; empty before ``portintel node init``."""

    def sign(self, data: bytes) -> tuple[str, bytes]:
        """``(fingerprint, signature)`` of ``data`` with the current key."""

    def verify(self, data: bytes, signature: bytes, public_key: str) -> bool:
        """Whether ``signature`` over ``data`` was made by the key ``public_key``."""


class CredentialSealer(Protocol):
    """Seals secrets (a partner's TAXII credential) with a key derived from the node secret."""

    def seal(self, secret: Secret, context: str) -> bytes:
        """Encrypt and authenticate ``secret``, bound to ``context`` (e.g. the partner id)."""

    def open(self, sealed: bytes, context: str) -> Secret:
        """The secret sealed for ``context``; ConfigurationError when it does not open."""


# --- a partner node's TAXII 2.1 server (sync) ------------------------------------------


@dataclass(frozen=True, slots=True)
class PeerCollection:
    """A collection a partner's TAXII server offers this node."""

    id: str
    title: str
    can_read: bool
    can_write: bool


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of a collection's objects, as the partner's server sent it."""

    objects: list[dict[str, object]]
    more: bool
    next: str | None
    """The server's opaque cursor for the page after this one (``None`` on the last)."""
    date_added_last: str | None
    """``X-TAXII-Date-Added-Last``: when the newest object of the page was added."""


class TaxiiPeer(Protocol):
    """A partner node's TAXII 2.1 server, as a client of it sees it.

    Every method raises ``UpstreamFailure`` for what retrying may cure (the
    server unreachable, a 5xx, a 429) after the adapter's own retries, and
    ``Refused`` for what it will not (401, 403, 404, a malformed answer).
    """

    def collections(self) -> list[PeerCollection]:
        """The collections of the server's default API root that this node may see."""

    def objects_page(
        self,
        collection_id: str,
        *,
        added_after: str | None,
        cursor: str | None,
        limit: int,
    ) -> ObjectPage:
        """A page of objects: after ``cursor`` if given, else added after ``added_after``."""

    def add_objects(self, collection_id: str, objects: Sequence[dict[str, object]]) -> str:
        """Post ``objects`` to the collection (push); the status id the server answered."""

"""Signed checkpoints of the audit chain's head, and the checks they allow.

Why: the hash chain (:mod:`portintel.domain.audit`) shows a row edited by
hand, but not a log *rewritten* by someone with write access to the
database: drop the last entries and rewrite the anchor, recompute every hash
after an edit, erase one user's entries and renumber, or delete the whole
log. Each of those leaves a chain that is internally valid.

A checkpoint records the head of the chain at one moment (the newest
``seq``, its hash, the number of entries, the time) and is signed with
HMAC-SHA256 under the node key, a secret kept in a file outside the
database. Checkpoints are stored in the database and appended to a witness
file kept away from the node. A rewritten log can no longer agree with an
earlier checkpoint: the entry a checkpoint names is gone (truncation,
erasure) or carries another hash (recomputed chain, renumbering). Since each
hash covers every entry before it, one matching checkpoint vouches for the
whole prefix of the log up to its entry. Without the key, nobody can sign a
checkpoint that would agree with a rewritten log.

What a checkpoint cannot show: entries appended after the newest
checkpoint and then removed. How often checkpoints are taken bounds that
window.

Everything here is pure (``hmac`` and ``hashlib`` are computation, not I/O).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from portintel.domain.audit import GENESIS_HASH, BreakKind, ChainBreak, ChainHead, format_time

KEY_BYTES = 32
"""Length of the node key (HMAC-SHA256 takes a key of the hash's size)."""

_SIGNING_CONTEXT = b"portintel audit checkpoint v1"
_KEY_ID_CONTEXT = b"portintel audit key id v1"


def _derived(key: bytes, context: bytes) -> bytes:
    """A key for one purpose only, so the node key can serve others later."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"the node key must be {KEY_BYTES} bytes, not {len(key)}")
    return hmac.new(key, context, hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """A short public name of the key: tells which key signed a checkpoint."""
    return _derived(key, _KEY_ID_CONTEXT).hex()[:16]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head at ``at``, signed: ``seq`` and ``hash`` of the newest entry.

    An empty log has ``seq`` 0 and the genesis hash.
    """

    node: str
    seq: int
    hash: str
    entries: int
    at: datetime
    key_id: str
    signature: str

    def payload(self) -> bytes:
        """The signed text: canonical JSON of every field but the signature."""
        document = {
            "node": self.node,
            "seq": self.seq,
            "hash": self.hash,
            "entries": self.entries,
            "at": format_time(self.at),
            "key_id": self.key_id,
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def to_json(self) -> str:
        """One line of a witness file."""
        document = json.loads(self.payload())
        document["signature"] = self.signature
        return json.dumps(document, sort_keys=True, separators=(",", ":"))


def sign_checkpoint(
    key: bytes, *, node: str, head: ChainHead | None, entries: int, at: datetime
) -> Checkpoint:
    """A checkpoint of ``head`` (``None`` for an empty log) signed with ``key``."""
    if at.tzinfo is None:
        raise ValueError("a checkpoint's time must be timezone-aware")
    unsigned = Checkpoint(
        node=node,
        seq=0 if head is None else head.seq,
        hash=GENESIS_HASH if head is None else head.hash,
        entries=entries,
        at=at.astimezone(UTC),
        key_id=key_id(key),
        signature="",
    )
    return Checkpoint(
        node=unsigned.node,
        seq=unsigned.seq,
        hash=unsigned.hash,
        entries=unsigned.entries,
        at=unsigned.at,
        key_id=unsigned.key_id,
        signature=_signature(key, unsigned),
    )


def _signature(key: bytes, checkpoint: Checkpoint) -> str:
    return hmac.new(
        _derived(key, _SIGNING_CONTEXT), checkpoint.payload(), hashlib.sha256
    ).hexdigest()


def signature_valid(key: bytes, checkpoint: Checkpoint) -> bool:
    """Whether ``checkpoint`` was signed with ``key`` and not changed since."""
    return hmac.compare_digest(_signature(key, checkpoint), checkpoint.signature)


def parse_checkpoint(document: Mapping[str, object]) -> Checkpoint:
    """A checkpoint from one witness line's JSON; ``ValueError`` names what is wrong."""
    try:
        at = datetime.fromisoformat(str(document["at"]).replace("Z", "+00:00"))
        checkpoint = Checkpoint(
            node=str(document["node"]),
            seq=_whole(document["seq"], "seq"),
            hash=str(document["hash"]),
            entries=_whole(document["entries"], "entries"),
            at=at if at.tzinfo else at.replace(tzinfo=UTC),
            key_id=str(document["key_id"]),
            signature=str(document["signature"]),
        )
    except KeyError as exc:
        raise ValueError(f"field {exc.args[0]!r} is missing") from exc
    return checkpoint


def _whole(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{field} must be a whole number, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class WitnessedCheckpoint:
    """A checkpoint and where it was read from (``"database"`` or ``"FILE line N"``)."""

    checkpoint: Checkpoint
    origin: str


def checkpoint_break(
    key: bytes | None,
    witnessed: WitnessedCheckpoint,
    *,
    hash_at: Mapping[int, str],
    last_seq: int,
) -> ChainBreak | None:
    """What is wrong with the log (or the checkpoint) by this checkpoint, if anything.

    ``hash_at`` maps the ``seq`` of every checkpointed entry still in the log
    to its stored hash; ``last_seq`` is the newest ``seq`` in the log. The
    chain itself must already have verified: then every entry up to
    ``last_seq`` is present and linked.
    """
    checkpoint, origin = witnessed.checkpoint, witnessed.origin
    when = f"the checkpoint of {format_time(checkpoint.at)} ({origin})"
    if key is None:
        return ChainBreak(
            None,
            BreakKind.UNVERIFIABLE,
            f"{when} cannot be checked: the node key is missing",
        )
    if checkpoint.key_id != key_id(key) or not signature_valid(key, checkpoint):
        return ChainBreak(
            None,
            BreakKind.FORGED,
            f"{when} is not signed by this node's key: it was forged, altered "
            "or made by another node",
        )
    if checkpoint.seq > last_seq:
        held = "the log is empty" if last_seq == 0 else f"the log ends at entry {last_seq}"
        return ChainBreak(
            last_seq + 1,
            BreakKind.REMOVED,
            f"{when} names entry {checkpoint.seq} of {checkpoint.entries} entries but "
            f"{held}: entries were removed",
        )
    if checkpoint.seq == 0:
        return None
    if hash_at.get(checkpoint.seq) != checkpoint.hash:
        return ChainBreak(
            checkpoint.seq,
            BreakKind.REWRITTEN,
            f"entry {checkpoint.seq} differs from {when}: the log was rewritten at or "
            f"before entry {checkpoint.seq} and its hashes recomputed",
        )
    return None


def first_checkpoint_break(
    key: bytes | None,
    checkpoints: Iterable[WitnessedCheckpoint],
    *,
    hash_at: Mapping[int, str],
    last_seq: int,
) -> tuple[int, ChainBreak | None]:
    """How many checkpoints were checked, and the most telling break among them.

    A forged or uncheckable checkpoint comes first (it says the witness itself
    cannot be trusted); then the break at the lowest entry.
    """
    breaks: list[ChainBreak] = []
    checked = 0
    for witnessed in checkpoints:
        checked += 1
        found = checkpoint_break(key, witnessed, hash_at=hash_at, last_seq=last_seq)
        if found is not None:
            breaks.append(found)
    if not breaks:
        return checked, None
    return checked, min(breaks, key=lambda found: (found.seq is not None, found.seq or 0))

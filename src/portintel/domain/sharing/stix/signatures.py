"""One Ed25519 signature per STIX object: sign on sending, check on receiving.

A TAXII server serves a collection's objects one page at a time, so a
receiver holds objects, not the bundle the package signature covers. Each
object therefore carries its own signature in the portintel signature
property extension (``extensions.yaml``, key ``signature``)::

    "extensions": {"extension-definition--a19b850c-...": {
        "extension_type": "property-extension",
        "algorithm": "ed25519",
        "fingerprint": "SHA256:<hex of the signer's raw public key>",
        "signature": "<base64 of 64 bytes>"}}

The signed bytes (:func:`signed_text`) are the object's JSON **without** that
extension (and without an ``extensions`` property the removal leaves empty),
keys sorted, no spaces, UTF-8: the same canonical form as ``bundle_text``.
Ed25519 is deterministic, so a re-sent object is byte for byte the same.

Two kinds of object are not signed (:func:`unsigned_objects`), both fixed
vocabulary that a receiver recognises by id against its own copy and never
imports: the official TLP 2.0 marking definitions (OASIS publishes them and
every node sends them unchanged) and portintel's extension definitions
(STIX 2.1 gives an extension-definition no ``extensions`` property, and
``stix2-validator`` strict refuses one).

Keys and the cryptography stay behind the caller's functions (the node's
signer and a verify function from ``portintel.adapters.node_keys``): this
module only decides what is signed and what a check concludes.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from portintel.domain.sharing.stix.vocabulary import StixVocabulary

Json = dict[str, object]
ALGORITHM = "ed25519"

Sign = Callable[[bytes], tuple[str, bytes]]
"""The node's signer: bytes in, (key fingerprint, 64-byte signature) out."""

Verify = Callable[[bytes, bytes, str], bool]
"""(data, signature, public key ``ed25519:<base64>``) -> whether the signature holds."""


class SignatureProblem(StrEnum):
    """Why an object's signature does not hold; each is a reason to quarantine it."""

    MISSING = "missing"
    MALFORMED = "malformed"
    UNKNOWN_KEY = "unknown-key"
    MISMATCH = "mismatch"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The outcome of checking one object: valid, or a problem and its reason."""

    fingerprint: str | None
    signer: str | None = None
    """Whose key it is (the name the caller gave the key) when known."""
    problem: SignatureProblem | None = None
    reason: str | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


def _without(obj: Mapping[str, object], extension_id: str) -> Json:
    body = dict(obj)
    extensions = body.get("extensions")
    if isinstance(extensions, Mapping) and extension_id in extensions:
        rest = {key: value for key, value in extensions.items() if key != extension_id}
        if rest:
            body["extensions"] = rest
        else:
            del body["extensions"]
    return body


def signed_text(obj: Mapping[str, object], extension_id: str) -> str:
    """The canonical text an object's signature covers (the signature extension removed)."""
    return json.dumps(
        _without(obj, extension_id), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def unsigned_objects(vocabulary: StixVocabulary) -> frozenset[str]:
    """Ids of the fixed vocabulary objects that travel unsigned (module docstring)."""
    return frozenset(marking.id for marking in vocabulary.tlp.values()) | frozenset(
        definition.id for definition in vocabulary.extensions.values()
    )


def sign_object(obj: Mapping[str, object], extension_id: str, sign: Sign) -> Json:
    """A copy of ``obj`` carrying its signature extension (a previous one is replaced)."""
    body = _without(obj, extension_id)
    fingerprint, signature = sign(signed_text(body, extension_id).encode("utf-8"))
    extensions = body.get("extensions")
    merged = dict(extensions) if isinstance(extensions, Mapping) else {}
    merged[extension_id] = {
        "extension_type": "property-extension",
        "algorithm": ALGORITHM,
        "fingerprint": fingerprint,
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return body | {"extensions": merged}


def sign_objects(
    objects: Iterable[Mapping[str, object]],
    extension_id: str,
    sign: Sign,
    *,
    unsigned: frozenset[str] = frozenset(),
) -> list[Json]:
    """Every object signed, except those whose id is in ``unsigned`` (:func:`unsigned_objects`)."""
    return [
        dict(obj) if obj.get("id") in unsigned else sign_object(obj, extension_id, sign)
        for obj in objects
    ]


def check_signature(
    obj: Mapping[str, object],
    extension_id: str,
    keys: Mapping[str, tuple[str, str]],
    verify: Verify,
) -> SignatureCheck:
    """Whether ``obj`` is signed by one of ``keys`` (fingerprint -> (signer, public key)).

    Never raises on a hostile object: every problem is a :class:`SignatureCheck`
    with its reason, for the receiver to quarantine the object with.
    """
    where = str(obj.get("id", "an object without id"))
    extensions = obj.get("extensions")
    data = extensions.get(extension_id) if isinstance(extensions, Mapping) else None
    if data is None:
        return SignatureCheck(None, None, SignatureProblem.MISSING, f"{where} is not signed")
    if not isinstance(data, Mapping) or data.get("algorithm") != ALGORITHM:
        return SignatureCheck(
            None,
            None,
            SignatureProblem.MALFORMED,
            f"{where}: the signature is not an Ed25519 signature extension",
        )
    fingerprint = data.get("fingerprint")
    value = data.get("signature")
    if not isinstance(fingerprint, str) or not isinstance(value, str):
        return SignatureCheck(
            None,
            None,
            SignatureProblem.MALFORMED,
            f"{where}: the signature has no fingerprint or no value",
        )
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return SignatureCheck(
            fingerprint,
            None,
            SignatureProblem.MALFORMED,
            f"{where}: the signature is not base64",
        )
    known = keys.get(fingerprint)
    if known is None:
        return SignatureCheck(
            fingerprint,
            None,
            SignatureProblem.UNKNOWN_KEY,
            f"{where} is signed by an unknown key {fingerprint}",
        )
    signer, public_key = known
    if not verify(signed_text(obj, extension_id).encode("utf-8"), raw, public_key):
        return SignatureCheck(
            fingerprint,
            signer,
            SignatureProblem.MISMATCH,
            f"{where}: the signature does not match the object (key of {signer}): "
            "it was altered or damaged",
        )
    return SignatureCheck(fingerprint, signer)

"""Per-object signatures: sign, verify, and every way a check can fail, with its reason.

Keys are real Ed25519 keys from ``cryptography`` (the domain takes the sign
and verify functions, so no file or adapter is needed); the signed bundle
is checked by ``stix2-validator`` strict like every bundle.
"""

from __future__ import annotations

import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st

from portintel.adapters.node_keys import decode_public_key, encode_public_key, fingerprint
from portintel.adapters.vocabularies import load_stix_vocabulary
from portintel.domain.grading import GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.sharing.stix import build_bundle
from portintel.domain.sharing.stix.records import Selection
from portintel.domain.sharing.stix.signatures import (
    SignatureProblem,
    check_signature,
    sign_object,
    sign_objects,
    signed_text,
    unsigned_objects,
)
from portintel.domain.sharing.stix.vocabulary import StixVocabulary
from tests.domain.sharing.stix.conftest import validation_problems

EXTENSION = load_stix_vocabulary().extension("signature").id


def VERIFY(data: bytes, signature: bytes, public_key: str) -> bool:
    """What the node's key adapter does: Ed25519 verification of ``ed25519:<base64>``."""
    try:
        Ed25519PublicKey.from_public_bytes(decode_public_key(public_key)).verify(signature, data)
    except InvalidSignature:
        return False
    return True


class Key:
    """An Ed25519 key pair with the node's fingerprint and public key form."""

    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public = encode_public_key(raw)
        self.fingerprint = fingerprint(raw)

    def sign(self, data: bytes) -> tuple[str, bytes]:
        return self.fingerprint, self.private.sign(data)

    def known(self, name: str = "KH-PIU-SHV") -> dict[str, tuple[str, str]]:
        return {self.fingerprint: (name, self.public)}


KEY = Key()
REPORT = {
    "type": "report",
    "spec_version": "2.1",
    "id": "report--0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
    "name": "Boat loading at night",
    "extensions": {"extension-definition--1a391ad9-2d12-4466-9d50-2952b91437fc": {"scheme": "x"}},
}


def test_a_signed_object_verifies_and_keeps_its_other_extensions() -> None:
    signed = sign_object(REPORT, EXTENSION, KEY.sign)
    assert set(signed["extensions"]) == {*REPORT["extensions"], EXTENSION}  # type: ignore[arg-type]
    check = check_signature(signed, EXTENSION, KEY.known(), VERIFY)
    assert check.valid and check.signer == "KH-PIU-SHV" and check.fingerprint == KEY.fingerprint
    # the signed text is the object without the signature, keys sorted, no spaces
    assert signed_text(signed, EXTENSION) == json.dumps(
        REPORT, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    # Ed25519 is deterministic: the same object signs to the same bytes
    assert sign_object(REPORT, EXTENSION, KEY.sign) == signed


def test_every_failure_has_its_problem_and_reason() -> None:
    signed = sign_object(REPORT, EXTENSION, KEY.sign)
    altered = signed | {"name": "Boat loading at noon"}
    check = check_signature(altered, EXTENSION, KEY.known(), VERIFY)
    assert check.problem is SignatureProblem.MISMATCH and "altered" in str(check.reason)

    stranger = Key()
    check = check_signature(sign_object(REPORT, EXTENSION, stranger.sign), EXTENSION,
                            KEY.known(), VERIFY)  # fmt: skip
    assert check.problem is SignatureProblem.UNKNOWN_KEY and stranger.fingerprint in str(
        check.reason
    )

    check = check_signature(REPORT, EXTENSION, KEY.known(), VERIFY)
    assert check.problem is SignatureProblem.MISSING and "not signed" in str(check.reason)

    broken = json.loads(json.dumps(signed))
    broken["extensions"][EXTENSION]["signature"] = "***"
    assert check_signature(broken, EXTENSION, KEY.known(), VERIFY).problem is (
        SignatureProblem.MALFORMED
    )
    broken["extensions"][EXTENSION] = "not a mapping"
    assert check_signature(broken, EXTENSION, KEY.known(), VERIFY).problem is (
        SignatureProblem.MALFORMED
    )
    # a signature moved to another object does not verify there
    other = sign_object(REPORT | {"id": REPORT["id"][:-1] + "0"}, EXTENSION, KEY.sign)
    moved = dict(signed) | {"extensions": other["extensions"]}
    assert not check_signature(moved, EXTENSION, KEY.known(), VERIFY).valid


def test_a_signed_bundle_is_strict_valid_and_vocabulary_travels_unsigned(
    selection: Selection,
    vocabulary: StixVocabulary,
    schemes: GradingSchemes,
    handling: HandlingVocabularies,
) -> None:
    bundle = build_bundle(selection, vocabulary, schemes, handling)
    unsigned = unsigned_objects(vocabulary)
    bundle["objects"] = sign_objects(bundle["objects"], EXTENSION, KEY.sign, unsigned=unsigned)  # type: ignore[arg-type]
    assert validation_problems(bundle) == []
    for obj in bundle["objects"]:  # type: ignore[attr-defined]
        check = check_signature(obj, EXTENSION, KEY.known(), VERIFY)
        assert check.valid == (obj["id"] not in unsigned), obj["id"]
    kinds = {obj["type"] for obj in bundle["objects"] if obj["id"] in unsigned}  # type: ignore[attr-defined]
    assert kinds == {"marking-definition", "extension-definition"}


scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none())
objects = st.dictionaries(
    st.text(min_size=1, max_size=8).filter(lambda key: key != "extensions"),
    st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6),
    max_size=6,
)


@given(obj=objects, key=st.text(min_size=1, max_size=8), value=scalars)
def test_any_change_to_a_signed_object_breaks_its_signature(
    obj: dict[str, object], key: str, value: object
) -> None:
    signed = sign_object(obj, EXTENSION, KEY.sign)
    assert check_signature(signed, EXTENSION, KEY.known(), VERIFY).valid
    if key == "extensions":
        return
    changed = dict(signed) | {key: value}
    same = key in obj and obj[key] == value and type(obj[key]) is type(value)
    assert check_signature(changed, EXTENSION, KEY.known(), VERIFY).valid == same

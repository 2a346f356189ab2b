"""Node identity, partners and agreements: keys on disk, sealed credentials, audit."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.adapters.node_keys import CredentialVault, NodeKeys, keys_directory
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.secret import Secret
from portintel.domain.sharing import Category, Delivery
from portintel.errors import ConfigurationError, Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import sharing
from portintel.services.workspace import Workspace

ANALYST = Actor("U-9", "ana", "immigration", frozenset({Role.ANALYST}))
CREDENTIAL = "taxii-password-zq81"


def _mode(path: os.PathLike[str]) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _actions(ws: Workspace) -> list[str]:
    with ws.engine.connect() as connection:
        return list(connection.execute(select(tables.audit_log.c.action)).scalars())


def test_init_creates_a_private_key_only_the_node_user_reads(workspace: Workspace) -> None:
    identity = sharing.init_node(workspace, SYSTEM)
    directory = keys_directory(workspace.settings.data_dir)
    assert _mode(directory) == 0o700
    assert _mode(directory / "private.pem") == 0o600
    assert identity.name == "KH-PIU-SHV" and identity.kind == "PIU"
    assert identity.current is not None
    assert identity.current.fingerprint.startswith("SHA256:")
    assert "PRIVATE" not in repr(identity)
    assert "node.key_created" in _actions(workspace)
    with pytest.raises(Conflict):
        sharing.init_node(workspace, SYSTEM)


def test_rotation_keeps_the_old_public_key_to_verify_old_signatures(workspace: Workspace) -> None:
    signer = sharing.node_signer(workspace)
    first = sharing.init_node(workspace, SYSTEM).current
    assert first is not None
    fingerprint, signature = signer.sign(b"bundle")
    assert fingerprint == first.fingerprint
    rotated = sharing.rotate_node_key(workspace, SYSTEM)
    assert rotated.current is not None and rotated.current.fingerprint != first.fingerprint
    retired = [key for key in rotated.keys if not key.current]
    assert [key.fingerprint for key in retired] == [first.fingerprint]
    assert signer.verify(b"bundle", signature, retired[0].public_key)
    assert not signer.verify(b"tampered", signature, retired[0].public_key)
    assert not signer.verify(b"bundle", signature, rotated.current.public_key)
    assert "node.key_rotated" in _actions(workspace)


def test_a_key_readable_by_others_is_refused(workspace: Workspace) -> None:
    sharing.init_node(workspace, SYSTEM)
    private = keys_directory(workspace.settings.data_dir) / "private.pem"
    os.chmod(private, 0o644)
    with pytest.raises(ConfigurationError, match="read by other users"):
        NodeKeys(workspace.settings.data_dir).sign(b"x")


def test_only_administrators_manage_the_node_and_partners(workspace: Workspace) -> None:
    with pytest.raises(PermissionDenied):
        sharing.init_node(workspace, ANALYST)
    with pytest.raises(PermissionDenied):
        sharing.add_partner(workspace, ANALYST, name="TH-PIU-RNG", kind="PIU", country="TH")


def test_a_partner_credential_is_sealed_and_never_shown(workspace: Workspace) -> None:
    sharing.init_node(workspace, SYSTEM)
    other = NodeKeys(workspace.settings.data_dir / "elsewhere")
    key = other.create()
    partner = sharing.add_partner(
        workspace,
        SYSTEM,
        name="th-piu-rng",
        kind="PIU",
        country="th",
        taxii_url="https://taxii.rng.example/api/",
        public_key=key.public_key,
        expected_fingerprint=key.fingerprint,
        credential=Secret(CREDENTIAL),
    )
    assert partner.name == "TH-PIU-RNG" and partner.credential_set
    assert partner.fingerprint == key.fingerprint
    assert CREDENTIAL not in repr(partner)
    with workspace.engine.connect() as connection:
        sealed = connection.execute(select(tables.partners.c.credential_sealed)).scalar_one()
        audit_text = " ".join(connection.execute(select(tables.audit_log.c.detail)).scalars())
    assert CREDENTIAL.encode() not in sealed
    assert CREDENTIAL not in audit_text
    secret_file = keys_directory(workspace.settings.data_dir) / "secret"
    assert _mode(secret_file) == 0o600
    opened = sharing.partner_credential(workspace, partner.id)
    assert opened is not None and opened.reveal() == CREDENTIAL
    # a sealed value is bound to its partner: copied to another row it does not open
    with pytest.raises(ConfigurationError):
        CredentialVault(workspace.settings.data_dir).open(sealed, "partner-other")
    assert [p.name for p in sharing.list_partners(workspace, SYSTEM)] == ["TH-PIU-RNG"]
    assert "partner.add" in _actions(workspace)


def test_a_wrong_fingerprint_or_bad_input_is_refused_with_the_field(workspace: Workspace) -> None:
    key = NodeKeys(workspace.settings.data_dir / "elsewhere").create()
    with pytest.raises(InvalidInput, match="fingerprint") as caught:
        sharing.add_partner(
            workspace,
            SYSTEM,
            name="ID-PIU-BLW",
            kind="PIU",
            country="ID",
            public_key=key.public_key,
            expected_fingerprint="SHA256:00",
        )
    assert caught.value.field == "fingerprint"
    with pytest.raises(InvalidInput) as kind:
        sharing.add_partner(workspace, SYSTEM, name="ID-PIU-BLW", kind="embassy", country="ID")
    assert kind.value.field == "kind"
    with pytest.raises(InvalidInput) as url:
        sharing.add_partner(
            workspace, SYSTEM, name="ID-PIU-BLW", kind="PIU", country="ID", taxii_url="ftp://x"
        )
    assert url.value.field == "taxii_url"
    sharing.add_partner(workspace, SYSTEM, name="ID-PIU-BLW", kind="PIU", country="ID")
    with pytest.raises(Conflict):
        sharing.add_partner(workspace, SYSTEM, name="id-piu-blw", kind="PIU", country="ID")


def test_agreements_are_validated_and_the_latest_is_in_force(workspace: Workspace) -> None:
    sharing.add_partner(workspace, SYSTEM, name="KH-CAU", kind="CAU", country="KH")
    with pytest.raises(InvalidInput) as unknown:
        sharing.add_agreement(
            workspace,
            SYSTEM,
            "KH-CAU",
            handling_codes=["europol:H9"],
            tlp_levels=["GREEN"],
            categories=["reports"],
        )
    assert unknown.value.field == "handling"
    first = sharing.add_agreement(
        workspace,
        SYSTEM,
        "kh-cau",
        handling_codes=["P", "europol:h1"],
        tlp_levels=["tlp:green", "AMBER"],
        categories=["reports", "entities"],
    )
    assert first.handling_codes == {"uk-3x5x2:P", "europol:H1"}
    assert first.tlp_levels == {"GREEN", "AMBER"}
    second = sharing.add_agreement(
        workspace,
        SYSTEM,
        "KH-CAU",
        handling_codes=["uk-3x5x2:C"],
        tlp_levels=["AMBER+STRICT"],
        categories=["entities"],
        personal_data=True,
        delivery="push",
        expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )
    partner = sharing.get_partner(workspace, SYSTEM, "KH-CAU")
    current = sharing.current_agreement(workspace, partner.id)
    assert current == second
    assert current is not None and current.delivery is Delivery.PUSH
    assert current.categories == {Category.ENTITIES}
    assert [a.id for a in sharing.list_agreements(workspace, SYSTEM, "KH-CAU")] == [
        second.id,
        first.id,
    ]
    assert sharing.get_agreement(workspace, SYSTEM, first.id) == first
    with pytest.raises(NotFound):
        sharing.get_agreement(workspace, SYSTEM, "agreement-none")
    assert _actions(workspace).count("agreement.add") == 2


def test_an_edit_without_a_public_key_keeps_the_registered_one(workspace: Workspace) -> None:
    first = NodeKeys(workspace.settings.data_dir / "elsewhere").create()
    sharing.add_partner(
        workspace,
        SYSTEM,
        name="KH-CAU",
        kind="CAU",
        country="KH",
        public_key=first.public_key,
        expected_fingerprint=first.fingerprint,
    )
    kept = sharing.update_partner(
        workspace, SYSTEM, "KH-CAU", kind="CAU", country="KH", public_key=None
    )
    assert (kept.public_key, kept.fingerprint) == (first.public_key, first.fingerprint)
    with pytest.raises(InvalidInput, match="registered key") as caught:
        sharing.update_partner(
            workspace,
            SYSTEM,
            "KH-CAU",
            kind="CAU",
            country="KH",
            expected_fingerprint="SHA256:00",
        )
    assert caught.value.field == "fingerprint"
    # a new key replaces it, and the old one is kept to verify what it signed before
    second = NodeKeys(workspace.settings.data_dir / "rotated").create()
    replaced = sharing.update_partner(
        workspace, SYSTEM, "KH-CAU", kind="CAU", country="KH", public_key=second.public_key
    )
    assert replaced.fingerprint == second.fingerprint
    with workspace.engine.connect() as connection:
        retired = list(connection.execute(select(tables.partner_keys.c.fingerprint)).scalars())
    assert retired == [first.fingerprint]

"""Sharing with partner nodes: identity, partners, agreements and the dry run.

The public face of the capability; other packages and the faces import from here.
"""

from portintel.services.sharing.node import (
    NodeIdentity,
    init_node,
    node_identity,
    node_signer,
    rotate_node_key,
)
from portintel.services.sharing.partners import (
    add_agreement,
    add_partner,
    current_agreement,
    get_agreement,
    get_partner,
    list_agreements,
    list_partners,
    partner_credential,
)
from portintel.services.sharing.preview import PreviewItem, SharePreview, preview_share

__all__ = [
    "NodeIdentity",
    "PreviewItem",
    "SharePreview",
    "add_agreement",
    "add_partner",
    "current_agreement",
    "get_agreement",
    "get_partner",
    "init_node",
    "list_agreements",
    "list_partners",
    "node_identity",
    "node_signer",
    "partner_credential",
    "preview_share",
    "rotate_node_key",
]

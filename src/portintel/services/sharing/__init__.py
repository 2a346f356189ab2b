"""Sharing with partner nodes: identity, partners, agreements, the dry run and dissemination.

The public face of the capability; other packages and the faces import from here.
"""

from portintel.services.sharing.dissemination import (
    DisseminationStatus,
    DisseminationView,
    PackageView,
    Recipient,
    acknowledge_package,
    approve_dissemination,
    get_dissemination,
    list_disseminations,
    package_file,
    record_feedback,
    report_recipients,
    request_dissemination,
    verify_package,
)
from portintel.services.sharing.node import (
    NodeIdentity,
    init_node,
    node_identity,
    node_signer,
    rotate_node_key,
)
from portintel.services.sharing.packages import Verified
from portintel.services.sharing.partner_tokens import (
    IssuedPartnerToken,
    PartnerReader,
    PartnerTokenView,
    authenticate_partner,
    issue_partner_token,
    list_partner_tokens,
    revoke_partner_token,
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
from portintel.services.sharing.publishing import publish_objects, publish_package
from portintel.services.sharing.taxii import (
    CollectionView,
    ObjectRecord,
    Page,
    Publication,
    get_collection,
    list_collections,
    publication_status,
    read_objects,
)

__all__ = [
    "CollectionView",
    "DisseminationStatus",
    "DisseminationView",
    "IssuedPartnerToken",
    "NodeIdentity",
    "ObjectRecord",
    "PackageView",
    "Page",
    "PartnerReader",
    "PartnerTokenView",
    "PreviewItem",
    "Publication",
    "Recipient",
    "SharePreview",
    "Verified",
    "acknowledge_package",
    "add_agreement",
    "add_partner",
    "approve_dissemination",
    "authenticate_partner",
    "current_agreement",
    "get_agreement",
    "get_collection",
    "get_dissemination",
    "get_partner",
    "init_node",
    "issue_partner_token",
    "list_agreements",
    "list_collections",
    "list_disseminations",
    "list_partner_tokens",
    "list_partners",
    "node_identity",
    "node_signer",
    "package_file",
    "partner_credential",
    "preview_share",
    "publication_status",
    "publish_objects",
    "publish_package",
    "read_objects",
    "record_feedback",
    "report_recipients",
    "request_dissemination",
    "revoke_partner_token",
    "rotate_node_key",
    "verify_package",
]

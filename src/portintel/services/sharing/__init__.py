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
    get_package,
    list_disseminations,
    package_file,
    record_feedback,
    report_recipients,
    request_dissemination,
    verify_package,
)
from portintel.services.sharing.misp_export import package_misp_event
from portintel.services.sharing.node import (
    NodeIdentity,
    init_node,
    node_identity,
    node_signer,
    rotate_node_key,
)
from portintel.services.sharing.packages import Verified
from portintel.services.sharing.partner_changes import expire_agreement, update_partner
from portintel.services.sharing.partners import (
    add_agreement,
    add_partner,
    current_agreement,
    get_agreement,
    get_partner,
    list_agreements,
    list_partners,
    partner_credential,
    partners_to_share_with,
)
from portintel.services.sharing.preview import PreviewItem, SharePreview, preview_share

__all__ = [
    "DisseminationStatus",
    "DisseminationView",
    "NodeIdentity",
    "PackageView",
    "PreviewItem",
    "Recipient",
    "SharePreview",
    "Verified",
    "acknowledge_package",
    "add_agreement",
    "add_partner",
    "approve_dissemination",
    "current_agreement",
    "expire_agreement",
    "get_agreement",
    "get_dissemination",
    "get_package",
    "get_partner",
    "init_node",
    "list_agreements",
    "list_disseminations",
    "list_partners",
    "node_identity",
    "node_signer",
    "package_file",
    "package_misp_event",
    "partner_credential",
    "partners_to_share_with",
    "preview_share",
    "record_feedback",
    "report_recipients",
    "request_dissemination",
    "rotate_node_key",
    "update_partner",
    "verify_package",
]

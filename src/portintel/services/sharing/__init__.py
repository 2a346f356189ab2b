"""Sharing with partner nodes: identity, partners, agreements, the dry run, dissemination,
and receiving (verify, quarantine, import) with the inbox.

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
from portintel.services.sharing.inbox import (
    Inbox,
    InboxReport,
    QuarantinedObject,
    ReceiptSummary,
    read_inbox,
)
from portintel.services.sharing.node import (
    NodeIdentity,
    init_node,
    node_identity,
    node_signer,
    rotate_node_key,
)
from portintel.services.sharing.packages import Verified
from portintel.services.sharing.partner_keys import replace_partner_key
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
from portintel.services.sharing.receiving import (
    Outcome,
    Receipt,
    ReceivedItem,
    import_package,
    may_receive,
    receive_objects,
)

__all__ = [
    "DisseminationStatus",
    "DisseminationView",
    "Inbox",
    "InboxReport",
    "NodeIdentity",
    "Outcome",
    "PackageView",
    "PreviewItem",
    "QuarantinedObject",
    "Receipt",
    "ReceiptSummary",
    "ReceivedItem",
    "Recipient",
    "SharePreview",
    "Verified",
    "acknowledge_package",
    "add_agreement",
    "add_partner",
    "approve_dissemination",
    "current_agreement",
    "get_agreement",
    "get_dissemination",
    "get_partner",
    "import_package",
    "init_node",
    "list_agreements",
    "list_disseminations",
    "list_partners",
    "may_receive",
    "node_identity",
    "node_signer",
    "package_file",
    "partner_credential",
    "preview_share",
    "read_inbox",
    "receive_objects",
    "record_feedback",
    "replace_partner_key",
    "report_recipients",
    "request_dissemination",
    "rotate_node_key",
    "verify_package",
]

"""The audit log: append, read, verify, checkpoint; refused reads recorded.

The public face of the capability; other packages and the faces import from here.
"""

from portintel.services.audit.checkpoints import checkpoint_audit
from portintel.services.audit.denials import audits_denial, flush_denials, record_denial
from portintel.services.audit.listing import AuditEntryView, AuditFilters, list_entries
from portintel.services.audit.log import count_entries, read_anchor, record
from portintel.services.audit.verification import AuditVerification, verify

__all__ = [
    "AuditEntryView",
    "AuditFilters",
    "AuditVerification",
    "audits_denial",
    "checkpoint_audit",
    "count_entries",
    "flush_denials",
    "list_entries",
    "read_anchor",
    "record",
    "record_denial",
    "verify",
]

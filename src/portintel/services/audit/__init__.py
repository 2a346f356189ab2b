"""The audit log: append, verify, read.

The public face of the capability; other packages and the faces import from here.
"""

from portintel.services.audit.log import (
    AuditEntryView,
    AuditFilters,
    AuditVerification,
    count_entries,
    list_entries,
    read_anchor,
    record,
    verify,
)

__all__ = [
    "AuditEntryView",
    "AuditFilters",
    "AuditVerification",
    "count_entries",
    "list_entries",
    "read_anchor",
    "record",
    "verify",
]
